package handlers

import (
	"errors"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/richtext"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

var (
	productListings = []string{models.ListingNotListed, models.ListingOnSale, models.ListingStopped, models.ListingDelisted}
	productAppKinds = []string{models.AppPublish, models.AppModify, models.AppUnhide, models.AppRemoveSpec, models.AppRemoveProduct}
	productAppStats = []string{models.PADraft, models.PAPending, models.PAApproved, models.PARejected}
)

// ProductList is 我的商品.
func (a *App) ProductList(c echo.Context) error {
	m := currentMerchant(c)
	typ, listing := c.QueryParam("type"), c.QueryParam("listing")
	if typ != "" && !slices.Contains(pages.ProductTypes(), typ) || listing != "" && !slices.Contains(productListings, listing) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	page := pageParam(c)
	rows, total, err := a.Store.Products(c.Request().Context(), m.ID, models.ProductFilter{Type: typ, Listing: listing, Page: page, Per: 20})
	if err != nil {
		return err
	}
	p := a.page(c)
	vm := pages.ProductListVM{Items: rows, Type: typ, Listing: listing, Active: m.Active(),
		Pager: view.Pager{Page: page, PerPage: 20, Total: total, BaseURL: web.SellerProducts(), Query: filterQuery("type", typ, "listing", listing)}}
	return a.render(c, http.StatusOK, pages.ProductListPage(p, vm), pages.ProductTable(p, vm))
}

// newProductForm starts a product: its type and names.
type newProductForm struct {
	Type     string `form:"type" validate:"required,oneof=saas license image service hardware"`
	Category string `form:"category" validate:"omitempty,max=30"`
	NameZh   string `form:"name_zh" validate:"required,max=100"`
	NameEn   string `form:"name_en" validate:"max=100"`
}

// ProductNew asks for the type's first details.
func (a *App) ProductNew(c echo.Context) error {
	typ := c.QueryParam("type")
	if typ == "" { // the chooser, also before onboarding is done: it says what is missing
		vm := pages.ChooserVM{TitleKey: "chooser.product.title", SubtitleKey: "chooser.product.subtitle", Locked: requireActive(c) != nil}
		for _, t := range pages.ProductTypes() {
			vm.Choices = append(vm.Choices, pages.Choice{URL: web.SellerProductNew(t), LabelKey: "product.type." + t,
				HintKey: "chooser.product.hint." + t, TestID: "choose-" + t})
		}
		return a.render(c, http.StatusOK, pages.ChooserPage(a.page(c), vm), nil)
	}
	if err := requireActive(c); err != nil {
		return err
	}
	if !slices.Contains(pages.ProductTypes(), typ) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return a.render(c, http.StatusOK, pages.ProductNewPage(a.page(c), pages.ProductNewVM{Type: typ, Errors: view.Errors{}}), nil)
}

// ProductCreate creates the product with its publish application in draft.
func (a *App) ProductCreate(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	var f newProductForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if f.Category != "" && !slices.Contains(models.ProductCategories, f.Category) {
		errs.Set("category", "error.choice")
	}
	if errs.Any() {
		if !slices.Contains(pages.ProductTypes(), f.Type) {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		vm := pages.ProductNewVM{Type: f.Type, Category: f.Category, NameZh: f.NameZh, NameEn: f.NameEn, Errors: errs}
		return a.render(c, http.StatusUnprocessableEntity, pages.ProductNewPage(a.page(c), vm), nil)
	}
	_, app, err := a.Store.NewProductDraft(c.Request().Context(), actor(c), currentMerchant(c).ID,
		models.ProductContent{Type: f.Type, BusinessModel: models.BusinessGeneral, Category: f.Category, NameZh: f.NameZh, NameEn: f.NameEn, SalesObjects: models.SalesAll, PublicSale: true})
	if err != nil {
		return err
	}
	a.flash(c, "success", "product.flash_created")
	return a.redirect(c, web.SellerProductApp(app.ID))
}

// productAppParam reads the :id application of the current merchant and its product
// (404 for anyone else's).
func (a *App) productAppParam(c echo.Context) (models.ProductApplication, models.Product, error) {
	id, err := idParam(c)
	if err != nil {
		return models.ProductApplication{}, models.Product{}, err
	}
	ctx, m := c.Request().Context(), currentMerchant(c)
	app, err := a.Store.ProductApplicationOf(ctx, m.ID, id)
	if err != nil {
		return app, models.Product{}, err
	}
	p, err := a.Store.ProductOf(ctx, m.ID, app.ProductID)
	return app, p, err
}

// ProductAppEdit is the application editor.
func (a *App) ProductAppEdit(c echo.Context) error {
	app, p, err := a.productAppParam(c)
	if err != nil {
		return err
	}
	saved, err := app.ContentOf()
	if err != nil {
		return err
	}
	return a.renderProductApp(c, http.StatusOK, pages.ProductAppVM{App: app, Product: p, Form: pages.ProductFieldsOf(saved), Errors: view.Errors{}})
}

// renderProductApp fills the editor's view model from the saved snapshot: the checklist,
// the preview, the kept files and the assets on offer.
func (a *App) renderProductApp(c echo.Context, status int, vm pages.ProductAppVM) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	saved, err := vm.App.ContentOf()
	if err != nil {
		return err
	}
	saved.Type = vm.Product.Type
	if vm.Gaps == nil {
		if vm.Gaps, err = a.Store.ProductStandardsGaps(ctx, m.ID, vm.App.ProductID, saved); err != nil {
			return err
		}
	}
	if vm.Assets, vm.Packages, err = a.productAssets(c, vm.Product.Type); err != nil {
		return err
	}
	if vm.Product.Type == models.ProductSaaS || vm.Product.Type == models.ProductLicense {
		if vm.Addresses, err = a.Store.ProductionAddressesOf(ctx, m.ID); err != nil {
			return err
		}
	}
	if vm.Product.Type == models.ProductSaaS {
		if vm.KitApps, err = a.Store.KitAppsOf(ctx, m.ID); err != nil {
			return err
		}
	}
	if vm.Regions, err = a.Store.ProductRegionRules(ctx, m.ID, vm.Product.Type, offeredAsset(vm.Form.AssetID, vm.Assets)); err != nil {
		return err
	}
	vm.Preview = richtext.Sanitize(saved.Description)
	vm.Logo, vm.Media, vm.EULA = saved.LogoFileID, saved.MediaFileIDs, saved.EULAFileID
	if saved.Service != nil {
		vm.ReqTemplate, vm.DelTemplate = saved.Service.RequirementTemplateFileID, saved.Service.DeliveryTemplateFileID
	}
	if !vm.App.Editable() { // a readable summary, not a greyed-out form
		names, err := a.regionNames(ctx)
		if err != nil {
			return err
		}
		sum := pages.ProductAppReviewVM{App: vm.App, Product: vm.Product}
		if err := a.fillProductContent(ctx, &sum, saved, nil, names); err != nil {
			return err
		}
		sum.AssetURL, sum.PackageAssetURL = "", ""
		if addr := saved.SaaSAddress(); addr != nil {
			if ad, err := a.Store.ProductionAddressOf(ctx, m.ID, *addr); err == nil {
				sum.SaaSAddress = &ad
			}
		}
		if saved.AssetID != nil {
			sum.AssetURL = web.SellerAsset(*saved.AssetID)
		}
		if saved.License != nil && saved.License.PackageAssetID != nil {
			sum.PackageAssetURL = web.SellerAsset(*saved.License.PackageAssetID)
		}
		vm.Summary = &sum
	}
	return a.render(c, status, pages.ProductAppPage(a.page(c), vm), nil)
}

// productAssets lists the approved assets a product of the type may use.
func (a *App) productAssets(c echo.Context, typ string) (assets, packages []models.Asset, err error) {
	kind := map[string]string{models.ProductSaaS: models.AssetSaaS, models.ProductImage: models.AssetImage, models.ProductLicense: models.AssetPackage}[typ]
	if kind == "" {
		return nil, nil, nil
	}
	rows, _, err := a.Store.Assets(c.Request().Context(), currentMerchant(c).ID, models.AssetFilter{Kind: kind, Status: models.AssetApproved, Page: 1, Per: 100})
	if typ == models.ProductLicense {
		return nil, rows, err
	}
	return rows, nil, err
}

// offeredAsset is the id of the offered asset the form names, or nil.
func offeredAsset(raw string, offered []models.Asset) *uint {
	return assetChoice(raw, offered, "asset_id", view.Errors{})
}

// ProductAppUpdate saves the draft: typed fields, new uploads (kept files otherwise)
// and the spec table.
func (a *App) ProductAppUpdate(c echo.Context) error {
	app, p, err := a.productAppParam(c)
	if err != nil {
		return err
	}
	if !app.Editable() {
		return models.ErrIllegalTransition
	}
	var f productForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	rules := productUploadRules(p.Type)
	parts, err := a.checkUploads(c, rules, errs)
	if err != nil {
		return err
	}
	prev, err := app.ContentOf()
	if err != nil {
		return err
	}
	prev.Type = p.Type
	assets, packages, err := a.productAssets(c, p.Type)
	if err != nil {
		return err
	}
	regions, err := a.Store.ProductRegionRules(c.Request().Context(), currentMerchant(c).ID, p.Type, offeredAsset(f.AssetID, assets))
	if err != nil {
		return err
	}
	if p.Type == models.ProductSaaS || p.Type == models.ProductLicense {
		if f.addresses, err = a.Store.ProductionAddressesOf(c.Request().Context(), currentMerchant(c).ID); err != nil {
			return err
		}
	}
	if p.Type == models.ProductSaaS {
		if f.kitApps, err = a.Store.KitAppsOf(c.Request().Context(), currentMerchant(c).ID); err != nil {
			return err
		}
	}
	content := f.content(prev, assets, packages, regions, errs)
	vm := pages.ProductAppVM{App: app, Product: p, Form: f.ProductFields, Errors: errs}
	if errs.Any() {
		return a.renderProductApp(c, http.StatusUnprocessableEntity, vm)
	}
	err = a.withUploads(c, rules, parts, func(ups models.Uploads) error {
		_, err := a.Store.SaveProductDraft(c.Request().Context(), actor(c), currentMerchant(c).ID, app.ID, content, ups...)
		return err
	})
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors = fe
		return a.renderProductApp(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "product.flash_saved")
	return a.redirect(c, web.SellerProductApp(app.ID))
}

// ProductAppSubmit sends the saved draft to review; gaps in the publishing standards
// re-render the editor with the checklist highlighted.
func (a *App) ProductAppSubmit(c echo.Context) error {
	app, p, err := a.productAppParam(c)
	if err != nil {
		return err
	}
	_, err = a.Store.SubmitProductApplication(c.Request().Context(), actor(c), currentMerchant(c).ID, app.ID)
	var se *models.StandardsError
	if errors.As(err, &se) {
		saved, cerr := app.ContentOf()
		if cerr != nil {
			return cerr
		}
		vm := pages.ProductAppVM{App: app, Product: p, Form: pages.ProductFieldsOf(saved), Errors: view.Errors{}, Gaps: se.Gaps, GapsFailed: true}
		return a.renderProductApp(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "product_app.flash_submitted")
	return a.redirect(c, web.SellerProductApp(app.ID))
}

// ProductAppWithdraw takes a pending application back to draft (撤回).
func (a *App) ProductAppWithdraw(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.WithdrawProductApplication(c.Request().Context(), actor(c), currentMerchant(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "success", "product_app.flash_withdrawn")
	return a.redirect(c, web.SellerProductApp(id))
}

// ProductAppList is 我的申请.
func (a *App) ProductAppList(c echo.Context) error {
	status, kind := c.QueryParam("status"), c.QueryParam("kind")
	if status != "" && !slices.Contains(productAppStats, status) || kind != "" && !slices.Contains(productAppKinds, kind) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	page := pageParam(c)
	rows, total, err := a.Store.ProductApplications(c.Request().Context(), currentMerchant(c).ID, models.ProductAppFilter{Status: status, Kind: kind, Page: page, Per: 20})
	if err != nil {
		return err
	}
	p := a.page(c)
	vm := pages.ProductAppListVM{Items: rows, Status: status, Kind: kind,
		Pager: view.Pager{Page: page, PerPage: 20, Total: total, BaseURL: web.SellerProductApps(), Query: filterQuery("status", status, "kind", kind)}}
	return a.render(c, http.StatusOK, pages.ProductAppListPage(p, vm), pages.ProductAppTable(p, vm))
}
