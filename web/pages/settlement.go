package pages

import (
	"context"
	"strconv"
	"strings"

	"sellercenter/internal/export"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// SellerBillsVM is the merchant's bill list.
type SellerBillsVM struct {
	Bills   []models.Bill
	Late    map[uint]bool // bills whose current step is past its expected date
	Bank    string
	Account string // masked
}

// BillVM is a bill as its merchant or a reviewer sees it, with the values of a form that
// came back with errors.
type BillVM struct {
	Side          string
	Bill          models.Bill
	Steps         []models.BillStep
	Bank          string
	Account       string
	Lines         []models.BillLineRow
	Next, Prev    string // keyset pages of the lines
	Events        []models.BillEvent
	Invoices      []models.BillInvoice
	Payout        *models.Payout
	TaxRates      []int
	Invoice       InvoiceForm
	Errors        view.Errors
	StaleKey      string // why a step was refused because the bill moved on
	MerchantID    uint   // reviewers
	MerchantName  string
	MerchantEmail string
	Adjustments   []models.BillAdjustment // the merchant's adjustments waiting for the next bill
	Reasons       []view.Option           // the return reasons
	Reject        RejectForm
	Payment       PaymentForm
	Adjust        AdjustForm
}

// InvoiceForm is what the merchant's invoice form sent back.
type InvoiceForm struct{ Number, IssuedOn, Amount, TaxRate string }

// RejectForm is what a reviewer's return of a payment application sent back.
type RejectForm struct{ Reason, Comment string }

// PaymentForm is what a reviewer's payment form sent back.
type PaymentForm struct{ Reference, PaidOn string }

// AdjustForm is what a reviewer's adjustment form sent back.
type AdjustForm struct{ Sign, Amount, Reason string }

// BillURL is a bill's page for a side.
func BillURL(side, billNo string) string {
	if side == SideReviewer {
		return web.AdminBill(billNo)
	}
	return web.SellerBill(billNo)
}

// Can tells whether the side looking may take action on the bill now.
func (vm BillVM) Can(action string) bool {
	mine := action == "invoice"
	return mine == (vm.Side == SideMerchant) && models.BillCan(vm.Bill.Status, action)
}

// Returned tells whether the latest payment application came back to the merchant.
func (vm BillVM) Returned() bool {
	return vm.Bill.Status == models.BillReturned && vm.Bill.RejectReason != ""
}

// StepURL is where a reviewer posts a step.
func (vm BillVM) StepURL(step string) string { return web.AdminBillStep(vm.Bill.BillNo, step) }

// taxOptions are the invoice's tax rates.
func (vm BillVM) taxOptions() []view.Option {
	out := make([]view.Option, len(vm.TaxRates))
	for i, r := range vm.TaxRates {
		s := strconv.Itoa(r)
		out[i] = view.Option{Value: s, Label: s + "%", Raw: true}
	}
	return out
}

// invoiceFile is the link to an invoice's file.
func invoiceFile(inv models.BillInvoice) []components.FileLink {
	return []components.FileLink{{Name: inv.Number, URL: web.FileURL(inv.FileID)}}
}

// billStatusTone is the badge colour of a bill status.
func billStatusTone(status string) string {
	switch status {
	case models.BillPaid:
		return "green"
	case models.BillReturned:
		return "red"
	case models.BillCarried:
		return "gray"
	case models.BillInvoiced, models.BillPaying:
		return "yellow"
	}
	return "blue"
}

// billBadge is a bill status's badge.
func billBadge(status string) components.BadgeProps {
	return components.BadgeProps{Label: "settle.status." + status, Tone: billStatusTone(status), TestID: "bill-status"}
}

// lineDescription is what a bill line is: its product, or an adjustment's reason.
func lineDescription(ctx context.Context, l models.BillLineRow) string {
	if l.Kind == models.LineAdjustment {
		return adjustmentReason(ctx, l.Reason)
	}
	return l.ProductName(i18n.Lang(ctx))
}

// adjustmentReason is an adjustment's reason for the reader.
func adjustmentReason(ctx context.Context, reason string) string {
	return export.AdjustmentReason(func(k string, args ...any) string { return i18n.T(ctx, k, args...) }, reason)
}

// feeRate writes a fee rate in basis points as a percentage.
func feeRate(bp int) string { return export.Percent(bp) }

// eventText is a bill history entry's comment for the reader: a return's reason and
// comment, or the step's own words (an invoice number, a payment reference).
func eventText(ctx context.Context, ev models.BillEvent) string {
	if ev.Action == "reject_payment" {
		reason, comment, _ := strings.Cut(ev.Comment, ":")
		if comment != "" {
			return i18n.T(ctx, reason) + " — " + comment
		}
		return i18n.T(ctx, reason)
	}
	return ev.Comment
}

// eventActor is who took a bill's step.
func eventActor(ev models.BillEvent) string {
	switch {
	case ev.ActorID == nil:
		return "settle.actor.platform"
	case ev.Action == "invoice":
		return "settle.actor.merchant"
	}
	return "settle.actor.reviewer"
}

// TradesVM is 交易明细 with its filter.
type TradesVM struct {
	State, Period, OrderNo, Customer string
	Rows                             []models.TradeRow
	Next, Prev                       string
	Errors                           view.Errors
}

// tradeStateOptions are the trade filter's states.
var tradeStateOptions = []view.Option{{Value: "", Label: "common.all"}, {Value: models.TradeBilled, Label: "settle.trade.billed"},
	{Value: models.TradeUnbilled, Label: "settle.trade.unbilled"}}

// AdminBillsVM is the reviewers' bill queue of one status.
type AdminBillsVM struct {
	Status string
	Counts map[string]int64
	Rows   []AdminBillRow
	Pager  view.Pager
}

// AdminBillRow is a bill of the queue with its step's age against the service level.
type AdminBillRow struct {
	Row models.BillQueueRow
	Age SLAAge
}

// periodLabel writes a period YYYYMM as YYYY-MM.
func periodLabel(p string) string {
	if len(p) != 6 {
		return p
	}
	return p[:4] + "-" + p[4:]
}

// stepState is a timeline step's state: done, late, current or ahead.
func stepState(st models.BillStep) string {
	switch {
	case st.Done != nil:
		return "done"
	case st.Late:
		return "late"
	case st.Current:
		return "current"
	}
	return "ahead"
}

// adjustSigns are the directions of an adjustment.
var adjustSigns = []view.Option{{Value: "+", Label: "settle.adjust.credit"}, {Value: "-", Label: "settle.adjust.debit"}}

// consoleSide is the side of a page shown in the console or in the seller center.
func consoleSide(console bool) string {
	if console {
		return SideReviewer
	}
	return SideMerchant
}

// exportWhat says what an export holds: orders, a bill's lines or trade details.
func exportWhat(ctx context.Context, e models.ExportJob) string {
	sp, err := e.Spec()
	switch {
	case err != nil:
		return ""
	case sp.Kind == models.ExportBill:
		return i18n.T(ctx, "export.kind.bill", "BillNo", sp.BillNo)
	case sp.Kind == models.ExportTrades:
		return i18n.T(ctx, "export.kind.trades")
	}
	return i18n.T(ctx, "export.kind.orders")
}
