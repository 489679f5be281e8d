package handlers

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
)

// SaaSCalls is 生产接口消息: the merchant's production calls, filtered, keyset-paged.
func (a *App) SaaSCalls(c echo.Context) error {
	return a.saasCalls(c, currentMerchant(c).ID, pages.SaaSCallsVM{})
}

// AdminSaaSCalls is one merchant's production calls for reviewers.
func (a *App) AdminSaaSCalls(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	m, err := a.Store.MerchantWithOwner(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return a.saasCalls(c, m.ID, pages.SaaSCallsVM{Admin: true, MerchantID: m.ID, MerchantName: cmp.Or(m.CompanyName, m.OwnerEmail)})
}

func (a *App) saasCalls(c echo.Context, merchantID uint, vm pages.SaaSCallsVM) error {
	ctx := c.Request().Context()
	var f pages.SaaSCallFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	vm.Filter, vm.Errors = f, errs
	if vm.Products, err = a.Store.SaaSProductsOf(ctx, merchantID); err != nil {
		return err
	}
	filter := models.SaaSCallFilter{Purpose: f.Purpose, Status: f.Status, OrderNo: strings.ToUpper(strings.TrimSpace(f.Order)), Limit: 30}
	filter.ProductID = productChoice(errs, vm.Products, f.Product)
	if f.Purpose != "" && !slices.Contains(models.CallPurposes, f.Purpose) {
		errs.Set("purpose", "error.choice")
	}
	if f.Status != "" && !slices.Contains(models.CallStatuses, f.Status) {
		errs.Set("status", "error.choice")
	}
	if filter.OrderNo != "" && !orderNoRE.MatchString(filter.OrderNo) {
		errs.Set("order", "saas.calls.error_order")
	}
	loc := a.Store.CalendarLocation(ctx)
	filter.From = parseDay(errs, "from", f.From, loc, 0)
	filter.To = parseDay(errs, "to", f.To, loc, 1)
	if f.Before != "" {
		id, err := strconv.ParseUint(f.Before, 10, 32)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		filter.Before = uint(id)
	}
	if vm.Failed, err = a.Store.FailedSaaSCalls(ctx, merchantID); err != nil {
		return err
	}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.SaaSCallsPage(a.page(c), vm), nil)
	}
	items, more, err := a.Store.SaaSCallsOf(ctx, merchantID, filter)
	if err != nil {
		return err
	}
	vm.Items = items
	q := f.Query()
	if more {
		vm.Next = vm.ListURL(joinQuery(q, "before="+strconv.FormatUint(uint64(items[len(items)-1].ID), 10)))
	}
	if f.Before != "" {
		vm.Prev = vm.ListURL(q)
	}
	return a.render(c, http.StatusOK, pages.SaaSCallsPage(a.page(c), vm), nil)
}

// SaaSCall shows one of the merchant's production calls with every attempt.
func (a *App) SaaSCall(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	m := currentMerchant(c)
	d, err := a.Store.SaaSCallOf(c.Request().Context(), m.ID, id)
	if err != nil {
		return err
	}
	vm := pages.NewSaaSCallVM(d)
	vm.Restartable = d.Restartable() && m.Active()
	return a.render(c, http.StatusOK, pages.SaaSCallPage(a.page(c), vm), nil)
}

// AdminSaaSCall shows any merchant's production call to reviewers (read only).
func (a *App) AdminSaaSCall(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	d, err := a.Store.SaaSCallOf(c.Request().Context(), 0, id)
	if err != nil {
		return err
	}
	vm := pages.NewSaaSCallVM(d)
	vm.Admin = true
	return a.render(c, http.StatusOK, pages.SaaSCallPage(a.page(c), vm), nil)
}

// SaaSCallRestart restarts (重新启动) a failed call after the merchant fixed their side.
func (a *App) SaaSCallRestart(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	call, err := a.Store.RestartSaaSCall(c.Request().Context(), actor(c), currentMerchant(c).ID, id)
	if err != nil {
		return err
	}
	a.flash(c, "success", "saas.calls.restarted")
	return a.redirect(c, web.SellerSaaSCall(call.ID))
}

// SaaSOrderAccept is the merchant accepting an order of a product provisioned after
// acceptance: the platform calls newInstance now.
func (a *App) SaaSOrderAccept(c echo.Context) error {
	o, err := a.Store.AcceptSaaSOrder(c.Request().Context(), actor(c), currentMerchant(c).ID, c.Param("id"))
	if err != nil {
		return err
	}
	a.flash(c, "success", "saas.instance.accepted")
	return a.redirect(c, web.SellerOrder(o.OrderNo))
}

// orderInstance is the instance card of an order page: for the merchant (merchantID) or
// reviewers (0); nil when the order's product is not provisioned by calls.
func (a *App) orderInstance(ctx context.Context, merchantID uint, o models.Order, csrf string) (*pages.InstanceView, error) {
	inst, err := a.Store.OrderInstance(ctx, merchantID, o)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &pages.InstanceView{SaaSInstance: inst, CSRF: csrf}
	q := "order=" + o.OrderNo
	if merchantID == 0 {
		v.CallsURL = web.AdminSaaSCalls(inst.MerchantID, q)
	} else {
		v.CallsURL = web.SellerSaaSCalls(q)
		if inst.Status == models.InstanceAwaiting && inst.OrderID == o.ID && o.Status == models.OrderProcessing {
			v.AcceptURL = web.SellerSaaSOrderAccept(o.OrderNo)
		}
	}
	return v, nil
}

// buyerInstance is the instance card of a buyer's resource, with the login opened.
func (a *App) buyerInstance(ctx context.Context, buyerID, subID uint) (*pages.InstanceView, error) {
	inst, err := a.Store.BuyerInstance(ctx, buyerID, subID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a.buyerInstanceView(ctx, inst)
}

// buyerInstanceView is an instance as its buyer sees it: the login opened while the
// instance is usable.
func (a *App) buyerInstanceView(ctx context.Context, inst models.SaaSInstance) (*pages.InstanceView, error) {
	v := &pages.InstanceView{SaaSInstance: inst, ShowLogin: inst.Status == models.InstanceActive || inst.Status == models.InstanceFrozen}
	if v.ShowLogin {
		var err error
		if v.Login, err = a.Store.InstanceLogin(ctx, inst); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// orderNoRE is what an order number may look like in a filter.
var orderNoRE = regexp.MustCompile(`^[A-Z0-9-]{1,40}$`)
