package handlers

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

var disputeStates = []string{"", models.DisputesOpen, models.DisputesClosed, models.DisputesAll}

// disputeFilterForm is the dispute queue's filter bar.
type disputeFilterForm struct {
	State string `query:"state"`
	Q     string `query:"q" form:"q" validate:"max=100"`
}

// AdminDisputeList is the queue of refund disputes buyers took to the platform, oldest
// first, with their age, merchant and amount.
func (a *App) AdminDisputeList(c echo.Context) error {
	var f disputeFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if !slices.Contains(disputeStates, f.State) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	page := pageParam(c)
	vm := pages.DisputeListVM{State: f.State, Q: f.Q, Now: a.Clock.Now(), Errors: errs,
		Pager: view.Pager{Page: page, PerPage: 20, BaseURL: web.AdminDisputes(), Query: filterQuery("state", f.State, "q", f.Q)}}
	status := http.StatusOK
	if errs.Any() {
		status = http.StatusUnprocessableEntity
	} else if vm.Rows, vm.Pager.Total, err = a.Store.Disputes(c.Request().Context(), models.DisputeFilter{State: f.State, Q: f.Q, Page: page, Per: 20}); err != nil {
		return err
	}
	p := a.page(c)
	return a.render(c, status, pages.DisputeListPage(p, vm), pages.DisputeTable(p, vm))
}

// disputeCase reads a disputed case and whether the reviewer is a party to it.
func (a *App) disputeCase(c echo.Context) (pages.RefundCaseVM, error) {
	ctx := c.Request().Context()
	rc, err := a.Store.DisputeCase(ctx, c.Param("id"))
	if err != nil {
		return pages.RefundCaseVM{}, err
	}
	own, err := a.Store.IsRefundParty(ctx, currentUser(c).ID, rc.Refund)
	return pages.RefundCaseVM{Case: rc, Side: pages.SideReviewer, Own: own, Errors: view.Errors{}}, err
}

// AdminDisputeShow shows the whole case with the decision form.
func (a *App) AdminDisputeShow(c echo.Context) error {
	vm, err := a.disputeCase(c)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.RefundCasePage(a.page(c), vm), nil)
}

// resolveForm is the platform's decision on a dispute.
type resolveForm struct {
	Decision string `form:"decision" validate:"required,oneof=refund uphold"`
	Comment  string `form:"comment" validate:"required,max=1000"`
}

// AdminDisputeResolve refunds the buyer (through the payout) or upholds the merchant.
func (a *App) AdminDisputeResolve(c echo.Context) error {
	vm, err := a.disputeCase(c)
	if err != nil {
		return err
	}
	var f resolveForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Decision, vm.Comment = f.Decision, f.Comment
	if vm.Errors.Any() {
		return a.renderCase(c, http.StatusUnprocessableEntity, vm)
	}
	if _, err := a.Store.ResolveDispute(c.Request().Context(), actor(c), vm.R().RefundNo, f.Decision, f.Comment); err != nil {
		return a.caseRefused(c, err, a.disputeCase)
	}
	a.flash(c, "success", "aftersales.flash.resolved_"+f.Decision)
	return a.redirect(c, web.AdminDispute(vm.R().RefundNo))
}
