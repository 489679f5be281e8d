package seed_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/seed"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestSeedBulkGeneratesARealisticDataSet(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	res, err := seed.Bulk(ctx, env.DB, env.Store, seed.BulkOptions{Merchants: 12, Orders: 3000, Seed: 7, Password: "bench-password-1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Orders != 3000 || res.Merchants != 12 || res.Buyers != 150 || res.LargestOrders != 300 {
		t.Fatalf("result %+v", res)
	}
	db := env.DB.R
	count := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT COUNT(*) FROM orders"); n != 3000 {
		t.Fatalf("%d orders", n)
	}
	if n := count("SELECT COUNT(*) FROM order_lines"); n != 3000 {
		t.Fatalf("%d order lines", n)
	}
	if n := count("SELECT COUNT(*) FROM buyer_profiles"); n != 150 {
		t.Fatalf("%d buyer profiles", n)
	}

	// The largest merchant holds exactly 10 %, and no other merchant as many.
	u, err := env.Store.UserByEmail(ctx, res.LargestMerchantEmail)
	if err != nil {
		t.Fatal(err)
	}
	if n := count("SELECT COUNT(*) FROM orders WHERE merchant_id = ?", *u.MerchantID); n != 300 {
		t.Fatalf("largest merchant has %d orders", n)
	}
	if n := count("SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM orders WHERE merchant_id <> ? GROUP BY merchant_id) x", *u.MerchantID); n >= 300 {
		t.Fatalf("another merchant has %d orders", n)
	}
	if !models.CheckPassword(u, "bench-password-1") {
		t.Fatal("the largest merchant cannot log in with the given password")
	}
	m, err := env.Store.MerchantByID(ctx, *u.MerchantID)
	if err != nil || !m.Active() || m.CertificationStatus != models.CertCertified {
		t.Fatalf("largest merchant %+v %v", m, err)
	}
	if n := count("SELECT COUNT(*) FROM products WHERE merchant_id = ? AND listing = ?", m.ID, models.ListingOnSale); n != 4 {
		t.Fatalf("largest merchant has %d products on sale", n)
	}
	if n := count("SELECT COUNT(*) FROM products p WHERE listing = ? AND NOT EXISTS (SELECT 1 FROM specs s JOIN spec_prices sp ON sp.spec_id = s.id WHERE s.product_id = p.id)", models.ListingOnSale); n != 0 {
		t.Fatalf("%d products on sale without a priced spec", n)
	}

	// Every order is well formed.
	var orders []models.Order
	if err := db.Order("id").Find(&orders).Error; err != nil {
		t.Fatal(err)
	}
	var lines []models.OrderLine
	if err := db.Order("order_id").Find(&lines).Error; err != nil {
		t.Fatal(err)
	}
	lineOf := map[uint]models.OrderLine{}
	for _, l := range lines {
		lineOf[l.OrderID] = l
	}
	var payments []models.Payment
	if err := db.Find(&payments).Error; err != nil {
		t.Fatal(err)
	}
	paid := map[uint]models.Payment{}
	for _, p := range payments {
		paid[p.OrderID] = p
	}
	number := regexp.MustCompile(`^CS\d{10}[A-Z0-9]{5}$`)
	now := testdb.Start
	seen := map[string]bool{}
	statuses, kinds := map[string]int{}, map[string]int{}
	chinese, english := 0, 0
	for _, o := range orders {
		if !number.MatchString(o.OrderNo) || seen[o.OrderNo] {
			t.Fatalf("order number %q", o.OrderNo)
		}
		seen[o.OrderNo] = true
		if got := o.CreatedAt.In(time.FixedZone("CST", 8*3600)).Format("0601021504"); o.OrderNo[2:12] != got {
			t.Fatalf("order %s created %s", o.OrderNo, o.CreatedAt)
		}
		if _, off := o.CreatedAt.Zone(); off != 0 || o.CreatedAt.After(now) || o.CreatedAt.Before(now.AddDate(-1, 0, -1)) {
			t.Fatalf("order %s created at %s", o.OrderNo, o.CreatedAt)
		}
		if !slices.Contains(models.OrderStatuses, o.Status) || !slices.Contains(models.OrderKinds, o.Kind) {
			t.Fatalf("order %s: %s %s", o.OrderNo, o.Kind, o.Status)
		}
		statuses[o.Status]++
		kinds[o.Kind]++
		l, ok := lineOf[o.ID]
		if !ok || l.LineNo != o.OrderNo+"-000001" || l.AmountFen != o.AmountFen || l.SpecID != o.SpecID {
			t.Fatalf("order %s line %+v", o.OrderNo, l)
		}
		p, isPaid := paid[o.ID]
		if isPaid != (o.PaidFen > 0) || (isPaid && (p.AmountFen != o.PaidFen || p.BuyerID != o.BuyerID || o.PaidAt == nil)) {
			t.Fatalf("order %s paid %d, payment %+v", o.OrderNo, o.PaidFen, p)
		}
		switch o.Status {
		case models.OrderPendingPayment, models.OrderCancelled:
			if o.PaidFen != 0 {
				t.Fatalf("unpaid order %s paid %d", o.OrderNo, o.PaidFen)
			}
		case models.OrderCompleted:
			if o.CompletedAt == nil {
				t.Fatalf("completed order %s without a completion time", o.OrderNo)
			}
		}
		if o.Status == models.OrderPendingPayment && now.Sub(o.CreatedAt) > 30*time.Minute {
			t.Fatalf("order %s still unpaid after the pay timeout", o.OrderNo)
		}
		if (o.Kind == models.OrderUnsubscribe) != (o.AmountFen < 0) {
			t.Fatalf("order %s of kind %s amounts to %d", o.OrderNo, o.Kind, o.AmountFen)
		}
		if o.CustomerName == "" || !strings.HasSuffix(o.CustomerEmail, "@bulk.sellercenter.local") {
			t.Fatalf("order %s customer %q %q", o.OrderNo, o.CustomerName, o.CustomerEmail)
		}
		if o.CustomerName[0] < 0x80 {
			english++
		} else {
			chinese++
		}
	}
	for _, s := range []string{models.OrderCompleted, models.OrderCancelled, models.OrderProcessing} {
		if statuses[s] == 0 {
			t.Errorf("no %s orders: %v", s, statuses)
		}
	}
	for _, k := range []string{models.OrderNew, models.OrderRenew, models.OrderChange, models.OrderUnsubscribe, models.OrderTrial} {
		if kinds[k] == 0 {
			t.Errorf("no %s orders: %v", k, kinds)
		}
	}
	if statuses[models.OrderCompleted] < len(orders)/2 {
		t.Errorf("statuses %v: most orders should be completed", statuses)
	}
	if chinese < len(orders)/2 || english < len(orders)/10 {
		t.Errorf("customer names: %d Chinese, %d English", chinese, english)
	}

	// A few paid orders have an after-sales case, consistent with the order.
	var refunds []models.Refund
	if err := db.Find(&refunds).Error; err != nil {
		t.Fatal(err)
	}
	if len(refunds) == 0 || len(refunds) != res.Refunds {
		t.Fatalf("%d refunds, %d reported", len(refunds), res.Refunds)
	}
	byID := map[uint]models.Order{}
	for _, o := range orders {
		byID[o.ID] = o
	}
	refundNo := regexp.MustCompile(`^RF\d{10}[A-Z0-9]{5}$`)
	cases := map[string]int{}
	for _, r := range refunds {
		o := byID[r.OrderID]
		if !refundNo.MatchString(r.RefundNo) || o.PaidFen == 0 || r.PaidFen != o.PaidFen || r.AmountFen <= 0 || r.AmountFen > r.PaidFen ||
			r.MerchantID != o.MerchantID || r.BuyerID != o.BuyerID || r.CreatedAt.Before(*o.PaidAt) || !slices.Contains(models.RefundStatuses, r.Status) {
			t.Fatalf("refund %+v of order %+v", r, o)
		}
		if (r.Status == models.RefundRefunded) != (o.RefundedFen == r.AmountFen) {
			t.Fatalf("refund %s %s %d, order refunded %d", r.RefundNo, r.Status, r.AmountFen, o.RefundedFen)
		}
		cases[r.Status]++
	}
	if cases[models.RefundRefunded] == 0 {
		t.Errorf("refund statuses %v", cases)
	}

	// The largest merchant's products were viewed every day of the year.
	if n := count("SELECT COUNT(DISTINCT day) FROM product_views WHERE merchant_id = ?", m.ID); n != 365 {
		t.Fatalf("the largest merchant's products were viewed on %d days", n)
	}

	// The connection is left as it was found: WAL journal, full sync.
	if env.DB.Dialect == models.SQLite {
		var mode string
		var sync int
		must(t, env.DB.W.Raw("PRAGMA journal_mode").Scan(&mode).Error)
		must(t, env.DB.W.Raw("PRAGMA synchronous").Scan(&sync).Error)
		if mode != "wal" || sync != 2 {
			t.Fatalf("after the load: journal %q, synchronous %d", mode, sync)
		}
	}

	// A second run on the same database is refused.
	if _, err := seed.Bulk(ctx, env.DB, env.Store, seed.BulkOptions{Merchants: 12, Orders: 10, Password: "bench-password-1"}); err == nil {
		t.Fatal("a second generated set was accepted")
	}
}

func TestSeedBulkIsDeterministic(t *testing.T) {
	t.Parallel()
	gen := func() []string {
		env := testdb.Open(t)
		if _, err := seed.Bulk(context.Background(), env.DB, env.Store, seed.BulkOptions{Merchants: 11, Orders: 200, Seed: 42, Password: "bench-password-1"}); err != nil {
			t.Fatal(err)
		}
		var rows []string
		if err := env.DB.R.Raw("SELECT order_no || ' ' || customer_name || ' ' || status || ' ' || amount_fen FROM orders ORDER BY id").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		return rows
	}
	a, b := gen(), gen()
	if len(a) != 200 || !slices.Equal(a, b) {
		t.Fatalf("two runs with the same seed differ (%d, %d rows)", len(a), len(b))
	}
}

func TestSeedBulkRefusesTooFewMerchants(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	if _, err := seed.Bulk(context.Background(), env.DB, env.Store, seed.BulkOptions{Merchants: 10, Orders: 10, Password: "bench-password-1"}); err == nil {
		t.Fatal("10 merchants accepted: the other 9 cannot share 90 % each below 10 %")
	}
	if _, err := seed.Bulk(context.Background(), env.DB, env.Store, seed.BulkOptions{Merchants: 5, Orders: 10, LargestShare: 101, Password: "bench-password-1"}); err == nil {
		t.Fatal("a share above 100 % accepted")
	}
}

func TestSeedBulkGivesOneMerchantEveryOrder(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	res, err := seed.Bulk(context.Background(), env.DB, env.Store, seed.BulkOptions{Merchants: 1, Orders: 500, LargestShare: 100, Password: "bench-password-1"})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	env.DB.R.Raw("SELECT COUNT(*) FROM orders o JOIN merchants m ON m.id = o.merchant_id JOIN users u ON u.id = m.owner_user_id WHERE u.email = ?", res.LargestMerchantEmail).Scan(&n)
	if res.LargestOrders != 500 || n != 500 {
		t.Fatalf("largest merchant: %d reported, %d in the database", res.LargestOrders, n)
	}
}

// BenchmarkSeedBulk measures generation; b.N thousands of orders per run.
func BenchmarkSeedBulk(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		env := testdb.Open(b)
		b.StartTimer()
		if _, err := seed.Bulk(context.Background(), env.DB, env.Store, seed.BulkOptions{Merchants: 100, Orders: 20000, Seed: 1, Password: "bench-password-1"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(20000*b.N)/b.Elapsed().Seconds(), "orders/s")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
