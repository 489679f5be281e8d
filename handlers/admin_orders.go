package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/pages"
)

// AdminOrderList is the console's order list across merchants (read only): the
// merchant list's filters plus a merchant filter, keyset pages.
func (a *App) AdminOrderList(c echo.Context) error {
	var f orderFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	filter, fvm := a.orderFilter(c, f, errs, true)
	ctx := c.Request().Context()
	if filter.MerchantIDs, err = a.namedIDs(ctx, suggestMerchants, f.Merchant); err != nil {
		return err
	}
	if filter.ProductIDs, err = a.namedIDs(ctx, suggestProducts, f.Product); err != nil {
		return err
	}
	vm := pages.OrderListVM{Filter: fvm, Console: true}
	status := http.StatusOK
	if errs.Any() {
		status = http.StatusBadRequest
	} else {
		page, err := a.Store.AdminOrders(ctx, filter, models.OrderCursor{After: c.QueryParam("after"), Before: c.QueryParam("before")})
		if err != nil {
			return err
		}
		vm.Page = page
	}
	p := a.listPage(c)
	return a.render(c, status, pages.OrderListPage(p, vm), pages.OrderResults(p, vm))
}

// AdminOrderShow is any order's detail for the console, buyer contact masked as for
// its merchant.
func (a *App) AdminOrderShow(c echo.Context) error {
	d, err := a.Store.AdminOrderDetail(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	names, err := a.regionNames(c.Request().Context())
	if err != nil {
		return err
	}
	inst, err := a.orderInstance(c.Request().Context(), 0, d.Order, "")
	if err != nil {
		return err
	}
	st, err := a.Store.OrderBillingState(c.Request().Context(), d.Order.MerchantID, d.Order)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.OrderDetailPage(a.page(c), pages.OrderDetailVM{D: d, Console: true, RegionName: pages.RegionLabel(names, d.Order.Region),
		Instance: inst, Billing: &st}), nil)
}
