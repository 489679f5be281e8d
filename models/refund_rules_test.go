package models_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sellercenter/models"
)

func TestRefundFlowPerOrderKind(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
		{name: "supervised, partly refunded and unsubscribed: closed", o: saas(func(o *models.Order) {
			o.Supervised, o.Status, o.RefundedFen = true, models.OrderProcessing, 10000
		}), line: month, sub: &models.Subscription{Status: models.SubUnsubscribed, StartsAt: paid, ExpiresAt: &monthEnd},
			now: paid.Add(day), blocked: models.ErrAlreadyUnsubscribed},
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
	t.Parallel()
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
