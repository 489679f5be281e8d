package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// resourcesPerPage is the number of purchased resources per page.
const resourcesPerPage = 20

// BuyerResourceList is "purchased resources" with their renew, upgrade and convert actions.
func (a *App) BuyerResourceList(c echo.Context) error {
	page := pageParam(c)
	rows, total, err := a.Store.BuyerResources(c.Request().Context(), currentUser(c).ID, page, resourcesPerPage)
	if err != nil {
		return err
	}
	resources, err := a.resourceRows(c, rows)
	if err != nil {
		return err
	}
	vm := pages.ResourceListVM{Rows: resources,
		Pager: view.Pager{Page: page, PerPage: resourcesPerPage, Total: total, BaseURL: web.BuyerResources()}}
	return a.render(c, http.StatusOK, pages.ResourceListPage(a.page(c), vm), pages.ResourceTable(vm))
}

// resourceRows resolves each resource's name and state for the reader.
func (a *App) resourceRows(c echo.Context, rows []models.Resource) ([]pages.ResourceRow, error) {
	lang, now := i18n.Lang(c.Request().Context()), a.Store.Now()
	names, err := a.regionNames(c.Request().Context())
	if err != nil {
		return nil, err
	}
	ids := make([]uint, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	insts, err := a.Store.BuyerInstances(c.Request().Context(), currentUser(c).ID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]pages.ResourceRow, len(rows))
	for i, r := range rows {
		out[i] = pages.ResourceRow{Resource: r, ProductName: r.ProductName(lang), State: r.State(now), Upgradable: r.Upgradable(now),
			RegionName: pages.RegionLabel(names, r.Region)}
		if inst, ok := insts[r.ID]; ok {
			if out[i].Instance, err = a.buyerInstanceView(c.Request().Context(), inst); err != nil {
				return nil, err
			}
			out[i].Instance.CSRF = a.csrfToken(c)
		}
	}
	return out, nil
}

// resourceForm is a renewal, upgrade or conversion form as typed.
type resourceForm struct {
	Period string `query:"period" form:"period" validate:"max=20"`
	Count  string `query:"count" form:"count" validate:"max=30"`
	SKU    string `query:"sku" form:"sku" validate:"max=40"`
	Key    string `query:"-" form:"key" validate:"max=64"`
}

// resourceAction is what differs between renewing, upgrading and converting a trial.
type resourceAction struct {
	name  string // renew | upgrade | convert
	url   func(id uint) string
	plan  func(a *App, ctx context.Context, buyerID, subID uint, f resourceForm, count int) (models.OrderPlan, error)
	place func(a *App, ctx context.Context, act models.Actor, buyerID, subID uint, f resourceForm, count int) (models.Order, error)
}

var (
	renewAction = resourceAction{name: "renew", url: web.BuyerRenew,
		plan: func(a *App, ctx context.Context, buyerID, subID uint, f resourceForm, n int) (models.OrderPlan, error) {
			return a.Store.PlanRenew(ctx, buyerID, subID, models.PeriodInput{PeriodType: f.Period, Count: n})
		},
		place: func(a *App, ctx context.Context, act models.Actor, buyerID, subID uint, f resourceForm, n int) (models.Order, error) {
			return a.Store.Renew(ctx, act, buyerID, subID, models.PeriodInput{PeriodType: f.Period, Count: n, IdempotencyKey: f.Key})
		}}
	convertAction = resourceAction{name: "convert", url: web.BuyerConvert,
		plan: func(a *App, ctx context.Context, buyerID, subID uint, f resourceForm, n int) (models.OrderPlan, error) {
			return a.Store.PlanTrialToFormal(ctx, buyerID, subID, models.PeriodInput{PeriodType: f.Period, Count: n})
		},
		place: func(a *App, ctx context.Context, act models.Actor, buyerID, subID uint, f resourceForm, n int) (models.Order, error) {
			return a.Store.TrialToFormal(ctx, act, buyerID, subID, models.PeriodInput{PeriodType: f.Period, Count: n, IdempotencyKey: f.Key})
		}}
	upgradeAction = resourceAction{name: "upgrade", url: web.BuyerUpgrade,
		plan: func(a *App, ctx context.Context, buyerID, subID uint, f resourceForm, _ int) (models.OrderPlan, error) {
			return a.Store.PlanUpgrade(ctx, buyerID, subID, models.UpgradeInput{SKU: f.SKU})
		},
		place: func(a *App, ctx context.Context, act models.Actor, buyerID, subID uint, f resourceForm, _ int) (models.Order, error) {
			return a.Store.Upgrade(ctx, act, buyerID, subID, models.UpgradeInput{SKU: f.SKU, IdempotencyKey: f.Key})
		}}
)

// BuyerRenewNew is the renewal form of a resource with its price.
func (a *App) BuyerRenewNew(c echo.Context) error { return a.resourceActionNew(c, renewAction) }

// BuyerRenewCreate places the renewal order.
func (a *App) BuyerRenewCreate(c echo.Context) error { return a.resourceActionCreate(c, renewAction) }

// BuyerUpgradeNew is the upgrade form of a resource with its price.
func (a *App) BuyerUpgradeNew(c echo.Context) error { return a.resourceActionNew(c, upgradeAction) }

// BuyerUpgradeCreate places the upgrade (CHANGE) order.
func (a *App) BuyerUpgradeCreate(c echo.Context) error {
	return a.resourceActionCreate(c, upgradeAction)
}

// BuyerConvertNew is the form turning a trial into a formal subscription, with its price.
func (a *App) BuyerConvertNew(c echo.Context) error { return a.resourceActionNew(c, convertAction) }

// BuyerConvertCreate places the TRIAL_TO_FORMAL order.
func (a *App) BuyerConvertCreate(c echo.Context) error {
	return a.resourceActionCreate(c, convertAction)
}

// resourceParam reads the :id resource of the current buyer (404 for anyone else's).
func (a *App) resourceParam(c echo.Context) (models.Resource, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Resource{}, err
	}
	return a.Store.BuyerResource(c.Request().Context(), currentUser(c).ID, id)
}

// resourceState builds an action form from the resource and what was typed, and prices
// it unless the order is about to be placed (placing checks everything again, after the
// idempotency key: a double submit must find its order, not a refusal).
func (a *App) resourceState(c echo.Context, act resourceAction, r models.Resource, f resourceForm, errs view.Errors, price bool) (pages.ResourceActionVM, int, error) {
	ctx := c.Request().Context()
	vm := pages.ResourceActionVM{Action: act.name, Resource: r, ProductName: r.ProductName(i18n.Lang(ctx)), State: r.State(a.Store.Now()),
		ActionURL: act.url(r.ID), Period: f.Period, Count: f.Count, SKU: f.SKU, Errors: errs}
	if act.name == "upgrade" {
		targets, err := a.Store.UpgradeTargets(ctx, r)
		if err != nil {
			return vm, 0, err
		}
		for _, t := range targets {
			vm.Targets = append(vm.Targets, view.Option{Value: t.Spec.SKUCode, Raw: true,
				Label: t.Spec.Name + " · " + i18n.Money(ctx, t.PriceFen) + " " + i18n.T(ctx, "catalog.per."+r.PeriodType)})
		}
		if vm.SKU == "" && len(vm.Targets) > 0 {
			vm.SKU = vm.Targets[0].Value
		}
	} else {
		prices, err := a.Store.SpecPrices(ctx, []uint{r.SpecID})
		if err != nil {
			return vm, 0, err
		}
		vm.Periods = periodOptions(ctx, prices)
		if vm.Period == "" {
			vm.Period = r.PeriodType
			if act.name == "convert" && len(vm.Periods) > 0 {
				vm.Period = vm.Periods[len(vm.Periods)-1].Value
			}
		}
		if vm.Count == "" && !sentEmpty(c, "count") { // the form starts on one period
			vm.Count = "1"
		}
	}
	count, key := parseAmount(vm.Count, 1)
	if act.name != "upgrade" && vm.Count == "" { // emptied: refused, not taken as 1
		key = "error.required"
	}
	if key != "" {
		errs.Set("count", key)
	}
	f.Period, f.SKU = vm.Period, vm.SKU
	if k := firstError(errs); !k.Empty() || !price {
		vm.Quote = pages.QuoteVM{Error: k}
		return vm, count, nil
	}
	plan, err := act.plan(a, ctx, currentUser(c).ID, r.ID, f, count)
	if fe, ok := refusal(err); ok {
		refuse(vm.Errors, fe, "period", "count", "sku")
		vm.Quote = pages.QuoteVM{Error: view.M(fe.Key)}
		return vm, count, nil
	}
	if err != nil {
		return vm, count, err
	}
	vm.Quote = pages.QuoteVM{Quote: plan.Quote, Linear: plan.SpecContent.LinearAttr}
	return vm, count, nil
}

// resourceActionNew shows an action's form and price; htmx asks it for the price alone.
func (a *App) resourceActionNew(c echo.Context, act resourceAction) error {
	r, err := a.resourceParam(c)
	if err != nil {
		return err
	}
	if redirected, err := a.requireBuyerProfile(c); redirected {
		return err
	}
	var f resourceForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	vm, _, err := a.resourceState(c, act, r, f, errs, true)
	if err != nil {
		return err
	}
	vm.Key = newIdempotencyKey()
	return a.render(c, http.StatusOK, pages.ResourceActionPage(a.page(c), vm), pages.BuyQuote(vm.Quote))
}

// resourceActionCreate places an action's order and goes to its pay page.
func (a *App) resourceActionCreate(c echo.Context, act resourceAction) error {
	r, err := a.resourceParam(c)
	if err != nil {
		return err
	}
	if redirected, err := a.requireBuyerProfile(c); redirected {
		return err
	}
	var f resourceForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	vm, count, err := a.resourceState(c, act, r, f, errs, false)
	if err != nil {
		return err
	}
	vm.Key = f.Key
	if !validKey(f.Key) {
		vm.Errors["_form"], vm.Key = view.M("buyer.error_key"), newIdempotencyKey()
	}
	if vm.Errors.Any() {
		return a.rejectResourceAction(c, act, r, vm)
	}
	f.Period, f.SKU = vm.Period, vm.SKU
	o, err := act.place(a, c.Request().Context(), actor(c), currentUser(c).ID, r.ID, f, count)
	if fe, ok := refusal(err); ok {
		refuse(vm.Errors, fe, "period", "count", "sku")
		return a.rejectResourceAction(c, act, r, vm)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", orderFlash(o))
	return a.redirect(c, web.BuyerOrder(o.OrderNo))
}

// rejectResourceAction shows an action's form again with its errors and current price.
func (a *App) rejectResourceAction(c echo.Context, act resourceAction, r models.Resource, vm pages.ResourceActionVM) error {
	priced, _, err := a.resourceState(c, act, r, resourceForm{Period: vm.Period, Count: vm.Count, SKU: vm.SKU}, view.Errors{}, true)
	if err != nil {
		return err
	}
	if k := firstError(vm.Errors); !k.Empty() && priced.Quote.OK() {
		priced.Quote = pages.QuoteVM{Error: k}
	}
	for f, k := range vm.Errors {
		priced.Errors[f] = k
	}
	priced.Key = vm.Key
	return a.render(c, http.StatusUnprocessableEntity, pages.ResourceActionPage(a.page(c), priced), nil)
}

// BuyerResourceSuspend stops an on-demand SaaS resource: its instance is frozen and the
// merchant's system told.
func (a *App) BuyerResourceSuspend(c echo.Context) error { return a.setOnDemandUse(c, true) }

// BuyerResourceResume starts a suspended on-demand SaaS resource again.
func (a *App) BuyerResourceResume(c echo.Context) error { return a.setOnDemandUse(c, false) }

func (a *App) setOnDemandUse(c echo.Context, suspend bool) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.SetOnDemandUse(c.Request().Context(), actor(c), currentUser(c).ID, id, suspend); err != nil {
		return err
	}
	msg := "saas.instance.resumed"
	if suspend {
		msg = "saas.instance.suspended"
	}
	a.flash(c, "success", msg)
	return a.redirect(c, web.BuyerResources())
}
