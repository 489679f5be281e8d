package models_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"sellercenter/internal/workdays"
	"sellercenter/models"
)

// TestFeeRounding: the fee is amount × rate / 10000 rounded half away from zero, in Go
// and in the bill run's SQL alike, so a refund returns exactly the fee its purchase paid.
func TestFeeRounding(t *testing.T) {
	cases := []struct {
		amount int64
		bp     int
		want   int64
	}{
		{0, 500, 0}, {1, 500, 0}, {9, 500, 0}, {10, 500, 1}, {19, 500, 1}, {30, 500, 2}, {50, 500, 3},
		{9900, 500, 495}, {19900, 500, 995}, {-50, 500, -3}, {-10, 500, -1}, {-9, 500, 0}, {12345, 0, 0},
		{12345, 10000, 12345}, {-12345, 10000, -12345}, {1, 5000, 1}, {3, 3333, 1}, {1_000_000_000_000, 500, 50_000_000_000},
	}
	env := newShop(t).env
	for _, tc := range cases {
		got := models.FeeFen(tc.amount, tc.bp)
		if got != tc.want {
			t.Errorf("FeeFen(%d, %d) = %d, want %d", tc.amount, tc.bp, got, tc.want)
		}
		if models.FeeFen(-tc.amount, tc.bp) != -got {
			t.Errorf("FeeFen(%d) is not the negative of FeeFen(%d)", -tc.amount, tc.amount)
		}
		var sql int64
		if err := env.DB.R.Raw(models.FeeSQLForTest("CAST(? AS BIGINT)", "CAST(? AS BIGINT)"), tc.amount, tc.amount, tc.bp, tc.amount, tc.bp).
			Scan(&sql).Error; err != nil {
			t.Fatal(err)
		}
		if sql != got {
			t.Errorf("SQL fee of %d at %d = %d, Go %d", tc.amount, tc.bp, sql, got)
		}
	}
}

// billing is a shop whose month can be billed.
type billing struct {
	*shop
	reviewer models.Actor
}

func newBilling(t *testing.T) *billing {
	s := newShop(t)
	rv, err := s.env.Store.CreateUser(s.ctx, models.Actor{}, models.NewAccount{Email: "rv@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.env.DB.W.Create(&models.BusinessCertification{MerchantID: s.mid, CompanyName: "星河软件", AccountName: "星河软件",
		BankName: "招商银行", BankAccountMasked: "6214 **** **** 0042", Status: models.CertCertified}).Error; err != nil {
		t.Fatal(err)
	}
	return &billing{shop: s, reviewer: models.Actor{UserID: rv.ID, Email: rv.Email}}
}

// run moves the clock to the run of period and runs it.
func (b *billing) run(t *testing.T, period string) models.BillRunResult {
	t.Helper()
	p, _ := models.ParseBillPeriod(period)
	at, err := b.env.Store.BillRunAt(b.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if b.env.Clock.Now().Before(at) {
		b.env.Clock.Set(at)
	}
	res, err := b.env.Store.RunBills(b.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// bills reads the merchant's bills with their lines, checking that each reconciles.
func (b *billing) bills(t *testing.T) map[string]models.Bill {
	t.Helper()
	var rows []models.Bill
	if err := b.env.DB.R.Where("merchant_id = ?", b.mid).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]models.Bill{}
	for _, bill := range rows {
		var lines []models.BillLine
		if err := b.env.DB.R.Where("bill_id = ?", bill.ID).Find(&lines).Error; err != nil {
			t.Fatal(err)
		}
		var amount, fee, adjust int64
		for _, l := range lines {
			if l.FeeFen != models.FeeFen(l.AmountFen, l.FeeBP) {
				t.Errorf("line %d: fee %d of %d at %d bp", l.ID, l.FeeFen, l.AmountFen, l.FeeBP)
			}
			if l.Kind == models.LineAdjustment {
				adjust += l.AmountFen
			} else {
				amount += l.AmountFen
			}
			fee += l.FeeFen
		}
		if int64(len(lines)) != bill.Lines || amount != bill.AmountFen || fee != bill.FeeFen || adjust != bill.AdjustFen ||
			bill.PayableFen != amount-fee+adjust {
			t.Errorf("bill %s does not reconcile: %d lines %+v", bill.Period, len(lines), bill)
		}
		out[bill.Period+"/"+bill.Entity] = bill
	}
	return out
}

// TestBillRunBillsEachLineOnce: the run bills what became billable in the month (paid
// image packages at once, supervised services at their completion, refunds when paid,
// adjustments made), never trials or unpaid orders; running it again changes nothing;
// later items wait for their month.
func TestBillRunBillsEachLineOnce(t *testing.T) {
	b := newBilling(t)
	st := b.env.Store
	img, imgSpecs := b.image(t, nil)
	pkg := func() models.Order {
		return b.pay(t, b.buy(t, models.PurchaseInput{ProductID: img.ID, SKU: imgSpecs[1].SKUCode, PeriodType: "package", Region: "cn-north-4"}))
	}
	o1, o2 := pkg(), pkg()
	unpaid := b.buy(t, models.PurchaseInput{ProductID: img.ID, SKU: imgSpecs[1].SKUCode, PeriodType: "package", Region: "cn-north-4"})
	saas, saasSpecs := b.saas(t, nil)
	trial := b.buy(t, models.PurchaseInput{ProductID: saas.ID, SKU: saasSpecs[0].SKUCode, PeriodType: "month", Trial: true})
	sup, supSpecs := b.saas(t, func(c *models.ProductContent) { c.Supervised = true; c.NameZh = "实施服务" })
	so := b.pay(t, b.buy(t, models.PurchaseInput{ProductID: sup.ID, SKU: supSpecs[0].SKUCode, PeriodType: "month"}))
	if _, err := st.AddAdjustment(b.ctx, b.reviewer, models.AdjustmentInput{MerchantID: b.mid, Entity: models.EntityGeneral, AmountFen: -1234, Reason: "上月服务费多收"}); err != nil {
		t.Fatal(err)
	}

	res := b.run(t, "202611")
	if res.Bills != 1 || res.Lines != 3 {
		t.Fatalf("first run: %+v", res)
	}
	bills := b.bills(t)
	nov := bills["202611/general"]
	if nov.AmountFen != 2*50000 || nov.FeeFen != 2*2500 || nov.AdjustFen != -1234 || nov.PayableFen != 95000-1234 || nov.Status != models.BillGenerated {
		t.Fatalf("November: %+v", nov)
	}
	for _, o := range []models.Order{unpaid, trial, so} {
		var n int64
		b.env.DB.R.Model(&models.BillLine{}).Where("order_id = ?", o.ID).Count(&n)
		if n != 0 {
			t.Errorf("order %s (%s) billed", o.OrderNo, o.Kind)
		}
	}
	for o, want := range map[string]string{o1.OrderNo: models.WhyBilled, unpaid.OrderNo: models.WhyNotPaid,
		trial.OrderNo: models.WhyFree, so.OrderNo: models.WhySupervision} {
		var row models.Order
		b.env.DB.R.Where("order_no = ?", o).Take(&row)
		st, err := st.OrderBillingState(b.ctx, b.mid, row)
		if err != nil || st.Why != want || (want == models.WhyBilled && st.BillNo != nov.BillNo) {
			t.Errorf("order %s: %+v %v, want %s", o, st, err, want)
		}
	}
	if again := b.run(t, "202611"); again.Bills != 0 || again.Skipped != 0 {
		t.Fatalf("second run made %+v", again)
	}
	if after := b.bills(t)["202611/general"]; after != nov {
		t.Fatalf("the rerun changed the bill:\n%+v\n%+v", nov, after)
	}

	// December: the supervised order completes; a package bought and unsubscribed the
	// next day is billed and refunded in the same bill; o1, beyond the no-reason window,
	// is unsubscribed without a refund, which bills nothing.
	b.env.Clock.Set(time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC))
	completeSupervision(t, b.shop, so)
	o3 := pkg()
	if r, err := st.Unsubscribe(b.ctx, b.act, b.buyer.ID, o1.OrderNo, "unsub-1"); err != nil || r.AmountFen != 0 {
		t.Fatalf("unsubscribe o1: %+v %v", r, err)
	}
	b.env.Clock.Advance(24 * time.Hour)
	r, err := st.Unsubscribe(b.ctx, b.act, b.buyer.ID, o3.OrderNo, "unsub-3")
	if err != nil || r.AmountFen != o3.PaidFen {
		t.Fatalf("unsubscribe o3: %+v %v", r, err)
	}
	var refund models.Order
	b.env.DB.R.Where("id = ?", *r.UnsubscribeOrderID).Take(&refund)
	if st, err := st.OrderBillingState(b.ctx, b.mid, refund); err != nil || st.Why != models.WhyNextRun || st.Period != "202612" || st.RunAt == nil {
		t.Errorf("the refund before the run: %+v %v", st, err)
	}
	res = b.run(t, "202612")
	if res.Bills != 1 || res.Lines != 3 {
		t.Fatalf("December run: %+v", res)
	}
	dec := b.bills(t)["202612/general"]
	wantAmount := so.PaidFen
	wantFee := models.FeeFen(so.PaidFen, models.DefaultFeeBP)
	if dec.AmountFen != wantAmount || dec.FeeFen != wantFee {
		t.Fatalf("December: %+v, want amount %d fee %d", dec, wantAmount, wantFee)
	}
	// Every billable order is in exactly one bill.
	var billable []uint
	b.env.DB.R.Model(&models.Order{}).Where("merchant_id = ? AND billable_at IS NOT NULL", b.mid).Pluck("id", &billable)
	for _, id := range billable {
		var n int64
		b.env.DB.R.Model(&models.BillLine{}).Where("order_id = ?", id).Count(&n)
		if n != 1 {
			t.Errorf("order %d is in %d bills", id, n)
		}
	}
	if len(billable) != 5 { // o1, o2, the supervised order, o3 and its refund
		t.Errorf("%d billable orders", len(billable))
	}
	_ = o2
	if _, err := st.RunBills(b.ctx, models.BillPeriodOf(b.env.Clock.Now(), time.UTC)); err == nil {
		t.Error("a month not yet over was billed")
	}
}

// completeSupervision walks a general supervised order to its buyer's acceptance.
func completeSupervision(t *testing.T, s *shop, o models.Order) {
	t.Helper()
	st := s.env.Store
	ma := models.Actor{UserID: s.merchant.ID}
	for _, step := range []struct {
		a      models.Actor
		actor  string
		owner  uint
		action string
	}{
		{s.act, models.SupBuyer, s.buyer.ID, models.ActSubmitRequirement},
		{ma, models.SupMerchant, s.mid, models.ActConfirm},
		{ma, models.SupMerchant, s.mid, models.ActDeliver},
		{s.act, models.SupBuyer, s.buyer.ID, models.ActAccept},
	} {
		in := models.SupervisionStep{OrderNo: o.OrderNo, Action: step.action, Comment: "ok"}
		if step.action == models.ActDeliver {
			in.Mode, in.Uploads = models.DeliveryRemote, evidence(models.FileSupRemote, 3)
		}
		if _, err := st.MoveSupervision(s.ctx, step.a, step.actor, step.owner, in); err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
	}
}

// TestBillPipeline: send, countersign, invoice, return, invoice again, approve, pay;
// each step only from its status (409 otherwise) and only on the merchant's own bill;
// bad invoices and payments are refused naming the field, with nothing saved.
func TestBillPipeline(t *testing.T) {
	b := newBilling(t)
	st := b.env.Store
	img, imgSpecs := b.image(t, nil)
	b.pay(t, b.buy(t, models.PurchaseInput{ProductID: img.ID, SKU: imgSpecs[1].SKUCode, PeriodType: "package", Region: "cn-north-4"}))
	b.run(t, "202611")
	bill := b.bills(t)["202611/general"]
	ma := models.Actor{UserID: b.merchant.ID}
	file := evidence("bill_invoice", 1)[0]
	good := models.InvoiceInput{Number: "12345678", IssuedOn: "2026-12-03", AmountFen: bill.PayableFen, TaxRate: 6}

	if _, err := st.CountersignBill(b.ctx, b.reviewer, bill.BillNo); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("countersign before sending: %v", err)
	}
	if _, err := st.PayBill(b.ctx, b.reviewer, bill.BillNo, models.PaymentInput{Reference: "PAY-1", PaidOn: "2026-12-03"}); !errors.Is(err, models.ErrBillNotPaying) {
		t.Fatalf("paying a bill not countersigned: %v", err)
	}
	if _, err := st.SendBill(b.ctx, b.reviewer, bill.BillNo); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SendBill(b.ctx, b.reviewer, bill.BillNo); !errors.Is(err, models.ErrBillNotGenerated) {
		t.Fatalf("sent twice: %v", err)
	}
	if _, err := st.RecordInvoice(b.ctx, ma, b.mid, bill.BillNo, good, file); !errors.Is(err, models.ErrBillNotInvoiceable) {
		t.Fatalf("invoice before the countersign: %v", err)
	}
	if _, err := st.CountersignBill(b.ctx, b.reviewer, bill.BillNo); err != nil {
		t.Fatal(err)
	}
	other := activeMerchant(t, b.env, "other@example.com")
	if _, err := st.RecordInvoice(b.ctx, models.Actor{UserID: other.ID}, *other.MerchantID, bill.BillNo, good, file); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant's invoice: %v", err)
	}
	for name, tc := range map[string]struct {
		in    models.InvoiceInput
		field string
	}{
		"amount":      {models.InvoiceInput{Number: "12345678", IssuedOn: "2026-12-03", AmountFen: bill.PayableFen + 1, TaxRate: 6}, "amount"},
		"number":      {models.InvoiceInput{Number: "12AB", IssuedOn: "2026-12-03", AmountFen: bill.PayableFen, TaxRate: 6}, "number"},
		"date":        {models.InvoiceInput{Number: "12345678", IssuedOn: "2026-13-03", AmountFen: bill.PayableFen, TaxRate: 6}, "issued_on"},
		"future date": {models.InvoiceInput{Number: "12345678", IssuedOn: "2027-01-03", AmountFen: bill.PayableFen, TaxRate: 6}, "issued_on"},
		"tax":         {models.InvoiceInput{Number: "12345678", IssuedOn: "2026-12-03", AmountFen: bill.PayableFen, TaxRate: 7}, "tax_rate"},
	} {
		_, err := st.RecordInvoice(b.ctx, ma, b.mid, bill.BillNo, tc.in, file)
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: %v", name, err)
		}
	}
	var invoices int64
	b.env.DB.R.Model(&models.BillInvoice{}).Count(&invoices)
	if invoices != 0 {
		t.Fatalf("%d invoices saved from refusals", invoices)
	}
	if _, err := st.RecordInvoice(b.ctx, ma, b.mid, bill.BillNo, good, file); err != nil {
		t.Fatal(err)
	}
	if err := st.DecideBillPayment(b.ctx, b.reviewer, bill.BillNo, models.Decision{Reason: "nonsense"}); err == nil {
		t.Fatal("a rejection without a known reason")
	}
	if err := st.DecideBillPayment(b.ctx, b.reviewer, bill.BillNo, models.Decision{Reason: "reason.bill.invoice_title", Comment: "抬头应为华为云计算技术有限公司"}); err != nil {
		t.Fatal(err)
	}
	got := b.bills(t)["202611/general"]
	if got.Status != models.BillReturned || got.RejectReason != "reason.bill.invoice_title" || got.Returns != 1 {
		t.Fatalf("after the return: %+v", got)
	}
	if _, err := st.RecordInvoice(b.ctx, ma, b.mid, bill.BillNo, good, evidence("bill_invoice", 1)[0]); err != nil {
		t.Fatalf("the corrected invoice with its number again: %v", err)
	}
	if err := st.DecideBillPayment(b.ctx, b.reviewer, bill.BillNo, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]models.PaymentInput{
		"empty reference": {Reference: " ", PaidOn: "2026-12-03"},
		"bad reference":   {Reference: "付款 1", PaidOn: "2026-12-03"},
		"bad date":        {Reference: "PAY-1", PaidOn: "03/12/2026"},
		"before the bill": {Reference: "PAY-1", PaidOn: "2026-11-01"},
	} {
		if _, err := st.PayBill(b.ctx, b.reviewer, bill.BillNo, in); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	paidOn := b.env.Clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	if _, err := st.PayBill(b.ctx, b.reviewer, bill.BillNo, models.PaymentInput{Reference: "PAY-1", PaidOn: paidOn}); err != nil {
		t.Fatal(err)
	}
	got = b.bills(t)["202611/general"]
	var p models.Payout
	if err := b.env.DB.R.Where("bill_id = ?", got.ID).Take(&p).Error; err != nil || got.Status != models.BillPaid ||
		p.AmountFen != got.PayableFen || p.AccountMasked != "6214 **** **** 0042" {
		t.Fatalf("paid: %+v %+v %v", got, p, err)
	}
	var events []models.BillEvent
	b.env.DB.R.Where("bill_id = ?", got.ID).Order("id").Find(&events)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if fmt.Sprint(actions) != "[generate send countersign invoice reject_payment invoice approve_payment pay]" {
		t.Fatalf("history %v", actions)
	}
	evs, invs, payout, err := st.BillHistory(b.ctx, got.ID)
	if err != nil || len(evs) != len(events) || len(invs) != 2 || invs[0].Status != models.InvoiceAccepted ||
		invs[1].Status != models.InvoiceRejected || payout == nil || payout.Reference != "PAY-1" {
		t.Fatalf("history %d events, invoices %+v, payout %+v, %v", len(evs), invs, payout, err)
	}
	lines, err := st.BillLinesPage(b.ctx, got.ID, 0, 50)
	if err != nil || len(lines) != 1 || lines[0].OrderNo == "" || lines[0].ProductName("en") != "LAMP" || lines[0].PayableFen() != got.PayableFen {
		t.Fatalf("lines %+v %v", lines, err)
	}
	if more, _ := st.BillLinesPage(b.ctx, got.ID, lines[0].ID, 50); len(more) != 0 {
		t.Fatalf("a page after the last line: %+v", more)
	}
	if _, err := st.BillOf(b.ctx, *other.MerchantID, got.BillNo); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant reads the bill: %v", err)
	}
	if mine, err := st.BillsOfMerchant(b.ctx, b.mid); err != nil || len(mine) != 1 || mine[0].BillNo != got.BillNo {
		t.Fatalf("the merchant's bills %+v %v", mine, err)
	}
	// A second bill paid with the same reference is refused.
	if _, err := st.AddAdjustment(b.ctx, b.reviewer, models.AdjustmentInput{MerchantID: b.mid, Entity: models.EntityGeneral, AmountFen: 500, Reason: "补贴"}); err != nil {
		t.Fatal(err)
	}
	b.run(t, "202612")
	dec := b.bills(t)["202612/general"]
	if q, err := st.BillQueue(b.ctx, models.BillGenerated, 1, 10); err != nil || len(q) != 1 || q[0].BillNo != dec.BillNo || q[0].MerchantID != b.mid {
		t.Fatalf("queue %+v %v", q, err)
	}
	if n, err := st.BillQueueCounts(b.ctx); err != nil || n[models.BillGenerated] != 1 || n[models.BillPaid] != 1 || n[models.BillSent] != 0 {
		t.Fatalf("queue counts %v %v", n, err)
	}
	for _, step := range []func() error{
		func() error { _, err := st.SendBill(b.ctx, b.reviewer, dec.BillNo); return err },
		func() error { _, err := st.CountersignBill(b.ctx, b.reviewer, dec.BillNo); return err },
		func() error {
			_, err := st.RecordInvoice(b.ctx, ma, b.mid, dec.BillNo, models.InvoiceInput{Number: "87654321", IssuedOn: "2027-01-04", AmountFen: 500, TaxRate: 6}, evidence("bill_invoice", 1)[0])
			return err
		},
		func() error {
			return st.DecideBillPayment(b.ctx, b.reviewer, dec.BillNo, models.Decision{Approve: true})
		},
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.PayBill(b.ctx, b.reviewer, dec.BillNo, models.PaymentInput{Reference: "PAY-1", PaidOn: "2027-01-04"}); !errors.Is(err, models.ErrPaymentRefUsed) {
		t.Fatalf("a used reference: %v", err)
	}
}

// TestAdjustmentsAndCarriedBalances: adjustments are signed, non-zero integer fen with a
// reason; a bill with a negative payable is carried into the next one.
func TestAdjustmentsAndCarriedBalances(t *testing.T) {
	b := newBilling(t)
	st := b.env.Store
	for name, in := range map[string]models.AdjustmentInput{
		"zero":      {MerchantID: b.mid, Entity: models.EntityGeneral, AmountFen: 0, Reason: "x"},
		"too large": {MerchantID: b.mid, Entity: models.EntityGeneral, AmountFen: models.MaxAdjustmentFen + 1, Reason: "x"},
		"no reason": {MerchantID: b.mid, Entity: models.EntityGeneral, AmountFen: 100, Reason: " "},
		"entity":    {MerchantID: b.mid, Entity: "other", AmountFen: 100, Reason: "x"},
	} {
		if _, err := st.AddAdjustment(b.ctx, b.reviewer, in); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := st.AddAdjustment(b.ctx, b.reviewer, models.AdjustmentInput{MerchantID: 99999, Entity: models.EntityGeneral, AmountFen: 100, Reason: "x"}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown merchant: %v", err)
	}
	if _, err := st.AddAdjustment(b.ctx, b.reviewer, models.AdjustmentInput{MerchantID: b.mid, Entity: models.EntityJoint, AmountFen: -3000, Reason: "扣回"}); err != nil {
		t.Fatal(err)
	}
	b.run(t, "202611")
	nov := b.bills(t)["202611/joint"]
	if nov.PayableFen != -3000 {
		t.Fatalf("November joint bill %+v", nov)
	}
	if _, err := st.SendBill(b.ctx, b.reviewer, nov.BillNo); err != nil {
		t.Fatal(err)
	}
	if got, err := st.CountersignBill(b.ctx, b.reviewer, nov.BillNo); err != nil || got.Status != models.BillCarried {
		t.Fatalf("countersign of a negative bill: %+v %v", got, err)
	}
	b.run(t, "202612")
	dec := b.bills(t)["202612/joint"]
	if dec.PayableFen != -3000 || dec.Lines != 1 {
		t.Fatalf("the carried balance: %+v", dec)
	}
}

// TestBillRunDay: the run is on the bill day at 02:00 local time, or the next working day
// when that is a weekend or a holiday; a worked weekend counts.
func TestBillRunDay(t *testing.T) {
	b := newBilling(t)
	st := b.env.Store
	cst := time.FixedZone("CST", 8*3600)
	at := func(period string) string {
		p, _ := models.ParseBillPeriod(period)
		got, err := st.BillRunAt(b.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return got.In(cst).Format("2006-01-02 15:04")
	}
	if got := at("202611"); got != "2026-12-03 02:00" {
		t.Errorf("December's run %s", got)
	}
	if got := at("202612"); got != "2027-01-04 02:00" { // the 3rd is a Sunday
		t.Errorf("January's run %s", got)
	}
	if err := st.AddHoliday(b.ctx, b.reviewer, models.Holiday{Date: "2027-01-04", Name: "假日"}); err != nil {
		t.Fatal(err)
	}
	if got := at("202612"); got != "2027-01-05 02:00" {
		t.Errorf("January's run after a holiday %s", got)
	}
	if err := st.AddHoliday(b.ctx, b.reviewer, models.Holiday{Date: "2027-01-03", Name: "调休", IsWorkday: true}); err != nil {
		t.Fatal(err)
	}
	if got := at("202612"); got != "2027-01-03 02:00" {
		t.Errorf("January's run on a worked Sunday %s", got)
	}
	for _, bad := range []string{"", "2026", "202613", "202600", "abcdef", "-20261"} {
		if _, ok := models.ParseBillPeriod(bad); ok {
			t.Errorf("period %q accepted", bad)
		}
	}
}

// TestScheduleBillRun: the latest due run is queued at once when it never finished (a
// month missed while the server was down, before or after this month's bill day);
// otherwise the next month's run waits for its day; asking twice queues one job.
func TestScheduleBillRun(t *testing.T) {
	b := newBilling(t)
	st := b.env.Store
	cst := time.FixedZone("CST", 8*3600)
	wantQueued := func(want, when string) {
		t.Helper()
		if err := st.ScheduleBillRun(b.ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.ScheduleBillRun(b.ctx); err != nil {
			t.Fatal(err)
		}
		var jobs []models.Job
		if err := b.env.DB.R.Where("kind = ? AND status = ?", models.JobBillRun, models.JobQueued).Order("run_at").Find(&jobs).Error; err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, j := range jobs {
			var p models.BillRunPayload
			if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
				t.Fatal(err)
			}
			out = append(out, p.Period+"@"+j.RunAt.In(cst).Format("2006-01-02 15:04"))
		}
		if got := fmt.Sprint(out); got != want {
			t.Fatalf("%s: %s queued, want %s", when, got, want)
		}
	}
	finish := func(period string) {
		t.Helper()
		p, _ := models.ParseBillPeriod(period)
		if _, err := st.RunBills(b.ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := b.env.DB.W.Where("kind = ? AND dedup_key = ?", models.JobBillRun, "bill_run:"+period).Delete(&models.Job{}).Error; err != nil {
			t.Fatal(err)
		}
	}
	// 2 December, before December's run: no run ever finished, so October's is due.
	b.env.Clock.Set(time.Date(2026, 12, 2, 10, 0, 0, 0, cst))
	wantQueued("[202610@2026-11-03 02:00]", "with nothing run")
	finish("202610")
	wantQueued("[202611@2026-12-03 02:00]", "after October's run")
	// The server was down on the 3rd: on the 7th November's run is still queued, due.
	b.env.Clock.Set(time.Date(2026, 12, 7, 9, 0, 0, 0, cst))
	wantQueued("[202611@2026-12-03 02:00]", "a missed run")
	finish("202611")
	// January's run moves from Sunday the 3rd to Monday.
	wantQueued("[202612@2027-01-04 02:00]", "after November's run")
	// A November run that never finished (its record gone) is made up on the 20th.
	if err := b.env.DB.W.Where("period = ?", "202611").Delete(&models.BillRun{}).Error; err != nil {
		t.Fatal(err)
	}
	b.env.Clock.Set(time.Date(2026, 12, 20, 9, 0, 0, 0, cst))
	wantQueued("[202611@2026-12-03 02:00 202612@2027-01-04 02:00]", "an unfinished run")
}

// TestBillingStateTable: why an order is or is not in a bill, for every kind of order.
func TestBillingStateTable(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 12, 10, 2, 0, 0, 0, time.UTC)
	past := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC) // 2026-12-01 01:00 local: December
	future := time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)
	bill := &models.Bill{BillNo: "BL1", Period: "202611"}
	cases := []struct {
		name   string
		o      models.Order
		bill   *models.Bill
		why    string
		period string
	}{
		{"billed", models.Order{Status: models.OrderCompleted, BillableAt: &past}, bill, models.WhyBilled, "202611"},
		{"billable, waits for the run", models.Order{Status: models.OrderCompleted, Kind: models.OrderNew, BillableAt: &past}, nil, models.WhyNextRun, "202612"},
		{"renewal effective later", models.Order{Status: models.OrderCompleted, Kind: models.OrderRenew, BillableAt: &future}, nil, models.WhyNextMonth, "202701"},
		{"unpaid", models.Order{Status: models.OrderPendingPayment, Kind: models.OrderNew}, nil, models.WhyNotPaid, ""},
		{"cancelled", models.Order{Status: models.OrderCancelled, Kind: models.OrderNew}, nil, models.WhyCancelled, ""},
		{"failed", models.Order{Status: models.OrderFailed, Kind: models.OrderNew}, nil, models.WhyFailed, ""},
		{"supervision", models.Order{Status: models.OrderProcessing, Kind: models.OrderNew, Supervised: true}, nil, models.WhySupervision, ""},
		{"not delivered", models.Order{Status: models.OrderProcessing, Kind: models.OrderNew}, nil, models.WhyNotEffective, ""},
		{"trial", models.Order{Status: models.OrderCompleted, Kind: models.OrderTrial}, nil, models.WhyFree, ""},
		{"refund of an unbilled order", models.Order{Status: models.OrderCompleted, Kind: models.OrderUnsubscribe, AmountFen: -100}, nil, models.WhyUnbilledRefund, ""},
		{"refund of nothing", models.Order{Status: models.OrderCompleted, Kind: models.OrderUnsubscribe}, nil, models.WhyFree, ""},
	}
	for _, tc := range cases {
		got := models.BillingStateOf(tc.o, tc.bill, false, now, loc)
		if got.Why != tc.why || got.Period != tc.period {
			t.Errorf("%s: %+v, want %s in %q", tc.name, got, tc.why, tc.period)
		}
	}
	// On demand: a delivered resource bills its consumption every month, this month next;
	// one not yet delivered waits like any other.
	if got := models.BillingStateOf(models.Order{Status: models.OrderCompleted, Kind: models.OrderNew}, &models.Bill{BillNo: "BL1"}, true, now, loc); got.Why != models.WhyUsage ||
		got.Period != models.BillPeriodOf(now, loc).String() || got.BillNo != "BL1" {
		t.Errorf("metered: %+v", got)
	}
	if got := models.BillingStateOf(models.Order{Status: models.OrderProcessing, Kind: models.OrderNew}, nil, true, now, loc); got.Why != models.WhyNotEffective {
		t.Errorf("metered, not delivered: %+v", got)
	}
}

// TestBillTimeline: each step's expected date counts its working days from the step
// before (done or expected); the invoice is the merchant's own step; a returned payment
// application restarts the payment's days at the next application; late is the current
// step past its date.
func TestBillTimeline(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cal := workdays.New(loc, []string{"2027-01-01"}, nil)
	sla := models.BillSLA{Send: 2, Countersign: 8, Payment: 6}
	at := func(s string) *time.Time {
		v, _ := time.ParseInLocation("2006-01-02 15:04", s, loc)
		v = v.UTC()
		return &v
	}
	day := func(p *time.Time) string {
		if p == nil {
			return "-"
		}
		return p.In(loc).Format("01-02")
	}
	b := models.Bill{Status: models.BillGenerated, GeneratedAt: *at("2026-12-03 02:00")}
	steps := models.BillTimeline(b, sla, cal, *at("2026-12-04 10:00"))
	got := ""
	for _, st := range steps {
		got += fmt.Sprintf("%s:%s/%s ", st.Step, day(st.Expected), day(st.Done))
	}
	if got != "generated:12-03/12-03 send:12-07/- countersign:12-17/- invoice:-/- payment:-/- " {
		t.Fatalf("fresh bill: %s", got)
	}
	if !steps[1].Current || steps[1].Late {
		t.Fatalf("send step %+v", steps[1])
	}
	if !models.BillLate(models.BillTimeline(b, sla, cal, *at("2026-12-08 09:00"))) {
		t.Fatal("not late after the send date")
	}
	// Sent late, countersigned, invoiced, returned, invoiced again.
	b.Status, b.SentAt, b.CountersignedAt = models.BillReturned, at("2026-12-09 10:00"), at("2026-12-21 10:00")
	b.InvoicedAt = at("2026-12-22 10:00")
	steps = models.BillTimeline(b, sla, cal, *at("2026-12-23 10:00"))
	if steps[2].Expected.In(loc).Format("01-02") != "12-21" || steps[3].Done != nil || !steps[3].Current || steps[4].Expected != nil {
		t.Fatalf("returned: %+v", steps)
	}
	b.Status, b.InvoicedAt = models.BillInvoiced, at("2026-12-28 10:00")
	steps = models.BillTimeline(b, sla, cal, *at("2026-12-28 11:00"))
	if day(steps[4].Expected) != "01-06" || !steps[4].Current { // 29, 30, 31, (1 holiday), 4, 5, 6
		t.Fatalf("payment after the second application: %+v", steps[4])
	}
	b.Status, b.PaidAt = models.BillPaid, at("2027-01-05 15:00")
	for _, st := range models.BillTimeline(b, sla, cal, *at("2027-02-01 00:00")) {
		if st.Current || st.Late || st.Done == nil {
			t.Fatalf("paid bill step %+v", st)
		}
	}
}

// TestOnDemandConsumptionBills: an on-demand image resource prepays nothing; each month's
// bill charges the hours it gave service in that month (every started hour, times the
// hourly price and the quantity, with the platform fee), the month it is unsubscribed up
// to that moment, and nothing after; reruns charge nothing twice; the order page says it
// bills by consumption.
func TestOnDemandConsumptionBills(t *testing.T) {
	b := newBilling(t)
	st := b.env.Store
	img, specs := b.image(t, nil)
	o := b.buy(t, models.PurchaseInput{ProductID: img.ID, SKU: specs[0].SKUCode, PeriodType: models.PeriodHour, Region: "cn-north-4"})
	var row models.Order
	b.env.DB.R.Where("id = ?", o.ID).Take(&row)
	if row.Status != models.OrderCompleted {
		o = b.pay(t, o)
		b.env.DB.R.Where("id = ?", o.ID).Take(&row)
	}
	var segs []models.UsageSegment
	b.env.DB.R.Where("order_id = ?", o.ID).Find(&segs)
	if row.Status != models.OrderCompleted || len(segs) != 1 || segs[0].EndedAt != nil || segs[0].UnitFen != 12 || segs[0].Quantity != 1 {
		t.Fatalf("on-demand order %s, segments %+v", row.Status, segs)
	}
	loc := st.CalendarLocation(b.ctx)
	started := segs[0].StartedAt
	first := models.BillPeriodOf(started, loc)
	firstHours := models.UsageHours(int64(first.End(loc).Sub(started) / time.Second))
	b.run(t, first.String())
	bills := b.bills(t)
	nov := bills[first.String()+"/general"]
	wantAmount := firstHours * 12
	if nov.AmountFen != wantAmount || nov.FeeFen != models.FeeFen(wantAmount, models.DefaultFeeBP) {
		t.Fatalf("first month: %+v, want %d for %d hours", nov, wantAmount, firstHours)
	}
	lines, err := st.BillLinesPage(b.ctx, nov.ID, 0, 10)
	if err != nil || len(lines) != 1 || lines[0].Kind != models.LineUsage || lines[0].Hours != firstHours || lines[0].OrderNo != o.OrderNo {
		t.Fatalf("usage line %+v %v", lines, err)
	}
	if s, err := st.OrderBillingState(b.ctx, b.mid, row); err != nil || s.Why != models.WhyUsage || s.BillNo != nov.BillNo || s.RunAt == nil {
		t.Fatalf("billing state %+v %v", s, err)
	}
	// Nine days and a half into the next month the buyer unsubscribes.
	second := first.Next()
	b.env.Clock.Set(second.Start(loc).Add(9*24*time.Hour + 30*time.Minute))
	if _, err := st.Unsubscribe(b.ctx, b.act, b.buyer.ID, o.OrderNo, "unsub-od"); err != nil {
		t.Fatal(err)
	}
	b.env.Clock.Advance(20 * 24 * time.Hour)
	b.run(t, second.String())
	dec := b.bills(t)[second.String()+"/general"]
	if want := int64(9*24+1) * 12; dec.AmountFen != want {
		t.Fatalf("second month: %+v, want %d", dec, want)
	}
	third := second.Next()
	if res := b.run(t, third.String()); res.Bills != 0 {
		t.Fatalf("a month after the unsubscription billed %+v", res)
	}
	if res := b.run(t, first.String()); res.Bills != 0 {
		t.Fatalf("a rerun billed %+v", res)
	}
	var charges int64
	b.env.DB.R.Model(&models.UsageCharge{}).Where("order_id = ?", o.ID).Count(&charges)
	if charges != 2 {
		t.Fatalf("%d usage charges", charges)
	}
}
