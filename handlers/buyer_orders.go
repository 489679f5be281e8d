package handlers

import (
	"errors"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// buyerOrdersPerPage is the number of orders per "my orders" page.
const buyerOrdersPerPage = 20

// BuyerOrderList is "my orders", filtered by status; htmx gets the table.
func (a *App) BuyerOrderList(c echo.Context) error {
	status := c.QueryParam("status")
	if status != "" && !slices.Contains(models.OrderStatuses, status) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx, page := c.Request().Context(), pageParam(c)
	rows, total, err := a.Store.BuyerOrders(ctx, currentUser(c).ID, models.BuyerOrderFilter{Status: status, Page: page, Per: buyerOrdersPerPage})
	if err != nil {
		return err
	}
	vm := pages.BuyerOrderListVM{Status: status, Rows: a.orderRows(c, rows),
		Pager: view.Pager{Page: page, PerPage: buyerOrdersPerPage, Total: total, BaseURL: web.BuyerOrders(), Query: filterQuery("status", status)}}
	return a.render(c, http.StatusOK, pages.BuyerOrderListPage(a.page(c), vm), pages.BuyerOrderTable(vm))
}

// orderRows names each order's product in the reader's language.
func (a *App) orderRows(c echo.Context, rows []models.Order) []pages.BuyerOrderRow {
	lang := i18n.Lang(c.Request().Context())
	out := make([]pages.BuyerOrderRow, len(rows))
	for i, o := range rows {
		out[i] = pages.BuyerOrderRow{Order: o, ProductName: pages.ProductName(lang, o.ProductNameZh, o.ProductNameEn)}
	}
	return out
}

// BuyerOrderShow is one of the buyer's orders: its pay step while unpaid, its lines and
// status history. htmx polls the pay panel.
func (a *App) BuyerOrderShow(c echo.Context) error {
	return a.renderBuyerOrder(c, http.StatusOK, view.Errors{})
}

// buyerOrderWithErrors answers a refused form of the order page with the page (422).
func (a *App) buyerOrderWithErrors(c echo.Context, errs view.Errors) error {
	return a.renderBuyerOrder(c, http.StatusUnprocessableEntity, errs)
}

func (a *App) renderBuyerOrder(c echo.Context, status int, errs view.Errors) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	d, err := a.Store.BuyerOrder(ctx, u.ID, c.Param("id"))
	if err != nil {
		return err
	}
	names, err := a.regionNames(ctx)
	if err != nil {
		return err
	}
	vm := pages.BuyerOrderVM{Order: d.Order, Lines: d.Lines, Payment: d.Payment, Now: a.Store.Now(), RegionName: pages.RegionLabel(names, d.Order.Region),
		ProductName: pages.ProductName(i18n.Lang(ctx), d.Order.ProductNameZh, d.Order.ProductNameEn)}
	for _, ev := range d.Events {
		who := "buyer.actor_platform"
		switch {
		case ev.ActorID != nil && *ev.ActorID == u.ID:
			who = "buyer.actor_you"
		case ev.ActorID != nil:
			who = "buyer.actor_merchant"
		}
		vm.History = append(vm.History, components.HistoryEntry{When: i18n.DateTime(ctx, ev.CreatedAt), Who: i18n.T(ctx, who),
			Action: i18n.T(ctx, "order.status."+ev.ToStatus), Reason: i18n.T(ctx, ev.Note)})
	}
	if d.Order.SubscriptionID != nil && d.Order.Kind != models.OrderUnsubscribe {
		if vm.Instance, err = a.buyerInstance(ctx, u.ID, *d.Order.SubscriptionID); err != nil {
			return err
		}
	}
	if vm.Licenses, err = a.Store.LicenseCodesOfOrder(ctx, u.ID, 0, d.Order.OrderNo); err != nil {
		return err
	}
	if vm.Shipment, err = a.Store.ShipmentOf(ctx, u.ID, 0, d.Order.OrderNo); err != nil {
		return err
	}
	if vm.Delivery, err = a.Store.LicenseDeliveryOf(ctx, u.ID, 0, d.Order.OrderNo); err != nil {
		return err
	}
	p := a.page(c)
	vm.CSRF, vm.Errors = p.CSRF, errs
	return a.render(c, status, pages.BuyerOrderPage(p, vm), pages.BuyerOrderPayPanel(p.CSRF, vm))
}

// BuyerOrderPay is the platform's simulated payment of an unpaid order. A second click
// pays nothing more: it comes back to the order with a note.
func (a *App) BuyerOrderPay(c echo.Context) error {
	no := c.Param("id")
	_, err := a.Store.Pay(c.Request().Context(), actor(c), currentUser(c).ID, no)
	switch {
	case errors.Is(err, models.ErrAlreadyPaid):
		a.flash(c, "info", "buyer.flash_already_paid")
	case err != nil:
		return err
	default:
		a.flash(c, "success", "buyer.flash_paid")
	}
	return a.redirect(c, web.BuyerOrder(no))
}

// BuyerOrderCancel cancels one of the buyer's unpaid orders.
func (a *App) BuyerOrderCancel(c echo.Context) error {
	no := c.Param("id")
	if _, err := a.Store.CancelOrder(c.Request().Context(), actor(c), currentUser(c).ID, no); err != nil {
		return err
	}
	a.flash(c, "success", "buyer.flash_cancelled")
	return a.redirect(c, web.BuyerOrder(no))
}
