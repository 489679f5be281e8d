package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/export"
	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// Settlement (结算): the merchant's bills with their timeline, lines, invoice and export,
// 交易明细, and the reviewers' bill queue with the pipeline's steps and adjustments.

// billInvoiceRule is the invoice's file: a PDF or an image.
var billInvoiceRule = UploadRule{Field: "file", Purpose: "bill_invoice", Types: []string{"application/pdf", "image/png", "image/jpeg"},
	MaxBytes: docMaxBytes, MaxFiles: 1}

const (
	billLinesPerPage = 50
	tradesPerPage    = 30
	billQueuePerPage = 20
)

// SellerBillList is 结算 > 账单: the merchant's bills, newest period first, with the
// account they are paid to.
func (a *App) SellerBillList(c echo.Context) error {
	ctx, mid := c.Request().Context(), currentMerchant(c).ID
	vm := pages.SellerBillsVM{}
	var err error
	if vm.Bills, err = a.Store.BillsOfMerchant(ctx, mid); err != nil {
		return err
	}
	if vm.Bank, vm.Account, err = a.Store.PayoutAccount(ctx, mid); err != nil {
		return err
	}
	sla, err := a.Store.BillSLAOf(ctx)
	if err != nil {
		return err
	}
	cal, err := a.calendar(ctx)
	if err != nil {
		return err
	}
	now := a.Clock.Now()
	vm.Late = map[uint]bool{}
	for _, b := range vm.Bills {
		vm.Late[b.ID] = models.BillLate(models.BillTimeline(b, sla, cal, now))
	}
	return a.render(c, http.StatusOK, pages.SellerBillsPage(a.page(c), vm), nil)
}

// billPage reads a bill's page for a side: the merchant's own (merchantID > 0) or any
// (reviewers); the lines after the keyset's "after".
func (a *App) billPage(c echo.Context, merchantID uint, side string) (pages.BillVM, error) {
	ctx := c.Request().Context()
	b, err := a.Store.BillOf(ctx, merchantID, c.Param("id"))
	if err != nil {
		return pages.BillVM{}, err
	}
	vm := pages.BillVM{Side: side, Bill: b, Errors: view.Errors{}, TaxRates: models.InvoiceTaxRates}
	sla, err := a.Store.BillSLAOf(ctx)
	if err != nil {
		return vm, err
	}
	cal, err := a.calendar(ctx)
	if err != nil {
		return vm, err
	}
	vm.Steps = models.BillTimeline(b, sla, cal, a.Clock.Now())
	if vm.Bank, vm.Account, err = a.Store.PayoutAccount(ctx, b.MerchantID); err != nil {
		return vm, err
	}
	var after uint
	if s := c.QueryParam("after"); s != "" {
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return vm, echo.NewHTTPError(http.StatusBadRequest)
		}
		after = uint(n)
	}
	lines, err := a.Store.BillLinesPage(ctx, b.ID, after, billLinesPerPage+1)
	if err != nil {
		return vm, err
	}
	base := pages.BillURL(side, b.BillNo)
	if len(lines) > billLinesPerPage {
		lines = lines[:billLinesPerPage]
		vm.Next = base + "?after=" + strconv.FormatUint(uint64(lines[len(lines)-1].ID), 10) + "#lines"
	}
	if after != 0 {
		vm.Prev = base + "#lines"
	}
	vm.Lines = lines
	if vm.Events, vm.Invoices, vm.Payout, err = a.Store.BillHistory(ctx, b.ID); err != nil {
		return vm, err
	}
	if side == pages.SideReviewer {
		m, err := a.Store.MerchantWithOwner(ctx, b.MerchantID)
		if err != nil {
			return vm, err
		}
		vm.MerchantID, vm.MerchantName, vm.MerchantEmail = m.ID, m.CompanyName, m.OwnerEmail
		if vm.Adjustments, err = a.Store.OpenAdjustments(ctx, b.MerchantID, b.Entity); err != nil {
			return vm, err
		}
		vm.Reasons = reasonOptions(models.BillRejectReasons)
		vm.Payment.PaidOn = a.Clock.Now().In(a.Store.CalendarLocation(ctx)).Format("2006-01-02")
	}
	return vm, nil
}

// SellerBillShow is one of the merchant's bills.
func (a *App) SellerBillShow(c echo.Context) error {
	vm, err := a.billPage(c, currentMerchant(c).ID, pages.SideMerchant)
	if err != nil {
		return err
	}
	return a.renderBill(c, http.StatusOK, vm)
}

func (a *App) renderBill(c echo.Context, status int, vm pages.BillVM) error {
	return a.render(c, status, pages.BillPage(a.page(c), vm), nil)
}

// invoiceForm is the merchant's payment application.
type invoiceForm struct {
	Number   string `form:"number" validate:"max=40"`
	IssuedOn string `form:"issued_on" validate:"max=20"`
	Amount   string `form:"amount" validate:"max=30"`
	TaxRate  string `form:"tax_rate" validate:"max=5"`
}

// SellerBillInvoice records the invoice of a countersigned (or returned) bill: every
// wrong field is named at once, the file is written only for an invoice that passes,
// and the store records it with the step in one transaction.
func (a *App) SellerBillInvoice(c echo.Context) error {
	mid := currentMerchant(c).ID
	vm, err := a.billPage(c, mid, pages.SideMerchant)
	if err != nil {
		return err
	}
	var f invoiceForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Invoice = pages.InvoiceForm{Number: f.Number, IssuedOn: f.IssuedOn, Amount: f.Amount, TaxRate: f.TaxRate}
	parts, err := a.checkUploads(c, []UploadRule{billInvoiceRule}, vm.Errors)
	if err != nil {
		return err
	}
	in := models.InvoiceInput{Number: f.Number, IssuedOn: f.IssuedOn, TaxRate: -1}
	amountOK := false
	if fen, err := money.ParseYuan(f.Amount); err == nil {
		in.AmountFen, amountOK = fen, true
	}
	if r, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(f.TaxRate), "%")); err == nil {
		in.TaxRate = r
	}
	ctx := c.Request().Context()
	hasFile := len(parts[billInvoiceRule.Field]) > 0 || vm.Errors.Has("file")
	if _, cerr := a.Store.CheckInvoice(ctx, mid, vm.Bill.BillNo, in, hasFile); cerr != nil && !addFieldErrors(vm.Errors, cerr, "") {
		return a.billRefused(c, cerr, vm)
	}
	if !amountOK && strings.TrimSpace(f.Amount) != "" {
		vm.Errors["amount"] = view.M("settle.error.amount_format")
	}
	if vm.Errors.Any() {
		return a.renderBill(c, http.StatusUnprocessableEntity, vm)
	}
	err = a.withUploads(c, []UploadRule{billInvoiceRule}, parts, func(ups models.Uploads) error {
		_, err := a.Store.RecordInvoice(ctx, actor(c), mid, vm.Bill.BillNo, in, ups[0])
		return err
	})
	if err != nil {
		return a.billRefused(c, err, vm)
	}
	a.flash(c, "success", "settle.flash.invoiced")
	return a.redirect(c, web.SellerBill(vm.Bill.BillNo))
}

// billRefused answers a refused step: the fields the store found wrong on the form
// (422), a step the bill no longer allows on the page as it is now (409).
func (a *App) billRefused(c echo.Context, err error, vm pages.BillVM) error {
	switch {
	case addFieldErrors(vm.Errors, err, ""):
		return a.renderBill(c, http.StatusUnprocessableEntity, vm)
	case !errors.Is(err, models.ErrIllegalTransition) && !errors.Is(err, models.ErrConflict):
		return err
	}
	mid := vm.Bill.MerchantID
	if vm.Side == pages.SideReviewer {
		mid = 0
	}
	now, lerr := a.billPage(c, mid, vm.Side)
	if lerr != nil {
		return lerr
	}
	now.StaleKey = "error.illegal_transition"
	var rule interface{ MessageKey() string }
	if errors.As(err, &rule) {
		now.StaleKey = rule.MessageKey()
	}
	return a.renderBill(c, http.StatusConflict, now)
}

// exportForm picks an export's format.
type exportForm struct {
	Format string `form:"format" query:"format"`
}

// SellerBillExport exports the lines of one of the merchant's bills (CSV or XLSX): at
// once up to the sync setting's rows, through the export records beyond.
func (a *App) SellerBillExport(c echo.Context) error {
	mid := currentMerchant(c).ID
	b, err := a.Store.BillOf(c.Request().Context(), mid, c.Param("id"))
	if err != nil {
		return err
	}
	var f exportForm
	if _, err := bindForm(c, &f); err != nil {
		return err
	}
	if f.Format != export.CSV && f.Format != export.XLSX {
		vm, err := a.billPage(c, mid, pages.SideMerchant)
		if err != nil {
			return err
		}
		vm.Errors.Set("format", "export.error.format")
		return a.renderBill(c, http.StatusUnprocessableEntity, vm)
	}
	return a.exportFor(c, f.Format, models.ExportSpec{Kind: models.ExportBill, BillNo: b.BillNo}, "settle.flash.export_queued")
}

// tradeForm is the trade details' filter.
type tradeForm struct {
	State    string `query:"state" form:"state"`
	Period   string `query:"period" form:"period" validate:"max=7"`
	OrderNo  string `query:"order_no" form:"order_no" validate:"max=40"`
	Customer string `query:"customer" form:"customer" validate:"max=100"`
	Before   string `query:"before" form:"-"`
	Format   string `form:"format" query:"-"`
}

// query is the filter as a query string (without the keyset).
func (f tradeForm) query() string {
	return filterQuery("state", f.State, "period", f.Period, "order_no", f.OrderNo, "customer", f.Customer)
}

// tradeFilter checks the form into the store's filter.
func tradeFilter(errs view.Errors, f tradeForm, merchantID uint) models.TradeFilter {
	tf := models.TradeFilter{MerchantID: merchantID, State: f.State, Customer: strings.TrimSpace(f.Customer), Limit: tradesPerPage,
		OrderNo: strings.ToUpper(strings.TrimSpace(f.OrderNo))}
	if f.State != "" && f.State != models.TradeBilled && f.State != models.TradeUnbilled {
		errs.Set("state", "error.choice")
	}
	if p := strings.ReplaceAll(strings.TrimSpace(f.Period), "-", ""); p != "" {
		if _, ok := models.ParseBillPeriod(p); ok {
			tf.Period = p
		} else {
			errs.Set("period", "settle.error.period")
		}
	}
	if tf.OrderNo != "" && !orderNoRE.MatchString(tf.OrderNo) {
		errs.Set("order_no", "saas.calls.error_order")
	}
	return tf
}

// SellerTradeList is 交易明细: the merchant's orders that move money, billed (in which
// bill) or not (why, and the month expected), newest first on keyset pages.
func (a *App) SellerTradeList(c echo.Context) error {
	var f tradeForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	mid := currentMerchant(c).ID
	tf := tradeFilter(errs, f, mid)
	if f.Before != "" {
		n, err := strconv.ParseUint(f.Before, 10, 32)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		tf.Before = uint(n)
	}
	vm := pages.TradesVM{State: f.State, Period: f.Period, OrderNo: f.OrderNo, Customer: f.Customer, Errors: errs}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.TradesPage(a.page(c), vm), nil)
	}
	rows, more, err := a.Store.Trades(c.Request().Context(), tf)
	if err != nil {
		return err
	}
	vm.Rows = rows
	q := f.query()
	if more {
		vm.Next = web.SellerTrades() + "?" + joinQuery(q, "before="+strconv.FormatUint(uint64(rows[len(rows)-1].ID), 10))
	}
	if f.Before != "" {
		vm.Prev = web.SellerTrades()
		if q != "" {
			vm.Prev += "?" + q
		}
	}
	return a.render(c, http.StatusOK, pages.TradesPage(a.page(c), vm), nil)
}

// SellerTradesExport exports the filtered trade details (CSV or XLSX).
func (a *App) SellerTradesExport(c echo.Context) error {
	var f tradeForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	mid := currentMerchant(c).ID
	tf := tradeFilter(errs, f, mid)
	if f.Format != export.CSV && f.Format != export.XLSX {
		errs.Set("format", "export.error.format")
	}
	if errs.Any() {
		vm := pages.TradesVM{State: f.State, Period: f.Period, OrderNo: f.OrderNo, Customer: f.Customer, Errors: errs}
		return a.render(c, http.StatusUnprocessableEntity, pages.TradesPage(a.page(c), vm), nil)
	}
	tf.Limit = 0
	return a.exportFor(c, f.Format, models.ExportSpec{Kind: models.ExportTrades, Trades: &tf}, "settle.flash.export_queued")
}

// AdminBillList is the reviewers' bill queue: one tab per status, oldest step first,
// each bill's age against its step's service level.
func (a *App) AdminBillList(c echo.Context) error {
	ctx := c.Request().Context()
	status := c.QueryParam("status")
	if _, sent := c.QueryParams()["status"]; !sent {
		status = models.BillGenerated
	}
	if !slices.Contains(models.BillStatuses, status) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	counts, err := a.Store.BillQueueCounts(ctx)
	if err != nil {
		return err
	}
	page := pageParam(c)
	vm := pages.AdminBillsVM{Status: status, Counts: counts,
		Pager: view.Pager{Page: page, PerPage: billQueuePerPage, Total: counts[status], BaseURL: web.AdminBills(), Query: filterQuery("status", status)}}
	rows, err := a.Store.BillQueue(ctx, status, page, billQueuePerPage)
	if err != nil {
		return err
	}
	sla, err := a.Store.BillSLAOf(ctx)
	if err != nil {
		return err
	}
	cal, err := a.calendar(ctx)
	if err != nil {
		return err
	}
	now := a.Clock.Now()
	for _, r := range rows {
		row := pages.AdminBillRow{Row: r}
		if since, d, ok := sla.StepClock(r.Bill); ok {
			e := cal.Elapsed(since, now)
			row.Age = pages.SLAAge{Days: e, SLA: d, Tone: slaTone(e, d), Known: true}
		}
		vm.Rows = append(vm.Rows, row)
	}
	return a.render(c, http.StatusOK, pages.AdminBillsPage(a.page(c), vm), nil)
}

// AdminBillShow is a bill's page for reviewers, with the step it waits for.
func (a *App) AdminBillShow(c echo.Context) error {
	vm, err := a.billPage(c, 0, pages.SideReviewer)
	if err != nil {
		return err
	}
	return a.renderBill(c, http.StatusOK, vm)
}

// AdminBillSend reviews and sends a generated bill to its merchant.
func (a *App) AdminBillSend(c echo.Context) error {
	return a.billStep(c, "settle.flash.sent", func(vm pages.BillVM) error {
		_, err := a.Store.SendBill(c.Request().Context(), actor(c), vm.Bill.BillNo)
		return err
	})
}

// AdminBillCountersign records the countersign (会签) of a sent bill.
func (a *App) AdminBillCountersign(c echo.Context) error {
	return a.billStep(c, "settle.flash.countersigned", func(vm pages.BillVM) error {
		_, err := a.Store.CountersignBill(c.Request().Context(), actor(c), vm.Bill.BillNo)
		return err
	})
}

// AdminBillApprove approves the payment application: the invoice is checked.
func (a *App) AdminBillApprove(c echo.Context) error {
	return a.billStep(c, "settle.flash.approved", func(vm pages.BillVM) error {
		return a.Store.DecideBillPayment(c.Request().Context(), actor(c), vm.Bill.BillNo, models.Decision{Approve: true})
	})
}

// billStep runs a reviewer's step without a form beyond its token.
func (a *App) billStep(c echo.Context, flash string, step func(pages.BillVM) error) error {
	vm, err := a.billPage(c, 0, pages.SideReviewer)
	if err != nil {
		return err
	}
	if err := step(vm); err != nil {
		return a.billRefused(c, err, vm)
	}
	a.flash(c, "success", flash)
	return a.redirect(c, web.AdminBill(vm.Bill.BillNo))
}

// AdminBillReject returns the payment application to the merchant with a reason (and
// what to do), through the review workflow.
func (a *App) AdminBillReject(c echo.Context) error {
	vm, err := a.billPage(c, 0, pages.SideReviewer)
	if err != nil {
		return err
	}
	var f decisionForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Reject = pages.RejectForm{Reason: f.Reason, Comment: f.Comment}
	if utf8.RuneCountInString(f.Comment) > 1000 && !vm.Errors.Has("comment") {
		vm.Errors.Set("comment", "error.max_len", "N", 1000)
	}
	checkReason(vm.Errors, models.BillRejectReasons, f.Reason, strings.TrimSpace(f.Comment))
	if vm.Errors.Any() {
		return a.renderBill(c, http.StatusUnprocessableEntity, vm)
	}
	d := models.Decision{Reason: f.Reason, Comment: strings.TrimSpace(f.Comment)}
	if err := a.Store.DecideBillPayment(c.Request().Context(), actor(c), vm.Bill.BillNo, d); err != nil {
		return a.billRefused(c, err, vm)
	}
	a.flash(c, "success", "settle.flash.returned")
	return a.redirect(c, web.AdminBill(vm.Bill.BillNo))
}

// paymentForm is the payment a reviewer records.
type paymentForm struct {
	Reference string `form:"reference" validate:"max=60"`
	PaidOn    string `form:"paid_on" validate:"max=20"`
}

// AdminBillPay records the payment of an approved bill.
func (a *App) AdminBillPay(c echo.Context) error {
	vm, err := a.billPage(c, 0, pages.SideReviewer)
	if err != nil {
		return err
	}
	var f paymentForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Payment = pages.PaymentForm{Reference: f.Reference, PaidOn: f.PaidOn}
	if vm.Errors.Any() {
		return a.renderBill(c, http.StatusUnprocessableEntity, vm)
	}
	if _, err := a.Store.PayBill(c.Request().Context(), actor(c), vm.Bill.BillNo, models.PaymentInput{Reference: f.Reference, PaidOn: f.PaidOn}); err != nil {
		return a.billRefused(c, err, vm)
	}
	a.flash(c, "success", "settle.flash.paid")
	return a.redirect(c, web.AdminBill(vm.Bill.BillNo))
}

// adjustmentForm is a reviewer's adjustment of the merchant's next bill (its fields
// prefixed: the bill page holds other forms with an amount and a reason).
type adjustmentForm struct {
	Sign   string `form:"adj_sign"`
	Amount string `form:"adj_amount" validate:"max=30"`
	Reason string `form:"adj_reason" validate:"max=2000"`
}

// AdminBillAdjust records a signed adjustment for the next bill of the bill's merchant
// and signing entity.
func (a *App) AdminBillAdjust(c echo.Context) error {
	vm, err := a.billPage(c, 0, pages.SideReviewer)
	if err != nil {
		return err
	}
	var f adjustmentForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Adjust = pages.AdjustForm{Sign: f.Sign, Amount: f.Amount, Reason: f.Reason}
	if f.Sign != "+" && f.Sign != "-" {
		vm.Errors.Set("adj_sign", "error.choice")
	}
	fen, perr := money.ParseYuan(f.Amount)
	if (perr != nil || fen == 0) && !vm.Errors.Has("adj_amount") {
		vm.Errors.Set("adj_amount", "settle.error.adjustment_range")
	}
	if f.Sign == "-" {
		fen = -fen
	}
	in := models.AdjustmentInput{MerchantID: vm.Bill.MerchantID, Entity: vm.Bill.Entity, AmountFen: fen, Reason: f.Reason}
	if !vm.Errors.Any() {
		if _, err := a.Store.AddAdjustment(c.Request().Context(), actor(c), in); err != nil && !addFieldErrors(vm.Errors, err, "adj_") {
			return err
		}
	}
	if vm.Errors.Any() {
		return a.renderBill(c, http.StatusUnprocessableEntity, vm)
	}
	a.flash(c, "success", "settle.flash.adjusted")
	return a.redirect(c, web.AdminBill(vm.Bill.BillNo))
}
