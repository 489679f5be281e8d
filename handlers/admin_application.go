package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"sellercenter/web/pages"
)

// AdminApplicationList is the onboarding application queue.
func (a *App) AdminApplicationList(c echo.Context) error { return a.listQueue(c, applicationQueue) }

// AdminApplicationShow shows one application with its decision panel.
func (a *App) AdminApplicationShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showApplication(c, id, http.StatusOK, pages.DecisionVM{})
}

// AdminApplicationApprove lets the merchant join.
func (a *App) AdminApplicationApprove(c echo.Context) error {
	return a.decide(c, applicationQueue, true, a.Store.DecideApplication, a.showApplication)
}

// AdminApplicationReject refuses the application with a reason.
func (a *App) AdminApplicationReject(c echo.Context) error {
	return a.decide(c, applicationQueue, false, a.Store.DecideApplication, a.showApplication)
}

func (a *App) showApplication(c echo.Context, id uint, status int, panel pages.DecisionVM) error {
	app, err := a.Store.ApplicationByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	submitted := app.SubmittedAt
	review, err := a.reviewVM(c, applicationQueue, reviewItem{RefType: "application", ID: app.ID, MerchantID: app.MerchantID, Status: app.Status,
		SubmittedAt: &submitted, SubmittedBy: &app.SubmittedByID, DecidedAt: app.DecidedAt, DecidedBy: app.DecidedByID,
		RejectReason: app.RejectReason, RejectComment: app.RejectComment}, panel)
	if err != nil {
		return err
	}
	p := a.page(c)
	vm := pages.ApplicationReviewVM{Review: review, A: app}
	return a.render(c, status, pages.ApplicationReviewPage(p, vm), pages.DecisionPanel(p.CSRF, review.Decision))
}
