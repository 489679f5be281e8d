package handlers

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdemo"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// SaaSDemoPath is where a development server serves the reference merchant endpoint.
const SaaSDemoPath = "/saasdemo"

// saasDemoURL is the reference endpoint's address when this server serves it, else "".
func (a *App) saasDemoURL() string {
	if a.SaaSDemo == nil {
		return ""
	}
	return a.Cfg.BaseURL + SaaSDemoPath
}

// devAddresses tells whether production addresses may be http:// or loopback
// (development only, with SC_OUTBOUND_ALLOW_PRIVATE).
func (a *App) devAddresses() bool { return !a.Cfg.Production && a.Cfg.OutboundAllowPrivate }

// SaaSTools is the application tools overview (应用工具) with the order notification switch.
func (a *App) SaaSTools(c echo.Context) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	keys, err := a.Store.AccessKeysOf(ctx, m.ID)
	if err != nil {
		return err
	}
	addrs, err := a.Store.ProductionAddressesOf(ctx, m.ID)
	if err != nil {
		return err
	}
	st, err := a.Store.SaaSSettingsOf(ctx, m.ID)
	if err != nil {
		return err
	}
	n, err := a.Store.DebugCallCount(ctx, m.ID)
	if err != nil {
		return err
	}
	apps, err := a.Store.KitAppsOf(ctx, m.ID)
	if err != nil {
		return err
	}
	active := 0
	for _, k := range keys {
		if k.Status == models.KeyActive {
			active++
		}
	}
	vm := pages.SaaSToolsVM{Active: m.Active(), Keys: active, Addresses: len(addrs), KitApps: len(apps), Calls: int(n), OrderNotify: st.OrderNotify}
	return a.render(c, http.StatusOK, pages.SaaSToolsPage(a.page(c), vm), nil)
}

// SaaSOrderNotify turns V2 order notification on or off.
func (a *App) SaaSOrderNotify(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	v, err := formValue(c, "order_notify")
	if err != nil {
		return err
	}
	if v != "on" && v != "off" {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "error.choice")
	}
	if err := a.Store.SetOrderNotify(c.Request().Context(), actor(c), currentMerchant(c).ID, v == "on"); err != nil {
		return err
	}
	a.flash(c, "success", "saas.notify.saved_"+v)
	return a.redirect(c, web.SellerSaaS())
}

// saasKeysVM loads the key list with what uses each key.
func (a *App) saasKeysVM(c echo.Context) (pages.SaaSKeysVM, error) {
	ctx, m := c.Request().Context(), currentMerchant(c)
	vm := pages.SaaSKeysVM{Active: m.Active(), Errors: view.Errors{}}
	keys, err := a.Store.AccessKeysOf(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	uses, _, err := a.Store.KeyUsesOf(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	if vm.Grace, err = a.Store.KeyGrace(ctx); err != nil {
		return vm, err
	}
	now := a.Clock.Now()
	for _, k := range keys {
		u := uses[k.ID]
		vm.Rows = append(vm.Rows, pages.KeyRow{Key: k, Addresses: u.Addresses, Products: u.Products, OldLive: k.PreviousLive(now)})
	}
	return vm, nil
}

// SaaSKeys is key management (密钥管理).
func (a *App) SaaSKeys(c echo.Context) error {
	vm, err := a.saasKeysVM(c)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.SaaSKeysPage(a.page(c), vm), nil)
}

// renderSecretOnce shows a page carrying a secret: never cached, never stored.
func (a *App) renderSecretOnce(c echo.Context, status int, vm pages.SaaSKeysVM) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, status, pages.SaaSKeysPage(a.page(c), vm), nil)
}

// SaaSKeyCreate makes a key and shows its secret once (answered directly, not through a
// redirect: the secret never goes into the session).
func (a *App) SaaSKeyCreate(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	name, err := formValue(c, "name")
	if err != nil {
		return err
	}
	k, secret, err := a.Store.CreateAccessKey(c.Request().Context(), actor(c), currentMerchant(c).ID, name)
	vm, lerr := a.saasKeysVM(c)
	if lerr != nil {
		return lerr
	}
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors, vm.Name = fe, name
		return a.renderSecretOnce(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	vm.NewSecret, vm.NewKey = secret, &k
	return a.renderSecretOnce(c, http.StatusOK, vm)
}

// SaaSKeyRotate gives a key a new secret, shown once; the old one works for the grace period.
func (a *App) SaaSKeyRotate(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	k, secret, err := a.Store.RotateAccessKey(c.Request().Context(), actor(c), currentMerchant(c).ID, id)
	if err != nil {
		return err
	}
	vm, err := a.saasKeysVM(c)
	if err != nil {
		return err
	}
	vm.NewSecret, vm.NewKey, vm.Rotated = secret, &k, true
	return a.renderSecretOnce(c, http.StatusOK, vm)
}

// SaaSKeyRetire ends a rotation's grace period now.
func (a *App) SaaSKeyRetire(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.RetireOldSecret(c.Request().Context(), actor(c), currentMerchant(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "success", "saas.keys.flash_retired")
	return a.redirect(c, web.SellerSaaSKeys())
}

// SaaSKeyRevoke ends a key for good; while addresses are bound to it the page lists them.
func (a *App) SaaSKeyRevoke(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx, m := c.Request().Context(), currentMerchant(c)
	err = a.Store.RevokeAccessKey(ctx, actor(c), m.ID, id)
	var inUse *models.KeyInUseError
	if errors.As(err, &inUse) {
		vm, lerr := a.saasKeysVM(c)
		if lerr != nil {
			return lerr
		}
		k, _ := a.Store.AccessKeyOf(ctx, m.ID, id)
		vm.InUse, vm.InUseKey = inUse.Addresses, k.Name
		return a.render(c, http.StatusConflict, pages.SaaSKeysPage(a.page(c), vm), nil)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "saas.keys.flash_revoked")
	return a.redirect(c, web.SellerSaaSKeys())
}

// saasAddressesVM loads the address list with each address's key and products.
func (a *App) saasAddressesVM(c echo.Context) (pages.SaaSAddressesVM, error) {
	ctx, m := c.Request().Context(), currentMerchant(c)
	vm := pages.SaaSAddressesVM{Active: m.Active()}
	addrs, err := a.Store.ProductionAddressesOf(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	keys, err := a.Store.AccessKeysOf(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	byKey := map[uint]models.AccessKey{}
	for _, k := range keys {
		byKey[k.ID] = k
	}
	_, byAddr, err := a.Store.KeyUsesOf(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	for _, ad := range addrs {
		k := byKey[ad.KeyID]
		vm.Rows = append(vm.Rows, pages.AddressRow{Address: ad, KeyName: k.Name, KeyOK: k.Status == models.KeyActive, Products: byAddr[ad.ID]})
	}
	return vm, nil
}

// SaaSAddresses lists production addresses (生产地址).
func (a *App) SaaSAddresses(c echo.Context) error {
	vm, err := a.saasAddressesVM(c)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.SaaSAddressesPage(a.page(c), vm), nil)
}

func (a *App) renderAddressForm(c echo.Context, status int, vm pages.SaaSAddressFormVM) error {
	keys, err := a.Store.AccessKeysOf(c.Request().Context(), currentMerchant(c).ID)
	if err != nil {
		return err
	}
	vm.Keys, vm.DemoURL = keys, a.saasDemoURL()
	vm.DevHint = a.devAddresses()
	if vm.Errors == nil {
		vm.Errors = view.Errors{}
	}
	return a.render(c, status, pages.SaaSAddressFormPage(a.page(c), vm), nil)
}

// SaaSAddressNew shows the form for a new address.
func (a *App) SaaSAddressNew(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	return a.renderAddressForm(c, http.StatusOK, pages.SaaSAddressFormVM{Form: pages.AddressFields{InterfaceType: models.InterfaceSaaS, Protocol: models.ProtocolV2}})
}

// SaaSAddressEdit shows an address's form.
func (a *App) SaaSAddressEdit(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	ad, err := a.addressParam(c)
	if err != nil {
		return err
	}
	return a.renderAddressForm(c, http.StatusOK, pages.SaaSAddressFormVM{Existing: &ad, Form: pages.AddressFields{Name: ad.Name,
		InterfaceType: ad.InterfaceType, Protocol: ad.Protocol, URL: ad.URL, KeyID: strconv.FormatUint(uint64(ad.KeyID), 10)}})
}

func (a *App) addressParam(c echo.Context) (models.ProductionAddress, error) {
	id, err := idParam(c)
	if err != nil {
		return models.ProductionAddress{}, err
	}
	return a.Store.ProductionAddressOf(c.Request().Context(), currentMerchant(c).ID, id)
}

// SaaSAddressCreate adds an address.
func (a *App) SaaSAddressCreate(c echo.Context) error { return a.saveAddress(c, nil) }

// SaaSAddressUpdate changes an address; when on-sale products use it the change is
// shown with them and applied only once confirmed.
func (a *App) SaaSAddressUpdate(c echo.Context) error {
	ad, err := a.addressParam(c)
	if err != nil {
		return err
	}
	return a.saveAddress(c, &ad)
}

func (a *App) saveAddress(c echo.Context, existing *models.ProductionAddress) error {
	if err := requireActive(c); err != nil {
		return err
	}
	var f pages.AddressFields
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	vm := pages.SaaSAddressFormVM{Existing: existing, Form: f, Errors: errs}
	keyID, kerr := strconv.ParseUint(f.KeyID, 10, 32)
	if f.KeyID != "" && kerr != nil {
		errs.Set("key_id", "saas.error.key_required")
	}
	in := models.AddressInput{Name: f.Name, InterfaceType: f.InterfaceType, Protocol: f.Protocol, URL: f.URL, KeyID: uint(keyID),
		AllowDev: a.devAddresses(), Confirmed: f.Confirmed == "yes"}
	for _, fe := range models.CheckAddressInput(&in) {
		if !errs.Has(fe.Field) {
			errs.Set(fe.Field, fe.Key, fe.Args...)
		}
	}
	if errs.Any() {
		return a.renderAddressForm(c, http.StatusUnprocessableEntity, vm)
	}
	var id uint
	if existing != nil {
		id = existing.ID
	}
	_, err = a.Store.SaveProductionAddress(c.Request().Context(), actor(c), currentMerchant(c).ID, id, in)
	var ce *models.ConfirmError
	if errors.As(err, &ce) {
		vm.Affected = ce.Products
		vm.Errors = view.Errors{"confirmed": view.M("saas.addresses.confirm_needed")}
		return a.renderAddressForm(c, http.StatusConflict, vm)
	}
	if fe, ok := fieldErrorFrom(err); ok {
		vm.Errors = fe
		return a.renderAddressForm(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "saas.addresses.flash_saved")
	return a.redirect(c, web.SellerSaaSAddresses())
}

// SaaSAddressDelete removes an address no product uses; otherwise the list names them.
func (a *App) SaaSAddressDelete(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	ad, err := a.addressParam(c)
	if err != nil {
		return err
	}
	err = a.Store.DeleteProductionAddress(c.Request().Context(), actor(c), currentMerchant(c).ID, ad.ID)
	var inUse *models.AddressInUseError
	if errors.As(err, &inUse) {
		vm, lerr := a.saasAddressesVM(c)
		if lerr != nil {
			return lerr
		}
		vm.InUse, vm.InUseAddr = append(inUse.Products, inUse.Apps...), ad.Name
		return a.render(c, http.StatusConflict, pages.SaaSAddressesPage(a.page(c), vm), nil)
	}
	if err != nil {
		return err
	}
	a.flash(c, "success", "saas.addresses.flash_deleted")
	return a.redirect(c, web.SellerSaaSAddresses())
}

// NewDevSaaSDemo is the reference merchant endpoint a development server serves: it
// accepts every live key of this server's merchants, so any merchant trying the console
// can point an address at it.
// Its RSA key (key; nil: a fresh one) decrypts applicationSync secrets, and its /login
// page signs users in to whichever app credential has that page as its login URL,
// through this server's unified login (base: this server's base URL).
func NewDevSaaSDemo(store *models.Store, base func() string, key *rsa.PrivateKey, client *outbound.Client) *saasdemo.Server {
	return saasdemo.New(saasdemo.Options{Keys: func() []string {
		keys, err := store.LiveKeySecrets(context.Background())
		if err != nil {
			return nil
		}
		return keys
	}, PrivateKey: key, Login: &saasdemo.LoginOptions{
		Platform:   base,
		HTTPClient: client.HTTPClient(),
		PublicURL:  func() string { return base() + SaaSDemoPath },
		Client: func(ctx context.Context, loginURL string) (string, string, bool) {
			app, err := store.KitAppByLoginURL(ctx, loginURL)
			if err != nil {
				return "", "", false
			}
			secret, err := store.KitAppSecret(app)
			return app.ClientID, secret, err == nil
		},
	}})
}
