package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// BuyerLicenseClaim is the buyer's 领取 of a License code of one of their orders.
func (a *App) BuyerLicenseClaim(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("lid"), 10, 32)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	no := c.Param("id")
	if _, err := a.Store.ClaimLicenseCode(c.Request().Context(), actor(c), currentUser(c).ID, no, uint(id)); err != nil {
		return err
	}
	a.flash(c, "success", "license.flash.claimed")
	return a.redirect(c, web.BuyerOrder(no))
}

// licenseListForm is the merchant's License list filter.
type licenseListForm struct {
	Status string `query:"status" validate:"omitempty,oneof=ALIVE EXPIRED RELEASED"`
	Kind   string `query:"kind" validate:"omitempty,oneof=order test"`
}

const licensesPerPage = 20

// SellerLicenseList is the merchant's License codes (授权码管理): every code of their
// orders and their test codes, with the form requesting a test code.
func (a *App) SellerLicenseList(c echo.Context) error {
	return a.renderLicenses(c, http.StatusOK, view.Errors{})
}

func (a *App) renderLicenses(c echo.Context, status int, formErrs view.Errors) error {
	var f licenseListForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx, mid, page := c.Request().Context(), currentMerchant(c).ID, pageParam(c)
	lf := models.LicenseFilter{Status: f.Status, Page: page, Per: licensesPerPage}
	if f.Kind != "" {
		test := f.Kind == "test"
		lf.Test = &test
	}
	vm := pages.LicenseListVM{Status: f.Status, Kind: f.Kind, Errors: formErrs,
		Pager: view.Pager{Page: page, PerPage: licensesPerPage, BaseURL: web.SellerLicenses(), Query: filterQuery("status", f.Status, "kind", f.Kind)}}
	if vm.Rows, vm.Pager.Total, err = a.Store.MerchantLicenseCodes(ctx, mid, lf); err != nil {
		return err
	}
	if vm.Products, err = a.Store.CodeLicenseProducts(ctx, mid); err != nil {
		return err
	}
	return a.render(c, status, pages.LicenseListPage(a.page(c), vm), nil)
}

// SellerLicenseTestCode issues a test code of one of the merchant's License products.
func (a *App) SellerLicenseTestCode(c echo.Context) error {
	var f struct {
		ProductID string `form:"product_id"`
	}
	if _, err := bindForm(c, &f); err != nil {
		return err
	}
	ctx, mid := c.Request().Context(), currentMerchant(c).ID
	products, err := a.Store.CodeLicenseProducts(ctx, mid)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseUint(f.ProductID, 10, 32)
	if !slices.ContainsFunc(products, func(p models.Product) bool { return uint64(p.ID) == id }) {
		return a.renderLicenses(c, http.StatusUnprocessableEntity, view.Errors{"product_id": view.M("license.error.not_by_code")})
	}
	_, err = a.Store.RequestTestLicenseCode(ctx, actor(c), mid, uint(id))
	var rule *models.RuleError
	switch {
	case errors.As(err, &rule):
		return a.renderLicenses(c, http.StatusConflict, view.Errors{"product_id": view.M(rule.Key)})
	case err != nil:
		if errs, ok := fieldErrorFrom(err); ok {
			return a.renderLicenses(c, http.StatusUnprocessableEntity, errs)
		}
		return err
	}
	a.flash(c, "success", "license.flash.test_code")
	return a.redirect(c, web.SellerLicenses()+"?kind=test")
}

// BuyerOrderReceipt is the buyer's signed receipt (签收) of a hardware order's shipment.
func (a *App) BuyerOrderReceipt(c echo.Context) error {
	no := c.Param("id")
	if _, err := a.Store.ConfirmReceipt(c.Request().Context(), actor(c), currentUser(c).ID, no); err != nil {
		return err
	}
	a.flash(c, "success", "shipment.flash.received")
	return a.redirect(c, web.BuyerOrder(no))
}

// BuyerOrderAccept is the buyer's acceptance (确认验收) of a received hardware order.
func (a *App) BuyerOrderAccept(c echo.Context) error {
	no := c.Param("id")
	if _, err := a.Store.AcceptShipment(c.Request().Context(), actor(c), currentUser(c).ID, no); err != nil {
		return err
	}
	a.flash(c, "success", "shipment.flash.accepted")
	return a.redirect(c, web.BuyerOrder(no))
}
