package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sellercenter/models"
	"sellercenter/web"
)

// billFixture is a certified merchant with a month of orders billed: two completed
// orders (one refunded in part) and one still processing, and a reviewer.
type billFixture struct {
	ta       *testApp
	m        fixtureMerchant
	rev      *client
	seller   *client
	bill     models.Bill
	billed   models.Order
	pending  models.Order
	period   models.BillPeriod
	runAt    time.Time
	otherMid uint
}

// order writes one of the merchant's orders with its one line, directly.
func (fx *billFixture) order(t *testing.T, status string, amount int64, billable *time.Time, customer string) models.Order {
	t.Helper()
	now := fx.ta.env.Clock.Now()
	buyer := fx.ta.user(models.RoleBuyer, strings.ToLower(strings.ReplaceAll(customer, " ", ""))+"@example.com")
	o := models.Order{OrderNo: models.NewOrderNo(now), MerchantID: fx.m.MerchantID, BuyerID: buyer.ID, ProductID: 1, Kind: models.OrderNew,
		Status: status, ProductType: models.ProductSaaS, ProductNameZh: "协同办公", ProductNameEn: "Office Suite", SpecName: "Basic",
		CustomerName: customer, AmountFen: amount, PaidFen: amount, PaidAt: &now, BillableAt: billable, Entity: models.EntityGeneral,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if status == models.OrderCompleted {
		o.CompletedAt = &now
	}
	must(t, fx.ta.env.DB.W.Create(&o).Error)
	must(t, fx.ta.env.DB.W.Create(&models.OrderLine{OrderID: o.ID, LineNo: models.LineNo(o.OrderNo, 1), SKUCode: "SKU-1", SpecName: "Basic",
		BillingMode: "period", PeriodType: models.PeriodMonth, UnitFen: amount, AmountFen: amount}).Error)
	fx.ta.env.Clock.Advance(time.Second)
	return o
}

func newBillFixture(t *testing.T) *billFixture {
	ta := newTestApp(t)
	fx := &billFixture{ta: ta}
	ta.admin("admin@example.com")
	fx.m = ta.merchantAt("bills@example.com", "星河软件", atActive)
	fx.otherMid = ta.merchantAt("other@example.com", "别家", atActive).MerchantID
	ctx := context.Background()
	now := ta.env.Clock.Now()
	fx.billed = fx.order(t, models.OrderCompleted, 19900, &now, "Acme Corp")
	fx.order(t, models.OrderCompleted, 10050, &now, "Beta Ltd")
	fx.pending = fx.order(t, models.OrderProcessing, 5000, nil, "Gamma Inc")
	fx.period = models.BillPeriodOf(now, ta.Store.CalendarLocation(ctx))
	at, err := ta.Store.BillRunAt(ctx, fx.period)
	must(t, err)
	fx.runAt = at
	ta.env.Clock.Set(at)
	_, err = ta.Store.RunBills(ctx, fx.period)
	must(t, err)
	must(t, ta.env.DB.R.Where("merchant_id = ?", fx.m.MerchantID).Take(&fx.bill).Error)
	fx.rev = ta.loggedIn("admin@example.com")
	fx.seller = ta.loggedIn("bills@example.com")
	return fx
}

func (fx *billFixture) status(t *testing.T) string {
	t.Helper()
	var b models.Bill
	must(t, fx.ta.env.DB.R.Where("id = ?", fx.bill.ID).Take(&b).Error)
	return b.Status
}

// TestSellerBillPages: the merchant's bill list and page reconcile (two lines, the fee
// at 5 %, the payable), the timeline shows expected dates, lines drill down to orders,
// the bill exports as CSV with every line, trade details show the billed order's bill
// and why the processing one is not billed, the order page says where it stands; bad
// filters are 422 and another merchant's bill is 404.
func TestSellerBillPages(t *testing.T) {
	fx := newBillFixture(t)
	if fx.bill.Lines != 2 || fx.bill.AmountFen != 29950 || fx.bill.FeeFen != 995+503 || fx.bill.PayableFen != 29950-1498 {
		t.Fatalf("bill %+v", fx.bill)
	}
	c := fx.seller
	list := c.get(web.SellerBills()).want(http.StatusOK)
	row := list.Doc().Find(`[data-testid="bill-row"][data-no="` + fx.bill.BillNo + `"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "¥284.52") {
		t.Fatalf("bill row %q", row.Text())
	}
	if !strings.Contains(list.Doc().Find(`[data-testid="payout-account"]`).Text(), "****") {
		t.Fatal("the list does not show the masked account")
	}
	page := c.get(web.SellerBill(fx.bill.BillNo)).want(http.StatusOK)
	doc := page.Doc()
	if n := doc.Find(`[data-testid="bill-line"]`).Length(); n != 2 {
		t.Fatalf("%d lines shown", n)
	}
	if href, _ := doc.Find(`[data-testid="line-order"]`).First().Attr("href"); href != web.SellerOrder(fx.billed.OrderNo) {
		t.Fatalf("line links to %q", href)
	}
	if st, _ := doc.Find(`[data-testid="step-send"]`).Attr("data-state"); st != "current" {
		t.Fatalf("send step %q", st)
	}
	if exp := doc.Find(`[data-testid="step-send"] [data-testid="step-expected"]`).Text(); strings.TrimSpace(exp) == "" || strings.Contains(exp, "—") {
		t.Fatalf("send step has no expected date: %q", exp)
	}
	if doc.Find(`[data-testid="form-invoice"]`).Length() != 0 {
		t.Fatal("the invoice form shows before the countersign")
	}
	// Export: CSV with the header and both lines.
	r := c.post(web.SellerBillExport(fx.bill.BillNo), url.Values{"format": {"csv"}}).want(http.StatusOK)
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
	must(t, err)
	if len(recs) != 3 || recs[0][0] != "No." || recs[1][2] != fx.billed.OrderNo || recs[1][11] != "189.05" {
		t.Fatalf("export %q", recs)
	}
	if r := c.post(web.SellerBillExport(fx.bill.BillNo), url.Values{"format": {"pdf"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad format: %d", r.Status)
	}
	var exports int64
	must(t, fx.ta.env.DB.R.Model(&models.ExportJob{}).Where("merchant_id = ?", fx.m.MerchantID).Count(&exports).Error)
	if exports != 1 {
		t.Fatalf("%d export records\n%s", exports, fx.ta.log.String())
	}
	if what := c.get(web.SellerExports()).want(http.StatusOK).Doc().Find(`[data-testid="export-what"]`).Text(); !strings.Contains(what, "Bill "+fx.bill.BillNo) {
		t.Fatalf("the export records say %q", what)
	}
	// Trade details: the billed order with its bill, the processing one with its reason.
	tr := c.get(web.SellerTrades()).want(http.StatusOK).Doc()
	if tr.Find(`[data-testid="trade-row"]`).Length() != 3 {
		t.Fatalf("%d trade rows", tr.Find(`[data-testid="trade-row"]`).Length())
	}
	if why, _ := tr.Find(`[data-testid="trade-row"][data-no="` + fx.pending.OrderNo + `"]`).Attr("data-why"); why != models.WhyNotEffective {
		t.Fatalf("processing order: %q", why)
	}
	if why, _ := tr.Find(`[data-testid="trade-row"][data-no="` + fx.billed.OrderNo + `"]`).Attr("data-why"); why != models.WhyBilled {
		t.Fatalf("billed order: %q", why)
	}
	un := c.get(web.SellerTrades() + "?state=unbilled").want(http.StatusOK).Doc()
	if un.Find(`[data-testid="trade-row"]`).Length() != 1 {
		t.Fatal("the unbilled filter")
	}
	per := c.get(web.SellerTrades() + "?period=" + fx.period.String()[:4] + "-" + fx.period.String()[4:] + "&state=billed").want(http.StatusOK).Doc()
	if per.Find(`[data-testid="trade-row"]`).Length() != 2 {
		t.Fatal("the period filter")
	}
	if cu := c.get(web.SellerTrades() + "?customer=acme").want(http.StatusOK).Doc(); cu.Find(`[data-testid="trade-row"]`).Length() != 1 {
		t.Fatal("the customer filter")
	}
	// Keyset pages of one row walk every order once, newest first, with or without a period.
	for _, period := range []string{"", fx.period.String()} {
		var seen []string
		f := models.TradeFilter{MerchantID: fx.m.MerchantID, Period: period, Limit: 1}
		for {
			rows, more, err := fx.ta.Store.Trades(context.Background(), f)
			must(t, err)
			for _, r := range rows {
				seen = append(seen, r.OrderNo)
			}
			if !more {
				break
			}
			f.Before = rows[len(rows)-1].ID
		}
		want := 3
		if period != "" {
			want = 2 // the processing order is not billable in any month yet
		}
		if len(seen) != want || (period == "" && seen[0] != fx.pending.OrderNo) {
			t.Fatalf("keyset pages (period %q): %v", period, seen)
		}
	}
	for _, q := range []string{"period=2026-13", "period=abc", "state=maybe", "order_no=%3Cscript%3E"} {
		if r := c.get(web.SellerTrades() + "?" + q); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
	if r := c.get(web.SellerTrades() + "?before=x"); r.Status != http.StatusBadRequest {
		t.Errorf("bad keyset: %d", r.Status)
	}
	tx := c.post(web.SellerTradesExport(), url.Values{"format": {"csv"}, "state": {"unbilled"}}).want(http.StatusOK)
	recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(tx.Body, "\ufeff"))).ReadAll()
	must(t, err)
	if len(recs) != 2 || recs[1][0] != fx.pending.OrderNo {
		t.Fatalf("trade export %q", recs)
	}
	// The order pages say where each order stands.
	op := c.get(web.SellerOrder(fx.billed.OrderNo)).want(http.StatusOK).Doc()
	if why, _ := op.Find(`[data-testid="billing-state"]`).Attr("data-why"); why != models.WhyBilled ||
		!strings.Contains(op.Find(`[data-testid="billing-state"]`).Text(), fx.bill.BillNo) {
		t.Fatalf("billed order page: %q", op.Find(`[data-testid="billing-state"]`).Text())
	}
	op = c.get(web.SellerOrder(fx.pending.OrderNo)).want(http.StatusOK).Doc()
	if why, _ := op.Find(`[data-testid="billing-state"]`).Attr("data-why"); why != models.WhyNotEffective {
		t.Fatalf("processing order page: %q", why)
	}
	// In Chinese.
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {web.SellerBills()}}).want(http.StatusSeeOther)
	zh := c.get(web.SellerBill(fx.bill.BillNo)).want(http.StatusOK)
	if !strings.Contains(zh.Body, "结算进度") || !strings.Contains(zh.Body, "账单明细") {
		t.Fatal("the bill page is not in Chinese")
	}
	// Another merchant: 404 on the bill, its invoice and its export; nothing recorded.
	other := fx.ta.loggedIn("other@example.com")
	other.get(web.SellerBill(fx.bill.BillNo)).want(http.StatusNotFound)
	other.post(web.SellerBillExport(fx.bill.BillNo), url.Values{"format": {"csv"}}).want(http.StatusNotFound)
	other.postMultipart(web.SellerBillInvoice(fx.bill.BillNo), url.Values{"number": {"12345678"}}).want(http.StatusNotFound)
	if n := other.get(web.SellerTrades()).want(http.StatusOK).Doc().Find(`[data-testid="trade-row"]`).Length(); n != 0 {
		t.Fatalf("another merchant sees %d trade rows", n)
	}
}

// TestBillPipelineThroughPages: the reviewer sends and countersigns (a second send is a
// 409 with its reason), the merchant's invoice is checked field by field (nothing kept
// from a refusal), the reviewer returns it with a reason the merchant then reads with
// what to do, the merchant records it again, the reviewer approves and pays (a missing
// reference refused); the merchant sees the reference and every date. Adjustments go
// to the next bill.
func TestBillPipelineThroughPages(t *testing.T) {
	fx := newBillFixture(t)
	rev, c, no := fx.rev, fx.seller, fx.bill.BillNo
	q := rev.get(web.AdminBills()).want(http.StatusOK).Doc()
	if q.Find(`[data-testid="bill-queue-row"][data-no="`+no+`"]`).Length() != 1 || q.Find(`[data-testid="age"]`).Length() == 0 {
		t.Fatal("the queue does not list the generated bill with its age")
	}
	rev.get(web.AdminBills() + "?status=NOPE").want(http.StatusBadRequest)
	tile := rev.get(web.Admin()).want(http.StatusOK).Doc().Find(`[data-testid="tile-bills"] [data-testid="tile-count"]`)
	if strings.TrimSpace(tile.Text()) != "1" {
		t.Fatalf("dashboard bills tile %q", tile.Text())
	}
	rev.post(web.AdminBillStep(no, "send"), nil).want(http.StatusSeeOther)
	again := rev.post(web.AdminBillStep(no, "send"), nil).want(http.StatusConflict)
	if !strings.Contains(again.Doc().Find(`[data-testid="bill-stale"]`).Text(), "already sent") {
		t.Fatalf("second send: %q", again.Doc().Find(`[data-testid="bill-stale"]`).Text())
	}
	rev.post(web.AdminBillStep(no, "pay"), url.Values{"reference": {"PAY-1"}, "paid_on": {"2026-01-01"}}).want(http.StatusConflict)
	rev.post(web.AdminBillStep(no, "countersign"), nil).want(http.StatusSeeOther)
	if fx.status(t) != models.BillCountersigned {
		t.Fatal("not countersigned")
	}
	page := c.get(web.SellerBill(no)).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="form-invoice"]`).Length() != 1 {
		t.Fatal("no invoice form after the countersign")
	}
	loc := fx.ta.Store.CalendarLocation(context.Background())
	today := fx.ta.env.Clock.Now().In(loc).Format(time.DateOnly)
	payable := "284.52"
	pdf := upload{"file", "invoice.pdf", []byte("%PDF-1.4 invoice")}
	blobs := fx.ta.blobCount()
	bad := c.postMultipart(web.SellerBillInvoice(no), url.Values{"number": {"12ab"}, "issued_on": {"2020-01-01"}, "amount": {"284.51"},
		"tax_rate": {"7"}}).want(http.StatusUnprocessableEntity)
	for _, f := range []string{"number", "issued_on", "amount", "tax_rate", "file"} {
		if bad.fieldError(f) == "" {
			t.Errorf("no message for %s", f)
		}
	}
	c.postMultipart(web.SellerBillInvoice(no), url.Values{"number": {"12345678"}, "issued_on": {today}, "amount": {"abc"}, "tax_rate": {"6"}}, pdf).
		want(http.StatusUnprocessableEntity)
	if fx.ta.blobCount() != blobs || fx.status(t) != models.BillCountersigned {
		t.Fatal("a refused invoice left a file or moved the bill")
	}
	good := url.Values{"number": {"12345678"}, "issued_on": {today}, "amount": {payable}, "tax_rate": {"6"}}
	c.postMultipart(web.SellerBillInvoice(no), good, pdf).want(http.StatusSeeOther)
	if fx.status(t) != models.BillInvoiced {
		t.Fatal("not invoiced")
	}
	c.postMultipart(web.SellerBillInvoice(no), good, pdf).want(http.StatusConflict)
	// Return without a reason, then with one.
	r := rev.post(web.AdminBillStep(no, "reject"), url.Values{"reason": {""}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("reason") == "" {
		t.Fatal("no message for the missing reason")
	}
	rev.post(web.AdminBillStep(no, "reject"), url.Values{"reason": {models.BillReasonOther}}).want(http.StatusUnprocessableEntity)
	rev.post(web.AdminBillStep(no, "reject"), url.Values{"reason": {"reason.bill.invoice_title"}, "comment": {"Use the full company name."}}).
		want(http.StatusSeeOther)
	if fx.status(t) != models.BillReturned {
		t.Fatal("not returned")
	}
	ret := c.get(web.SellerBill(no)).want(http.StatusOK).Doc()
	if !strings.Contains(ret.Find(`[data-testid="bill-returned"]`).Text(), "Use the full company name.") ||
		strings.TrimSpace(ret.Find(`[data-testid="bill-fix"]`).Text()) == "" {
		t.Fatalf("the return is not explained: %q", ret.Find(`[data-testid="bill-returned"]`).Text())
	}
	// The returned invoice's number may be used again.
	c.postMultipart(web.SellerBillInvoice(no), good, pdf).want(http.StatusSeeOther)
	rev.post(web.AdminBillStep(no, "approve"), nil).want(http.StatusSeeOther)
	if fx.status(t) != models.BillPaying {
		t.Fatal("not paying")
	}
	pr := rev.post(web.AdminBillStep(no, "pay"), url.Values{"reference": {""}, "paid_on": {"2026/01/01"}}).want(http.StatusUnprocessableEntity)
	if pr.fieldError("reference") == "" || pr.fieldError("paid_on") == "" {
		t.Fatal("payment errors not shown")
	}
	rev.post(web.AdminBillStep(no, "pay"), url.Values{"reference": {"HSBC-2026-0001"}, "paid_on": {today}}).want(http.StatusSeeOther)
	if fx.status(t) != models.BillPaid {
		t.Fatal("not paid")
	}
	done := c.get(web.SellerBill(no)).want(http.StatusOK).Doc()
	if !strings.Contains(done.Find(`[data-testid="payout"]`).Text(), "HSBC-2026-0001") {
		t.Fatal("the merchant does not see the reference")
	}
	for _, s := range []string{"send", "countersign", "invoice", "payment"} {
		if st, _ := done.Find(`[data-testid="step-` + s + `"]`).Attr("data-state"); st != "done" {
			t.Errorf("step %s: %q", s, st)
		}
	}
	// Adjustments: not integer fen, zero, no reason → 422; a deduction is listed.
	for _, v := range []url.Values{
		{"adj_sign": {"-"}, "adj_amount": {"1.234"}, "adj_reason": {"x"}},
		{"adj_sign": {"+"}, "adj_amount": {"0"}, "adj_reason": {"x"}},
		{"adj_sign": {"*"}, "adj_amount": {"5"}, "adj_reason": {"x"}},
		{"adj_sign": {"-"}, "adj_amount": {"5"}, "adj_reason": {""}},
	} {
		rev.post(web.AdminBillStep(no, "adjustments"), v).want(http.StatusUnprocessableEntity)
	}
	rev.post(web.AdminBillStep(no, "adjustments"), url.Values{"adj_sign": {"-"}, "adj_amount": {"12.50"}, "adj_reason": {"SLA penalty"}}).
		want(http.StatusSeeOther)
	adj := rev.get(web.AdminBill(no)).want(http.StatusOK).Doc().Find(`[data-testid="open-adjustment"]`)
	if adj.Length() != 1 || !strings.Contains(adj.Text(), "-¥12.50") {
		t.Fatalf("adjustment %q", adj.Text())
	}
	for _, action := range []string{"bill.send", "bill.countersign", "bill.invoice", "bill.reject", "bill.approve", "bill.pay", "bill.adjust"} {
		if fx.ta.latestAudit(action).ID == 0 {
			t.Errorf("no audit row %s", action)
		}
	}
	// Merchants may not take reviewers' steps.
	c.post(web.AdminBillStep(no, "pay"), url.Values{}).want(http.StatusForbidden)
}
