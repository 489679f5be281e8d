package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/pages"
)

// SellerOverview is the merchant overview (总览): the onboarding checklist and todos.
func (a *App) SellerOverview(c echo.Context) error {
	ctx := c.Request().Context()
	u, m := currentUser(c), currentMerchant(c)
	rn, err := a.Store.CurrentRealName(ctx, m.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	app, err := a.Store.CurrentApplication(ctx, m.ID)
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	cert, err := a.Store.CertificationFor(ctx, m.ID)
	if err != nil {
		return err
	}
	_, pendingChanges, err := a.Store.ChangeRequests(ctx, m.ID, 1, 1)
	if err != nil {
		return err
	}
	afterSales, err := a.Store.AfterSalesWaiting(ctx, m.ID)
	if err != nil {
		return err
	}
	vm := pages.NewOverviewVM(ctx, u.Verified(), *m, rn, app, cert)
	vm.Changes, vm.AfterSales = pendingChanges, afterSales
	return a.render(c, http.StatusOK, pages.OverviewPage(a.page(c), vm), nil)
}
