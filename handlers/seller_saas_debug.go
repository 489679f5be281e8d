package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/saasdebug"
	"sellercenter/internal/saasproto"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// debugLimits bound the console's outbound calls: one merchant at most 2 at a time, the
// whole server at most 16.
const (
	debugPerMerchant = 2
	debugGlobal      = 16
)

// debugLimiter counts the console calls in flight.
type debugLimiter struct {
	mu     sync.Mutex
	byUser map[uint]int
	total  int
}

func (l *debugLimiter) acquire(merchantID uint) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byUser == nil {
		l.byUser = map[uint]int{}
	}
	if l.total >= debugGlobal || l.byUser[merchantID] >= debugPerMerchant {
		return false
	}
	l.total++
	l.byUser[merchantID]++
	return true
}

func (l *debugLimiter) release(merchantID uint) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total--
	if l.byUser[merchantID]--; l.byUser[merchantID] <= 0 {
		delete(l.byUser, merchantID)
	}
}

// debugForm is the console's form as sent.
type debugForm struct {
	Version, Activity, ProductID, AddressID, URL, KeyID, Key, EncryptType, KitAppID string
	Params                                                                          map[string]string
}

const maxDebugValue = 16384

func readDebugForm(c echo.Context) (debugForm, error) {
	vals, err := c.FormParams()
	if err != nil {
		return debugForm{}, bodyError(err)
	}
	get := func(k string) string { return strings.TrimSpace(vals.Get(k)) }
	f := debugForm{Version: get("version"), Activity: get("activity"), ProductID: get("product_id"), AddressID: get("address_id"),
		URL: get("url"), KeyID: get("key_id"), Key: strings.TrimSpace(vals.Get("key")), EncryptType: get("encrypt_type"), KitAppID: get("kit_app_id"),
		Params: map[string]string{}}
	if len(vals) > 200 {
		return f, echo.NewHTTPError(http.StatusBadRequest)
	}
	for k, v := range vals {
		if name, ok := strings.CutPrefix(k, "p."); ok && len(v) > 0 {
			if len(v[0]) > maxDebugValue {
				return f, echo.NewHTTPError(http.StatusRequestEntityTooLarge)
			}
			f.Params[name] = v[0]
		}
	}
	return f, nil
}

// debugSetup is what a console call needs, resolved from the form.
type debugSetup struct {
	call    saasproto.Call
	spec    saasproto.Spec
	product *models.SaaSProductRef
	address *models.ProductionAddress
	key     *models.AccessKey
	// appSecret: the clientSecret was the app credential's own, put in by the console; the
	// history keeps only a placeholder.
	appSecret bool
}

// consoleVM fills the parts of the console every render needs.
func (a *App) consoleVM(c echo.Context, version, activity string) (pages.DebugConsoleVM, error) {
	ctx, m := c.Request().Context(), currentMerchant(c)
	vm := pages.DebugConsoleVM{Active: m.Active(), Version: version, Activity: activity, Errors: view.Errors{}, DemoURL: a.saasDemoURL()}
	spec, ok := saasproto.Lookup(saasproto.Version(version), activity)
	if !ok {
		return vm, echo.NewHTTPError(http.StatusNotFound)
	}
	vm.Spec = spec
	var err error
	if vm.Products, err = a.Store.SaaSProductsOf(ctx, m.ID); err != nil {
		return vm, err
	}
	if vm.Addresses, err = a.Store.ProductionAddressesOf(ctx, m.ID); err != nil {
		return vm, err
	}
	if vm.Keys, err = a.Store.AccessKeysOf(ctx, m.ID); err != nil {
		return vm, err
	}
	if vm.Timeout, err = a.Store.SaaSCallTimeout(ctx); err != nil {
		return vm, err
	}
	if spec.Kit {
		if vm.KitApps, err = a.Store.KitAppsOf(ctx, m.ID); err != nil {
			return vm, err
		}
	}
	return vm, nil
}

// kitAppChoice is the chosen app credential of a kit tab; ok false when the id names
// none of the merchant's.
func kitAppChoice(apps []models.KitApp, id string) (models.KitApp, bool) {
	for _, app := range apps {
		if strconv.FormatUint(uint64(app.ID), 10) == id {
			return app, true
		}
	}
	return models.KitApp{}, false
}

// kitDefaults fills a kit tab from an app credential and its test tenant: the app ID,
// the public key and digest, the tenant and its administrator (the secret is put in when
// the call is sent, never shown).
func (a *App) kitDefaults(ctx context.Context, merchantID uint, spec saasproto.Spec, app models.KitApp, p map[string]string) error {
	set := func(k, v string) {
		if hasParam(spec, k) && v != "" {
			p[k] = v
		}
	}
	set("appId", app.ClientID)
	set("clientId", app.ClientID)
	set("publicKey", app.PublicKey)
	set("oaepDigest", app.OAEPDigest)
	if hasParam(spec, "clientSecret") {
		p["clientSecret"] = ""
	}
	tt, err := a.Store.TestTenantOf(ctx, merchantID, app.ID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	set("instanceId", tt.Binding.InstanceID)
	set("tenantId", tt.Tenant.TenantID)
	set("tenantCode", tt.Tenant.TenantCode)
	set("name", tt.Tenant.Name)
	set("domainName", tt.Tenant.DomainName)
	set("user.userName", models.TestTenantAdmin)
	set("user.role", models.KitRoleAdmin)
	set("user.enable", "true")
	return nil
}

// fillCases lists the selected product's required cases and whether each passed with
// the product's current address and key.
func (a *App) fillCases(ctx context.Context, merchantID uint, vm *pages.DebugConsoleVM) error {
	pid, _ := strconv.ParseUint(vm.ProductID, 10, 32)
	var prod *models.SaaSProductRef
	for i := range vm.Products {
		if uint64(vm.Products[i].ID) == pid {
			prod = &vm.Products[i]
		}
	}
	if prod == nil || prod.AddressID == nil {
		return nil
	}
	var addr *models.ProductionAddress
	for i := range vm.Addresses {
		if vm.Addresses[i].ID == *prod.AddressID {
			addr = &vm.Addresses[i]
		}
	}
	if addr == nil || addr.Protocol != vm.Version {
		return nil
	}
	cases, err := a.Store.DebugCasesOf(ctx, merchantID, prod.ID, prod.AddressID)
	if err != nil {
		return err
	}
	ok := map[string]uint{}
	for _, dc := range cases {
		if dc.Current {
			ok[dc.Activity] = dc.CallID
		}
	}
	for _, act := range saasproto.RequiredActivities(saasproto.Version(addr.Protocol), prod.Modes) {
		call, passed := ok[act]
		vm.Cases = append(vm.Cases, pages.CaseStatus{Activity: act, Passed: passed, Call: call})
	}
	return nil
}

// SaaSDebug is the debugging console (应用接入调试) on one tab.
func (a *App) SaaSDebug(c echo.Context) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	version, activity := c.QueryParam("version"), c.QueryParam("activity")
	productID, addressID := c.QueryParam("product"), c.QueryParam("address")
	if addressID != "" && version == "" {
		if id, err := strconv.ParseUint(addressID, 10, 32); err == nil {
			if ad, err := a.Store.ProductionAddressOf(ctx, m.ID, uint(id)); err == nil {
				version = ad.Protocol
			}
		}
	}
	if version == "" {
		version = string(saasproto.V2)
	}
	if activity == "" {
		activity = saasproto.NewInstance
	}
	vm, err := a.consoleVM(c, version, activity)
	if err != nil {
		return err
	}
	vm.ProductID, vm.Target.AddressID, vm.EncryptType = productID, addressID, saasproto.EncryptAES256
	var kitApp *models.KitApp
	if vm.Spec.Kit {
		if id := c.QueryParam("app"); id != "" {
			app, ok := kitAppChoice(vm.KitApps, id)
			if !ok {
				return echo.NewHTTPError(http.StatusNotFound)
			}
			kitApp = &app
		} else if len(vm.KitApps) > 0 {
			kitApp = &vm.KitApps[0]
		}
		if kitApp != nil {
			vm.KitAppID = strconv.FormatUint(uint64(kitApp.ID), 10)
			if vm.Target.AddressID == "" {
				vm.Target.AddressID = strconv.FormatUint(uint64(kitApp.AddressID), 10)
			}
		}
	}
	if vm.ProductID != "" && !hasProduct(vm.Products, vm.ProductID) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if vm.Target.AddressID != "" && !hasAddress(vm.Addresses, vm.Target.AddressID) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	// A product's own address is the natural target, with its encryption.
	for _, p := range vm.Products {
		if strconv.FormatUint(uint64(p.ID), 10) != vm.ProductID {
			continue
		}
		if vm.Target.AddressID == "" && p.AddressID != nil && !vm.Spec.Kit {
			vm.Target.AddressID = strconv.FormatUint(uint64(*p.AddressID), 10)
		}
		if p.Encrypt == saasproto.EncryptAES128 {
			vm.EncryptType = p.Encrypt
		}
	}
	if vm.Target.AddressID == "" && vm.ProductID == "" {
		// Otherwise the first saved address of the tab's interface, of its version if any.
		for _, sameVersion := range []bool{true, false} {
			for _, ad := range vm.Addresses {
				if vm.Target.AddressID == "" && (ad.InterfaceType == models.InterfaceKit) == vm.Spec.Kit &&
					ad.InterfaceType != models.InterfaceLicense && (ad.Protocol == vm.Version || !sameVersion) {
					vm.Target.AddressID = strconv.FormatUint(uint64(ad.ID), 10)
				}
			}
		}
	}
	if vm.Params, err = a.debugDefaults(ctx, m.ID, vm); err != nil {
		return err
	}
	if kitApp != nil {
		if err := a.kitDefaults(ctx, m.ID, vm.Spec, *kitApp, vm.Params); err != nil {
			return err
		}
	}
	if err := a.fillCases(ctx, m.ID, &vm); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.SaaSDebugPage(a.page(c), vm), nil)
}

// productChoice reads a filter's product: one of the merchant's SaaS products, or nil
// when none is chosen; anything else is an error on the field.
func productChoice(errs view.Errors, ps []models.SaaSProductRef, value string) *uint {
	if value == "" {
		return nil
	}
	if !hasProduct(ps, value) {
		errs.Set("product", "error.choice")
		return nil
	}
	id, _ := strconv.ParseUint(value, 10, 32)
	pid := uint(id)
	return &pid
}

func hasProduct(ps []models.SaaSProductRef, id string) bool {
	for _, p := range ps {
		if strconv.FormatUint(uint64(p.ID), 10) == id {
			return true
		}
	}
	return false
}

func hasAddress(as []models.ProductionAddress, id string) bool {
	for _, ad := range as {
		if strconv.FormatUint(uint64(ad.ID), 10) == id {
			return true
		}
	}
	return false
}

// debugDefaults prefills a tab: the protocol's test values, the product's own SKU and
// productId, the instance the last passing new purchase made, and the product's
// encryption type.
func (a *App) debugDefaults(ctx context.Context, merchantID uint, vm pages.DebugConsoleVM) (map[string]string, error) {
	p := saasproto.Defaults(vm.Spec, a.Clock.Now())
	pid, _ := strconv.ParseUint(vm.ProductID, 10, 32)
	if pid != 0 {
		specs, err := a.Store.LiveSpecs(ctx, uint(pid))
		if err != nil {
			return nil, err
		}
		if len(specs) > 0 {
			if hasParam(vm.Spec, "skuCode") {
				p["skuCode"] = specs[0].SKUCode
			}
			prices, err := a.Store.SpecPrices(ctx, []uint{specs[0].ID})
			if err != nil {
				return nil, err
			}
			if hasParam(vm.Spec, "productId") && len(prices) > 0 {
				p["productId"] = prices[0].ProductCode
			}
		}
	}
	if hasParam(vm.Spec, "instanceId") {
		id, err := a.Store.LastDebugInstance(ctx, merchantID, uint(pid), vm.Version)
		if err != nil {
			return nil, err
		}
		if id != "" {
			p["instanceId"] = id
		}
	}
	return p, nil
}

// resolveDebug turns the form into a call, or into field errors.
func (a *App) resolveDebug(c echo.Context, f debugForm, vm *pages.DebugConsoleVM) (*debugSetup, error) {
	ctx, m := c.Request().Context(), currentMerchant(c)
	errs := vm.Errors
	s := &debugSetup{spec: vm.Spec}
	if f.ProductID != "" {
		for i := range vm.Products {
			if strconv.FormatUint(uint64(vm.Products[i].ID), 10) == f.ProductID {
				s.product = &vm.Products[i]
			}
		}
		if s.product == nil {
			errs.Set("product_id", "error.choice")
		}
	}
	if f.EncryptType == "" {
		f.EncryptType = saasproto.EncryptAES256
	}
	if f.EncryptType != saasproto.EncryptAES256 && f.EncryptType != saasproto.EncryptAES128 {
		errs.Set("encrypt_type", "error.choice")
	}
	params := map[string]string{} // the tab's parameters only: nothing else is kept
	for _, fl := range vm.Spec.Fields {
		if v, ok := f.Params[fl.Name]; ok {
			params[fl.Name] = v
		}
	}
	if vm.Spec.Kit && f.KitAppID != "" {
		app, ok := kitAppChoice(vm.KitApps, f.KitAppID)
		switch {
		case !ok:
			errs.Set("kit_app_id", "error.choice")
		case hasParam(vm.Spec, "clientSecret") && strings.TrimSpace(params["clientSecret"]) == "":
			// The app's own secret, put in here: the console never shows it.
			secret, err := a.Store.KitAppSecret(app)
			if err != nil {
				return nil, err
			}
			params["clientSecret"] = secret
			s.appSecret = true
		}
	}
	call := saasproto.Call{Version: saasproto.Version(f.Version), Activity: f.Activity, EncryptType: f.EncryptType, Params: params, Now: a.Clock.Now()}
	switch {
	case f.AddressID != "":
		id, err := strconv.ParseUint(f.AddressID, 10, 32)
		var ad models.ProductionAddress
		if err == nil {
			ad, err = a.Store.ProductionAddressOf(ctx, m.ID, uint(id))
		}
		switch {
		case err != nil && !errors.Is(err, models.ErrNotFound) && !errors.Is(err, strconv.ErrSyntax) && !errors.Is(err, strconv.ErrRange):
			return nil, err
		case err != nil || (ad.InterfaceType == models.InterfaceKit) != vm.Spec.Kit || ad.InterfaceType == models.InterfaceLicense:
			errs.Set("address_id", "error.choice") // not the merchant's, or not an address of this interface
		default:
			secret, k, kerr := a.Store.KeySecret(ctx, m.ID, ad.KeyID)
			switch {
			case errors.Is(kerr, models.ErrKeyRevoked) || errors.Is(kerr, models.ErrNotFound):
				errs.Set("address_id", "saas.error.key_revoked")
			case kerr != nil:
				return nil, kerr
			default:
				call.Address, call.AccessKey = ad.URL, secret
				s.address, s.key = &ad, &k
			}
		}
	case f.URL == "":
		errs.Set("address_id", "saas.debug.error_target")
	default:
		u, fe := models.CheckAddressURL(f.URL, a.devAddresses())
		if fe != nil {
			errs.Set("url", fe.Key, fe.Args...)
		}
		call.Address = u
		switch {
		case f.KeyID != "":
			id, err := strconv.ParseUint(f.KeyID, 10, 32)
			var secret string
			var k models.AccessKey
			if err == nil {
				secret, k, err = a.Store.KeySecret(ctx, m.ID, uint(id))
			}
			switch {
			case errors.Is(err, models.ErrKeyRevoked):
				errs.Set("key_id", "saas.error.key_revoked")
			case err != nil && (errors.Is(err, models.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange)):
				errs.Set("key_id", "error.choice")
			case err != nil:
				return nil, err
			default:
				call.AccessKey, s.key = secret, &k
			}
		case f.Key == "":
			errs.Set("key", "saas.debug.error_key")
		case utf8.RuneCountInString(f.Key) > 128 || strings.ContainsFunc(f.Key, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			errs.Set("key", "saas.debug.error_key_long")
		default:
			call.AccessKey = f.Key
		}
	}
	_, problems, err := call.Validate()
	if err != nil {
		return nil, echo.NewHTTPError(http.StatusNotFound)
	}
	for _, pr := range problems {
		args := []any{}
		if pr.Problem == "too_long" {
			args = []any{"N", pr.Max}
		}
		errs.Set("p."+pr.Field, "saas.param_error."+pr.Problem, args...)
	}
	s.call = call
	if errs.Any() {
		return nil, nil
	}
	return s, nil
}

// debugPost reads the form and re-renders the console with what was typed.
func (a *App) debugPost(c echo.Context) (pages.DebugConsoleVM, *debugSetup, error) {
	if err := requireActive(c); err != nil {
		return pages.DebugConsoleVM{}, nil, err
	}
	f, err := readDebugForm(c)
	if err != nil {
		return pages.DebugConsoleVM{}, nil, err
	}
	if _, ok := saasproto.ParseVersion(f.Version); !ok {
		return pages.DebugConsoleVM{}, nil, echo.NewHTTPError(http.StatusBadRequest)
	}
	vm, err := a.consoleVM(c, f.Version, f.Activity)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return vm, nil, echo.NewHTTPError(http.StatusBadRequest)
		}
		return vm, nil, err
	}
	vm.ProductID, vm.Target = f.ProductID, pages.DebugTarget{AddressID: f.AddressID, URL: f.URL, KeyID: f.KeyID}
	vm.EncryptType, vm.Params, vm.KitAppID = f.EncryptType, f.Params, f.KitAppID
	setup, err := a.resolveDebug(c, f, &vm)
	if err != nil {
		return vm, nil, err
	}
	if err := a.fillCases(c.Request().Context(), currentMerchant(c).ID, &vm); err != nil {
		return vm, nil, err
	}
	return vm, setup, nil
}

// SaaSDebugLink builds the signed request without sending it ("Generate link").
func (a *App) SaaSDebugLink(c echo.Context) error {
	vm, setup, err := a.debugPost(c)
	if err != nil {
		return err
	}
	if setup == nil {
		return a.render(c, http.StatusUnprocessableEntity, pages.SaaSDebugPage(a.page(c), vm), nil)
	}
	req, _, err := setup.call.Build()
	if err != nil {
		vm.Errors.Set("url", "saas.address_error.malformed")
		return a.render(c, http.StatusUnprocessableEntity, pages.SaaSDebugPage(a.page(c), vm), nil)
	}
	vm.Built = req
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, http.StatusOK, pages.SaaSDebugPage(a.page(c), vm), nil)
}

// SaaSDebugSend performs the call, keeps it in the history (a passing call for a product
// with its saved address becomes a debug case) and shows the result under the form.
func (a *App) SaaSDebugSend(c echo.Context) error {
	vm, setup, err := a.debugPost(c)
	if err != nil {
		return err
	}
	if setup == nil {
		return a.render(c, http.StatusUnprocessableEntity, pages.SaaSDebugPage(a.page(c), vm), nil)
	}
	return a.sendDebug(c, vm, setup)
}

func (a *App) sendDebug(c echo.Context, vm pages.DebugConsoleVM, setup *debugSetup) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	req, _, err := setup.call.Build()
	if err != nil {
		vm.Errors.Set("url", "saas.address_error.malformed")
		return a.render(c, http.StatusUnprocessableEntity, pages.SaaSDebugPage(a.page(c), vm), nil)
	}
	if !a.debugLimit.acquire(m.ID) {
		vm.Errors.Set("address_id", "saas.debug.busy")
		return a.render(c, http.StatusTooManyRequests, pages.SaaSDebugPage(a.page(c), vm), nil)
	}
	res := saasdebug.Do(ctx, a.Outbound, setup.call, req, vm.Timeout)
	a.debugLimit.release(m.ID)
	rec := debugRecord(setup, res)
	rec.UserID = actor(c).UserID
	saved, err := a.Store.RecordDebugCall(ctx, m.ID, rec)
	if err != nil {
		return err
	}
	r := pages.NewDebugResult(saved)
	r.AppInfo, r.Replayable = res.Outcome.AppInfo, true
	if setup.product != nil {
		r.Product = pages.ProductName(i18n.Lang(ctx), setup.product.NameZh, setup.product.NameEn)
		if saved.Passed && setup.address != nil && setup.key != nil && setup.address.KeyID == setup.key.ID && setup.address.Protocol == string(setup.call.Version) {
			r.CaseSaved = true
		}
	}
	vm.Result = r
	vm.Cases = nil // again: the call may have completed a case
	if err := a.fillCases(ctx, m.ID, &vm); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, http.StatusOK, pages.SaaSDebugPage(a.page(c), vm), nil)
}

// appSecretPlaceholder stands for an app credential's secret in the debug history.
const appSecretPlaceholder = "(app secret)"

// debugRecord is the history row of a call, with what it was made for and with.
func debugRecord(s *debugSetup, res *saasdebug.Result) models.DebugCall {
	rec := saasdebug.Record(s.call, res)
	if s.appSecret {
		p := maps.Clone(s.call.Params)
		p["clientSecret"] = appSecretPlaceholder
		b, _ := json.Marshal(p)
		rec.Params = string(b)
	}
	if s.product != nil {
		id := s.product.ID
		rec.ProductID = &id
	}
	if s.address != nil {
		id := s.address.ID
		rec.AddressID = &id
	}
	if s.key != nil {
		id := s.key.ID
		rec.KeyID, rec.KeyGeneration = &id, s.key.Generation
	}
	return rec
}

// SaaSDebugCalls is the history of the merchant's debug calls, filtered, keyset-paged.
func (a *App) SaaSDebugCalls(c echo.Context) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	var f pages.DebugCallFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	vm := pages.DebugCallsVM{Filter: f, Errors: errs}
	if vm.Products, err = a.Store.SaaSProductsOf(ctx, m.ID); err != nil {
		return err
	}
	filter := models.DebugCallFilter{Activity: f.Activity, Outcome: f.Outcome, Limit: 30}
	filter.ProductID = productChoice(errs, vm.Products, f.Product)
	if f.Activity != "" {
		if _, ok1 := saasproto.Lookup(saasproto.V1, f.Activity); !ok1 {
			if _, ok2 := saasproto.Lookup(saasproto.V2, f.Activity); !ok2 {
				errs.Set("activity", "error.choice")
			}
		}
	}
	loc := a.Store.CalendarLocation(ctx)
	filter.From = parseDay(errs, "from", f.From, loc, 0)
	filter.To = parseDay(errs, "to", f.To, loc, 1) // up to the end of that day
	if f.Before != "" {
		id, err := strconv.ParseUint(f.Before, 10, 32)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		filter.Before = uint(id)
	}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.SaaSDebugCallsPage(a.page(c), vm), nil)
	}
	items, more, err := a.Store.DebugCallsOf(ctx, m.ID, filter)
	if err != nil {
		return err
	}
	vm.Items = items
	q := f.Query()
	if more {
		vm.Next = web.SellerSaaSDebugCalls(joinQuery(q, "before="+strconv.FormatUint(uint64(items[len(items)-1].ID), 10)))
	}
	if f.Before != "" {
		vm.Prev = web.SellerSaaSDebugCalls(q)
	}
	return a.render(c, http.StatusOK, pages.SaaSDebugCallsPage(a.page(c), vm), nil)
}

func joinQuery(a, b string) string {
	if a == "" {
		return b
	}
	return a + "&" + b
}

// SaaSDebugCall shows one call of the history in full.
func (a *App) SaaSDebugCall(c echo.Context) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	call, err := a.debugCallParam(c)
	if err != nil {
		return err
	}
	r := pages.NewDebugResult(call)
	r.Replayable = m.Active()
	if call.ProductID != nil {
		if p, err := a.Store.ProductOf(ctx, m.ID, *call.ProductID); err == nil {
			r.Product = pages.ProductName(i18n.Lang(ctx), p.NameZh, p.NameEn)
		}
	}
	a.decryptAppInfo(ctx, m.ID, call, r)
	return a.render(c, http.StatusOK, pages.SaaSDebugCallPage(a.page(c), *r), nil)
}

// debugCallParam reads the :id call of the current merchant (404 for anyone else's).
func (a *App) debugCallParam(c echo.Context) (models.DebugCall, error) {
	id, err := idParam(c)
	if err != nil {
		return models.DebugCall{}, err
	}
	return a.Store.DebugCallOf(c.Request().Context(), currentMerchant(c).ID, id)
}

// decryptAppInfo re-reads a stored reply's appInfo with the saved key it was signed
// with, while that key still has the same secret.
func (a *App) decryptAppInfo(ctx context.Context, merchantID uint, call models.DebugCall, r *pages.DebugResultVM) {
	if !strings.Contains(call.RespBody, "appInfo") {
		return
	}
	r.AppInfoNA = true
	if call.KeyID == nil {
		return
	}
	secret, k, err := a.Store.KeySecret(ctx, merchantID, *call.KeyID)
	if err != nil || k.Generation != call.KeyGeneration {
		return
	}
	out := saasproto.Evaluate(saasproto.Call{Version: saasproto.Version(call.Protocol), Activity: call.Activity, AccessKey: secret, EncryptType: call.EncryptType},
		call.Status, r.RespHeader, []byte(call.RespBody))
	if len(out.AppInfo) > 0 {
		r.AppInfo, r.AppInfoNA = out.AppInfo, false
	}
}

// SaaSDebugReplay sends a call of the history again with fresh signatures: at once when
// it used a saved key, else the console comes back prefilled for the key to be typed.
func (a *App) SaaSDebugReplay(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	ctx, m := c.Request().Context(), currentMerchant(c)
	call, err := a.debugCallParam(c)
	if err != nil {
		return err
	}
	vm, err := a.consoleVM(c, call.Protocol, call.Activity)
	if err != nil {
		return err
	}
	f := debugForm{Version: call.Protocol, Activity: call.Activity, EncryptType: call.EncryptType, Params: map[string]string{}}
	_ = json.Unmarshal([]byte(call.Params), &f.Params)
	if call.ProductID != nil {
		f.ProductID = strconv.FormatUint(uint64(*call.ProductID), 10)
	}
	switch {
	case call.AddressID != nil && hasAddress(vm.Addresses, strconv.FormatUint(uint64(*call.AddressID), 10)):
		f.AddressID = strconv.FormatUint(uint64(*call.AddressID), 10)
	case call.KeyID != nil:
		f.URL, f.KeyID = call.Address, strconv.FormatUint(uint64(*call.KeyID), 10)
	default:
		f.URL = call.Address
	}
	vm.ProductID, vm.Target = f.ProductID, pages.DebugTarget{AddressID: f.AddressID, URL: f.URL, KeyID: f.KeyID}
	vm.EncryptType, vm.Params = f.EncryptType, f.Params
	if f.AddressID == "" && f.KeyID == "" {
		vm.Notice = "saas.debug.replay_key"
		if err := a.fillCases(ctx, m.ID, &vm); err != nil {
			return err
		}
		return a.render(c, http.StatusOK, pages.SaaSDebugPage(a.page(c), vm), nil)
	}
	setup, err := a.resolveDebug(c, f, &vm)
	if err != nil {
		return err
	}
	if setup == nil {
		if err := a.fillCases(ctx, m.ID, &vm); err != nil {
			return err
		}
		return a.render(c, http.StatusUnprocessableEntity, pages.SaaSDebugPage(a.page(c), vm), nil)
	}
	return a.sendDebug(c, vm, setup)
}

func hasParam(s saasproto.Spec, name string) bool {
	for _, f := range s.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}
