package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
)

// SellerOverview is the merchant overview (总览): what waits on the merchant, counted in
// one place; the key figures, products and recent notices; the onboarding checklist.
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
	vm := pages.NewOverviewVM(ctx, u.Verified(), *m, rn, app, cert)
	onboarding := int64(vm.OnYou)
	if vm.Active { // an active merchant has taken every step
		onboarding = 0
	}
	if vm.Todos, err = a.Store.MerchantTodos(ctx, m.ID, onboarding); err != nil {
		return err
	}
	if vm.Products, err = a.Store.ProductCountsOf(ctx, m.ID); err != nil {
		return err
	}
	pendingChanges, err := a.Store.PendingChangeCount(ctx, m.ID)
	if err != nil {
		return err
	}
	vm.InReview = int64(vm.OnPlatform) + vm.Products.Pending + pendingChanges
	if vm.Active {
		loc := a.Store.CalendarLocation(ctx)
		now := a.Clock.Now()
		var sums [3]models.SalesSummary
		for i, days := range []int{1, 7, 30} {
			if sums[i], _, err = a.salesSummary(ctx, m.ID, models.PeriodOf(now.AddDate(0, 0, 1-days), now, loc)); err != nil {
				return err
			}
		}
		vm.Figures = pages.NewFigureRows(sums[0], sums[1], sums[2])
	}
	notices, _, err := a.Store.Notifications(ctx, u.ID, false, 1, overviewNotices)
	if err != nil {
		return err
	}
	l := i18n.From(ctx)
	for _, n := range notices {
		vm.Notices = append(vm.Notices, notificationItem(l, n))
	}
	return a.render(c, http.StatusOK, pages.OverviewPage(a.page(c), vm), nil)
}

// overviewNotices is how many recent notices the overview shows.
const overviewNotices = 5
