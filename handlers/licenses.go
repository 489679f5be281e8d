package handlers

import (
	"errors"
	"net/http"
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
	notByCode := view.Errors{"product_id": view.M("license.error.not_by_code")}
	id, err := strconv.ParseUint(f.ProductID, 10, 32)
	if err != nil {
		return a.renderLicenses(c, http.StatusUnprocessableEntity, notByCode)
	}
	_, err = a.Store.RequestTestLicenseCode(ctx, actor(c), mid, uint(id))
	var rule *models.RuleError
	switch {
	case errors.Is(err, models.ErrNotFound): // not one of this merchant's products
		return a.renderLicenses(c, http.StatusUnprocessableEntity, notByCode)
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

// Upload rules of License deliveries.
var (
	licenseFileRule  = UploadRule{Field: "license_file", Purpose: "license_file", MaxBytes: docMaxBytes, MaxFiles: 1}
	offlineProofRule = UploadRule{Field: "proof", Purpose: "offline_proof", Types: []string{"application/pdf", "image/png", "image/jpeg"},
		MaxBytes: docMaxBytes, MaxFiles: 1}
)

// sellerOrderVM reads the merchant's order page with its delivery, for a form's errors.
func (a *App) sellerOrderVM(c echo.Context, errs view.Errors) (pages.OrderDetailVM, error) {
	ctx, mid := c.Request().Context(), currentMerchant(c).ID
	d, err := a.Store.OrderDetail(ctx, mid, c.Param("id"))
	if err != nil {
		return pages.OrderDetailVM{}, err
	}
	names, err := a.regionNames(ctx)
	if err != nil {
		return pages.OrderDetailVM{}, err
	}
	vm := pages.OrderDetailVM{D: d, RegionName: pages.RegionLabel(names, d.Order.Region), CSRF: a.page(c).CSRF, Errors: errs}
	return vm, a.orderDelivery(c, &vm)
}

// OrderLicenseDelivery is the merchant's delivery of a License order by its variant: a
// key or license file, or an offline delivery's proof.
func (a *App) OrderLicenseDelivery(c echo.Context) error {
	vm, err := a.sellerOrderVM(c, view.Errors{})
	if err != nil {
		return err
	}
	if vm.Delivery == nil {
		return models.ErrNotFound
	}
	var f struct {
		Key  string `form:"license_key" trim:"no"`
		Note string `form:"note"`
	}
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	rule := licenseFileRule
	if vm.Delivery.Variant == models.LicenseOffline {
		rule = offlineProofRule
	}
	rules := []UploadRule{rule}
	parts, err := a.checkUploads(c, rules, vm.Errors)
	if err != nil {
		return err
	}
	p := a.page(c)
	if vm.Errors.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.OrderDetailPage(p, vm), nil)
	}
	err = a.withUploads(c, rules, parts, func(ups models.Uploads) error {
		_, err := a.Store.DeliverLicense(c.Request().Context(), actor(c), currentMerchant(c).ID, vm.D.Order.OrderNo,
			models.LicenseDeliveryInput{Key: f.Key, Note: f.Note, File: ups.First(rule.Purpose)})
		return err
	})
	if errs, ok := fieldErrorFrom(err); ok {
		vm.Errors = errs
		return a.render(c, http.StatusUnprocessableEntity, pages.OrderDetailPage(p, vm), nil)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "license.flash.delivered")
	return a.redirect(c, web.SellerOrder(vm.D.Order.OrderNo))
}

// SellerOrderLicenseFile serves a delivered license file (or proof) to the merchant.
func (a *App) SellerOrderLicenseFile(c echo.Context) error {
	f, err := a.Store.LicenseDeliveryFile(c.Request().Context(), 0, currentMerchant(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	return a.streamFile(c, f)
}

// BuyerOrderLicenseFile serves a delivered license file to the buyer.
func (a *App) BuyerOrderLicenseFile(c echo.Context) error {
	f, err := a.Store.LicenseDeliveryFile(c.Request().Context(), currentUser(c).ID, 0, c.Param("id"))
	if err != nil {
		return err
	}
	return a.streamFile(c, f)
}

// BuyerOrderPackage serves the software package of a package-deployment order.
func (a *App) BuyerOrderPackage(c echo.Context) error {
	f, err := a.Store.PackageFile(c.Request().Context(), currentUser(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	return a.streamFile(c, f)
}

// BuyerOrderHardwareCode is the buyer's hardware identification code.
func (a *App) BuyerOrderHardwareCode(c echo.Context) error {
	code, err := formValue(c, "hardware_code")
	if err != nil {
		return err
	}
	no := c.Param("id")
	if _, err := a.Store.SubmitHardwareCode(c.Request().Context(), actor(c), currentUser(c).ID, no, code); err != nil {
		if errs, ok := fieldErrorFrom(err); ok {
			return a.buyerOrderWithErrors(c, errs)
		}
		return err
	}
	a.flash(c, "success", "license.flash.hardware_code")
	return a.redirect(c, web.BuyerOrder(no))
}

// BuyerOrderPackageAccept is the buyer's acceptance of a package deployment.
func (a *App) BuyerOrderPackageAccept(c echo.Context) error {
	no := c.Param("id")
	if _, err := a.Store.AcceptPackage(c.Request().Context(), actor(c), currentUser(c).ID, no); err != nil {
		return err
	}
	a.flash(c, "success", "license.flash.package_accepted")
	return a.redirect(c, web.BuyerOrder(no))
}
