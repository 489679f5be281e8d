package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
)

// AdminReviewerList lists reviewer accounts (admins only).
func (a *App) AdminReviewerList(c echo.Context) error {
	users, err := a.Store.Reviewers(c.Request().Context())
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.ReviewersPage(a.page(c), pages.ReviewersVM{Users: users}), nil)
}

// AdminReviewerNew shows the new-reviewer form.
func (a *App) AdminReviewerNew(c echo.Context) error {
	return a.render(c, http.StatusOK, pages.ReviewerNewPage(a.page(c), pages.ReviewerFormVM{}), nil)
}

// reviewerForm is a new reviewer account with its initial password.
type reviewerForm struct {
	Email    string `form:"email" validate:"required,max=254,email"`
	Name     string `form:"name" validate:"required,max=100"`
	IsAdmin  bool   `form:"is_admin"`
	Password string `form:"password" trim:"no" validate:"required,min=10,maxbytes=72"`
	Confirm  string `form:"confirm" trim:"no" validate:"required,eqfield=Password"`
}

// AdminReviewerCreate creates a verified reviewer account.
func (a *App) AdminReviewerCreate(c echo.Context) error {
	var f reviewerForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	vm := pages.ReviewerFormVM{Email: f.Email, Name: f.Name, IsAdmin: f.IsAdmin, Errors: errs}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.ReviewerNewPage(a.page(c), vm), nil)
	}
	ctx := c.Request().Context()
	_, err = a.Store.CreateUser(ctx, actor(c), models.NewAccount{Email: f.Email, Password: f.Password, Role: models.RoleReviewer,
		Name: f.Name, IsAdmin: f.IsAdmin, Locale: i18n.Lang(ctx), Verified: true})
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors = fe
		return a.render(c, http.StatusUnprocessableEntity, pages.ReviewerNewPage(a.page(c), vm), nil)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "admin.reviewers.created")
	return a.redirect(c, web.AdminReviewers())
}
