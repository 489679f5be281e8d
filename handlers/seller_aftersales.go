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

// refundRecordRule is the communication record a merchant may attach to an approval.
var refundRecordRule = UploadRule{Field: "attachment", Purpose: "refund_record", Types: []string{"application/pdf", "image/png", "image/jpeg"},
	MaxBytes: docMaxBytes, MaxFiles: 1}

// refundTabs are the queue's tabs in display order: what waits for the merchant first.
var refundTabs = append([]string{models.RefundWaiting, ""}, models.RefundStatuses...)

var refundKinds = []string{models.RefundUnsubscribe, models.RefundNegotiated, models.RefundReturn}

// refundFilterForm is the queue's filter bar.
type refundFilterForm struct {
	Status string `query:"status"`
	Kind   string `query:"kind"`
	Q      string `query:"q" form:"q" validate:"max=30"`
}

const refundsPerPage = 20

// SellerAfterSalesList is the merchant's after-sales queue (售后管理) with status tabs.
func (a *App) SellerAfterSalesList(c echo.Context) error {
	var f refundFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if !slices.Contains(refundTabs, f.Status) || (f.Kind != "" && !slices.Contains(refundKinds, f.Kind)) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx, mid, page := c.Request().Context(), currentMerchant(c).ID, pageParam(c)
	counts, err := a.Store.MerchantRefundCounts(ctx, mid)
	if err != nil {
		return err
	}
	vm := pages.RefundListVM{Status: f.Status, Kind: f.Kind, Q: f.Q, Errors: errs,
		Pager: view.Pager{Page: page, PerPage: refundsPerPage, BaseURL: web.SellerAfterSales(), Query: filterQuery("status", f.Status, "kind", f.Kind, "q", f.Q)}}
	for _, s := range refundTabs {
		t := pages.RefundTab{Value: s, Label: "aftersales.tab." + s, Count: counts.ByStatus[s], Active: s == f.Status,
			URL: web.SellerAfterSales() + "?" + filterQuery("status", s, "kind", f.Kind, "q", f.Q)}
		switch s {
		case models.RefundWaiting:
			t.Count = counts.Waiting
		case "":
			t.Value, t.Label, t.Count = "all", "aftersales.tab.all", counts.All
		}
		vm.Tabs = append(vm.Tabs, t)
	}
	status := http.StatusOK
	if errs.Any() {
		status = http.StatusUnprocessableEntity
	} else {
		vm.Rows, vm.Pager.Total, err = a.Store.MerchantRefunds(ctx, mid, models.RefundFilter{Status: f.Status, Kind: f.Kind, Q: f.Q, Page: page, Per: refundsPerPage})
		if err != nil {
			return err
		}
	}
	p := a.page(c)
	return a.render(c, status, pages.SellerRefundListPage(p, vm), pages.SellerRefundTable(p, vm))
}

// sellerCase reads one of the merchant's cases; another merchant's is not found.
func (a *App) sellerCase(c echo.Context) (pages.RefundCaseVM, error) {
	rc, err := a.Store.MerchantRefundCase(c.Request().Context(), currentMerchant(c).ID, c.Param("id"))
	return pages.RefundCaseVM{Case: rc, Side: pages.SideMerchant, Errors: view.Errors{}}, err
}

// SellerAfterSalesShow shows one case: the order, the buyer's reason, the decision forms.
func (a *App) SellerAfterSalesShow(c echo.Context) error {
	vm, err := a.sellerCase(c)
	if err != nil {
		return err
	}
	return a.render(c, http.StatusOK, pages.RefundCasePage(a.page(c), vm), nil)
}

// refundDecisionForm is the merchant's approve or reject form. Version is the case's
// version the form was shown with: a stale form is a conflict.
type refundDecisionForm struct {
	Version int    `form:"version"`
	Comment string `form:"comment" validate:"required,max=1000"`
}

// SellerAfterSalesApprove approves a request with a comment and, optionally, the
// communication record.
func (a *App) SellerAfterSalesApprove(c echo.Context) error { return a.decideRefund(c, true) }

// SellerAfterSalesReject rejects a request with a comment.
func (a *App) SellerAfterSalesReject(c echo.Context) error { return a.decideRefund(c, false) }

func (a *App) decideRefund(c echo.Context, approve bool) error {
	vm, err := a.sellerCase(c)
	if err != nil {
		return err
	}
	var f refundDecisionForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Comment = f.Comment
	rules := []UploadRule{}
	if approve {
		rules = append(rules, refundRecordRule)
	}
	parts, err := a.checkUploads(c, rules, vm.Errors)
	if err != nil {
		return err
	}
	if vm.Errors.Any() {
		return a.renderCase(c, http.StatusUnprocessableEntity, vm)
	}
	if err := vm.R().Decidable(f.Version); err != nil {
		// Decided already (or by another window): nothing is stored for a form that lost.
		return a.caseRefused(c, err, a.sellerCase)
	}
	d := models.RefundDecision{RefundNo: vm.R().RefundNo, Version: f.Version, Comment: f.Comment}
	ctx, mid := c.Request().Context(), currentMerchant(c).ID
	if approve {
		err := a.withUploads(c, rules, parts, func(ups models.Uploads) error {
			d.Attachment = ups.First(refundRecordRule.Purpose)
			_, err := a.Store.ApproveRefund(ctx, actor(c), mid, d)
			return err
		})
		if err != nil {
			return a.caseRefused(c, err, a.sellerCase)
		}
		a.flash(c, "success", "aftersales.flash.approved")
	} else {
		if _, err := a.Store.RejectRefund(ctx, actor(c), mid, d); err != nil {
			return a.caseRefused(c, err, a.sellerCase)
		}
		a.flash(c, "info", "aftersales.flash.rejected")
	}
	return a.redirect(c, web.SellerAfterSale(vm.R().RefundNo))
}

// versionForm carries the version a one-button form was shown with.
type versionForm struct {
	Version int `form:"version"`
}

// SellerAfterSalesReceive confirms that a return's goods arrived; the payout follows.
func (a *App) SellerAfterSalesReceive(c echo.Context) error {
	vm, err := a.sellerCase(c)
	if err != nil {
		return err
	}
	var f versionForm
	if _, err := bindForm(c, &f); err != nil {
		return err
	}
	if _, err := a.Store.ConfirmReturnReceipt(c.Request().Context(), actor(c), currentMerchant(c).ID, vm.R().RefundNo, f.Version); err != nil {
		return a.caseRefused(c, err, a.sellerCase)
	}
	a.flash(c, "success", "aftersales.flash.received")
	return a.redirect(c, web.SellerAfterSale(vm.R().RefundNo))
}
