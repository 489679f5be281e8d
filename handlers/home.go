package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/layouts"
	"sellercenter/web/pages"
)

// Home sends users to their own center and shows visitors the landing page.
func (a *App) Home(c echo.Context) error {
	if u := currentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, layouts.HomeFor(viewUser(u, nil)))
	}
	return a.render(c, http.StatusOK, pages.HomePage(a.page(c)), nil)
}

// BuyerHome is the buyer center (我的云商店): recent orders and purchased resources.
func (a *App) BuyerHome(c echo.Context) error {
	ctx, uid := c.Request().Context(), currentUser(c).ID
	_, err := a.Store.BuyerProfileOf(ctx, uid)
	if err != nil && !errors.Is(err, models.ErrNoBuyerProfile) {
		return err
	}
	vm := pages.BuyerHomeVM{HasProfile: err == nil}
	orders, _, err := a.Store.BuyerOrders(ctx, uid, models.BuyerOrderFilter{Page: 1, Per: 5})
	if err != nil {
		return err
	}
	if _, vm.Pending, err = a.Store.BuyerOrders(ctx, uid, models.BuyerOrderFilter{Status: models.OrderPendingPayment, Page: 1, Per: 1}); err != nil {
		return err
	}
	resources, _, err := a.Store.BuyerResources(ctx, uid, 1, 5)
	if err != nil {
		return err
	}
	vm.Orders = a.orderRows(c, orders)
	if vm.Resources, err = a.resourceRows(c, resources); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.BuyerHomePage(a.page(c), vm), nil)
}
