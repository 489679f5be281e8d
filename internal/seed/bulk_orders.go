package seed

import (
	"math"
	"time"

	"sellercenter/models"
)

// bulkOrder is one generated order with its line, before it is written.
type bulkOrder struct {
	kind, status                     string
	amount, paid, refunded           int64
	unit                             int64
	periodType                       string
	periodCount, quantity, trialDays int
	region                           string
	payBy, paidAt, cancelled, done   time.Time
	startsAt, endsAt                 time.Time
	version                          int
	updated                          time.Time
	refund                           *bulkRefund
}

// bulkRefund is an after-sales case of a generated order.
type bulkRefund struct {
	kind, status, reason, comment, disputeReason string
	amount                                       int64
	created, decided, refunded, disputed         time.Time
	version                                      int
}

var bulkRefundReasons = []string{"业务调整，不再需要", "功能与描述不符", "误购，重复下单", "服务交付延期", "The product does not fit our workflow", "Bought the wrong edition"}

// genOrders writes the orders in time order (so the time-ordered indexes grow at
// their ends), each with its line, when paid its payment, and for a few paid ones an
// after-sales case.
func (g *bulkGen) genOrders() error {
	m := g.opt.Orders
	if m == 0 {
		return nil
	}
	share := g.opt.LargestShare
	var cum []float64
	if share < 100 {
		cum = merchantWeights(len(g.merchants), othersCap(share))
	}
	span := 365 * day
	if g.opt.SpanDays > 0 {
		span = time.Duration(g.opt.SpanDays) * day
	}
	start := g.now.Add(-span)
	minute, used := "", map[string]bool{}
	for i := 0; i < m; i++ {
		// Growth: later months have more orders (density rises as t^0.25).
		f := (float64(i) + g.r.Float64()) / float64(m)
		created := start.Add(time.Duration(math.Pow(f, 0.8) * float64(span))).Truncate(time.Millisecond)
		// The largest merchant's orders are spread evenly: exactly share % of them.
		mi := 0
		if (i+1)*share/100 == i*share/100 {
			mi = 1 + g.pick(cum)
		} else {
			g.res.LargestOrders++
		}
		mer := &g.merchants[mi]
		p := &mer.products[g.pick(mer.cum)]
		sp := &p.specs[g.r.IntN(len(p.specs))]
		price := sp.prices[g.r.IntN(len(sp.prices))]
		b := &g.buyers[int(float64(len(g.buyers))*math.Pow(g.r.Float64(), 1.7))]
		o := g.orderFor(p, sp, price, created)

		// Order number: the creation minute in Beijing time and 5 random characters,
		// unique within the minute (orders come in time order).
		prefix := "CS" + created.In(models.NumberZone).Format("0601021504")
		if prefix != minute {
			minute = prefix
			clear(used)
		}
		var no string
		for {
			no = prefix + g.randomID()
			if !used[no] {
				used[no] = true
				break
			}
		}
		oid := g.next("orders")
		if err := g.w.add(g.orders, oid, no, mer.id, b.id, p.id, sp.id, o.kind, o.status, p.typ, p.nameZh, p.nameEn, sp.name,
			b.name, b.email, o.region, o.amount, o.paid, o.refunded, p.supervised, nullTime(o.payBy), nullTime(o.paidAt),
			nullTime(o.cancelled), nullTime(o.done), nullTime(o.billable()), o.version, created, o.updated); err != nil {
			return err
		}
		if err := g.w.add(g.lines, g.next("order_lines"), oid, models.LineNo(no, 1), sp.id, sp.sku, sp.name, price.code, sp.kind.mode,
			o.periodType, o.periodCount, sp.kind.linear, o.quantity, o.unit, o.amount, o.trialDays, nullTime(o.startsAt),
			nullTime(o.endsAt)); err != nil {
			return err
		}
		if o.paid > 0 {
			g.res.Payments++ // written from the orders once they are in
		}
		if rf := o.refund; rf != nil {
			if err := g.w.add(g.refunds, g.next("refunds"), "RF"+rf.created.In(models.NumberZone).Format("0601021504")+no[12:], oid, mer.id, b.id,
				rf.kind, rf.status, o.paid, rf.amount, rf.reason, rf.comment, !rf.disputed.IsZero(), rf.disputeReason,
				nullTime(rf.disputed), nullTime(rf.decided), nullTime(rf.refunded), rf.version, rf.created, o.updated); err != nil {
				return err
			}
			g.res.Refunds++
		}
		g.res.Orders++
		if (i+1)%bulkCommitEvery == 0 {
			if err := g.w.commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// billable is when the order settles, by the store's rule (models.BillableAt); a refund
// settles when paid (the zero time: not billable).
func (o bulkOrder) billable() time.Time {
	if o.status != models.OrderCompleted || o.done.IsZero() {
		return time.Time{}
	}
	if o.kind == models.OrderUnsubscribe {
		if o.amount < 0 {
			return o.done
		}
		return time.Time{}
	}
	start := o.startsAt
	if at := models.BillableAt(models.Order{Kind: o.kind}, o.paid, o.done, &start); at != nil {
		return *at
	}
	return time.Time{}
}

// randomID is the 5 random uppercase letters/digits of an order number.
func (g *bulkGen) randomID() string {
	var b [5]byte
	for i := range b {
		b[i] = models.NumberAlphabet[g.r.IntN(len(models.NumberAlphabet))]
	}
	return string(b[:])
}

// orderFor draws an order's type, quantities, amount and status history for a spec
// price bought at created: mostly new purchases and renewals, some trials, changes and
// unsubscriptions; a share of unpaid orders cancelled by the pay timeout, supervised and
// hardware orders still in progress when recent, a few failed deliveries refunded.
func (g *bulkGen) orderFor(p *bulkProduct, sp *bulkSpec, price bulkPrice, created time.Time) bulkOrder {
	o := bulkOrder{periodType: price.period, periodCount: 1, quantity: 1, unit: price.fen, version: 1, updated: created}
	period := sp.kind.mode == models.BillingPeriod
	switch x := g.r.IntN(100); {
	case x < 55:
		o.kind = models.OrderNew
	case x < 63 && period && sp.kind.trialDays > 0:
		o.kind = models.OrderTrial
	case x < 68 && period && sp.kind.trialDays > 0:
		o.kind = models.OrderTrialToFormal
	case x < 86 && period:
		o.kind = models.OrderRenew
	case x < 95 && period:
		o.kind = models.OrderChange
	case x >= 95 && period:
		o.kind = models.OrderUnsubscribe
	default:
		o.kind = models.OrderNew
	}
	if len(sp.kind.regions) > 0 {
		o.region = sp.kind.regions[g.r.IntN(len(sp.kind.regions))]
	}
	switch price.period {
	case "month":
		o.periodCount = []int{1, 1, 1, 3, 6, 12}[g.r.IntN(6)]
	case "year":
		o.periodCount = []int{1, 1, 1, 2, 3}[g.r.IntN(5)]
	case "hour":
		o.periodCount = 24 * (1 + g.r.IntN(30))
		o.quantity = []int{1, 2, 4, 8}[g.r.IntN(4)]
	case "package":
		o.quantity = 1 + g.r.IntN(3)
	}
	if sp.kind.linear != "" {
		lo, hi := sp.kind.linearMin, sp.kind.linearMax
		o.quantity = lo + int(float64(hi-lo)*math.Pow(g.r.Float64(), 4))
	}
	full := o.unit * int64(o.periodCount) * int64(o.quantity)
	move := func(to time.Time) time.Time {
		o.version++
		o.updated = to
		return to
	}
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+g.r.IntN(hi-lo+1)) * time.Minute }
	age := g.now.Sub(created)
	switch o.kind {
	case models.OrderTrial:
		o.trialDays = sp.kind.trialDays
		o.startsAt = created
		o.endsAt = created.Add(time.Duration(o.trialDays) * day)
		o.status = models.OrderCompleted
		o.done = move(created.Add(minutes(1, 5)))
		return o
	case models.OrderUnsubscribe:
		o.amount = -int64(float64(full) * (0.3 + 0.7*g.r.Float64()))
		o.refunded = -o.amount
		o.status = models.OrderCompleted
		o.done = move(created.Add(minutes(1, 30)))
		return o
	case models.OrderChange:
		o.amount = int64(float64(full) * (0.2 + 0.4*g.r.Float64()))
	default:
		o.amount = full
	}
	o.amount = max(o.amount, 1)
	o.payBy = created.Add(g.payTimeout)
	if age < g.payTimeout && g.r.IntN(2) == 0 {
		o.status = models.OrderPendingPayment
		return o
	}
	if g.r.IntN(100) < 12 {
		o.status = models.OrderCancelled
		o.cancelled = move(o.payBy)
		return o
	}
	o.paid = o.amount
	o.paidAt = move(created.Add(minutes(1, min(20, max(1, int(age/time.Minute))))))
	if o.paidAt.After(g.now) {
		o.paidAt = g.now
	}
	o.startsAt = o.paidAt
	switch o.periodType {
	case "month":
		o.endsAt = o.startsAt.AddDate(0, o.periodCount, 0)
	case "year":
		o.endsAt = o.startsAt.AddDate(o.periodCount, 0, 0)
	case "hour":
		o.endsAt = o.startsAt.Add(time.Duration(o.periodCount) * time.Hour)
	}
	// Delivery: supervised services and licences take weeks, hardware ships in days,
	// SaaS and images are provisioned in minutes and now and then fail.
	var takes time.Duration
	switch {
	case p.supervised:
		takes = time.Duration(5+g.r.IntN(40)) * day
	case p.typ == models.ProductHardware:
		takes = time.Duration(2+g.r.IntN(12)) * day
	default:
		if g.r.IntN(1000) < 15 {
			o.status = models.OrderFailed
			o.refunded = o.paid
			move(o.paidAt.Add(minutes(1, 10)))
			return o
		}
		takes = minutes(1, 15)
	}
	if o.paidAt.Add(takes).After(g.now) {
		o.status = models.OrderProcessing
	} else {
		o.status = models.OrderCompleted
		o.done = move(o.paidAt.Add(takes))
	}
	if g.r.IntN(100) < 3 {
		g.refundFor(&o, p)
	}
	return o
}

// refundFor opens an after-sales case on a paid order some time after payment: the
// recent ones wait for the merchant, older ones were refunded, rejected (now and then
// disputed) or withdrawn. The order's updated time and refunded amount follow.
func (g *bulkGen) refundFor(o *bulkOrder, p *bulkProduct) {
	created := o.paidAt.Add(time.Duration(1+g.r.IntN(20*24)) * time.Hour)
	if !created.Before(g.now) {
		return
	}
	rf := &bulkRefund{kind: models.RefundUnsubscribe, created: created, version: 1, reason: bulkRefundReasons[g.r.IntN(len(bulkRefundReasons))]}
	switch {
	case p.supervised:
		rf.kind = models.RefundNegotiated
	case p.typ == models.ProductHardware:
		rf.kind = models.RefundReturn
	}
	rf.amount = o.paid
	if rf.kind == models.RefundNegotiated || created.Sub(o.paidAt) > 5*day {
		rf.amount = max(1, int64(float64(o.paid)*(0.3+0.7*g.r.Float64())))
	}
	decided := created.Add(time.Duration(1+g.r.IntN(72)) * time.Hour)
	switch x := g.r.IntN(100); {
	case g.now.Sub(created) < 3*day || decided.After(g.now):
		rf.status = models.RefundRequested
	case x < 70:
		rf.status, rf.decided, rf.refunded, rf.version = models.RefundRefunded, decided, decided.Add(time.Hour), 3
		rf.comment = "同意退款"
		o.refunded = rf.amount
	case x < 90:
		rf.status, rf.decided, rf.version = models.RefundRejected, decided, 2
		rf.comment = "服务已按约定交付，不符合退款条件"
		if g.r.IntN(10) < 3 {
			rf.disputed, rf.disputeReason, rf.version = decided.Add(day), "商家拒绝不合理，申请平台介入", 3
			if rf.disputed.After(g.now) {
				rf.disputed = g.now
			}
		}
	default:
		rf.status, rf.version = models.RefundWithdrawn, 2
	}
	last := created
	for _, t := range []time.Time{rf.decided, rf.refunded, rf.disputed} {
		if t.After(last) {
			last = t
		}
	}
	if rf.status == models.RefundWithdrawn {
		last = decided
	}
	if last.After(o.updated) {
		o.updated = last
	}
	o.refund = rf
}
