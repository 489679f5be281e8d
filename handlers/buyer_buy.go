package handlers

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// buyForm is the buy form as typed. Numbers stay strings here so a bad one gets a message
// in the form instead of a 400.
type buyForm struct {
	Product  string `query:"product" form:"product" validate:"max=20"`
	SKU      string `query:"sku" form:"sku" validate:"max=40"`
	Period   string `query:"period" form:"period" validate:"max=20"`
	Count    string `query:"count" form:"count" validate:"max=30"`
	Quantity string `query:"quantity" form:"quantity" validate:"max=30"`
	Trial    string `query:"trial" form:"trial" validate:"max=5"`
	Region   string `query:"region" form:"region" validate:"max=40"`
	Key      string `query:"-" form:"key" validate:"max=64"`
}

// parseAmount reads a whole number typed into a form: empty is def; a number too large
// for an int becomes the largest one (the price rules then refuse it with their range);
// anything else is the message key.
func parseAmount(s string, def int) (int, string) {
	if s == "" {
		return def, ""
	}
	n, err := strconv.Atoi(s)
	if err == nil {
		return n, ""
	}
	var ne *strconv.NumError
	if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
		if strings.HasPrefix(s, "-") {
			return math.MinInt32, ""
		}
		return math.MaxInt32, ""
	}
	return 0, "error.number"
}

// buyState builds the buy page from the form: the product on sale (404 otherwise), its
// offered specs with the chosen one, the options it offers and the purchase input. The
// form pages start on the first region; an order must name its region.
func (a *App) buyState(c echo.Context, f buyForm, errs view.Errors) (pages.BuyVM, models.PurchaseInput, error) {
	ctx := c.Request().Context()
	var in models.PurchaseInput
	pid, err := parseID(f.Product)
	if err != nil {
		return pages.BuyVM{}, in, err
	}
	d, err := a.Store.CatalogProduct(ctx, pid)
	if err != nil {
		return pages.BuyVM{}, in, err
	}
	if len(d.Specs) == 0 {
		return pages.BuyVM{}, in, echo.NewHTTPError(http.StatusNotFound)
	}
	spec := d.Specs[0]
	found := f.SKU == ""
	for _, s := range d.Specs {
		if s.Spec.SKUCode == f.SKU {
			spec, found = s, true
		}
	}
	if !found {
		errs.Set("sku", "buyer.error_spec")
	}
	vm := pages.BuyVM{ProductType: d.Product.Type, ProductURL: web.CatalogProduct(pid), SpecName: spec.Spec.DisplayName(i18n.Lang(ctx)),
		BillingMode: spec.Spec.BillingMode, Linear: spec.Content.LinearAttr, LinearMin: spec.Content.LinearMin, LinearMax: spec.Content.LinearMax, Errors: errs}
	vm.ProductName, _ = localName(ctx, d.Product.NameZh, d.Product.NameEn)
	if models.TrialOffered(spec.Content) {
		vm.TrialDays = spec.Content.TrialDays
	}
	for _, s := range d.Specs {
		vm.Specs = append(vm.Specs, pages.BuySpec{SKU: s.Spec.SKUCode, Name: s.Spec.DisplayName(i18n.Lang(ctx)), URL: web.BuyerBuy(pid, s.Spec.SKUCode),
			Selected: s.Spec.ID == spec.Spec.ID, Trial: models.TrialOffered(s.Content)})
	}
	vm.Periods = periodOptions(ctx, spec.Prices)
	if vm.Regions, err = a.regionOptions(ctx, models.OfferedRegions(d.Content, spec.Content)); err != nil {
		return vm, in, err
	}
	form := pages.BuyForm{ProductID: pid, SKU: spec.Spec.SKUCode, Period: f.Period, Count: f.Count, Quantity: f.Quantity, Trial: f.Trial != "", Region: f.Region}
	if form.Period == "" && len(vm.Periods) > 0 {
		form.Period = vm.Periods[0].Value
	}
	if form.Region == "" && len(vm.Regions) > 0 && (len(vm.Regions) == 1 || c.Request().Method == http.MethodGet) {
		form.Region = vm.Regions[0].Value
	}
	for _, r := range vm.Regions {
		if r.Value == form.Region {
			vm.RegionName = r.Label
		}
	}
	// The form starts on one period and the smallest quantity; a form sent with the count
	// (or a quantity) emptied is refused, not taken as 1.
	emptied := map[string]bool{"count": sentEmpty(c, "count"), "quantity": sentEmpty(c, "quantity")}
	if form.Count == "" && !emptied["count"] {
		form.Count = "1"
	}
	if form.Quantity == "" && !emptied["quantity"] {
		form.Quantity = strconv.Itoa(max(vm.LinearMin, 1))
	}
	vm.Form = form
	count, ckey := parseAmount(form.Count, 1)
	qty, qkey := parseAmount(form.Quantity, 1)
	if emptied["count"] {
		ckey = "error.required"
	}
	if emptied["quantity"] {
		qkey = "error.required"
	}
	if ckey != "" {
		errs.Set("count", ckey)
	}
	if qkey != "" {
		errs.Set("quantity", qkey)
	}
	in = models.PurchaseInput{ProductID: pid, SKU: form.SKU, PeriodType: form.Period, Count: count, Quantity: qty, Trial: form.Trial, Region: form.Region}
	return vm, in, nil
}

// periodOptions offers a spec's period types with their prices.
func periodOptions(ctx context.Context, prices []models.SpecPrice) []view.Option {
	var out []view.Option
	for _, pr := range prices {
		out = append(out, view.Option{Value: pr.PeriodType, Raw: true,
			Label: i18n.T(ctx, "listing.period."+pr.PeriodType) + " · " + i18n.Money(ctx, pr.PriceFen)})
	}
	return out
}

// regionOptions names the regions a spec is sold in, in the reader's language.
func (a *App) regionOptions(ctx context.Context, codes []string) ([]view.Option, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	all, err := a.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range all {
		names[r.Code], _ = localName(ctx, r.NameZh, r.NameEn)
	}
	out := make([]view.Option, 0, len(codes))
	for _, code := range codes {
		label := code
		if n := names[code]; n != "" {
			label = n + " (" + code + ")"
		}
		out = append(out, view.Option{Value: code, Label: label, Raw: true})
	}
	return out, nil
}

// priceBuy checks the choice against every purchase rule and prices it; a refusal goes
// into the form's errors and the quote panel.
func (a *App) priceBuy(c echo.Context, vm *pages.BuyVM, in models.PurchaseInput) error {
	if msg := firstError(vm.Errors); !msg.Empty() {
		vm.Quote = pages.QuoteVM{Error: msg}
		return nil
	}
	plan, err := a.Store.PlanPurchase(c.Request().Context(), currentUser(c).ID, in)
	if fe, ok := refusal(err); ok {
		refuse(vm.Errors, fe, buyFields...)
		vm.Quote = pages.QuoteVM{Error: view.M(fe.Key)}
		return nil
	}
	if err != nil {
		return err
	}
	vm.Quote = pages.QuoteVM{Quote: plan.Quote, Linear: plan.SpecContent.LinearAttr}
	return nil
}

// refuse puts a store refusal on its field when the form has it, else on the whole form.
func refuse(errs view.Errors, fe *models.FieldError, fields ...string) {
	for _, f := range fields {
		if f == fe.Field {
			errs.Set(f, fe.Key)
			return
		}
	}
	errs.Set("_form", fe.Key)
}

// refusal unwraps a store refusal into the field it concerns and its message.
func refusal(err error) (*models.FieldError, bool) {
	var fe *models.FieldError
	if errors.As(err, &fe) {
		return fe, true
	}
	return nil, false
}

// buyFields are the buy form's fields a refusal may name, in form order.
var buyFields = []string{"sku", "trial", "period", "count", "quantity", "region"}

// firstError is the message of one of the form's errors, the whole form's first.
func firstError(errs view.Errors) view.Msg {
	if k, ok := errs["_form"]; ok {
		return k
	}
	for _, f := range buyFields {
		if k, ok := errs[f]; ok {
			return k
		}
	}
	for _, k := range errs {
		return k
	}
	return view.Msg{}
}

// pricedBuy reads the buy form from the query and prices the choice. answered is true
// when the request was already answered (an error page, or the buyer sent to fill in
// their profile first); err is then what to return.
func (a *App) pricedBuy(c echo.Context) (vm pages.BuyVM, answered bool, err error) {
	var f buyForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return vm, true, err
	}
	vm, in, err := a.buyState(c, f, errs)
	if err != nil {
		return vm, true, err
	}
	if redirected, err := a.requireBuyerProfile(c); redirected {
		return vm, true, err
	}
	if err := a.priceBuy(c, &vm, in); err != nil {
		return vm, true, err
	}
	return vm, false, nil
}

// BuyNew is the buy form of a product; htmx asks it for the quote as choices change.
func (a *App) BuyNew(c echo.Context) error {
	vm, answered, err := a.pricedBuy(c)
	if answered {
		return err
	}
	return a.render(c, http.StatusOK, pages.BuyPage(a.page(c), vm), pages.BuyQuote(vm.Quote))
}

// BuyConfirm checks the choice again and shows it with its price and the button that
// places the order; a refused choice goes back to the form.
func (a *App) BuyConfirm(c echo.Context) error {
	vm, answered, err := a.pricedBuy(c)
	if answered {
		return err
	}
	if vm.Errors.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.BuyPage(a.page(c), vm), nil)
	}
	vm.Key = newIdempotencyKey()
	vm.EditURL = web.BuyerBuyBase() + "?" + buyQuery(vm.Form)
	return a.render(c, http.StatusOK, pages.BuyConfirmPage(a.page(c), vm), nil)
}

// buyQuery is the form's choice as a query string, to go back and change it.
func buyQuery(f pages.BuyForm) string {
	v := url.Values{}
	v.Set("product", strconv.FormatUint(uint64(f.ProductID), 10))
	v.Set("sku", f.SKU)
	for k, s := range map[string]string{"period": f.Period, "count": f.Count, "quantity": f.Quantity, "region": f.Region} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Trial {
		v.Set("trial", "1")
	}
	return v.Encode()
}

// BuyerOrderCreate places the order confirmed on the confirmation page and goes to its
// pay page. The form's idempotency key makes a double submit one order.
func (a *App) BuyerOrderCreate(c echo.Context) error {
	var f buyForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	vm, in, err := a.buyState(c, f, errs)
	if err != nil {
		return err
	}
	if redirected, err := a.requireBuyerProfile(c); redirected {
		return err
	}
	if !validKey(f.Key) {
		vm.Errors.Set("_form", "buyer.error_key")
	}
	if vm.Errors.Any() {
		return a.rejectBuy(c, vm, in)
	}
	in.IdempotencyKey = f.Key
	o, err := a.Store.Purchase(c.Request().Context(), actor(c), currentUser(c).ID, in)
	if fe, ok := refusal(err); ok {
		refuse(vm.Errors, fe, buyFields...)
		return a.rejectBuy(c, vm, in)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", orderFlash(o))
	return a.redirect(c, web.BuyerOrder(o.OrderNo))
}

// rejectBuy shows the buy form again with its errors and the current price.
func (a *App) rejectBuy(c echo.Context, vm pages.BuyVM, in models.PurchaseInput) error {
	if err := a.priceBuy(c, &vm, in); err != nil {
		return err
	}
	return a.render(c, http.StatusUnprocessableEntity, pages.BuyPage(a.page(c), vm), nil)
}

// orderFlash is the message after an order is placed: pay it, or it is active already.
func orderFlash(o models.Order) string {
	if o.Status == models.OrderPendingPayment {
		return "buyer.flash_order_placed"
	}
	return "buyer.flash_order_active"
}
