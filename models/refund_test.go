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

func TestRefundFlowPerOrderKind(t *testing.T) {
	cases := []struct {
		typ        string
		supervised bool
		want       string
	}{
		{models.ProductSaaS, false, models.RefundUnsubscribe},
		{models.ProductImage, false, models.RefundUnsubscribe},
		{models.ProductSaaS, true, models.RefundNegotiated},
		{models.ProductImage, true, models.RefundNegotiated},
		{models.ProductLicense, false, models.RefundNegotiated},
		{models.ProductService, false, models.RefundNegotiated},
		{models.ProductService, true, models.RefundNegotiated},
		{models.ProductHardware, false, models.RefundReturn},
		{models.ProductHardware, true, models.RefundReturn},
	}
	for _, c := range cases {
		if got := models.RefundFlow(models.Order{ProductType: c.typ, Supervised: c.supervised}); got != c.want {
			t.Errorf("%s supervised=%v: flow %s, want %s", c.typ, c.supervised, got, c.want)
		}
	}
}

func TestRefundMovesAreChecked(t *testing.T) {
	all := append([]string{}, models.RefundStatuses...)
	allowed := map[[2]string]bool{
		{models.RefundRequested, models.RefundApproved}: true, {models.RefundRequested, models.RefundRejected}: true,
		{models.RefundRequested, models.RefundWithdrawn}: true, {models.RefundApproved, models.RefundRefunded}: true,
		{models.RefundApproved, models.RefundRejected}: true, {models.RefundRejected, models.RefundApproved}: true,
	}
	for _, from := range all {
		for _, to := range all {
			if got := models.RefundCanMove(from, to); got != allowed[[2]string{from, to}] {
				t.Errorf("%s → %s: %v", from, to, got)
			}
		}
	}
}

func TestQuoteRefund(t *testing.T) {
	paid := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) // a 30-day month follows
	monthEnd := paid.AddDate(0, 1, 0)
	day := 24 * time.Hour
	rules := models.RefundRules{NoReasonDays: 5, ProRata: true}
	saas := func(mod ...func(*models.Order)) models.Order {
		o := models.Order{Kind: models.OrderNew, Status: models.OrderCompleted, ProductType: models.ProductSaaS, AmountFen: 30000, PaidFen: 30000, PaidAt: &paid}
		for _, m := range mod {
			m(&o)
		}
		return o
	}
	month := &models.OrderLine{PeriodType: "month", StartsAt: &paid, EndsAt: &monthEnd}
	active := &models.Subscription{Status: models.SubActive, StartsAt: paid, ExpiresAt: &monthEnd, PeriodType: "month"}
	later := paid.AddDate(0, 1, 0)
	laterEnd := later.AddDate(0, 1, 0)
	cases := []struct {
		name    string
		o       models.Order
		line    *models.OrderLine
		sub     *models.Subscription
		open    *models.Refund
		rules   models.RefundRules
		now     time.Time
		basis   string
		amount  int64
		blocked error
	}{
		{name: "inside the window: everything", o: saas(), line: month, sub: active, now: paid.Add(3 * day), basis: models.BasisFull, amount: 30000},
		{name: "last second of the window", o: saas(), line: month, sub: active, now: paid.Add(5*day - time.Second), basis: models.BasisFull, amount: 30000},
		{name: "window over: pro rata of 25 unused days", o: saas(), line: month, sub: active, now: paid.Add(5 * day), basis: models.BasisProRata, amount: 25000},
		{name: "pro rata rounds down to the fen", o: saas(func(o *models.Order) { o.PaidFen, o.AmountFen = 10000, 10000 }), line: month, sub: active,
			now: paid.Add(10*day + time.Second), basis: models.BasisProRata, amount: 6666},
		{name: "pro rata switched off", o: saas(), line: month, sub: active, rules: models.RefundRules{NoReasonDays: 5}, now: paid.Add(6 * day), basis: models.BasisNone},
		{name: "no window at all", o: saas(), line: month, sub: active, rules: models.RefundRules{ProRata: true}, now: paid.Add(15 * day), basis: models.BasisProRata, amount: 15000},
		{name: "image orders unsubscribe too", o: saas(func(o *models.Order) { o.ProductType = models.ProductImage }), line: month, sub: active, now: paid.Add(day), basis: models.BasisFull, amount: 30000},
		{name: "one-time after the window: nothing", o: saas(), line: &models.OrderLine{PeriodType: "one_time", StartsAt: &paid},
			sub: &models.Subscription{Status: models.SubActive, StartsAt: paid, PeriodType: "one_time"}, now: paid.Add(6 * day), basis: models.BasisNone},
		{name: "package after the window: nothing", o: saas(), line: &models.OrderLine{PeriodType: "package"},
			sub: &models.Subscription{Status: models.SubActive, StartsAt: paid, PeriodType: "package"}, now: paid.Add(6 * day), basis: models.BasisNone},
		{name: "one-time inside the window: everything", o: saas(), line: &models.OrderLine{PeriodType: "one_time"},
			sub: &models.Subscription{Status: models.SubActive, StartsAt: paid}, now: paid.Add(day), basis: models.BasisFull, amount: 30000},
		{name: "a renewal not yet begun: its whole period", o: saas(), line: &models.OrderLine{PeriodType: "month", StartsAt: &later, EndsAt: &laterEnd},
			sub: &models.Subscription{Status: models.SubActive, StartsAt: paid, ExpiresAt: &laterEnd}, now: paid.Add(10 * day), basis: models.BasisProRata, amount: 30000},
		{name: "no line: the subscription's period", o: saas(), sub: active, now: paid.Add(20 * day), basis: models.BasisProRata, amount: 10000},
		{name: "free trial: unsubscribe without refund", o: saas(func(o *models.Order) { o.Kind, o.AmountFen, o.PaidFen, o.PaidAt = models.OrderTrial, 0, 0, nil }),
			line: month, sub: active, now: paid.Add(2 * day), basis: models.BasisTrial},
		{name: "partly refunded: at most what is left", o: saas(func(o *models.Order) { o.RefundedFen = 29000 }), line: month, sub: active, now: paid.Add(day), basis: models.BasisFull, amount: 1000},
		{name: "subscription expired", o: saas(), line: month, sub: active, now: monthEnd, blocked: models.ErrSubscriptionExpired},
		{name: "already unsubscribed", o: saas(), line: month, sub: &models.Subscription{Status: models.SubUnsubscribed, StartsAt: paid, ExpiresAt: &monthEnd},
			now: paid.Add(day), blocked: models.ErrAlreadyUnsubscribed},
		{name: "already refunded", o: saas(func(o *models.Order) { o.RefundedFen = 30000 }), line: month, sub: active, now: paid.Add(day), blocked: models.ErrRefundAlreadyCompleted},
		{name: "no subscription", o: saas(), line: month, now: paid.Add(day), blocked: models.ErrNoSubscription},
		{name: "unpaid", o: saas(func(o *models.Order) { o.Status, o.PaidAt = models.OrderPendingPayment, nil }), sub: active, now: paid, blocked: models.ErrRefundNotPaid},
		{name: "cancelled", o: saas(func(o *models.Order) { o.Status = models.OrderCancelled }), sub: active, now: paid, blocked: models.ErrRefundNotPaid},
		{name: "an unsubscription is not refundable", o: saas(func(o *models.Order) { o.Kind, o.AmountFen = models.OrderUnsubscribe, -100 }), now: paid, blocked: models.ErrRefundNotPaid},
		{name: "open case", o: saas(), line: month, sub: active, open: &models.Refund{Status: models.RefundRequested}, now: paid.Add(day), blocked: models.ErrRefundOpenCase},
		{name: "supervised during supervision: negotiated up to paid", o: saas(func(o *models.Order) { o.Supervised, o.Status = true, models.OrderProcessing }),
			line: month, sub: active, now: paid.Add(40 * day), basis: models.BasisAsked, amount: 30000},
		{name: "supervised after supervision: no refund", o: saas(func(o *models.Order) { o.Supervised = true }), line: month, sub: active, now: paid.Add(day), blocked: models.ErrRefundCompleted},
		{name: "license delivered: no refund", o: saas(func(o *models.Order) { o.ProductType = models.ProductLicense }), now: paid.Add(day), blocked: models.ErrRefundCompleted},
		{name: "service in progress: negotiated", o: saas(func(o *models.Order) {
			o.ProductType, o.Status, o.RefundedFen = models.ProductService, models.OrderProcessing, 5000
		}),
			now: paid.Add(day), basis: models.BasisAsked, amount: 25000},
		{name: "negotiated, all refunded", o: saas(func(o *models.Order) {
			o.ProductType, o.Status, o.RefundedFen = models.ProductService, models.OrderProcessing, 30000
		}),
			now: paid.Add(day), blocked: models.ErrRefundAlreadyCompleted},
		{name: "negotiated free order: nothing to ask", o: saas(func(o *models.Order) {
			o.ProductType, o.Status, o.PaidFen, o.AmountFen = models.ProductService, models.OrderProcessing, 0, 0
		}),
			now: paid.Add(day), blocked: models.ErrRefundNothingLeft},
		{name: "hardware delivered: return", o: saas(func(o *models.Order) { o.ProductType = models.ProductHardware }), now: paid.Add(20 * day), basis: models.BasisAsked, amount: 30000},
	}
	for _, c := range cases {
		r := c.rules
		if r == (models.RefundRules{}) && !strings.Contains(c.name, "switched off") && !strings.Contains(c.name, "no window") {
			r = rules
		}
		q := models.QuoteRefund(c.o, c.line, c.sub, c.open, r, c.now)
		if c.blocked != nil {
			if !errors.Is(q.Blocked, c.blocked) {
				t.Errorf("%s: blocked by %v, want %v", c.name, q.Blocked, c.blocked)
			}
			if !errors.Is(q.Blocked, models.ErrIllegalTransition) {
				t.Errorf("%s: a rule error must answer as an illegal transition (409)", c.name)
			}
			continue
		}
		if q.Blocked != nil || q.Basis != c.basis || q.AmountFen != c.amount {
			t.Errorf("%s: basis %s amount %d blocked %v; want %s %d", c.name, q.Basis, q.AmountFen, q.Blocked, c.basis, c.amount)
		}
	}
}

func TestProRataFen(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	cases := []struct {
		name string
		paid int64
		now  time.Time
		want int64
	}{
		{"before the start: all", 99900, start.Add(-time.Hour), 99900},
		{"at the start: all", 99900, start, 99900},
		{"half way", 100, start.Add(end.Sub(start) / 2), 50},
		{"one second used rounds down", 99900, start.Add(time.Second), 99899},
		{"at the end: nothing", 99900, end, 0},
		{"after the end: nothing", 99900, end.Add(time.Hour), 0},
		{"zero paid", 0, start, 0},
		{"the largest amount does not overflow", 1_000_000_000_000, start.Add(end.Sub(start) / 4), 750_000_000_000},
	}
	for _, c := range cases {
		if got := models.ProRataFen(c.paid, start, end, c.now); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if got := models.ProRataFen(100, end, start, start); got != 0 {
		t.Errorf("inverted period: %d", got)
	}
}

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
	w := newRefundWorld(t)
	o, sub := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 50000})
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
	if n := w.count(t, &models.Order{}, "kind = ? AND amount_fen = ?", models.OrderUnsubscribe, -20000); n != 1 {
		t.Fatalf("%d unsubscribe orders after two payouts", n)
	}
	if !w.hasNotice(t, w.buyer.ID, "refund.approved") || !w.hasNotice(t, w.buyer.ID, "refund.refunded") {
		t.Fatal("buyer not told")
	}
	var events []models.RefundEvent
	w.env.DB.R.Where("refund_id = ?", r.ID).Order("id").Find(&events)
	if len(events) != 3 || events[2].ToStatus != models.RefundRefunded || events[2].ActorID != nil {
		t.Fatalf("history %+v", events)
	}
	// What is left may be asked for in a new case.
	left := models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 30001, Reason: "剩余部分", Key: "req-3"}
	var fe *models.FieldError
	if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, left); !errors.As(err, &fe) || fe.Field != "amount" {
		t.Fatalf("above what is left: %v", err)
	}
	left.AmountFen = 30000
	if _, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, left); err != nil {
		t.Fatal(err)
	}
}

func (w *refundWorld) hasNotice(t *testing.T, userID uint, kind string) bool {
	return w.count(t, &models.Notification{}, "user_id = ? AND kind = ?", userID, kind) > 0
}

func TestNegotiatedRefundRules(t *testing.T) {
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
	w.env.DB.W.Model(&models.User{}).Where("id = ?", own.ID).Update("merchant_id", mid)
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

func TestHardwareReturnDeadlines(t *testing.T) {
	w := newRefundWorld(t)
	st := w.env.Store
	mid := *w.merchant.MerchantID
	day := 24 * time.Hour
	open := func(key string) models.Refund {
		t.Helper()
		o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductHardware, Status: models.OrderCompleted, PaidFen: 8800, NoSub: true, PeriodType: "one_time"})
		r, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 1, Reason: "屏幕有坏点", Key: key})
		if err != nil || r.AmountFen != 8800 || r.Kind != models.RefundReturn {
			t.Fatalf("return request: %v %+v", err, r)
		}
		r, err = st.ApproveRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "请寄回"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// 1. The buyer never ships: closed after 10 days, not before.
	r1 := open("r1")
	if _, err := st.ConfirmReturnReceipt(w.ctx, w.merchantAct(), mid, r1.RefundNo, r1.Version); !errors.Is(err, models.ErrReturnNotShipped) {
		t.Fatalf("receipt before shipping: %v", err)
	}
	w.env.Clock.Advance(models.ReturnShipDays*day - time.Second)
	must(t, st.CloseOverdueReturn(w.ctx, r1.ID))
	w.reload(t, &r1, r1.ID)
	if r1.Status != models.RefundApproved {
		t.Fatal("closed before the deadline")
	}
	w.env.Clock.Advance(2 * time.Second)
	if _, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r1.RefundNo, "SF1234567890"); !errors.Is(err, models.ErrReturnDeadlinePassed) {
		t.Fatalf("shipped late: %v", err)
	}
	must(t, st.CloseOverdueReturn(w.ctx, r1.ID))
	w.reload(t, &r1, r1.ID)
	if r1.Status != models.RefundRejected || !w.hasEvent(t, r1.ID, "aftersales.event.closed_no_logistics") {
		t.Fatalf("not closed: %s", r1.Status)
	}
	must(t, st.CloseOverdueReturn(w.ctx, r1.ID)) // again: nothing

	// 2. Shipped in time, never confirmed: closed after 15 days, and the buyer may dispute.
	r2 := open("r2")
	if _, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "bad number!"); err == nil {
		t.Fatal("malformed tracking number accepted")
	}
	r2, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "SF1234567890")
	if err != nil || r2.ShippedAt == nil {
		t.Fatal(err)
	}
	if _, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "SF1234567890"); !errors.Is(err, models.ErrReturnAlreadyShipped) {
		t.Fatalf("shipped twice: %v", err)
	}
	if !w.hasNotice(t, w.merchant.ID, "refund.shipped") {
		t.Fatal("merchant not told of the shipment")
	}
	w.env.Clock.Advance(15*day + time.Second)
	if _, err := st.ConfirmReturnReceipt(w.ctx, w.merchantAct(), mid, r2.RefundNo, r2.Version); !errors.Is(err, models.ErrReturnDeadlinePassed) {
		t.Fatalf("receipt after the deadline: %v", err)
	}
	must(t, st.CloseOverdueReturn(w.ctx, r2.ID))
	w.reload(t, &r2, r2.ID)
	if r2.Status != models.RefundRejected || !w.hasEvent(t, r2.ID, "aftersales.event.closed_no_receipt") {
		t.Fatalf("not closed: %s", r2.Status)
	}
	if _, err := st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "已寄回，商家未确认"); err != nil {
		t.Fatal(err)
	}

	// 3. Shipped, received, refunded.
	r3 := open("r3")
	r3, err = st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r3.RefundNo, "YT-99887766")
	if err != nil {
		t.Fatal(err)
	}
	w.env.Clock.Advance(3 * day)
	r3, err = st.ConfirmReturnReceipt(w.ctx, w.merchantAct(), mid, r3.RefundNo, r3.Version)
	if err != nil || r3.ReceivedAt == nil {
		t.Fatal(err)
	}
	must(t, st.PayRefund(w.ctx, r3.ID))
	w.reload(t, &r3, r3.ID)
	if r3.Status != models.RefundRefunded {
		t.Fatalf("return not refunded: %s", r3.Status)
	}
	// The deadline timers were queued with the cases.
	if n := w.count(t, &models.Job{}, "kind = ?", models.JobRefundDeadline); n != 5 {
		t.Fatalf("%d deadline jobs, want 5 (three approvals, two shipments)", n)
	}
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

func TestMerchantQueueCountsAndFilters(t *testing.T) {
	w := newRefundWorld(t)
	st := w.env.Store
	mid := *w.merchant.MerchantID
	var nos []string
	for i := 0; i < 3; i++ {
		o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 1000})
		r, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 100, Reason: "r", Key: "k" + o.OrderNo})
		must(t, err)
		nos = append(nos, r.RefundNo)
	}
	r, _ := st.MerchantRefundCase(w.ctx, mid, nos[0])
	_, err := st.RejectRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: nos[0], Version: r.Refund.Version, Comment: "no"})
	must(t, err)
	counts, err := st.MerchantRefundCounts(w.ctx, mid)
	must(t, err)
	if counts.Waiting != 2 || counts.All != 3 || counts.ByStatus[models.RefundRejected] != 1 {
		t.Fatalf("counts %+v", counts)
	}
	if n, _ := st.AfterSalesWaiting(w.ctx, mid); n != 2 {
		t.Fatalf("waiting %d", n)
	}
	rows, total, err := st.MerchantRefunds(w.ctx, mid, models.RefundFilter{Status: models.RefundWaiting})
	must(t, err)
	if total != 2 || len(rows) != 2 || rows[0].OrderNo == "" {
		t.Fatalf("waiting rows %d %+v", total, rows)
	}
	rows, total, _ = st.MerchantRefunds(w.ctx, mid, models.RefundFilter{Q: strings.ToLower(nos[1])})
	if total != 1 || rows[0].RefundNo != nos[1] {
		t.Fatalf("search %d", total)
	}
	_, total, _ = st.MerchantRefunds(w.ctx, mid, models.RefundFilter{Per: 2, Page: 2})
	if total != 3 {
		t.Fatalf("total %d", total)
	}
	if _, total, _ := st.MerchantRefunds(w.ctx, mid+1000, models.RefundFilter{}); total != 0 {
		t.Fatal("another merchant sees the cases")
	}
	if _, err := st.MerchantRefundCase(w.ctx, mid+1000, nos[0]); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("another merchant reads a case")
	}
	if _, err := st.BuyerRefundCase(w.ctx, w.buyer.ID+1000, nos[0]); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("another buyer reads a case")
	}
	_, err = st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, nos[0], "x")
	must(t, err)
	ds, total, err := st.Disputes(w.ctx, models.DisputeFilter{})
	must(t, err)
	if total != 1 || ds[0].RefundNo != nos[0] || ds[0].CompanyName != "" && ds[0].MerchantID != mid {
		t.Fatalf("disputes %d %+v", total, ds)
	}
	if _, total, _ := st.Disputes(w.ctx, models.DisputeFilter{State: models.DisputesClosed}); total != 0 {
		t.Fatal("closed disputes")
	}
}
