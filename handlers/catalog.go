package handlers

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/richtext"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// catalogPerPage is the number of product cards per catalog page.
const catalogPerPage = 20

// catalogFilterForm is the catalog's search and filter bar.
type catalogFilterForm struct {
	Q        string `query:"q" validate:"max=100"`
	Category string `query:"category"`
	Type     string `query:"type"`
}

// localName picks the product name in the reader's language, falling back to the other.
func localName(ctx context.Context, zh, en string) (name, other string) {
	if i18n.Lang(ctx) == i18n.ZhCN {
		name, other = zh, en
	} else {
		name, other = en, zh
	}
	if name == "" {
		name, other = other, ""
	}
	if other == name {
		other = ""
	}
	return name, other
}

// CatalogList is the public catalog: on-sale, visible products with search (Chinese or
// English name), category and type filters; htmx gets the results fragment.
func (a *App) CatalogList(c echo.Context) error {
	var f catalogFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if (f.Category != "" && !slices.Contains(models.ProductCategories, f.Category)) ||
		(f.Type != "" && !slices.Contains(pages.CatalogTypes(), f.Type)) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	page := pageParam(c)
	vm := pages.CatalogVM{Q: f.Q, Category: f.Category, Type: f.Type, Errors: errs,
		Pager: view.Pager{Page: page, PerPage: catalogPerPage, BaseURL: web.Catalog(), Query: filterQuery("q", f.Q, "category", f.Category, "type", f.Type)}}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.CatalogPage(a.page(c), vm), pages.CatalogResults(vm))
	}
	items, total, err := a.Store.CatalogProducts(ctx, models.CatalogFilter{Q: f.Q, Category: f.Category, Type: f.Type, Page: page, Per: catalogPerPage})
	if err != nil {
		return err
	}
	vm.Pager.Total = total
	for _, it := range items {
		content, err := it.LiveContent()
		if err != nil {
			return err
		}
		card := pages.CatalogCard{ID: it.ID, Summary: content.Summary, Type: it.Type, Category: it.Category, Lowest: it.Lowest}
		card.Name, _ = localName(ctx, it.NameZh, it.NameEn)
		if content.LogoFileID != nil {
			card.LogoURL = web.CatalogFile(*content.LogoFileID)
		}
		vm.Cards = append(vm.Cards, card)
	}
	return a.render(c, http.StatusOK, pages.CatalogPage(a.page(c), vm), pages.CatalogResults(vm))
}

// CatalogProductShow is a public product page: the live content and the specs on offer.
// Hidden products stay reachable by link; stopped, delisted and unlisted ones are 404.
func (a *App) CatalogProductShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, err := a.Store.CatalogProduct(ctx, id)
	if err != nil {
		return err
	}
	a.countView(c, d.Product)
	ct := d.Content
	vm := pages.CatalogProductVM{ID: d.Product.ID, Type: d.Product.Type, Category: d.Product.Category, Version: ct.Version,
		Summary: ct.Summary, DescriptionHTML: richtext.Sanitize(ct.Description), Highlights: ct.Highlights,
		CustomerCases: ct.CustomerCases, Support: ct.Support, Specs: d.Specs}
	vm.Name, vm.OtherName = localName(ctx, d.Product.NameZh, d.Product.NameEn)
	if ct.LogoFileID != nil {
		vm.LogoURL = web.CatalogFile(*ct.LogoFileID)
	}
	for _, m := range ct.MediaFileIDs {
		vm.MediaURLs = append(vm.MediaURLs, web.CatalogFile(m))
	}
	if err := a.catalogRegions(ctx, &vm, ct); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.CatalogProductPage(a.page(c), vm), nil)
}

// catalogRegions names where the product is sold: its sales regions or, when it names
// none, every region (an image product: every region its image is replicated to).
func (a *App) catalogRegions(ctx context.Context, vm *pages.CatalogProductVM, ct models.ProductContent) error {
	names, err := a.regionNames(ctx)
	if err != nil {
		return err
	}
	codes := ct.SalesRegions
	if len(codes) == 0 && ct.Type == models.ProductImage && ct.AssetID != nil {
		if codes, err = a.Store.AssetRegionCodes(ctx, *ct.AssetID); err != nil {
			return err
		}
	}
	vm.RegionNames, vm.SalesRegions, vm.SpecRegions = names, codes, ct.Type == models.ProductImage
	vm.PurchaseLimit = ct.PurchaseLimit
	return nil
}

// CatalogFileShow serves, to anyone, an image an on-sale product shows (its logo or a
// media image); every other file is 404 here. Headers match FileShow.
func (a *App) CatalogFileShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f, err := a.Store.CatalogFile(ctx, id)
	if err != nil {
		return err
	}
	return a.streamFile(c, f) // catalog files are images: shown inline
}
