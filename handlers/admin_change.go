package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/web/pages"
)

// AdminChangeList is the merchant information change queue.
func (a *App) AdminChangeList(c echo.Context) error { return a.listQueue(c, changeQueue) }

// AdminChangeShow shows one change request as a diff with its decision panel.
func (a *App) AdminChangeShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showChange(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminChangeApprove applies the change to the live record.
func (a *App) AdminChangeApprove(c echo.Context) error {
	return a.decide(c, changeQueue, true, a.Store.DecideChange, a.showChange)
}

// AdminChangeReject refuses the change with a reason; the live values stay.
func (a *App) AdminChangeReject(c echo.Context) error {
	return a.decide(c, changeQueue, false, a.Store.DecideChange, a.showChange)
}

func (a *App) showChange(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	ctx := c.Request().Context()
	r, err := a.Store.ChangeRequestByID(ctx, id)
	if err != nil {
		return err
	}
	submitted := r.SubmittedAt
	review, err := a.reviewVM(c, changeQueue, reviewItem{RefType: "change", ID: r.ID, MerchantID: r.MerchantID, Status: r.Status,
		SubmittedAt: &submitted, SubmittedBy: &r.SubmittedByID, DecidedAt: r.DecidedAt, DecidedBy: r.DecidedByID,
		RejectReason: r.RejectReason, RejectComment: r.RejectComment}, panel)
	if err != nil {
		return err
	}
	diff, err := pages.ChangeDiff(ctx, r)
	if err != nil {
		return err
	}
	p := a.page(c)
	vm := pages.ChangeReviewVM{Review: review, R: r, Diff: diff}
	return a.render(c, status, pages.ChangeReviewPage(p, vm), pages.DecisionPanel(p.CSRF, review.Decision))
}
