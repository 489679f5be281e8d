package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// buyerProfileForm is the buyer profile form.
type buyerProfileForm struct {
	SubjectType string `form:"subject_type" validate:"required,oneof=enterprise personal"`
	DisplayName string `form:"display_name" validate:"required,max=100"`
	Mobile      string `form:"mobile" validate:"omitempty,mobile"`
	Next        string `form:"next" validate:"max=500"`
}

// BuyerProfileEdit is the buyer profile form, filled with what is saved.
func (a *App) BuyerProfileEdit(c echo.Context) error {
	u := currentUser(c)
	p, err := a.Store.BuyerProfileOf(c.Request().Context(), u.ID)
	if err != nil && !errors.Is(err, models.ErrNoBuyerProfile) {
		return err
	}
	vm := pages.BuyerProfileVM{SubjectType: p.SubjectType, DisplayName: p.DisplayName, Mobile: p.Mobile,
		Next: safeNext(c.QueryParam("next"), ""), Errors: view.Errors{}}
	if vm.DisplayName == "" {
		vm.DisplayName = u.Name
	}
	return a.render(c, http.StatusOK, pages.BuyerProfilePage(a.page(c), vm), nil)
}

// BuyerProfileUpdate saves the profile and returns to where the buyer was going.
func (a *App) BuyerProfileUpdate(c echo.Context) error {
	var f buyerProfileForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		vm := pages.BuyerProfileVM{SubjectType: f.SubjectType, DisplayName: f.DisplayName, Mobile: f.Mobile, Next: safeNext(f.Next, ""), Errors: errs}
		return a.render(c, http.StatusUnprocessableEntity, pages.BuyerProfilePage(a.page(c), vm), nil)
	}
	u := currentUser(c)
	in := models.BuyerProfileInput{SubjectType: f.SubjectType, DisplayName: f.DisplayName, Mobile: f.Mobile}
	if _, err := a.Store.SaveBuyerProfile(c.Request().Context(), actor(c), u.ID, in); err != nil {
		return err
	}
	a.flash(c, "success", "buyer.flash_profile_saved")
	return a.redirect(c, safeNext(f.Next, web.Buyer()))
}

// requireBuyerProfile sends a buyer without a profile to fill it in first, coming back
// to here afterwards. It returns the redirect, or nil to go on.
func (a *App) requireBuyerProfile(c echo.Context) (bool, error) {
	_, err := a.Store.BuyerProfileOf(c.Request().Context(), currentUser(c).ID)
	switch {
	case errors.Is(err, models.ErrNoBuyerProfile):
		a.flash(c, "info", "buyer.flash_profile_first")
		next := c.Request().URL.RequestURI()
		if c.Request().Method != http.MethodGet || isFragment(c) {
			next = web.Buyer()
		}
		return true, a.redirect(c, web.BuyerProfileNext(next))
	case err != nil:
		return true, err
	}
	return false, nil
}
