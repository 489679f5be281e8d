package models_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// BenchmarkAnalytics measures the dashboard and the sales page of the largest merchant
// (10 % of all orders) over SC_BENCH_ORDERS orders paid through 2026, with a refund for
// every twentieth order and a year of daily views of 2,000 products. Without the variable
// it runs on 100,000 orders; `SC_BENCH_ORDERS=1000000` is the size quality.md's P3 names.
// SQLite only: the rows are written with one recursive INSERT each.
func BenchmarkAnalytics(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SC_BENCH_ORDERS")); err == nil && v > 0 {
		n = v
	}
	env := testdb.Open(b)
	if env.DB.Dialect != models.SQLite {
		b.Skip("the data set is written with SQLite SQL")
	}
	start := time.Now()
	fillOrders(b, env, n)
	b.Logf("%d orders written in %v", n, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	end := time.Date(2026, 12, 31, 0, 0, 0, 0, shanghai)
	for _, days := range []int{7, 30, 90, 366} {
		p := models.PeriodOf(end.AddDate(0, 0, 1-days), end, shanghai)
		b.Run("summary/"+strconv.Itoa(days)+"d", func(b *testing.B) {
			for b.Loop() {
				if _, err := env.Store.SalesSummary(ctx, 1, p); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("breakdown/"+strconv.Itoa(days)+"d", func(b *testing.B) {
			for b.Loop() {
				if _, err := env.Store.SalesBreakdown(ctx, 1, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fillOrders writes n orders: merchant 1 has every tenth, the others are spread over 99
// merchants; payment times run through 2026 (UTC) in the driver's text format.
func fillOrders(b testing.TB, env *testdb.Env, n int) {
	b.Helper()
	step := 365 * 86400 / n
	if step < 1 {
		step = 1
	}
	for _, s := range []string{
		`WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ` + strconv.Itoa(n) + `)
		 INSERT INTO orders (order_no, merchant_id, buyer_id, product_id, spec_id, kind, status, product_type, product_name_zh,
		   customer_name, amount_fen, paid_fen, paid_at, created_at, updated_at, version)
		 SELECT 'CSX' || i, CASE WHEN i % 10 = 0 THEN 1 ELSE 2 + i % 99 END, 1000 + i % 5000, 1 + i % 2000, 1 + i % 6000,
		   CASE WHEN i % 25 = 0 THEN 'UNSUBSCRIBE' WHEN i % 7 = 0 THEN 'RENEW' ELSE 'NEW' END,
		   CASE WHEN i % 13 = 0 THEN 'PENDING_PAYMENT' ELSE 'COMPLETED' END, 'saas', '商品' || (1 + i % 2000), '客户' || (i % 5000),
		   9900 + i % 1000, CASE WHEN i % 13 = 0 THEN 0 ELSE 9900 + i % 1000 END,
		   CASE WHEN i % 13 = 0 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S+00:00', 1767225600 + i * ` + strconv.Itoa(step) + `, 'unixepoch') END,
		   strftime('%Y-%m-%d %H:%M:%S+00:00', 1767225600 + i * ` + strconv.Itoa(step) + ` - 60, 'unixepoch'), '2026-01-01 00:00:00+00:00', 1
		 FROM g`,
		`INSERT INTO refunds (refund_no, order_id, merchant_id, buyer_id, kind, status, paid_fen, amount_fen, refunded_at, created_at, updated_at, version)
		 SELECT 'RFX' || id, id, merchant_id, buyer_id, 'unsubscribe', 'REFUNDED', paid_fen, paid_fen / 2,
		   strftime('%Y-%m-%d %H:%M:%S+00:00', paid_at, '+2 days'), paid_at, paid_at, 1
		 FROM orders WHERE id % 20 = 0 AND paid_at IS NOT NULL`,
		`WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 2000 * 365 - 1)
		 INSERT INTO product_views (product_id, merchant_id, day, views)
		 SELECT 1 + i % 2000, CASE WHEN (1 + i % 2000) % 10 = 0 THEN 1 ELSE 2 + (i % 2000) % 99 END,
		   date('2026-01-01', '+' || (i / 2000) || ' days'), 1 + i % 17 FROM g`,
	} {
		if err := env.DB.W.Exec(s).Error; err != nil {
			b.Fatal(err)
		}
	}
}
