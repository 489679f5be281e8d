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

// delistProofRule: optional proof of a delisting, pdf/png/jpg ≤10 MB, at most 3.
var delistProofRule = UploadRule{Field: "proof", Purpose: "delist_proof", Types: []string{"application/pdf", "image/png", "image/jpeg"},
	MaxBytes: docMaxBytes, MaxFiles: 3}

// productParam reads the :id product of the current merchant (404 for anyone else's).
func (a *App) productParam(c echo.Context) (models.Product, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Product{}, err
	}
	return a.Store.ProductOf(c.Request().Context(), currentMerchant(c).ID, id)
}

// ProductShow is 我的商品 > 详情: the live version, its specs and the applications.
func (a *App) ProductShow(c echo.Context) error {
	p, err := a.productParam(c)
	if err != nil {
		return err
	}
	ctx, mid := c.Request().Context(), currentMerchant(c).ID
	content, err := p.LiveContent()
	if err != nil {
		return err
	}
	specs, err := a.Store.SpecsOf(ctx, mid, p.ID)
	if err != nil {
		return err
	}
	ids := make([]uint, len(specs))
	for i, s := range specs {
		ids[i] = s.ID
	}
	prices, err := a.Store.SpecPrices(ctx, ids)
	if err != nil {
		return err
	}
	bySpec := map[uint][]models.SpecPrice{}
	for _, pr := range prices {
		bySpec[pr.SpecID] = append(bySpec[pr.SpecID], pr)
	}
	apps, err := a.Store.ApplicationsOfProduct(ctx, mid, p.ID)
	if err != nil {
		return err
	}
	vm := pages.ProductDetailVM{Product: p, Content: content, Apps: apps}
	for _, s := range specs {
		vm.Specs = append(vm.Specs, pages.SpecView{Spec: s, Prices: bySpec[s.ID]})
	}
	for _, ap := range apps {
		vm.Open = vm.Open || ap.Status == models.PADraft || ap.Status == models.PAPending
	}
	return a.render(c, http.StatusOK, pages.ProductDetailPage(a.page(c), vm), nil)
}

// ProductModify opens a modify application from the live version and goes to the editor.
func (a *App) ProductModify(c echo.Context) error {
	p, err := a.productParam(c)
	if err != nil {
		return err
	}
	if err := requireActive(c); err != nil {
		return err
	}
	app, err := a.Store.NewModifyApplication(c.Request().Context(), actor(c), currentMerchant(c).ID, p.ID)
	if err != nil {
		return err
	}
	a.flash(c, "success", "product.flash_created")
	return a.redirect(c, web.SellerProductApp(app.ID))
}

// ProductHide takes the product out of the catalog and search at once.
func (a *App) ProductHide(c echo.Context) error {
	p, err := a.productParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.HideProduct(c.Request().Context(), actor(c), currentMerchant(c).ID, p.ID); err != nil {
		return err
	}
	a.flash(c, "success", "listing.flash_hidden")
	return a.redirect(c, web.SellerProduct(p.ID))
}

// ProductSpecHide stops offering one spec at once.
func (a *App) ProductSpecHide(c echo.Context) error {
	p, err := a.productParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.HideSpec(c.Request().Context(), actor(c), currentMerchant(c).ID, p.ID, c.Param("sku")); err != nil {
		return err
	}
	a.flash(c, "success", "listing.flash_spec_hidden")
	return a.redirect(c, web.SellerProduct(p.ID))
}

// unhideForm names the spec to show again; empty for the product.
type unhideForm struct {
	SKU string `form:"sku" validate:"max=40"`
}

// ProductUnhide asks the platform to show a hidden product or spec again.
func (a *App) ProductUnhide(c echo.Context) error {
	p, err := a.productParam(c)
	if err != nil {
		return err
	}
	if err := requireActive(c); err != nil {
		return err
	}
	var f unhideForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	if _, err := a.Store.NewUnhideApplication(c.Request().Context(), actor(c), currentMerchant(c).ID, p.ID, f.SKU); err != nil {
		return err
	}
	a.flash(c, "success", "listing.flash_unhide")
	return a.redirect(c, web.SellerProduct(p.ID))
}

// delistBlockedKey is the message for why a delisting cannot be requested now.
func delistBlockedKey(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, models.ErrLastSpec):
		return "listing.error_last_spec"
	case errors.Is(err, models.ErrOpenApplication):
		return "error.open_application"
	}
	return "listing.error_not_delistable"
}

// delistImpact reads the :id product and the ?sku / form sku spec with what delisting affects.
func (a *App) delistImpact(c echo.Context, sku string) (models.DelistImpact, error) {
	id, err := idParam(c)
	if err != nil {
		return models.DelistImpact{}, err
	}
	return a.Store.DelistImpact(c.Request().Context(), currentMerchant(c).ID, id, sku)
}

// ProductDelistNew shows what delisting the product or a spec affects, then the form.
func (a *App) ProductDelistNew(c echo.Context) error {
	im, err := a.delistImpact(c, c.QueryParam("sku"))
	if err != nil {
		return err
	}
	vm := pages.DelistVM{Impact: im, BlockedKey: delistBlockedKey(im.Blocked), Errors: view.Errors{}}
	return a.render(c, http.StatusOK, pages.DelistPage(a.page(c), vm), nil)
}

// delistForm is the delisting request.
type delistForm struct {
	SKU    string `form:"sku" validate:"max=40"`
	Reason string `form:"reason" validate:"required,min=10,max=1000"`
}

// ProductDelistCreate sends a delisting (remove_spec or remove_product) to review with
// its reason and proof files.
func (a *App) ProductDelistCreate(c echo.Context) error {
	var f delistForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Has("sku") {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	im, err := a.delistImpact(c, f.SKU)
	if err != nil {
		return err
	}
	if err := requireActive(c); err != nil {
		return err
	}
	vm := pages.DelistVM{Impact: im, Reason: f.Reason, Errors: errs}
	switch {
	case errors.Is(im.Blocked, models.ErrLastSpec):
		vm.BlockedKey = delistBlockedKey(im.Blocked)
		return a.render(c, http.StatusUnprocessableEntity, pages.DelistPage(a.page(c), vm), nil)
	case im.Blocked != nil:
		return im.Blocked
	}
	parts, err := a.checkUploads(c, []UploadRule{delistProofRule}, errs)
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.DelistPage(a.page(c), vm), nil)
	}
	err = a.withUploads(c, []UploadRule{delistProofRule}, parts, func(ups models.Uploads) error {
		_, err := a.Store.NewDelistApplication(c.Request().Context(), actor(c), currentMerchant(c).ID, im.Product.ID,
			models.DelistInput{SKU: f.SKU, Reason: f.Reason, Proofs: ups})
		return err
	})
	if err != nil {
		return err
	}
	a.flash(c, "success", "listing.flash_delist")
	return a.redirect(c, web.SellerProduct(im.Product.ID))
}
