package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
)

// AdminDashboard is the reviewer console's start: each queue's size and the age of its
// oldest item against the SLA, and the certifications waiting to be unlocked.
func (a *App) AdminDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	stats, locked, err := a.Store.QueueStats(ctx)
	if err != nil {
		return err
	}
	meter, err := a.slaMeter(ctx)
	if err != nil {
		return err
	}
	disputes, err := a.Store.OpenDisputes(ctx)
	if err != nil {
		return err
	}
	ov, err := a.Store.SupervisionOverdueOf(ctx, models.SupReviewer, 0)
	if err != nil {
		return err
	}
	reviews, err := a.Store.SupervisionCounts(ctx, models.SupReviewer, 0)
	if err != nil {
		return err
	}
	bills, err := a.Store.BillQueueCounts(ctx)
	if err != nil {
		return err
	}
	vm := pages.DashboardVM{Bills: bills, Locked: locked, LockedURL: web.AdminCertifications() + "?status=" + models.CertLocked,
		Disputes: disputes, DisputesURL: web.AdminDisputes(),
		Reviews: reviews[models.NodeReview] - reviews["frozen:"+models.NodeReview], ReviewsOverdue: ov.Overdue, Appeals: ov.Appeals}
	for _, st := range stats {
		q := queueFor(st.Queue)
		vm.Tiles = append(vm.Tiles, pages.QueueTile{Kind: q.Kind, TitleKey: q.TitleKey, URL: q.ListURL, Count: st.Count,
			Oldest: st.Oldest, Age: meter.age(st.Queue, st.Oldest)})
	}
	return a.render(c, http.StatusOK, pages.DashboardPage(a.page(c), vm), nil)
}

// queueFor finds a queue's description.
func queueFor(q models.Queue) reviewQueue {
	for _, rq := range reviewQueues {
		if rq.Queue == q {
			return rq
		}
	}
	return reviewQueue{Queue: q}
}
