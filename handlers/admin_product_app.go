package handlers

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// productAppFilterForm is the product queue's filter bar.
type productAppFilterForm struct {
	Status string `query:"status"`
	Kind   string `query:"kind"`
	Type   string `query:"type"`
	Q      string `query:"q" validate:"max=100"`
}

// AdminProductAppList is the product audit queue (商品审核): status, kind, product type
// and a search over merchants and product names.
func (a *App) AdminProductAppList(c echo.Context) error {
	q := productAppQueue
	var f productAppFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if (f.Status != "" && f.Status != "all" && !slices.Contains(q.Statuses, f.Status)) ||
		(f.Kind != "" && !slices.Contains(productAppKinds, f.Kind)) ||
		(f.Type != "" && !slices.Contains(pages.ProductTypes(), f.Type)) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	page := pageParam(c)
	vm := pages.QueueVM{Kind: q.Kind, TitleKey: q.TitleKey, SubtitleKey: q.Subtitle, ListURL: q.ListURL, KindHeader: q.KindHeader, ItemHeader: q.ItemHeader, SearchHint: q.SearchHint,
		Status: f.Status, Q: f.Q, StatusOptions: queueStatusOptions(q), Errors: errs,
		Filters: []pages.QueueSelect{
			{Name: "kind", Label: "product_app.kind", Value: f.Kind, Options: allOptions("product_app.kind.", productAppKinds)},
			{Name: "type", Label: "product.type", Value: f.Type, Options: allOptions("product.type.", pages.ProductTypes())},
		},
		Pager: view.Pager{Page: page, PerPage: queuePerPage, BaseURL: q.ListURL, Query: filterQuery("status", f.Status, "kind", f.Kind, "type", f.Type, "q", f.Q)}}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.QueuePage(a.page(c), vm), pages.QueueTable(vm))
	}
	rows, total, err := a.Store.QueueItems(ctx, q.Queue, models.QueueFilter{Status: f.Status, Q: f.Q, Kind: f.Kind, ProductType: f.Type, Page: page, Per: queuePerPage})
	if err != nil {
		return err
	}
	meter, err := a.slaMeter(ctx)
	if err != nil {
		return err
	}
	vm.Pager.Total = total
	ids := make([]uint, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	names, err := a.Store.ProductAppNames(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		n := names[r.ID]
		row := pages.QueueRowVM{ID: r.ID, URL: q.ItemURL(r.ID), Company: r.CompanyName, OwnerEmail: r.OwnerEmail,
			SubmittedAt: r.SubmittedAt, Status: r.Status, Item: n.NameZh, ItemSub: n.NameEn, Kind: pages.Label(ctx, q.KindPrefix, r.Extra)}
		if r.Status == q.Pending {
			row.Age = meter.age(q.Queue, r.SubmittedAt)
		}
		vm.Rows = append(vm.Rows, row)
	}
	return a.render(c, http.StatusOK, pages.QueuePage(a.page(c), vm), pages.QueueTable(vm))
}

// allOptions is a filter's options: every value, then each one.
func allOptions(prefix string, values []string) []view.Option {
	opts := []view.Option{{Value: "", Label: "common.all"}}
	for _, v := range values {
		opts = append(opts, view.Option{Value: v, Label: prefix + v})
	}
	return opts
}

// AdminProductAppShow shows one application with everything it would put before buyers.
func (a *App) AdminProductAppShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showProductApp(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminProductAppApprove makes the application live.
func (a *App) AdminProductAppApprove(c echo.Context) error {
	return a.decide(c, productAppQueue, true, a.Store.DecideProductApplication, a.showProductApp)
}

// AdminProductAppReject refuses the application with one or more reasons.
func (a *App) AdminProductAppReject(c echo.Context) error {
	return a.decide(c, productAppQueue, false, a.Store.DecideProductApplication, a.showProductApp)
}

func (a *App) showProductApp(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	ctx := c.Request().Context()
	app, err := a.Store.ProductApplicationByID(ctx, id)
	if err != nil {
		return err
	}
	p, err := a.Store.ProductByID(ctx, app.ProductID)
	if err != nil {
		return err
	}
	review, err := a.reviewVM(c, productAppQueue, reviewItem{RefType: "product_application", ID: app.ID, MerchantID: app.MerchantID, Status: app.Status,
		SubmittedAt: app.SubmittedAt, SubmittedBy: app.SubmittedByID, DecidedAt: app.DecidedAt, DecidedBy: app.DecidedByID,
		RejectComment: app.RejectComment}, panel)
	if err != nil {
		return err
	}
	review.Decision.RejectReasons = pages.SplitReasons(app.RejectReasons)

	vm := pages.ProductAppReviewVM{Review: review, App: app, Product: p}
	live, err := p.LiveContent()
	if err != nil {
		return err
	}
	specs, err := a.Store.LiveSpecs(ctx, p.ID)
	if err != nil {
		return err
	}
	liveSpecs, err := a.liveSpecInfo(ctx, specs)
	if err != nil {
		return err
	}
	names, err := a.regionNames(ctx)
	if err != nil {
		return err
	}
	switch app.Kind {
	case models.AppPublish, models.AppModify:
		c2, err := app.ContentOf()
		if err != nil {
			return err
		}
		if err := a.fillProductContent(ctx, &vm, c2, liveSpecs, names); err != nil {
			return err
		}
		if app.Kind == models.AppModify {
			vm.Diff = pages.ProductDiff(ctx, live, c2, names)
		}
		if addr := c2.SaaSAddress(); addr != nil {
			if ad, err := a.Store.ProductionAddressOf(ctx, app.MerchantID, *addr); err == nil {
				vm.SaaSAddress = &ad
			}
		}
		if c2.Type == models.ProductSaaS {
			if vm.DebugCases, err = a.Store.DebugCasesOf(ctx, 0, p.ID, c2.SaaSAddress()); err != nil {
				return err
			}
		}
	default:
		vm.Reason = app.Reason
		if app.SpecKey != "" {
			vm.SpecKey, vm.SpecName = app.SpecKey, app.SpecKey
			for _, sp := range specs {
				if sp.SKUCode == app.SpecKey {
					vm.SpecName = sp.Name
				}
			}
		}
		if err := a.fillProductContent(ctx, &vm, live, liveSpecs, names); err != nil {
			return err
		}
	}
	pg := a.page(c)
	return a.render(c, status, pages.ProductAppReviewPage(pg, vm), pages.DecisionPanel(pg.CSRF, review.Decision))
}

func (a *App) liveSpecInfo(ctx context.Context, specs []models.Spec) (map[string]pages.LiveSpec, error) {
	out := map[string]pages.LiveSpec{}
	ids := make([]uint, len(specs))
	byID := map[uint]string{}
	for i, sp := range specs {
		ids[i] = sp.ID
		byID[sp.ID] = sp.SKUCode
		out[sp.SKUCode] = pages.LiveSpec{SKU: sp.SKUCode, Codes: map[string]string{}}
	}
	prices, err := a.Store.SpecPrices(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, pr := range prices {
		out[byID[pr.SpecID]].Codes[pr.PeriodType] = pr.ProductCode
	}
	return out, nil
}

// regionNames maps every catalog region's code to its name in the reader's language.
func (a *App) regionNames(ctx context.Context) (map[string]string, error) {
	regions, err := a.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range regions {
		names[r.Code] = regionName(i18n.Lang(ctx), r)
	}
	return names, nil
}

// fillProductContent reads the files a content names and puts the content on the page.
func (a *App) fillProductContent(ctx context.Context, vm *pages.ProductAppReviewVM, c models.ProductContent, live map[string]pages.LiveSpec, names map[string]string) error {
	files, err := a.Store.FilesByIDs(ctx, pages.ContentFileIDs(c))
	if err != nil {
		return err
	}
	pages.FillProductContent(ctx, vm, c, live, names, files)
	return nil
}
