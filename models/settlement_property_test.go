package models_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"sellercenter/models"
)

// genOrder is one generated order: its kind, status, amount and when it becomes
// billable (nil: never, or not yet).
type genOrder struct {
	id       uint
	merchant uint
	entity   string
	amount   []int64 // one per order line
	billable *time.Time
}

// TestBillReconciliationProperty generates months of orders of every kind for several
// merchants and both signing entities (new purchases, renewals effective later, trials,
// unpaid and cancelled orders, supervised orders completing months after payment,
// refunds of billed and never-billed orders, multi-line orders) and adjustments, runs
// the bill run month by month (some months twice), and checks the properties: every bill
// reconciles to the fen (lines sum to its totals, each fee by the rounding rule); every
// order line billable before the last run's end is in exactly one bill, of its month or
// later, and nothing else is billed; every adjustment made before it is in exactly one
// bill; running every month again changes nothing.
func TestBillReconciliationProperty(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { reconcileOnce(t, seed) })
	}
}

func reconcileOnce(t *testing.T, seed uint64) {
	b := newBilling(t)
	st, db := b.env.Store, b.env.DB
	r := rand.New(rand.NewPCG(seed, 2026))
	loc := st.CalendarLocation(b.ctx)
	merchants := []uint{b.mid}
	for i := range 2 {
		u := activeMerchant(t, b.env, fmt.Sprintf("m%d-%d@example.com", seed, i))
		merchants = append(merchants, *u.MerchantID)
	}
	first := models.BillPeriodOf(b.env.Clock.Now(), loc)
	const months = 5
	start := first.Start(loc)
	span := first.Start(loc).AddDate(0, months, 0).Sub(start)
	at := func() time.Time { return start.Add(time.Duration(r.Int64N(int64(span)))) }
	var orders []genOrder
	n := 0
	add := func(kind, status string, amounts []int64, billable *time.Time) genOrder {
		n++
		m := merchants[r.IntN(len(merchants))]
		entity := models.SigningEntities[r.IntN(2)]
		created := at()
		if billable != nil && billable.Before(created) {
			created = *billable
		}
		var total int64
		for _, a := range amounts {
			total += a
		}
		o := models.Order{OrderNo: fmt.Sprintf("CSP%d%09d", seed, n), MerchantID: m, BuyerID: b.buyer.ID, ProductID: 1, Kind: kind, Status: status,
			ProductType:  []string{models.ProductSaaS, models.ProductLicense, models.ProductService, models.ProductImage}[r.IntN(4)],
			CustomerName: "客户", AmountFen: total, PaidFen: max(total, 0), Entity: entity, BillableAt: billable,
			CreatedAt: created, UpdatedAt: created, Version: 1}
		if err := db.W.Create(&o).Error; err != nil {
			t.Fatal(err)
		}
		for i, a := range amounts {
			if err := db.W.Create(&models.OrderLine{OrderID: o.ID, LineNo: models.LineNo(o.OrderNo, i+1), SKUCode: "SKU", BillingMode: models.BillingPeriod,
				PeriodType: models.PeriodMonth, UnitFen: a, AmountFen: a}).Error; err != nil {
				t.Fatal(err)
			}
		}
		g := genOrder{id: o.ID, merchant: m, entity: entity, amount: amounts, billable: billable}
		orders = append(orders, g)
		return g
	}
	ptr := func(t time.Time) *time.Time { return &t }
	amount := func() int64 { return 1 + r.Int64N(5_000_000) }
	for range 60 + r.IntN(40) {
		switch k := r.IntN(10); {
		case k < 3: // a purchase that took effect
			lines := []int64{amount()}
			if r.IntN(4) == 0 {
				lines = append(lines, amount(), amount())
			}
			o := add(models.OrderNew, models.OrderCompleted, lines, ptr(at()))
			if r.IntN(4) == 0 { // refunded later, as a negative line billable no earlier
				var sum int64
				for _, a := range o.amount {
					sum += a
				}
				when := o.billable.Add(time.Duration(r.Int64N(int64(40 * 24 * time.Hour))))
				add(models.OrderUnsubscribe, models.OrderCompleted, []int64{-1 - r.Int64N(sum)}, &when)
			}
		case k < 4: // a renewal effective after the months run, or within them
			add(models.OrderRenew, models.OrderCompleted, []int64{amount()}, ptr(at().AddDate(0, r.IntN(3), 0)))
		case k < 5: // a trial, an unpaid and a cancelled order: never billed
			add(models.OrderTrial, models.OrderCompleted, []int64{0}, nil)
			add(models.OrderNew, models.OrderPendingPayment, []int64{amount()}, nil)
			add(models.OrderNew, models.OrderCancelled, []int64{amount()}, nil)
		case k < 6: // a supervised order still in supervision, or completed months later
			if r.IntN(2) == 0 {
				add(models.OrderNew, models.OrderProcessing, []int64{amount()}, nil)
			} else {
				add(models.OrderNew, models.OrderCompleted, []int64{amount()}, ptr(at().AddDate(0, 1+r.IntN(2), 0)))
			}
		case k < 7: // the refund of an order that never billed: never billed either
			add(models.OrderNew, models.OrderFailed, []int64{amount()}, nil)
			add(models.OrderUnsubscribe, models.OrderCompleted, []int64{-amount()}, nil)
		default:
			add(models.OrderNew, models.OrderCompleted, []int64{amount()}, ptr(at()))
		}
	}
	type genAdj struct {
		id      uint
		created time.Time
	}
	var adjs []genAdj
	p := first
	var last models.BillPeriod
	for i := range months {
		// Adjustments made during the month, before its run.
		for range r.IntN(3) {
			b.env.Clock.Set(p.Start(loc).Add(time.Duration(r.Int64N(int64(20 * 24 * time.Hour)))))
			a, err := st.AddAdjustment(b.ctx, b.reviewer, models.AdjustmentInput{MerchantID: merchants[r.IntN(len(merchants))],
				Entity: models.SigningEntities[r.IntN(2)], AmountFen: (r.Int64N(100_000) + 1) * int64(1-2*r.IntN(2)), Reason: "property"})
			if err != nil {
				t.Fatal(err)
			}
			adjs = append(adjs, genAdj{a.ID, a.CreatedAt})
		}
		b.run(t, p.String())
		if i%2 == 1 {
			if res := b.run(t, p.String()); res.Bills != 0 || res.Lines != 0 {
				t.Fatalf("a second run of %s made %+v", p, res)
			}
		}
		last = p
		p = p.Next()
	}
	end := last.End(loc)
	// Every bill reconciles (checked by bills), and fingerprint them for the rerun.
	fingerprint := func() string {
		var rows []struct {
			BillNo                              string
			Lines, AmountFen, FeeFen, AdjustFen int64
			PayableFen                          int64
		}
		db.R.Raw(`SELECT bill_no, lines, amount_fen, fee_fen, adjust_fen, payable_fen FROM bills ORDER BY bill_no`).Scan(&rows)
		var n int64
		db.R.Model(&models.BillLine{}).Count(&n)
		return fmt.Sprint(rows, n)
	}
	for _, m := range merchants {
		var bills []models.Bill
		db.R.Where("merchant_id = ?", m).Find(&bills)
		for _, bill := range bills {
			var sum struct{ N, Amount, Fee, Adjust int64 }
			db.R.Raw(`SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN kind <> 'adjustment' THEN amount_fen ELSE 0 END), 0) AS amount,
				COALESCE(SUM(fee_fen), 0) AS fee, COALESCE(SUM(CASE WHEN kind = 'adjustment' THEN amount_fen ELSE 0 END), 0) AS adjust
				FROM bill_lines WHERE bill_id = ?`, bill.ID).Scan(&sum)
			if sum.N != bill.Lines || sum.Amount != bill.AmountFen || sum.Fee != bill.FeeFen || sum.Adjust != bill.AdjustFen ||
				bill.PayableFen != bill.AmountFen-bill.FeeFen+bill.AdjustFen {
				t.Errorf("bill %s does not reconcile: %+v %+v", bill.BillNo, sum, bill)
			}
			var bad int64
			db.R.Raw(`SELECT COUNT(*) FROM bill_lines WHERE bill_id = ? AND merchant_id <> ?`, bill.ID, m).Scan(&bad)
			if bad > 0 {
				t.Errorf("bill %s holds another merchant's lines", bill.BillNo)
			}
		}
	}
	// Every order line: in exactly one bill when billable before the end, of its merchant
	// and entity, of its month or later; otherwise in none.
	billed, unbilled := 0, 0
	for _, o := range orders {
		var lines []struct {
			OrderLineID  uint
			Period       string
			MerchantID   uint
			Entity       string
			AmountFen    int64
			FeeFen, FeeB int64
		}
		db.R.Raw(`SELECT bl.order_line_id, b.period, b.merchant_id, b.entity, bl.amount_fen, bl.fee_fen, bl.fee_bp AS fee_b
			FROM bill_lines bl JOIN bills b ON b.id = bl.bill_id WHERE bl.order_id = ?`, o.id).Scan(&lines)
		due := o.billable != nil && o.billable.Before(end)
		if due {
			billed++
		} else {
			unbilled++
		}
		if !due {
			if len(lines) != 0 {
				t.Errorf("order %d (billable %v) is billed: %+v", o.id, o.billable, lines)
			}
			continue
		}
		if len(lines) != len(o.amount) {
			t.Fatalf("order %d: %d of its %d lines billed", o.id, len(lines), len(o.amount))
		}
		seen := map[uint]bool{}
		var sum int64
		for _, l := range lines {
			if seen[l.OrderLineID] {
				t.Errorf("order line %d billed twice", l.OrderLineID)
			}
			seen[l.OrderLineID] = true
			sum += l.AmountFen
			if l.MerchantID != o.merchant || l.Entity != o.entity {
				t.Errorf("order %d billed to merchant %d/%s", o.id, l.MerchantID, l.Entity)
			}
			if l.Period < models.BillPeriodOf(*o.billable, loc).String() {
				t.Errorf("order %d billable %v billed in %s", o.id, o.billable, l.Period)
			}
			if l.FeeFen != models.FeeFen(l.AmountFen, int(l.FeeB)) {
				t.Errorf("order %d: fee %d of %d", o.id, l.FeeFen, l.AmountFen)
			}
		}
		var want int64
		for _, a := range o.amount {
			want += a
		}
		if sum != want {
			t.Errorf("order %d billed %d, amount %d", o.id, sum, want)
		}
	}
	if billed < 30 || unbilled < 10 || len(adjs) == 0 {
		t.Fatalf("the generated months are too thin: %d billed, %d not, %d adjustments", billed, unbilled, len(adjs))
	}
	for _, a := range adjs {
		var n int64
		db.R.Model(&models.BillLine{}).Where("adjustment_id = ?", a.id).Count(&n)
		if n != 1 {
			t.Errorf("adjustment %d made %v is in %d bills", a.id, a.created, n)
		}
	}
	// Running every month again changes nothing.
	before := fingerprint()
	for q := first; q.String() <= last.String(); q = q.Next() {
		if res := b.run(t, q.String()); res.Bills != 0 {
			t.Fatalf("rerun of %s made %d bills", q, res.Bills)
		}
	}
	if after := fingerprint(); after != before {
		t.Fatalf("a rerun changed the bills:\n%s\n%s", before, after)
	}
}
