package models_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// bj is a wall-clock time in Beijing.
func bj(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, shanghai)
}

// salesFixture writes products, orders, refunds and views of two merchants directly.
type salesFixture struct {
	t      *testing.T
	env    *testdb.Env
	a, b   uint // merchant ids
	p1, p2 models.Product
	p3     models.Product // merchant B's
	s1, s2 models.Spec    // specs of p1
	s3, s4 models.Spec    // p2's, p3's
	orders map[string]models.Order
	n      int
}

func (fx *salesFixture) product(merchant uint, zh, en string) models.Product {
	fx.t.Helper()
	now := fx.env.Clock.Now()
	p := models.Product{MerchantID: merchant, Type: models.ProductSaaS, NameZh: zh, NameEn: en, Listing: models.ListingOnSale, CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := fx.env.DB.W.Create(&p).Error; err != nil {
		fx.t.Fatal(err)
	}
	return p
}

func (fx *salesFixture) spec(p models.Product, name string) models.Spec {
	fx.t.Helper()
	now := fx.env.Clock.Now()
	fx.n++
	s := models.Spec{ProductID: p.ID, MerchantID: p.MerchantID, SKUCode: fmt.Sprintf("SKU-%d", fx.n), Name: name,
		BillingMode: models.BillingPeriod, Content: "{}", CreatedAt: now, UpdatedAt: now}
	if err := fx.env.DB.W.Create(&s).Error; err != nil {
		fx.t.Fatal(err)
	}
	return s
}

// order writes an order; paidAt nil leaves it unpaid.
func (fx *salesFixture) order(name string, p models.Product, s models.Spec, kind, status string, buyer uint, customer string, amount, paid int64, paidAt *time.Time) {
	fx.t.Helper()
	created := fx.env.Clock.Now()
	if paidAt != nil {
		created = paidAt.Add(-time.Minute)
	}
	o := models.Order{OrderNo: models.NewOrderNo(created), MerchantID: p.MerchantID, BuyerID: buyer, ProductID: p.ID, SpecID: s.ID,
		Kind: kind, Status: status, ProductType: p.Type, ProductNameZh: p.NameZh + "（旧名）", ProductNameEn: p.NameEn + " (old)", SpecName: s.Name + " old",
		CustomerName: customer, AmountFen: amount, PaidFen: paid, CreatedAt: created.UTC(), UpdatedAt: created.UTC(), Version: 1}
	if paidAt != nil {
		t := paidAt.UTC()
		o.PaidAt = &t
	}
	if err := fx.env.DB.W.Create(&o).Error; err != nil {
		fx.t.Fatal(err)
	}
	fx.orders[name] = o
}

// refund writes an after-sales case of an order; refundedAt is set for REFUNDED ones.
func (fx *salesFixture) refund(order, kind, status string, amount int64, refundedAt *time.Time) {
	fx.t.Helper()
	o := fx.orders[order]
	now := fx.env.Clock.Now()
	r := models.Refund{RefundNo: models.NewRefundNo(now), OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: o.BuyerID, Kind: kind,
		Status: status, PaidFen: o.PaidFen, AmountFen: amount, CreatedAt: now, UpdatedAt: now, Version: 1}
	if refundedAt != nil {
		t := refundedAt.UTC()
		r.RefundedAt = &t
	}
	if err := fx.env.DB.W.Create(&r).Error; err != nil {
		fx.t.Fatal(err)
	}
}

func (fx *salesFixture) views(p models.Product, day string, n int64) {
	fx.t.Helper()
	if err := fx.env.DB.W.Create(&models.ProductView{ProductID: p.ID, MerchantID: p.MerchantID, Day: day, Views: n}).Error; err != nil {
		fx.t.Fatal(err)
	}
}

func at(t time.Time) *time.Time { return &t }

// newSalesFixture is November 2026 (Beijing) of merchant A, with merchant B's sales on
// the same days; every figure the tests expect is computed by hand in the comments.
func newSalesFixture(t *testing.T) *salesFixture {
	env := testdb.Open(t)
	fx := &salesFixture{t: t, env: env, a: 101, b: 202, orders: map[string]models.Order{}}
	fx.p1, fx.p2 = fx.product(fx.a, "协同办公", "Teamwork"), fx.product(fx.a, "安全卫士", "Guardian")
	fx.p3 = fx.product(fx.b, "B的商品", "B's product")
	fx.s1, fx.s2, fx.s3, fx.s4 = fx.spec(fx.p1, "基础版"), fx.spec(fx.p1, "专业版"), fx.spec(fx.p2, "标准版"), fx.spec(fx.p3, "B版")
	const x, y, z, w = 11, 12, 13, 14 // buyers
	N, P, C, D, F := models.OrderNew, models.OrderProcessing, models.OrderCompleted, models.OrderCancelled, models.OrderFailed
	// Merchant A, in the period (Nov 1 00:00 – Dec 1 00:00 Beijing):
	fx.order("o1", fx.p1, fx.s1, N, C, x, "Acme Ltd", 10000, 10000, at(bj(11, 1, 0, 30)))               // day 1
	fx.order("o2", fx.p1, fx.s1, models.OrderRenew, C, y, "Beta Co", 5000, 5000, at(bj(11, 10, 12, 0))) // day 10
	fx.order("o3", fx.p1, fx.s2, N, P, x, "Acme Ltd", 20000, 20000, at(bj(11, 10, 23, 59)))             // day 10
	fx.order("o6", fx.p2, fx.s3, N, C, z, "Gamma", 30000, 30000, at(bj(11, 30, 23, 0)))                 // last day
	fx.order("o9", fx.p1, fx.s1, models.OrderTrial, P, w, "Delta", 0, 0, at(bj(11, 5, 9, 0)))           // free trial: no sale
	fx.order("o11", fx.p1, fx.s2, N, F, z, "Gamma", 2500, 2500, at(bj(11, 15, 8, 0)))                   // paid, then failed
	// Not sales of the period:
	fx.order("o4", fx.p2, fx.s3, N, models.OrderPendingPayment, x, "Acme Ltd", 7000, 0, nil)
	fx.order("o5", fx.p2, fx.s3, N, D, x, "Acme Ltd", 8000, 0, nil)
	fx.order("o7", fx.p2, fx.s3, N, C, z, "Gamma", 4000, 4000, at(bj(12, 1, 0, 0)))      // the period's end is excluded
	fx.order("o8", fx.p1, fx.s1, N, C, y, "Beta Co", 6000, 6000, at(bj(10, 31, 23, 59))) // the day before
	fx.order("o10", fx.p1, fx.s1, models.OrderUnsubscribe, C, y, "Beta Co", -3000, -3000, at(bj(11, 12, 10, 0)))
	// Refunds of A: three in the period (one of them of October's o8).
	fx.refund("o8", models.RefundNegotiated, models.RefundRefunded, 6000, at(bj(11, 3, 10, 0)))
	fx.refund("o3", models.RefundUnsubscribe, models.RefundRefunded, 8000, at(bj(11, 20, 10, 0)))
	fx.refund("o11", models.RefundUnsubscribe, models.RefundRefunded, 2500, at(bj(11, 16, 10, 0)))
	fx.refund("o1", models.RefundNegotiated, models.RefundRequested, 10000, nil)
	fx.refund("o6", models.RefundUnsubscribe, models.RefundRefunded, 1000, at(bj(12, 2, 10, 0)))
	fx.refund("o2", models.RefundNegotiated, models.RefundRejected, 5000, nil)
	// Views of A (UTC day labels): 10+5 on Nov 1, 20 on Nov 10, 15 on Nov 30; two days outside.
	fx.views(fx.p1, "2026-11-01", 10)
	fx.views(fx.p2, "2026-11-01", 5)
	fx.views(fx.p1, "2026-11-10", 20)
	fx.views(fx.p2, "2026-11-30", 15)
	fx.views(fx.p1, "2026-10-31", 100)
	fx.views(fx.p1, "2026-12-01", 7)
	// Merchant B: large numbers on the same days, one of A's buyers under another name.
	fx.order("b1", fx.p3, fx.s4, N, C, x, "Acme at B", 999900, 999900, at(bj(11, 10, 12, 0)))
	fx.refund("b1", models.RefundNegotiated, models.RefundRefunded, 500000, at(bj(11, 11, 12, 0)))
	fx.views(fx.p3, "2026-11-10", 1000)
	return fx
}

func november() models.Period { return models.PeriodOf(bj(11, 1, 0, 0), bj(11, 30, 0, 0), shanghai) }

func TestPeriodDays(t *testing.T) {
	t.Parallel()
	p := november()
	if !p.From.Equal(time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)) || !p.To.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("period %v – %v", p.From, p.To)
	}
	if days := p.Days(); len(days) != 30 || days[29].Format(time.DateOnly) != "2026-11-30" {
		t.Fatalf("%d days, last %v", len(days), days[len(days)-1])
	}
	if p.LastDay().Format(time.DateOnly) != "2026-11-30" || p.FirstDay().Format(time.DateOnly) != "2026-11-01" {
		t.Fatal(p.FirstDay(), p.LastDay())
	}
	// Days in zones with daylight saving are still whole local days (25 or 23.5 hours long).
	ny, _ := time.LoadLocation("America/New_York")
	lh, _ := time.LoadLocation("Australia/Lord_Howe") // daylight saving moves by 30 minutes
	for _, c := range []struct {
		p     models.Period
		hours []float64
	}{
		{models.PeriodOf(time.Date(2026, 10, 31, 12, 0, 0, 0, ny), time.Date(2026, 11, 2, 23, 0, 0, 0, ny), ny), []float64{24, 25, 24}},
		{models.PeriodOf(time.Date(2026, 4, 4, 0, 0, 0, 0, lh), time.Date(2026, 4, 6, 0, 0, 0, 0, lh), lh), []float64{24, 24.5, 24}},
	} {
		days := c.p.Days()
		var hours []float64
		for i, d := range days {
			end := c.p.To
			if i+1 < len(days) {
				end = days[i+1]
			}
			if d.Hour() != 0 || d.Minute() != 0 {
				t.Errorf("%v: day starts at %v", c.p.Loc, d)
			}
			hours = append(hours, end.Sub(d).Hours())
		}
		if !slices.Equal(hours, c.hours) {
			t.Errorf("%v: day lengths %v, want %v", c.p.Loc, hours, c.hours)
		}
	}
}

func TestSalesSummaryMatchesHandComputedFigures(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	ctx := context.Background()
	s, err := fx.env.Store.SalesSummary(ctx, fx.a, november())
	if err != nil {
		t.Fatal(err)
	}
	// GMV: o1 10000 + o2 5000 + o3 20000 + o6 30000 + o9 0 + o11 2500.
	// Paid orders: o1, o2, o3, o6, o11. Refunds: 6000 + 8000 + 2500 of o8, o3, o11.
	// Views: 10 + 5 + 20 + 15.
	want := []int64{67500, 5, 3, 3, 16500, 50}
	got := []int64{s.GMVFen, s.PaidOrders, s.Refunds, s.RefundedOrders, s.RefundFen, s.Views}
	if !slices.Equal(got, want) {
		t.Fatalf("gmv, paid, refunds, refunded orders, refunded fen, views = %v, want %v", got, want)
	}
	if bp := s.AmountRefundRate().BasisPoints(); bp != 2444 { // 16500 / 67500 = 24.44 %
		t.Errorf("refund rate by amount %d bp", bp)
	}
	if bp := s.OrderRefundRate().BasisPoints(); bp != 6000 { // 3 / 5
		t.Errorf("refund rate by orders %d bp", bp)
	}
	if bp := s.Conversion().BasisPoints(); bp != 1000 { // 5 / 50
		t.Errorf("conversion %d bp", bp)
	}
	if len(s.Days) != 30 {
		t.Fatalf("%d days", len(s.Days))
	}
	day := func(d int) models.DaySales { return s.Days[d-1] }
	for _, c := range []struct {
		d                int
		gmv, paid, views int64
	}{
		{1, 10000, 1, 15}, {5, 0, 0, 0}, {10, 25000, 2, 20}, {12, 0, 0, 0}, {15, 2500, 1, 0}, {30, 30000, 1, 15}, {2, 0, 0, 0},
	} {
		got := day(c.d)
		if got.GMVFen != c.gmv || got.PaidOrders != c.paid || got.Views != c.views || got.Day.Day() != c.d {
			t.Errorf("Nov %d: %+v, want gmv %d paid %d views %d", c.d, got, c.gmv, c.paid, c.views)
		}
	}
	var sum int64
	for _, d := range s.Days {
		sum += d.GMVFen
	}
	if sum != s.GMVFen {
		t.Errorf("days add up to %d, total %d", sum, s.GMVFen)
	}

	// Merchant B sees its own numbers only.
	b, err := fx.env.Store.SalesSummary(ctx, fx.b, november())
	if err != nil {
		t.Fatal(err)
	}
	if got := []int64{b.GMVFen, b.PaidOrders, b.Refunds, b.RefundFen, b.Views}; !slices.Equal(got, []int64{999900, 1, 1, 500000, 1000}) {
		t.Errorf("merchant B: %v", got)
	}
	// A merchant without sales has zeros and no rates.
	none, err := fx.env.Store.SalesSummary(ctx, 999, november())
	if err != nil || none.GMVFen != 0 || none.Views != 0 || none.Conversion().Valid() || none.AmountRefundRate().Valid() || len(none.Days) != 30 {
		t.Errorf("empty merchant: %+v %v", none, err)
	}
}

func TestSalesSummaryPutsOrdersOnTheirLocalDayAcrossDaylightSaving(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ny, _ := time.LoadLocation("America/New_York")
	// 2026-11-01 is 25 hours long in New York.
	p := models.PeriodOf(time.Date(2026, 10, 31, 0, 0, 0, 0, ny), time.Date(2026, 11, 2, 0, 0, 0, 0, ny), ny)
	for i, when := range []time.Time{
		time.Date(2026, 10, 31, 0, 0, 0, 0, ny),   // first instant: Oct 31
		time.Date(2026, 11, 1, 23, 30, 0, 0, ny),  // Nov 1, after the clocks went back
		time.Date(2026, 11, 2, 0, 30, 0, 0, ny),   // Nov 2
		time.Date(2026, 11, 2, 23, 59, 59, 0, ny), // Nov 2
		time.Date(2026, 11, 3, 0, 0, 0, 0, ny),    // outside
	} {
		paid := when.UTC()
		o := models.Order{OrderNo: models.NewOrderNo(paid), MerchantID: 1, BuyerID: 2, ProductID: 3, SpecID: 4, Kind: models.OrderNew,
			Status: models.OrderCompleted, ProductType: models.ProductSaaS, AmountFen: int64(100 * (i + 1)), PaidFen: int64(100 * (i + 1)),
			PaidAt: &paid, CreatedAt: paid, UpdatedAt: paid, Version: 1}
		if err := env.DB.W.Create(&o).Error; err != nil {
			t.Fatal(err)
		}
	}
	s, err := env.Store.SalesSummary(context.Background(), 1, p)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, d := range s.Days {
		got = append(got, d.GMVFen)
	}
	if !slices.Equal(got, []int64{100, 200, 700}) || s.GMVFen != 1000 {
		t.Fatalf("per day %v, total %d", got, s.GMVFen)
	}
}

func TestSalesBreakdownMatchesHandComputedFigures(t *testing.T) {
	t.Parallel()
	fx := newSalesFixture(t)
	ctx := context.Background()
	b, err := fx.env.Store.SalesBreakdown(ctx, fx.a, november())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		product, spec                   uint
		name, specName                  string
		paid, gmv, refunds, refund, net int64
	}
	var specs []row
	for _, r := range b.Specs {
		specs = append(specs, row{r.ProductID, r.SpecID, r.ProductName("en"), r.SpecName, r.PaidOrders, r.GMVFen, r.Refunds, r.RefundFen, r.NetFen()})
	}
	// Current names, not the names frozen on the orders; best-selling first.
	wantSpecs := []row{
		{fx.p2.ID, fx.s3.ID, "Guardian", "标准版", 1, 30000, 0, 0, 30000},
		{fx.p1.ID, fx.s2.ID, "Teamwork", "专业版", 2, 22500, 2, 10500, 12000},
		{fx.p1.ID, fx.s1.ID, "Teamwork", "基础版", 2, 15000, 1, 6000, 9000},
	}
	if !slices.Equal(specs, wantSpecs) {
		t.Errorf("by spec\n got %+v\nwant %+v", specs, wantSpecs)
	}
	var products []row
	for _, r := range b.Products {
		products = append(products, row{r.ProductID, uint(r.Specs), r.ProductName("zh-CN"), "", r.PaidOrders, r.GMVFen, r.Refunds, r.RefundFen, r.NetFen()})
	}
	wantProducts := []row{
		{fx.p1.ID, 2, "协同办公", "", 4, 37500, 3, 16500, 21000},
		{fx.p2.ID, 1, "安全卫士", "", 1, 30000, 0, 0, 30000},
	}
	if !slices.Equal(products, wantProducts) {
		t.Errorf("by product\n got %+v\nwant %+v", products, wantProducts)
	}
	// Top customers: Gamma 30000 + 2500, Acme 10000 + 20000, Beta 5000; Delta only had a
	// free trial. Refunds: Gamma 2500 (o11), Acme 8000 (o3), Beta 6000 (October's o8).
	var customers []string
	for _, c := range b.Customers {
		customers = append(customers, fmt.Sprintf("%s/%d/%d/%d", c.CustomerName, c.PaidOrders, c.GMVFen, c.RefundFen))
	}
	if want := []string{"Gamma/2/32500/2500", "Acme Ltd/2/30000/8000", "Beta Co/1/5000/6000"}; !slices.Equal(customers, want) {
		t.Errorf("top customers %v, want %v", customers, want)
	}
	var kinds []string
	for _, k := range b.RefundKinds {
		kinds = append(kinds, fmt.Sprintf("%s/%d/%d", k.Kind, k.Refunds, k.RefundFen))
	}
	if want := []string{"unsubscribe/2/10500", "negotiated/1/6000"}; !slices.Equal(kinds, want) {
		t.Errorf("refunds by kind %v, want %v", kinds, want)
	}

	// Merchant B's page has B's product and customer only.
	bb, err := fx.env.Store.SalesBreakdown(ctx, fx.b, november())
	if err != nil {
		t.Fatal(err)
	}
	if len(bb.Specs) != 1 || bb.Specs[0].ProductID != fx.p3.ID || bb.Specs[0].GMVFen != 999900 || bb.Specs[0].RefundFen != 500000 ||
		len(bb.Customers) != 1 || bb.Customers[0].CustomerName != "Acme at B" || bb.Customers[0].RefundFen != 500000 {
		t.Errorf("merchant B's breakdown: %+v", bb)
	}
}

func TestRecordProductViewUpsertsTodaysRow(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	for range 3 {
		if err := env.Store.RecordProductView(ctx, 7, 1); err != nil {
			t.Fatal(err)
		}
	}
	env.Clock.Advance(24 * time.Hour)
	if err := env.Store.RecordProductView(ctx, 7, 1); err != nil {
		t.Fatal(err)
	}
	var rows []models.ProductView
	env.DB.R.Order("day").Find(&rows)
	today := testdb.Start.UTC().Format(time.DateOnly)
	if len(rows) != 2 || rows[0].Day != today || rows[0].Views != 3 || rows[1].Views != 1 || rows[0].MerchantID != 1 {
		t.Fatalf("rows %+v", rows)
	}
}

// fillForPlans gives PostgreSQL's planner realistic statistics: 40,000 orders of 50
// merchants over two years, a refund for every tenth, views of 500 products, analysed.
func fillForPlans(t *testing.T, env *testdb.Env) {
	t.Helper()
	for _, s := range []string{
		`INSERT INTO orders (order_no, merchant_id, buyer_id, product_id, spec_id, kind, status, product_type, amount_fen, paid_fen, paid_at, created_at, updated_at, version)
		 SELECT 'CSX' || g, 1 + g % 50, 1000 + g % 3000, 1 + g % 500, 1 + g % 1500, CASE WHEN g % 20 = 0 THEN 'UNSUBSCRIBE' ELSE 'NEW' END,
		 'COMPLETED', 'saas', 1000 + g % 7, 1000 + g % 7, TIMESTAMPTZ '2025-01-01 00:00:00+00' + g * INTERVAL '26 minutes',
		 TIMESTAMPTZ '2025-01-01 00:00:00+00' + g * INTERVAL '26 minutes', NOW(), 1 FROM generate_series(1, 40000) g`,
		`INSERT INTO refunds (refund_no, order_id, merchant_id, buyer_id, kind, status, paid_fen, amount_fen, refunded_at, created_at, updated_at, version)
		 SELECT 'RFX' || id, id, merchant_id, buyer_id, 'unsubscribe', 'REFUNDED', paid_fen, paid_fen, paid_at + INTERVAL '2 days', paid_at, NOW(), 1
		 FROM orders WHERE id % 10 = 0`,
		`INSERT INTO product_views (product_id, merchant_id, day, views)
		 SELECT 1 + g % 500, 1 + (g % 500) % 50, TO_CHAR(DATE '2025-01-01' + (g / 500), 'YYYY-MM-DD'), 3 FROM generate_series(0, 364999) g`,
		`ANALYZE orders`, `ANALYZE refunds`, `ANALYZE product_views`,
	} {
		if err := env.DB.W.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// TestAnalyticsQueriesUseIndexes EXPLAINs every analysis statement: each reads the
// merchant's rows of the period through the index made for it, never a table scan. On
// PostgreSQL the plans are those of a database with statistics (see fillForPlans).
func TestAnalyticsQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	if env.DB.Dialect == models.Postgres {
		fillForPlans(t, env)
	}
	qs := env.Store.AnalyticsQueries(1, november())
	wantIndex := map[string]string{
		"sales days":       "idx_orders_merchant_paid",
		"spec sales":       "idx_orders_merchant_paid",
		"top customers":    "idx_orders_merchant_paid",
		"customer names":   "idx_orders_",
		"view days":        "idx_product_views_merchant",
		"refund totals":    "idx_refunds_merchant_refunded",
		"spec refunds":     "idx_refunds_merchant_refunded",
		"customer refunds": "idx_refunds_merchant_refunded",
		"refund kinds":     "idx_refunds_merchant_refunded",
	}
	for name, q := range qs {
		var plan []string
		if env.DB.Dialect == models.Postgres {
			if err := env.DB.R.Raw("EXPLAIN "+q.SQL, q.Args...).Scan(&plan).Error; err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		} else {
			rows, err := env.DB.R.Raw("EXPLAIN QUERY PLAN "+q.SQL, q.Args...).Rows()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
		}
		text := strings.Join(plan, "\n")
		t.Logf("%s:\n%s", name, text)
		if !strings.Contains(text, wantIndex[name]) {
			t.Errorf("%s does not use %s:\n%s", name, wantIndex[name], text)
		}
		for _, table := range []string{"orders", "refunds", "product_views"} {
			if strings.Contains(text, "SCAN "+table) || strings.Contains(text, "Seq Scan on "+table) {
				t.Errorf("%s scans %s:\n%s", name, table, text)
			}
		}
	}
}
