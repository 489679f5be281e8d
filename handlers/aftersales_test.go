package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// asFixture is a merchant and a buyer with paid orders written straight into the
// database, another merchant and buyer, and a reviewer.
type asFixture struct {
	ta          *testApp
	m, other    fixtureMerchant
	buyer       models.User
	otherBuyer  models.User
	reviewer    models.User
	mc, bc, rc  *client
	ctx         context.Context
	otherClient *client
	otherBuyerC *client
}

func newASFixture(t *testing.T) *asFixture {
	t.Helper()
	ta := newTestApp(t)
	fx := &asFixture{ta: ta, ctx: context.Background()}
	fx.m = ta.activeMerchant("m@example.com", "示例科技")
	fx.other = ta.activeMerchant("other@example.com", "其他公司")
	fx.buyer = ta.user(models.RoleBuyer, "buyer@example.com")
	fx.otherBuyer = ta.user(models.RoleBuyer, "buyer2@example.com")
	fx.reviewer = ta.user(models.RoleReviewer, "rev@example.com")
	fx.mc, fx.bc, fx.rc = ta.loggedIn("m@example.com"), ta.loggedIn("buyer@example.com"), ta.loggedIn("rev@example.com")
	fx.otherClient, fx.otherBuyerC = ta.loggedIn("other@example.com"), ta.loggedIn("buyer2@example.com")
	return fx
}

// order writes a paid order of the merchant bought by the buyer.
func (fx *asFixture) order(s testdb.PaidOrderSpec) models.Order {
	fx.ta.t.Helper()
	s.MerchantID, s.BuyerID = fx.m.MerchantID, fx.buyer.ID
	o, _ := testdb.PaidOrder(fx.ta.t, fx.ta.env, s)
	return o
}

// runJobs runs the due jobs, the after-sales ones included.
func (fx *asFixture) runJobs() {
	fx.ta.t.Helper()
	fx.ta.drainJobs()
}

// formKey loads the order's refund form and returns its idempotency key.
func (fx *asFixture) formKey(orderNo string) string {
	fx.ta.t.Helper()
	r := fx.bc.get("/buyer/orders/" + orderNo + "/refund").want(http.StatusOK)
	k, _ := r.Doc().Find(`input[name="key"]`).Attr("value")
	if k == "" {
		fx.ta.t.Fatalf("no idempotency key on the form\n%s", r.Body)
	}
	return k
}

// request files a negotiated refund (or a return) through the form.
func (fx *asFixture) request(orderNo, amount, reason string) models.Refund {
	fx.ta.t.Helper()
	fx.bc.post("/buyer/orders/"+orderNo+"/refund", url.Values{"key": {fx.formKey(orderNo)}, "amount": {amount}, "reason": {reason}}).want(http.StatusSeeOther)
	return fx.caseOf(orderNo)
}

// caseOf reads the newest case of an order.
func (fx *asFixture) caseOf(orderNo string) models.Refund {
	fx.ta.t.Helper()
	var r models.Refund
	must(fx.ta.t, fx.ta.env.DB.R.Joins("JOIN orders ON orders.id = refunds.order_id").Where("orders.order_no = ?", orderNo).
		Order("refunds.id DESC").First(&r).Error)
	return r
}

// state is every after-sales row, to compare before and after a refused request.
func (fx *asFixture) state() string {
	var rs []models.Refund
	var os []models.Order
	var ss []models.Subscription
	var jobs, events, files int64
	db := fx.ta.env.DB.R
	db.Order("id").Find(&rs)
	db.Order("id").Find(&os)
	db.Order("id").Find(&ss)
	db.Model(&models.Job{}).Where("kind IN ?", []string{models.JobRefundPayout, models.JobRefundDeadline}).Count(&jobs)
	db.Model(&models.RefundEvent{}).Count(&events)
	db.Model(&models.File{}).Where("ref_type = ?", "refund").Count(&files)
	b, _ := json.Marshal([]any{rs, os, ss, jobs, events, files})
	return string(b)
}

func (fx *asFixture) unchanged(t *testing.T, before, what string) {
	t.Helper()
	if after := fx.state(); after != before {
		t.Fatalf("%s changed rows:\n%s\n%s", what, before, after)
	}
}

func TestBuyerUnsubscribeShowsTheRefundAndRefundsOnce(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductSaaS, PaidFen: 30000})
	r := fx.bc.get("/buyer/orders/" + o.OrderNo + "/refund").want(http.StatusOK)
	got := r.Doc().Find(`[data-testid="refundable"]`)
	if b, _ := got.Attr("data-basis"); b != models.BasisFull || !strings.Contains(got.Text(), "Full refund (within 5 days") || !strings.Contains(got.Text(), "¥300.00") {
		t.Fatalf("inside the window: %q", got.Text())
	}
	// 10 of the month's 30 days used: two thirds come back.
	fx.ta.env.Clock.Advance(10 * 24 * time.Hour)
	got = fx.bc.get("/buyer/orders/" + o.OrderNo + "/refund").want(http.StatusOK).Doc().Find(`[data-testid="refundable"]`)
	if f, _ := got.Attr("data-fen"); f != "20000" || !strings.Contains(got.Text(), "Pro-rata") || !strings.Contains(got.Text(), "¥200.00") {
		t.Fatalf("after the window: %q fen %s", got.Text(), f)
	}
	key := fx.formKey(o.OrderNo)
	// No key: a malformed form, nothing happens.
	before := fx.state()
	fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{}).want(http.StatusBadRequest)
	fx.unchanged(t, before, "a form without its key")
	// S3: posted status or amounts are not bound.
	res := fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{"key": {key}, "amount_fen": {"999999"}, "status": {"REQUESTED"}, "merchant_id": {"999"}}).want(http.StatusSeeOther)
	rf := fx.caseOf(o.OrderNo)
	if res.Location() != "/buyer/after-sales/"+rf.RefundNo || rf.Status != models.RefundRefunded || rf.AmountFen != 20000 || rf.MerchantID != fx.m.MerchantID {
		t.Fatalf("unsubscription %s %+v", res.Location(), rf)
	}
	var sub models.Subscription
	fx.ta.env.DB.R.First(&sub, *o.SubscriptionID)
	var unsub models.Order
	fx.ta.env.DB.R.First(&unsub, *rf.UnsubscribeOrderID)
	if sub.Status != models.SubUnsubscribed || unsub.AmountFen != -20000 || unsub.Kind != models.OrderUnsubscribe {
		t.Fatalf("subscription %s, unsubscribe order %d %s", sub.Status, unsub.AmountFen, unsub.Kind)
	}
	// Double submit: the same case, nothing more; a fresh form: refused, nothing more.
	before = fx.state()
	again := fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{"key": {key}}).want(http.StatusSeeOther)
	if again.Location() != res.Location() {
		t.Fatalf("double submit went to %s", again.Location())
	}
	fx.unchanged(t, before, "a double submit")
	fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{"key": {newIdempotencyKey()}}).want(http.StatusConflict)
	fx.unchanged(t, before, "a second unsubscription")
	page := fx.bc.get(res.Location()).want(http.StatusOK)
	if !strings.Contains(page.Body, "Unsubscribed after the no-reason window") && !strings.Contains(page.Body, "pro-rata refund") {
		t.Fatalf("history does not tell the basis\n%s", page.Body)
	}
	if !fx.ta.hasNotice(fx.m.User.ID, "refund.unsubscribed") || !fx.ta.hasNotice(fx.buyer.ID, "refund.unsubscribed") {
		t.Fatal("merchant and buyer not both told")
	}
	// The order's own page says what came back and leads to the cases.
	od := fx.bc.get("/buyer/orders/" + o.OrderNo).want(http.StatusOK).Doc()
	if pay := od.Find(`[data-testid="payment"]`).Text(); !strings.Contains(pay, "Refunded") || !strings.Contains(pay, "¥200.00") {
		t.Fatalf("order page payment %q", pay)
	}
	if od.Find(`[data-testid="after-sales-link"]`).Length() != 1 {
		t.Fatal("order page does not lead to the after-sales cases")
	}
}

func TestRefundFormRefusesBadInput(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 50000})
	key := fx.formKey(o.OrderNo)
	cases := []struct {
		field, amount, reason string
	}{
		{"amount", "-1", "r"},
		{"amount", "0", "r"},
		{"amount", "0.00", "r"},
		{"amount", "500.01", "r"},
		{"amount", "1.234", "r"},
		{"amount", "abc", "r"},
		{"amount", "1e5", "r"},
		{"amount", "", "r"},
		{"amount", "99999999999999999", "r"},
		{"reason", "10", ""},
		{"reason", "10", "   "},
		{"reason", "10", strings.Repeat("长", 501)},
		{"reason", "10", "bad\xff\xfe"},
	}
	before := fx.state()
	for _, c := range cases {
		r := fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{"key": {key}, "amount": {c.amount}, "reason": {c.reason}})
		if r.Status != http.StatusUnprocessableEntity || r.fieldError(c.field) == "" {
			t.Errorf("amount %q reason %.12q: status %d, message on %s %q", c.amount, c.reason, r.Status, c.field, r.fieldError(c.field))
		}
	}
	fx.unchanged(t, before, "bad input")
	// The whole paid amount is fine; a double submit makes one case.
	form := url.Values{"key": {key}, "amount": {"500"}, "reason": {"服务未按约定交付"}}
	first := fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", form).want(http.StatusSeeOther)
	second := fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", form).want(http.StatusSeeOther)
	var n int64
	fx.ta.env.DB.R.Model(&models.Refund{}).Count(&n)
	if n != 1 || first.Location() != second.Location() {
		t.Fatalf("%d cases after a double submit", n)
	}
	// While it is open the form says so, and another request is refused.
	page := fx.bc.get("/buyer/orders/" + o.OrderNo + "/refund").want(http.StatusOK)
	if page.Doc().Find(`[data-testid="open-case"]`).Length() != 1 {
		t.Fatal("the form does not show the open case")
	}
	before = fx.state()
	fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{"key": {newIdempotencyKey()}, "amount": {"1"}, "reason": {"again"}}).want(http.StatusConflict)
	fx.unchanged(t, before, "a second open case")
}

func TestNoRefundAfterSupervisionCompleted(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductSaaS, Supervised: true, Status: models.OrderCompleted, PaidFen: 1000})
	page := fx.bc.get("/buyer/orders/" + o.OrderNo + "/refund").want(http.StatusOK)
	if !strings.Contains(page.Doc().Find(`[data-testid="blocked"]`).Text(), "No refund after supervision completed") {
		t.Fatalf("no explanation\n%s", page.Body)
	}
	before := fx.state()
	r := fx.bc.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{"key": {newIdempotencyKey()}, "amount": {"1"}, "reason": {"r"}}).want(http.StatusConflict)
	if !strings.Contains(r.Body, "No refund after supervision completed") {
		t.Fatal("the 409 does not say why")
	}
	fx.unchanged(t, before, "a refund after supervision")
}

func TestMerchantApprovesWithRecordThenPayoutRefunds(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductLicense, PaidFen: 50000})
	rf := fx.request(o.OrderNo, "120.50", "许可证无法激活")
	if rf.AmountFen != 12050 || rf.Status != models.RefundRequested {
		t.Fatalf("%+v", rf)
	}
	// The queue, its tab counts and the overview's todo.
	q := fx.mc.get("/seller/after-sales?status=waiting").want(http.StatusOK).Doc()
	if q.Find(`[data-testid="refund-row"]`).Length() != 1 || strings.TrimSpace(q.Find(`[data-testid="tab-waiting"] [data-testid="tab-count"]`).Text()) != "1" {
		t.Fatal("queue does not show the waiting case")
	}
	if got := q.Find(`select[name="kind"] option`).First().Text(); got != "All" {
		t.Fatalf("the kind filter starts on %q", got)
	}
	frag := fx.mc.get("/seller/after-sales?kind=return", "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "<html") || strings.Contains(frag.Body, rf.RefundNo) {
		t.Fatal("the filter fragment is wrong")
	}
	fx.mc.get("/seller/after-sales?status=bogus").want(http.StatusBadRequest)
	fx.mc.get("/seller/after-sales?kind=bogus").want(http.StatusBadRequest)
	if n := strings.TrimSpace(fx.mc.get("/seller").want(http.StatusOK).Doc().Find(`[data-testid="todo-after_sales"] .badge`).Text()); n != "1" {
		t.Fatalf("overview todo %q", n)
	}
	path := "/seller/after-sales/" + rf.RefundNo
	page := fx.mc.get(path).want(http.StatusOK).Doc()
	if page.Find(`[data-testid="buyer-reason"]`).Text() != "许可证无法激活" || page.Find(`[data-testid="order-summary"]`).Length() != 1 {
		t.Fatal("detail lacks the reason or the order")
	}
	ver := itoa64(int64(rf.Version))
	before := fx.state()
	// Missing comment; an HTML file called .png; a file over 10 MB: nothing changes.
	r := fx.mc.postMultipart(path+"/approve", url.Values{"version": {ver}})
	if r.Status != http.StatusUnprocessableEntity || r.fieldError("comment") == "" {
		t.Fatalf("approve without a comment: %d", r.Status)
	}
	r = fx.mc.postMultipart(path+"/approve", url.Values{"version": {ver}, "comment": {"ok"}}, upload{"attachment", "chat.png", []byte("<html><script>alert(1)</script></html>")})
	if r.Status != http.StatusUnprocessableEntity || r.fieldError("attachment") == "" {
		t.Fatalf("disguised upload: %d", r.Status)
	}
	big := append(append([]byte{}, pdfBytes...), make([]byte, 10<<20)...)
	if r = fx.mc.postMultipart(path+"/approve", url.Values{"version": {ver}, "comment": {"ok"}}, upload{"attachment", "big.pdf", big}); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload: %d", r.Status)
	}
	fx.unchanged(t, before, "refused approvals")
	fx.mc.postMultipart(path+"/approve", url.Values{"version": {ver}, "comment": {"同意退款，已电话沟通"}}, upload{"attachment", "沟通记录.pdf", pdfBytes}).want(http.StatusSeeOther)
	// Double submit of the same form: a conflict, one effect.
	// The second answer is the case as it stands now (approved, no form left) with the
	// reason, in the reader's language; its attachment is not stored.
	before = fx.state()
	stale := fx.mc.postMultipart(path+"/approve", url.Values{"version": {ver}, "comment": {"again"}}, upload{"attachment", "again.pdf", pdfBytes}).want(http.StatusConflict).Doc()
	if got := stale.Find(`[data-testid="case-stale"]`).Text(); !strings.Contains(got, "changed after you opened it") {
		t.Fatalf("stale approval says %q", got)
	}
	if stale.Find(`[data-testid="approve-form"]`).Length() != 0 || stale.Find(`[data-testid="merchant-comment"]`).Text() != "同意退款，已电话沟通" {
		t.Fatal("the stale answer does not show the case as it is now")
	}
	zh := fx.mc.post(path+"/reject", url.Values{"version": {ver}, "comment": {"again"}}, "Cookie", "lang=zh-CN").want(http.StatusConflict).Doc()
	if got := zh.Find(`[data-testid="case-stale"]`).Text(); !strings.Contains(got, "已发生变化") {
		t.Fatalf("stale rejection says %q", got)
	}
	fx.unchanged(t, before, "a double approval")
	got := fx.caseOf(o.OrderNo)
	if got.Status != models.RefundApproved || got.AttachmentFileID == nil || got.MerchantComment != "同意退款，已电话沟通" {
		t.Fatalf("after approval %+v", got)
	}
	// APPROVED stays visible until the payout runs.
	if fx.bc.get("/buyer/after-sales/"+rf.RefundNo).want(http.StatusOK).Doc().Find(`[data-testid="payout-pending"]`).Length() != 1 {
		t.Fatal("buyer does not see the pending payout")
	}
	if fx.mc.get(path).Doc().Find(`[data-testid="attachment"]`).Length() != 1 {
		t.Fatal("merchant does not see the record")
	}
	fx.mc.get("/files/" + itoa64(int64(*got.AttachmentFileID))).want(http.StatusOK)
	fx.runJobs()
	fx.runJobs()
	got = fx.caseOf(o.OrderNo)
	var orig models.Order
	fx.ta.env.DB.R.First(&orig, o.ID)
	var unsub int64
	fx.ta.env.DB.R.Model(&models.Order{}).Where("kind = ?", models.OrderUnsubscribe).Count(&unsub)
	if got.Status != models.RefundRefunded || orig.RefundedFen != 12050 || unsub != 1 {
		t.Fatalf("after payout: %s refunded %d, %d unsubscribe orders", got.Status, orig.RefundedFen, unsub)
	}
	if !fx.ta.hasNotice(fx.buyer.ID, "refund.refunded") || !fx.ta.hasNotice(fx.m.User.ID, "refund.requested") {
		t.Fatal("notifications missing")
	}
	// Illegal now: approve, reject, withdraw, dispute.
	before = fx.state()
	v := itoa64(int64(got.Version))
	fx.mc.postMultipart(path+"/approve", url.Values{"version": {v}, "comment": {"x"}}).want(http.StatusConflict)
	fx.mc.post(path+"/reject", url.Values{"version": {v}, "comment": {"x"}}).want(http.StatusConflict)
	fx.mc.post(path+"/receive", url.Values{"version": {v}}).want(http.StatusConflict)
	fx.bc.post("/buyer/after-sales/"+rf.RefundNo+"/withdraw", nil).want(http.StatusConflict)
	fx.bc.post("/buyer/after-sales/"+rf.RefundNo+"/dispute", url.Values{"reason": {"x"}}).want(http.StatusConflict)
	fx.unchanged(t, before, "illegal moves")
}

func TestRejectDisputeAndResolve(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 80000})
	rf := fx.request(o.OrderNo, "800", "顾问未到场")
	path := "/seller/after-sales/" + rf.RefundNo
	before := fx.state()
	if r := fx.mc.post(path+"/reject", url.Values{"version": {itoa64(int64(rf.Version))}}); r.Status != http.StatusUnprocessableEntity || r.fieldError("comment") == "" {
		t.Fatalf("reject without a comment: %d", r.Status)
	}
	for _, bad := range []string{"bad\xff", strings.Repeat("长", 1001)} {
		if r := fx.mc.post(path+"/reject", url.Values{"version": {"1"}, "comment": {bad}}); r.Status != http.StatusUnprocessableEntity || r.fieldError("comment") == "" {
			t.Errorf("comment %.10q: %d", bad, r.Status)
		}
	}
	fx.mc.post(path+"/reject", url.Values{"version": {"x"}, "comment": {"c"}}).want(http.StatusBadRequest)
	fx.unchanged(t, before, "refused rejections")
	fx.mc.post(path+"/reject", url.Values{"version": {itoa64(int64(rf.Version))}, "comment": {"顾问已到场，有签到记录"}}).want(http.StatusSeeOther)
	if !fx.ta.hasNotice(fx.buyer.ID, "refund.rejected") {
		t.Fatal("buyer not told")
	}
	bpath := "/buyer/after-sales/" + rf.RefundNo
	if fx.bc.get(bpath).want(http.StatusOK).Doc().Find(`[data-testid="dispute-form"]`).Length() != 1 {
		t.Fatal("no dispute form on a rejected case")
	}
	before = fx.state()
	for _, bad := range []string{"", strings.Repeat("x", 501), "\xff"} {
		if r := fx.bc.post(bpath+"/dispute", url.Values{"reason": {bad}}); r.Status != http.StatusUnprocessableEntity || r.fieldError("reason") == "" {
			t.Errorf("dispute reason %.10q: %d", bad, r.Status)
		}
	}
	fx.bc.post(bpath+"/withdraw", nil).want(http.StatusConflict)
	fx.unchanged(t, before, "refused disputes")
	fx.bc.post(bpath+"/dispute", url.Values{"reason": {"签到记录是伪造的"}}).want(http.StatusSeeOther)
	fx.bc.post(bpath+"/dispute", url.Values{"reason": {"again"}}).want(http.StatusConflict)

	// The reviewer console: the dashboard counts it; queue and case.
	if n := fx.rc.get("/admin").want(http.StatusOK).Doc().Find(`[data-testid="tile-disputes"] [data-testid="tile-count"]`).Text(); n != "1" {
		t.Fatalf("dashboard counts %q open disputes", n)
	}
	q := fx.rc.get("/admin/disputes").want(http.StatusOK).Doc()
	row := q.Find(`[data-testid="dispute-row"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "示例科技") || !strings.Contains(row.Text(), "¥800.00") || !strings.Contains(row.Find(`[data-testid="age"]`).Text(), "0 days") {
		t.Fatalf("queue row %q", row.Text())
	}
	fx.rc.get("/admin/disputes?state=bogus").want(http.StatusBadRequest)
	if fx.rc.get("/admin/disputes?state=closed").Doc().Find(`[data-testid="dispute-row"]`).Length() != 0 {
		t.Fatal("an open dispute among the closed ones")
	}
	apath := "/admin/disputes/" + rf.RefundNo
	doc := fx.rc.get(apath).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="dispute-reason"]`).Text() != "签到记录是伪造的" || doc.Find(`[data-testid="merchant-comment"]`).Text() != "顾问已到场，有签到记录" ||
		doc.Find(`[data-testid="buyer-reason"]`).Text() != "顾问未到场" {
		t.Fatal("the console does not show the whole case")
	}
	// The merchant's card shows the merchant; the buyer has a card of their own.
	if m, b := doc.Find(`[data-testid="merchant-card"]`).Text(), doc.Find(`[data-testid="buyer-card"]`).Text(); !strings.Contains(m, "示例科技") ||
		strings.Contains(m, "buyer@example.com") || !strings.Contains(b, "buyer@example.com") {
		t.Fatalf("merchant card %q, buyer card %q", m, b)
	}
	fx.rc.get("/admin/disputes/RF0000000000NOPE0").want(http.StatusNotFound)
	// Bad decisions change nothing; a reviewer who acts for the merchant may not decide.
	before = fx.state()
	for _, f := range []url.Values{{"decision": {"refund"}}, {"decision": {"maybe"}, "comment": {"c"}}, {"comment": {"c"}}, {"decision": {"refund"}, "comment": {"\xfe"}}} {
		fx.rc.post(apath+"/resolve", f).want(http.StatusUnprocessableEntity)
	}
	own := fx.ta.user(models.RoleReviewer, "own@example.com")
	must(t, fx.ta.env.DB.W.Model(&models.User{}).Where("id = ?", own.ID).Update("merchant_id", fx.m.MerchantID).Error)
	oc := fx.ta.loggedIn("own@example.com")
	if oc.get(apath).want(http.StatusOK).Doc().Find(`[data-testid="own-submission"]`).Length() != 1 {
		t.Fatal("no own-case notice")
	}
	oc.post(apath+"/resolve", url.Values{"decision": {"refund"}, "comment": {"c"}}).want(http.StatusForbidden)
	fx.unchanged(t, before, "refused resolutions")
	fx.rc.post(apath+"/resolve", url.Values{"decision": {"refund"}, "comment": {"商家未能提供有效证明"}}).want(http.StatusSeeOther)
	fx.rc.post(apath+"/resolve", url.Values{"decision": {"uphold"}, "comment": {"again"}}).want(http.StatusConflict)
	fx.runJobs()
	got := fx.caseOf(o.OrderNo)
	if got.Status != models.RefundRefunded || got.ResolvedByID == nil || *got.ResolvedByID != fx.reviewer.ID {
		t.Fatalf("after the decision: %+v", got)
	}
	if n := fx.rc.get("/admin").want(http.StatusOK).Doc().Find(`[data-testid="tile-disputes"] [data-testid="tile-count"]`).Text(); n != "0" {
		t.Fatalf("dashboard counts %q open disputes after the decision", n)
	}
	if !fx.ta.hasNotice(fx.m.User.ID, "refund.resolved_refund") || !fx.ta.hasNotice(fx.buyer.ID, "refund.refunded") {
		t.Fatal("parties not told")
	}
	if fx.rc.get("/admin/disputes?state=closed").Doc().Find(`[data-testid="dispute-row"]`).Length() != 1 {
		t.Fatal("the decided dispute is not among the closed ones")
	}
}

func TestBuyerWithdrawsARequest(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 1000})
	rf := fx.request(o.OrderNo, "10", "不需要了")
	fx.bc.get("/buyer/after-sales").want(http.StatusOK)
	fx.bc.post("/buyer/after-sales/"+rf.RefundNo+"/withdraw", nil).want(http.StatusSeeOther)
	if got := fx.caseOf(o.OrderNo); got.Status != models.RefundWithdrawn {
		t.Fatalf("status %s", got.Status)
	}
	if !fx.ta.hasNotice(fx.m.User.ID, "refund.withdrawn") {
		t.Fatal("merchant not told")
	}
	before := fx.state()
	fx.bc.post("/buyer/after-sales/"+rf.RefundNo+"/withdraw", nil).want(http.StatusConflict)
	fx.mc.post("/seller/after-sales/"+rf.RefundNo+"/reject", url.Values{"version": {"2"}, "comment": {"x"}}).want(http.StatusConflict)
	fx.unchanged(t, before, "moves on a withdrawn case")
}

func TestHardwareReturnThroughThePages(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductHardware, Status: models.OrderCompleted, PaidFen: 159900, PeriodType: "one_time", NoSub: true})
	if fx.bc.get("/buyer/orders/"+o.OrderNo+"/refund").want(http.StatusOK).Doc().Find(`[data-flow="return"]`).Length() != 1 {
		t.Fatal("not the return form")
	}
	rf := fx.request(o.OrderNo, "", "外壳破损")
	if rf.Kind != models.RefundReturn || rf.AmountFen != 159900 {
		t.Fatalf("%+v", rf)
	}
	mpath, bpath := "/seller/after-sales/"+rf.RefundNo, "/buyer/after-sales/"+rf.RefundNo
	fx.mc.postMultipart(mpath+"/approve", url.Values{"version": {"1"}, "comment": {"请寄回"}}).want(http.StatusSeeOther)
	doc := fx.bc.get(bpath).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="ship-form"]`).Length() != 1 || doc.Find(`[data-testid="deadline"]`).Length() != 1 {
		t.Fatal("no shipping form or deadline")
	}
	before := fx.state()
	for _, bad := range []string{"", "ab", "SF 123 456", strings.Repeat("9", 61)} {
		if r := fx.bc.post(bpath+"/ship", url.Values{"tracking_no": {bad}}); r.Status != http.StatusUnprocessableEntity || r.fieldError("tracking_no") == "" {
			t.Errorf("tracking %q: %d", bad, r.Status)
		}
	}
	fx.mc.post(mpath+"/receive", url.Values{"version": {"2"}}).want(http.StatusConflict)
	fx.unchanged(t, before, "refused shipping")
	fx.bc.post(bpath+"/ship", url.Values{"tracking_no": {"SF1234567890"}}).want(http.StatusSeeOther)
	if fx.mc.get(mpath).Doc().Find(`[data-testid="receive-form"]`).Length() != 1 {
		t.Fatal("no receipt form for the merchant")
	}
	if n := strings.TrimSpace(fx.mc.get("/seller/after-sales").Doc().Find(`[data-testid="tab-waiting"] [data-testid="tab-count"]`).Text()); n != "1" {
		t.Fatalf("a shipped return does not wait for the merchant: %q", n)
	}
	got := fx.caseOf(o.OrderNo)
	fx.mc.post(mpath+"/receive", url.Values{"version": {itoa64(int64(got.Version))}}).want(http.StatusSeeOther)
	fx.runJobs()
	if got = fx.caseOf(o.OrderNo); got.Status != models.RefundRefunded {
		t.Fatalf("return not refunded: %s", got.Status)
	}

	// Another return never shipped: closed by the deadline job after 10 days.
	o2 := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductHardware, Status: models.OrderCompleted, PaidFen: 1000, PeriodType: "one_time", NoSub: true})
	rf2 := fx.request(o2.OrderNo, "", "不想要了")
	fx.mc.postMultipart("/seller/after-sales/"+rf2.RefundNo+"/approve", url.Values{"version": {"1"}, "comment": {"ok"}}).want(http.StatusSeeOther)
	fx.ta.env.Clock.Advance(models.ReturnShipDays*24*time.Hour + time.Minute)
	before = fx.state()
	fx.bc.post("/buyer/after-sales/"+rf2.RefundNo+"/ship", url.Values{"tracking_no": {"SF999999"}}).want(http.StatusConflict)
	fx.unchanged(t, before, "shipping after the deadline")
	fx.runJobs()
	if got = fx.caseOf(o2.OrderNo); got.Status != models.RefundRejected {
		t.Fatalf("overdue return not closed: %s", got.Status)
	}
	if !strings.Contains(fx.bc.get("/buyer/after-sales/"+rf2.RefundNo).Body, "not shipped within 10 days") {
		t.Fatal("the buyer is not told why it closed")
	}
}
