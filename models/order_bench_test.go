package models_test

import (
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"sellercenter/internal/export"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// Benchmarks of the order list and export over a merchant with 100,000 orders (and a
// second merchant with 20,000, so the merchant filter has something to skip). They run
// only with -bench, e.g.
//
//	go test ./models -run '^$' -bench OrderListPage -benchtime 2000x
//	go test ./models -run '^$' -bench OrderExport -benchtime 3x
//
// The figures are the query's own cost; quality.md P1/P2 compare whole requests.

const benchOrders = 100_000

// benchEnv is a database with the benchmark merchants' orders; merchant 1 is the large one.
func benchEnv(b *testing.B) *testdb.Env {
	b.Helper()
	env := testdb.Open(b)
	start := time.Now()
	testdb.BulkOrders(b, env, 1, benchOrders, testdb.Start)
	testdb.BulkOrders(b, env, 2, benchOrders/5, testdb.Start)
	b.Logf("seeded %d orders in %v", benchOrders*6/5, time.Since(start).Round(time.Millisecond))
	return env
}

func BenchmarkOrderListPage(b *testing.B) {
	env := benchEnv(b)
	ctx := context.Background()
	first, err := env.Store.Orders(ctx, 1, models.OrderFilter{}, models.OrderCursor{})
	if err != nil || len(first.Rows) != models.OrderPageSize {
		b.Fatalf("first page: %v, %d rows", err, len(first.Rows))
	}
	// A cursor deep in the list: the 1000th page.
	deep := first
	for i := 0; i < 1000; i++ {
		if deep, err = env.Store.Orders(ctx, 1, models.OrderFilter{}, models.OrderCursor{After: deep.Next}); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		f    models.OrderFilter
		cur  models.OrderCursor
	}{
		{"first", models.OrderFilter{}, models.OrderCursor{}},
		{"page1000", models.OrderFilter{}, models.OrderCursor{After: deep.Next}},
		{"status", models.OrderFilter{Status: models.OrderCompleted}, models.OrderCursor{}},
		{"amount", models.OrderFilter{Sort: models.SortAmountDesc}, models.OrderCursor{}},
		{"customer", models.OrderFilter{Customer: "acme"}, models.OrderCursor{}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := env.Store.Orders(ctx, 1, c.f, c.cur)
				if err != nil || len(p.Rows) != models.OrderPageSize {
					b.Fatalf("%v, %d rows", err, len(p.Rows))
				}
			}
		})
	}
}

// BenchmarkOrderExport writes the large merchant's 100,000 orders to io.Discard and
// reports rows per second and the heap in use at the end (constant, whatever the rows).
func BenchmarkOrderExport(b *testing.B) {
	env := benchEnv(b)
	ctx := context.Background()
	lb := export.Labels{T: func(k string, _ ...any) string { return k }, Lang: "zh-CN", Zone: time.UTC}
	src := func(fn func(*models.OrderExportRow) error) error {
		return env.Store.EachOrder(ctx, 1, models.OrderFilter{}, fn)
	}
	for _, format := range []string{export.CSV, export.XLSX} {
		b.Run(format, func(b *testing.B) {
			var rows int64
			start := time.Now()
			for b.Loop() {
				n, err := export.WriteOrders(ctx, format, io.Discard, lb, src, nil)
				if err != nil || n != benchOrders {
					b.Fatalf("%v, %d rows", err, n)
				}
				rows += n
			}
			b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heapMB")
		})
	}
	b.Run("scan-only", func(b *testing.B) {
		var rows int64
		start := time.Now()
		for b.Loop() {
			err := src(func(*models.OrderExportRow) error { rows++; return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
	})
}
