package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
)

// SellerProductProbes is a product's probe history (拨测记录) for its merchant.
func (a *App) SellerProductProbes(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	p, err := a.Store.ProductOf(c.Request().Context(), currentMerchant(c).ID, id)
	if err != nil {
		return err
	}
	if p.Type != models.ProductSaaS {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return a.renderProbes(c, http.StatusOK, pages.ProbesVM{Product: p})
}

// SellerProductProbeRun asks for a probe of the merchant's product now.
func (a *App) SellerProductProbeRun(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := a.Store.RequestProbe(c.Request().Context(), actor(c), currentMerchant(c).ID, id, models.ProbeMerchant); err != nil {
		return err
	}
	a.flash(c, "success", "probe.queued")
	return a.redirect(c, web.SellerProductProbes(id))
}

// AdminProductProbes is a product's probe history for reviewers, with stop and restore.
func (a *App) AdminProductProbes(c echo.Context) error {
	p, err := a.adminSaaSProduct(c)
	if err != nil {
		return err
	}
	return a.renderProbes(c, http.StatusOK, pages.ProbesVM{Product: p, Admin: true})
}

func (a *App) adminSaaSProduct(c echo.Context) (models.Product, error) {
	id, err := idParam(c)
	if err != nil {
		return models.Product{}, err
	}
	p, err := a.Store.ProductByID(c.Request().Context(), id)
	if err != nil {
		return p, err
	}
	if p.Type != models.ProductSaaS {
		return p, echo.NewHTTPError(http.StatusNotFound)
	}
	return p, nil
}

// AdminProductProbeRun is a reviewer asking for a probe now.
func (a *App) AdminProductProbeRun(c echo.Context) error {
	p, err := a.adminSaaSProduct(c)
	if err != nil {
		return err
	}
	if err := a.Store.RequestProbe(c.Request().Context(), actor(c), 0, p.ID, models.ProbeReviewer); err != nil {
		return err
	}
	a.flash(c, "success", "probe.queued")
	return a.redirect(c, web.AdminProductProbes(p.ID))
}

// stopForm is a reviewer stopping a product's sales.
type stopForm struct {
	Reason  string `form:"reason" validate:"max=40"`
	Comment string `form:"comment" validate:"max=500"`
}

// AdminProductStop is a reviewer stopping a product's sales (停售).
func (a *App) AdminProductStop(c echo.Context) error {
	p, err := a.adminSaaSProduct(c)
	if err != nil {
		return err
	}
	var f stopForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if f.Reason != models.StopProvisionFailures && f.Reason != models.StopProbeFailures {
		errs.Set("reason", "probe.error_reason")
	}
	if errs.Any() {
		return a.renderProbes(c, http.StatusUnprocessableEntity, pages.ProbesVM{Product: p, Admin: true, StopReason: f.Reason, StopComment: f.Comment, Errors: errs})
	}
	if err := a.Store.StopProduct(c.Request().Context(), actor(c), p.ID, f.Reason, f.Comment); err != nil {
		return err
	}
	a.flash(c, "success", "probe.stopped_flash")
	return a.redirect(c, web.AdminProductProbes(p.ID))
}

// AdminProductRestore is a reviewer putting a stopped product back on sale.
func (a *App) AdminProductRestore(c echo.Context) error {
	p, err := a.adminSaaSProduct(c)
	if err != nil {
		return err
	}
	if err := a.Store.RestoreProduct(c.Request().Context(), actor(c), p.ID, ""); err != nil {
		return err
	}
	a.flash(c, "success", "probe.restored_flash")
	return a.redirect(c, web.AdminProductProbes(p.ID))
}

func (a *App) renderProbes(c echo.Context, status int, vm pages.ProbesVM) error {
	ctx := c.Request().Context()
	var before uint
	if b := c.QueryParam("before"); b != "" {
		n, err := strconv.ParseUint(b, 10, 32)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		before = uint(n)
	}
	mid := vm.Product.MerchantID
	if vm.Admin {
		mid = 0
	}
	runs, more, err := a.Store.ProbeRunsOf(ctx, mid, vm.Product.ID, before, 20)
	if err != nil {
		return err
	}
	vm.Runs = runs
	base := web.SellerProductProbes(vm.Product.ID)
	if vm.Admin {
		base = web.AdminProductProbes(vm.Product.ID)
	}
	if more {
		vm.Next = withQuery(base, "before="+strconv.FormatUint(uint64(runs[len(runs)-1].ID), 10))
	}
	if before != 0 {
		vm.Prev = base
	}
	vm.Probeable = vm.Product.Probeable()
	if !vm.Admin {
		vm.Probeable = vm.Probeable && currentMerchant(c).Active()
	}
	if vm.Admin {
		if vm.CanRestore, err = a.Store.Restorable(ctx, vm.Product); err != nil {
			return err
		}
	}
	return a.render(c, status, pages.ProductProbesPage(a.page(c), vm), nil)
}

// AdminSaaSSupervision lists the SaaS products that need a reviewer.
func (a *App) AdminSaaSSupervision(c echo.Context) error {
	ctx := c.Request().Context()
	var vm pages.SupervisionVM
	var err error
	if vm.Stopped, err = a.Store.StoppedProducts(ctx, 100); err != nil {
		return err
	}
	flags, err := a.Store.OpenProductFlags(ctx, 100)
	if err != nil {
		return err
	}
	ids := make([]uint, len(flags))
	for i, f := range flags {
		ids[i] = f.ProductID
	}
	names, err := a.Store.ProductsByIDs(ctx, ids)
	if err != nil {
		return err
	}
	lang := a.page(c).Locale
	for _, f := range flags {
		n := names[f.ProductID]
		vm.Flags = append(vm.Flags, pages.FlagRow{ProductFlag: f, ProductName: pages.ProductName(lang, n.NameZh, n.NameEn)})
	}
	return a.render(c, http.StatusOK, pages.SaaSSupervisionPage(a.page(c), vm), nil)
}

// flagForm is a reviewer's note when closing a flag.
type flagForm struct {
	Comment string `form:"comment" validate:"max=500"`
}

// AdminProductFlagClose is a reviewer closing a flag after looking at the product.
func (a *App) AdminProductFlagClose(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f flagForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return echo.NewHTTPError(http.StatusUnprocessableEntity)
	}
	if err := a.Store.CloseProductFlag(c.Request().Context(), actor(c), id, f.Comment); err != nil {
		return err
	}
	a.flash(c, "success", "probe.flag_closed")
	return a.redirect(c, web.AdminSaaSSupervision())
}
