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

// kitAppsVM loads the merchant's app credentials with their addresses and pending
// address changes.
func (a *App) kitAppsVM(c echo.Context) (pages.KitAppsVM, error) {
	ctx, m := c.Request().Context(), currentMerchant(c)
	vm := pages.KitAppsVM{Active: m.Active()}
	apps, err := a.Store.KitAppsOf(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	addrs, err := a.Store.ProductionAddressesOf(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	byID := map[uint]models.ProductionAddress{}
	for _, ad := range addrs {
		byID[ad.ID] = ad
	}
	pending, err := a.Store.PendingKitAddresses(ctx, m.ID)
	if err != nil {
		return vm, err
	}
	for _, app := range apps {
		row := pages.KitAppRow{App: app, Address: byID[app.AddressID]}
		if p, ok := pending[app.ID]; ok {
			row.Pending = &p
		}
		switch tt, err := a.Store.TestTenantOf(ctx, m.ID, app.ID); {
		case err == nil:
			row.Test = &tt
		case !errors.Is(err, models.ErrNotFound):
			return vm, err
		}
		if row.Bindings, err = a.Store.KitAppBindings(ctx, m.ID, app.ID); err != nil {
			return vm, err
		}
		vm.Rows = append(vm.Rows, row)
	}
	return vm, nil
}

// KitApps lists the app credentials (联营kit > 应用凭证).
func (a *App) KitApps(c echo.Context) error {
	vm, err := a.kitAppsVM(c)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.KitAppsPage(a.page(c), vm), nil)
}

// renderAppSecretOnce shows the list with an app's ID and secret: never cached, never
// stored, answered directly rather than through a redirect.
func (a *App) renderAppSecretOnce(c echo.Context, app models.KitApp, secret string, rotated bool) error {
	vm, err := a.kitAppsVM(c)
	if err != nil {
		return err
	}
	vm.NewApp, vm.NewSecret, vm.Rotated = &app, secret, rotated
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, http.StatusOK, pages.KitAppsPage(a.page(c), vm), nil)
}

func (a *App) renderKitAppForm(c echo.Context, status int, vm pages.KitAppFormVM) error {
	ctx, m := c.Request().Context(), currentMerchant(c)
	var err error
	if vm.Addresses, err = a.Store.ProductionAddressesOf(ctx, m.ID); err != nil {
		return err
	}
	if vm.Existing != nil {
		pending, err := a.Store.PendingKitAddresses(ctx, m.ID)
		if err != nil {
			return err
		}
		if p, ok := pending[vm.Existing.ID]; ok {
			vm.Pending = &p
		}
	}
	vm.DevHint = a.devAddresses()
	if vm.Errors == nil {
		vm.Errors = view.Errors{}
	}
	if status != http.StatusOK {
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	return a.render(c, status, pages.KitAppFormPage(a.page(c), vm), nil)
}

// KitAppNew shows the form for a new app credential.
func (a *App) KitAppNew(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	return a.renderKitAppForm(c, http.StatusOK, pages.KitAppFormVM{Form: pages.KitAppFields{AuthMode: models.KitAuthOAuth2,
		LoginType: models.KitLoginOwn, OAEPDigest: models.KitDigests[0]}})
}

func (a *App) kitAppParam(c echo.Context) (models.KitApp, error) {
	id, err := idParam(c)
	if err != nil {
		return models.KitApp{}, err
	}
	return a.Store.KitAppOf(c.Request().Context(), currentMerchant(c).ID, id)
}

// KitAppEdit shows an app credential's form.
func (a *App) KitAppEdit(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	app, err := a.kitAppParam(c)
	if err != nil {
		return err
	}
	return a.renderKitAppForm(c, http.StatusOK, pages.KitAppFormVM{Existing: &app, Form: pages.KitAppFieldsOf(app)})
}

// KitAppCreate registers an app credential and shows its ID and secret once.
func (a *App) KitAppCreate(c echo.Context) error { return a.saveKitApp(c, nil) }

// KitAppUpdate changes an app credential; a new production address waits for review.
func (a *App) KitAppUpdate(c echo.Context) error {
	app, err := a.kitAppParam(c)
	if err != nil {
		return err
	}
	return a.saveKitApp(c, &app)
}

func (a *App) saveKitApp(c echo.Context, existing *models.KitApp) error {
	if err := requireActive(c); err != nil {
		return err
	}
	var f pages.KitAppFields
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	vm := pages.KitAppFormVM{Existing: existing, Form: f, Errors: errs}
	addressID, aerr := strconv.ParseUint(f.AddressID, 10, 32)
	if f.AddressID != "" && aerr != nil {
		errs.Set("address_id", "kit.error.address_required")
	}
	in := models.KitAppInput{Name: f.Name, AuthMode: f.AuthMode, AddressID: uint(addressID), LoginType: f.LoginType, LoginURL: f.LoginURL,
		PublicKey: f.PublicKey, OAEPDigest: f.OAEPDigest, Platforms: f.Platforms, AllowDev: a.devAddresses()}
	for _, fe := range models.CheckKitAppInput(&in) {
		if !errs.Has(fe.Field) {
			errs.Set(fe.Field, fe.Key, fe.Args...)
		}
	}
	vm.Form.PublicKey = in.PublicKey // a pasted private key is not sent back
	if errs.Any() {
		return a.renderKitAppForm(c, http.StatusUnprocessableEntity, vm)
	}
	ctx, m := c.Request().Context(), currentMerchant(c)
	if existing == nil {
		app, secret, err := a.Store.CreateKitApp(ctx, actor(c), m.ID, in)
		if fe, ok := fieldErrorFrom(err); ok {
			vm.Errors = fe
			return a.renderKitAppForm(c, http.StatusUnprocessableEntity, vm)
		}
		if err != nil {
			return err
		}
		return a.renderAppSecretOnce(c, app, secret, false)
	}
	version, _ := strconv.Atoi(f.Version)
	_, change, err := a.Store.UpdateKitApp(ctx, actor(c), m.ID, existing.ID, version, in)
	switch fe, ok := fieldErrorFrom(err); {
	case ok:
		vm.Errors = fe
		return a.renderKitAppForm(c, http.StatusUnprocessableEntity, vm)
	case errors.Is(err, models.ErrChangePending):
		vm.Errors = view.Errors{"address_id": view.M("kit.error.address_change_pending")}
		return a.renderKitAppForm(c, http.StatusConflict, vm)
	case errors.Is(err, models.ErrConflict):
		vm.Errors = view.Errors{"_form": view.M("error.conflict")}
		return a.renderKitAppForm(c, http.StatusConflict, vm)
	case err != nil:
		return err
	}
	if change != nil {
		a.flash(c, "success", "kit.apps.flash_saved_review")
	} else {
		a.flash(c, "success", "kit.apps.flash_saved")
	}
	return a.redirect(c, web.SellerKitApps())
}

// KitAppRotate gives an app a new secret, shown once; the old one stops working.
func (a *App) KitAppRotate(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	app, secret, err := a.Store.RotateKitAppSecret(c.Request().Context(), actor(c), currentMerchant(c).ID, id)
	if err != nil {
		return err
	}
	return a.renderAppSecretOnce(c, app, secret, true)
}

// KitAppTestTenant requests the app's test tenant, or syncs it again.
func (a *App) KitAppTestTenant(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := a.Store.RequestTestTenant(c.Request().Context(), actor(c), currentMerchant(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "success", "kit.test.flash")
	return a.redirect(c, web.SellerKitApps())
}

// KitAppPush is 批量订单设置: the app's current settings go to every bound organisation.
func (a *App) KitAppPush(c echo.Context) error {
	if err := requireActive(c); err != nil {
		return err
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if _, err := a.Store.PushKitApp(c.Request().Context(), actor(c), currentMerchant(c).ID, id); err != nil {
		return err
	}
	a.flash(c, "success", "kit.push.flash")
	return a.redirect(c, web.SellerKitApps())
}
