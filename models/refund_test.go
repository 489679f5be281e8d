package models_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// refundWorld is a merchant, a buyer and a reviewer for after-sales tests.
type refundWorld struct {
	env      *testdb.Env
	merchant models.User
	buyer    models.User
	reviewer models.User
	ctx      context.Context
}

func newRefundWorld(t *testing.T) *refundWorld {
	t.Helper()
	env := testdb.Open(t)
	ctx := context.Background()
	w := &refundWorld{env: env, ctx: ctx, merchant: activeMerchant(t, env, "m@example.com")}
	var err error
	w.buyer, err = env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "b@example.com", Password: "long-enough-pw", Role: models.RoleBuyer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	w.reviewer, err = env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "r@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *refundWorld) order(t *testing.T, s testdb.PaidOrderSpec) (models.Order, *models.Subscription) {
	t.Helper()
	s.MerchantID, s.BuyerID = *w.merchant.MerchantID, w.buyer.ID
	return testdb.PaidOrder(t, w.env, s)
}

func (w *refundWorld) buyerAct() models.Actor {
	return models.Actor{UserID: w.buyer.ID, Email: w.buyer.Email}
}
func (w *refundWorld) merchantAct() models.Actor {
	return models.Actor{UserID: w.merchant.ID, Email: w.merchant.Email}
}

// count counts rows of model matching where.
func (w *refundWorld) count(t *testing.T, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := w.env.DB.R.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *refundWorld) reload(t *testing.T, dest any, id uint) {
	t.Helper()
	if err := w.env.DB.R.First(dest, id).Error; err != nil {
		t.Fatal(err)
	}
}

func TestUnsubscribeInsideWindowRefundsEverythingInOneTransaction(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	o, sub := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductSaaS, PaidFen: 9900})
	w.env.Clock.Advance(2 * 24 * time.Hour)
	r, err := w.env.Store.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, o.OrderNo, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != models.RefundRefunded || r.Kind != models.RefundUnsubscribe || r.AmountFen != 9900 || r.RefundedAt == nil || r.UnsubscribeOrderID == nil {
		t.Fatalf("refund %+v", r)
	}
	var u models.Order
	w.reload(t, &u, *r.UnsubscribeOrderID)
	if u.Kind != models.OrderUnsubscribe || u.AmountFen != -9900 || u.Status != models.OrderCompleted || u.BuyerID != w.buyer.ID || !strings.HasPrefix(u.OrderNo, "CS") {
		t.Fatalf("unsubscribe order %+v", u)
	}
	var lines []models.OrderLine
	w.env.DB.R.Where("order_id = ?", u.ID).Find(&lines)
	if len(lines) != 1 || lines[0].AmountFen != -9900 || lines[0].LineNo != u.OrderNo+"-000001" {
		t.Fatalf("unsubscribe lines %+v", lines)
	}
	var orig models.Order
	w.reload(t, &orig, o.ID)
	var s models.Subscription
	w.reload(t, &s, sub.ID)
	if orig.RefundedFen != 9900 || s.Status != models.SubUnsubscribed {
		t.Fatalf("order refunded %d, subscription %s", orig.RefundedFen, s.Status)
	}
	if w.count(t, &models.AuditLog{}, "action = ? AND object_id = ?", "refund.unsubscribe", r.ID) != 1 {
		t.Fatal("no audit row")
	}
	if w.count(t, &models.Notification{}, "kind = ? AND user_id IN ?", "refund.unsubscribed", []uint{w.buyer.ID, w.merchant.ID}) != 2 {
		t.Fatal("buyer and merchant not both notified")
	}
	// The same form again: the same case, nothing more.
	again, err := w.env.Store.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, o.OrderNo, "key-1")
	if err != nil || again.ID != r.ID {
		t.Fatalf("double submit: %v %d", err, again.ID)
	}
	// A new form: already unsubscribed.
	if _, err := w.env.Store.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, o.OrderNo, "key-2"); !errors.Is(err, models.ErrAlreadyUnsubscribed) {
		t.Fatalf("second unsubscription: %v", err)
	}
	if n := w.count(t, &models.Order{}, "kind = ?", models.OrderUnsubscribe); n != 1 {
		t.Fatalf("%d unsubscribe orders", n)
	}
}

func TestUnsubscribeAfterWindowIsProRataOrNothing(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductSaaS, PaidFen: 36500, PeriodType: "year"})
	// 2026-11-24 + 1 year = 365 days; 73 days used leaves 292/365 of ¥365.00.
	w.env.Clock.Advance(73 * 24 * time.Hour)
	off, err := w.env.Store.RefundOfferFor(w.ctx, w.buyer.ID, o.OrderNo)
	if err != nil || off.Quote.Basis != models.BasisProRata || off.Quote.AmountFen != 29200 {
		t.Fatalf("offer %+v %v", off.Quote, err)
	}
	r, err := w.env.Store.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, o.OrderNo, "k")
	if err != nil || r.AmountFen != 29200 {
		t.Fatalf("%v %d", err, r.AmountFen)
	}

	// With pro rata off, an unsubscription after the window refunds nothing but still ends it.
	if _, err := w.env.Store.UpdateSettings(w.ctx, models.Actor{}, map[string]string{models.SettingProRata: "0"}); err != nil {
		t.Fatal(err)
	}
	o2, sub2 := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductImage, PaidFen: 5000})
	w.env.Clock.Advance(6 * 24 * time.Hour)
	r2, err := w.env.Store.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, o2.OrderNo, "k2")
	if err != nil || r2.AmountFen != 0 {
		t.Fatalf("%v %d", err, r2.AmountFen)
	}
	var s models.Subscription
	w.reload(t, &s, sub2.ID)
	if s.Status != models.SubUnsubscribed {
		t.Fatal("subscription still active")
	}
	// A free trial ends without a refund.
	trial, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductSaaS, PaidFen: 0})
	r3, err := w.env.Store.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, trial.OrderNo, "k3")
	if err != nil || r3.AmountFen != 0 || r3.Status != models.RefundRefunded {
		t.Fatalf("trial: %v %+v", err, r3)
	}
}

func TestUnsubscribeRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	expired, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductSaaS, PaidFen: 100})
	supervised, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductSaaS, PaidFen: 100, Supervised: true})
	unpaid, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductSaaS, PaidFen: 100, Status: models.OrderPendingPayment})
	w.env.Clock.Advance(40 * 24 * time.Hour)
	cases := []struct {
		orderNo string
		want    error
	}{
		{expired.OrderNo, models.ErrSubscriptionExpired},
		{supervised.OrderNo, models.ErrRefundWrongFlow},
		{unpaid.OrderNo, models.ErrRefundNotPaid},
		{"CS0000000000NOPE0", models.ErrNotFound},
	}
	for _, c := range cases {
		if _, err := w.env.Store.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, c.orderNo, "k-"+c.orderNo); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.orderNo, err, c.want)
		}
	}
	// Another buyer's order is not found.
	if _, err := w.env.Store.Unsubscribe(w.ctx, w.merchantAct(), w.merchant.ID, expired.OrderNo, "x"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("foreign order: %v", err)
	}
	if n := w.count(t, &models.Refund{}, ""); n != 0 {
		t.Fatalf("%d refunds written", n)
	}
	if n := w.count(t, &models.Order{}, "kind = ?", models.OrderUnsubscribe); n != 0 {
		t.Fatalf("%d unsubscribe orders written", n)
	}
}

func TestNegotiatedRefundLifecycle(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	o, sub := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 50000, Periods: 3})
	st := w.env.Store
	req := models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 20000, Reason: "交付进度严重滞后", Key: "req-1"}
	r, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, req)
	if err != nil || r.Status != models.RefundRequested || r.AmountFen != 20000 || r.Kind != models.RefundNegotiated {
		t.Fatalf("%v %+v", err, r)
	}
	if !w.hasNotice(t, w.merchant.ID, "refund.requested") {
		t.Fatal("merchant not told")
	}
	// Double submit: one case. A second form while it is open: refused.
	if again, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, req); err != nil || again.ID != r.ID {
		t.Fatalf("double submit: %v", err)
	}
	req2 := req
	req2.Key = "req-2"
	if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, req2); !errors.Is(err, models.ErrRefundOpenCase) {
		t.Fatalf("second open case: %v", err)
	}
	// A stale form is a conflict; the current version approves.
	d := models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version + 1, Comment: "同意部分退款"}
	if _, err := st.ApproveRefund(w.ctx, w.merchantAct(), *w.merchant.MerchantID, d); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("stale approve: %v", err)
	}
	d.Version = r.Version
	a, err := st.ApproveRefund(w.ctx, w.merchantAct(), *w.merchant.MerchantID, d)
	if err != nil || a.Status != models.RefundApproved {
		t.Fatalf("approve: %v %s", err, a.Status)
	}
	if _, err := st.ApproveRefund(w.ctx, w.merchantAct(), *w.merchant.MerchantID, d); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second approve: %v", err)
	}
	if w.count(t, &models.Job{}, "kind = ?", models.JobRefundPayout) != 1 {
		t.Fatal("no payout queued")
	}
	// Until the payout runs the case shows APPROVED and nothing moved.
	var orig models.Order
	w.reload(t, &orig, o.ID)
	if orig.RefundedFen != 0 {
		t.Fatal("refunded before the payout")
	}
	for i := 0; i < 2; i++ {
		if err := st.PayRefund(w.ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	var done models.Refund
	w.reload(t, &done, r.ID)
	w.reload(t, &orig, o.ID)
	var s models.Subscription
	w.reload(t, &s, sub.ID)
	if done.Status != models.RefundRefunded || done.RefundedAt == nil || orig.RefundedFen != 20000 || s.Status != models.SubUnsubscribed {
		t.Fatalf("after payout: %s refunded %d sub %s", done.Status, orig.RefundedFen, s.Status)
	}
	// The order was in progress (supervision unfinished): the refund closes it, once,
	// with the step in its history.
	if orig.Status != models.OrderCompleted || orig.CompletedAt == nil {
		t.Fatalf("order after the payout: %s", orig.Status)
	}
	if n := w.count(t, &models.OrderEvent{}, "order_id = ? AND to_status = ? AND note = ?", o.ID, models.OrderCompleted, "order.event.closed_by_refund"); n != 1 {
		t.Fatalf("%d closing events", n)
	}
	if n := w.count(t, &models.Order{}, "kind = ? AND amount_fen = ?", models.OrderUnsubscribe, -20000); n != 1 {
		t.Fatalf("%d unsubscribe orders after two payouts", n)
	}
	// The refund line names the purchase it pays back.
	var origLine, refundLine models.OrderLine
	w.env.DB.R.Where("order_id = ?", o.ID).First(&origLine)
	w.env.DB.R.Where("order_id = (SELECT id FROM orders WHERE kind = ? AND amount_fen = ?)", models.OrderUnsubscribe, -20000).First(&refundLine)
	if refundLine.PeriodType != origLine.PeriodType || refundLine.PeriodCount != max(origLine.PeriodCount, 1) || refundLine.AmountFen != -20000 {
		t.Fatalf("refund line %s×%d %d, purchase line %s×%d", refundLine.PeriodType, refundLine.PeriodCount, refundLine.AmountFen, origLine.PeriodType, origLine.PeriodCount)
	}
	if !w.hasNotice(t, w.buyer.ID, "refund.approved") || !w.hasNotice(t, w.buyer.ID, "refund.refunded") {
		t.Fatal("buyer not told")
	}
	var events []models.RefundEvent
	w.env.DB.R.Where("refund_id = ?", r.ID).Order("id").Find(&events)
	if len(events) != 3 || events[2].ToStatus != models.RefundRefunded || events[2].ActorID != nil {
		t.Fatalf("history %+v", events)
	}
	// The settled refund ended the service: the order takes no further case, even for
	// what was not refunded.
	left := models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 30000, Reason: "剩余部分", Key: "req-3"}
	if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, left); !errors.Is(err, models.ErrAlreadyUnsubscribed) {
		t.Fatalf("a case after the service ended: %v", err)
	}
	if n := w.count(t, &models.Refund{}, "order_id = ?", o.ID); n != 1 {
		t.Fatalf("%d cases of the order", n)
	}
}

func (w *refundWorld) hasNotice(t *testing.T, userID uint, kind string) bool {
	return w.count(t, &models.Notification{}, "user_id = ? AND kind = ?", userID, kind) > 0
}

func TestNegotiatedRefundRules(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	st := w.env.Store
	mid := *w.merchant.MerchantID
	done, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductSaaS, Supervised: true, Status: models.OrderCompleted, PaidFen: 1000})
	if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: done.OrderNo, AmountFen: 100, Reason: "r", Key: "a"}); !errors.Is(err, models.ErrRefundCompleted) {
		t.Fatalf("after supervision: %v", err)
	}
	o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductLicense, PaidFen: 1000})
	var fe *models.FieldError
	for _, bad := range []models.RefundRequest{
		{OrderNo: o.OrderNo, AmountFen: 0, Reason: "r", Key: "b1"},
		{OrderNo: o.OrderNo, AmountFen: -5, Reason: "r", Key: "b2"},
		{OrderNo: o.OrderNo, AmountFen: 1001, Reason: "r", Key: "b3"},
		{OrderNo: o.OrderNo, AmountFen: 10, Reason: "  ", Key: "b4"},
		{OrderNo: o.OrderNo, AmountFen: 10, Reason: strings.Repeat("长", 501), Key: "b5"},
		{OrderNo: o.OrderNo, AmountFen: 10, Reason: "bad\xff", Key: "b6"},
	} {
		if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, bad); !errors.As(err, &fe) {
			t.Errorf("%+v accepted: %v", bad, err)
		}
	}
	if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 10, Reason: "r", Key: "u"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Unsubscribe(w.ctx, w.buyerAct(), w.buyer.ID, o.OrderNo, "u2"); !errors.Is(err, models.ErrRefundWrongFlow) {
		t.Fatalf("unsubscribe of a license: %v", err)
	}
	r := w.latestRefund(t, o.ID)
	// Withdraw, then nothing more may happen to it.
	if _, err := st.WithdrawRefund(w.ctx, w.buyerAct(), w.buyer.ID, r.RefundNo); err != nil {
		t.Fatal(err)
	}
	if _, err := st.WithdrawRefund(w.ctx, w.buyerAct(), w.buyer.ID, r.RefundNo); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("withdrawn twice: %v", err)
	}
	r = w.latestRefund(t, o.ID)
	if _, err := st.ApproveRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "ok"}); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("approved a withdrawn case: %v", err)
	}
	if !w.hasNotice(t, w.merchant.ID, "refund.withdrawn") {
		t.Fatal("merchant not told of the withdrawal")
	}

	// A new case, rejected, disputed, upheld.
	r, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 1000, Reason: "r", Key: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RejectRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version}); !errors.As(err, &fe) || fe.Field != "comment" {
		t.Fatalf("reject without comment: %v", err)
	}
	if _, err := st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, r.RefundNo, "why"); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("disputed a requested case: %v", err)
	}
	if _, err := st.RejectRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "已交付"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ResolveDispute(w.ctx, models.Actor{UserID: w.reviewer.ID}, r.RefundNo, models.DisputeRefund, "x"); !errors.Is(err, models.ErrRefundDisputeNotOpen) {
		t.Fatalf("resolved an undisputed case: %v", err)
	}
	// A new case opened meanwhile blocks the dispute of the rejected one.
	other, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 5, Reason: "r", Key: "c2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, r.RefundNo, "x"); !errors.Is(err, models.ErrRefundOpenCase) {
		t.Fatalf("disputed while another case is open: %v", err)
	}
	if _, err := st.WithdrawRefund(w.ctx, w.buyerAct(), w.buyer.ID, other.RefundNo); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, r.RefundNo, "商家未交付"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, r.RefundNo, "again"); !errors.Is(err, models.ErrRefundAlreadyDisputed) {
		t.Fatalf("disputed twice: %v", err)
	}
	// While the dispute is open, no new case.
	if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 10, Reason: "r", Key: "d"}); !errors.Is(err, models.ErrRefundOpenCase) {
		t.Fatalf("new case during a dispute: %v", err)
	}
	// A reviewer who uses the merchant's account cannot decide.
	own, err := st.CreateUser(w.ctx, models.Actor{}, models.NewAccount{Email: "own@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	must(t, w.env.DB.W.Model(&models.User{}).Where("id = ?", own.ID).Update("merchant_id", mid).Error)
	if _, err := st.ResolveDispute(w.ctx, models.Actor{UserID: own.ID}, r.RefundNo, models.DisputeUphold, "x"); !errors.Is(err, models.ErrOwnSubmission) {
		t.Fatalf("own case: %v", err)
	}
	if _, err := st.ResolveDispute(w.ctx, models.Actor{UserID: w.merchant.ID}, r.RefundNo, models.DisputeUphold, "x"); !errors.Is(err, models.ErrOwnSubmission) {
		t.Fatalf("merchant owner resolved: %v", err)
	}
	if _, err := st.ResolveDispute(w.ctx, models.Actor{UserID: w.reviewer.ID}, r.RefundNo, "maybe", "x"); !errors.As(err, &fe) {
		t.Fatalf("unknown decision: %v", err)
	}
	up, err := st.ResolveDispute(w.ctx, models.Actor{UserID: w.reviewer.ID}, r.RefundNo, models.DisputeUphold, "交付记录完整")
	if err != nil || up.Status != models.RefundRejected || up.ResolvedByID == nil {
		t.Fatalf("uphold: %v %+v", err, up)
	}
	if _, err := st.ResolveDispute(w.ctx, models.Actor{UserID: w.reviewer.ID}, r.RefundNo, models.DisputeRefund, "x"); !errors.Is(err, models.ErrRefundDisputeNotOpen) {
		t.Fatalf("resolved twice: %v", err)
	}
	if !w.hasNotice(t, w.buyer.ID, "refund.resolved_uphold") || !w.hasNotice(t, w.merchant.ID, "refund.resolved_uphold") {
		t.Fatal("parties not told of the decision")
	}

	// Another case, disputed and refunded by the platform through the payout.
	r, err = st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 600, Reason: "r", Key: "e"})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = st.RejectRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "no"})
	if _, err := st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, r.RefundNo, "please"); err != nil {
		t.Fatal(err)
	}
	res, err := st.ResolveDispute(w.ctx, models.Actor{UserID: w.reviewer.ID}, r.RefundNo, models.DisputeRefund, "商家未能提供交付证明")
	if err != nil || res.Status != models.RefundApproved {
		t.Fatalf("refund decision: %v %s", err, res.Status)
	}
	if err := st.PayRefund(w.ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	var paid models.Refund
	w.reload(t, &paid, r.ID)
	var orig models.Order
	w.reload(t, &orig, o.ID)
	if paid.Status != models.RefundRefunded || orig.RefundedFen != 600 {
		t.Fatalf("after the platform's refund: %s %d", paid.Status, orig.RefundedFen)
	}
}

func (w *refundWorld) latestRefund(t *testing.T, orderID uint) models.Refund {
	t.Helper()
	var r models.Refund
	if err := w.env.DB.R.Where("order_id = ?", orderID).Order("id DESC").First(&r).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *refundWorld) hasEvent(t *testing.T, refundID uint, action string) bool {
	return w.count(t, &models.RefundEvent{}, "refund_id = ? AND action = ?", refundID, action) > 0
}

func TestOneOpenCasePerOrderIsAConstraint(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 1000})
	if _, err := w.env.Store.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 10, Reason: "r", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	now := w.env.Clock.Now()
	dup := models.Refund{RefundNo: models.NewRefundNo(now), OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: o.BuyerID, Kind: models.RefundNegotiated,
		Status: models.RefundApproved, PaidFen: 1000, AmountFen: 10, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := w.env.DB.W.Create(&dup).Error; err == nil {
		t.Fatal("a second open case for the order was stored")
	}
}

func TestConcurrentApprovalsOneWins(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 1000})
	r, err := w.env.Store.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 10, Reason: "r", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = w.env.Store.ApproveRefund(w.ctx, w.merchantAct(), *w.merchant.MerchantID,
				models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "ok"})
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, models.ErrConflict) && !errors.Is(err, models.ErrIllegalTransition):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 || w.count(t, &models.Job{}, "kind = ?", models.JobRefundPayout) != 1 {
		t.Fatalf("%d approvals won", ok)
	}
}
