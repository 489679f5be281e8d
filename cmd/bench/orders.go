package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"sellercenter/internal/loadgen"
)

// p1: the order list page against the same page rendered from memory, in alternating
// rounds so that both meet the same background load.
func (b *bench) p1(merchant *loadgen.Client) error {
	const list, memory = "/seller/orders", "/seller/bench/orders"
	for _, path := range []string{list, memory} {
		if err := merchant.Get(b.ctx, path); err != nil {
			b.add("P1", "order list throughput vs in-memory page", "not measured: "+err.Error(), ">= 50 %", nil)
			return nil
		}
	}
	var db, mem []loadgen.Summary
	for range b.opt.rounds {
		db = append(db, b.load(merchant, list, b.opt.conns, b.opt.duration))
		mem = append(mem, b.load(merchant, memory, b.opt.conns, b.opt.duration))
	}
	d, m := loadgen.Merge(db...), loadgen.Merge(mem...)
	ratio := d.Throughput / m.Throughput
	b.add("P1", fmt.Sprintf("order list of the largest merchant (%d orders), 50 rows: %.0f req/s vs %.0f req/s from memory", b.ds.largestOrders, d.Throughput, m.Throughput),
		fmt.Sprintf("%.0f %%", ratio*100), ">= 50 %", pass(ratio >= 0.5 && d.Errors == 0))
	// At full speed a closed loop of 64 connections measures mostly its own queue
	// (latency = connections / throughput); the p99 bar is read with the requests
	// offered at half the peak the page just reached, spread over the same connections.
	rate := d.Throughput / 2
	pacedRun := loadgen.Run(b.ctx, loadgen.Options{Concurrency: b.opt.conns, Duration: 2 * b.opt.duration, Warmup: time.Second, Rate: rate},
		func(ctx context.Context) error { return merchant.Get(ctx, list) })
	fmt.Printf("      %s at %.0f req/s offered: %s\n", list, rate, pacedRun)
	b.add("P1", fmt.Sprintf("order list p99 at %d connections, %.0f req/s offered (half the peak; p50 %s; at the peak p99 %s)", b.opt.conns, rate,
		loadgen.Ms(pacedRun.P50), loadgen.Ms(d.P99)), loadgen.Ms(pacedRun.P99), "< 100 ms", pass(pacedRun.P99 < 100*time.Millisecond && pacedRun.Errors == 0))
	return nil
}

// p2: CSV and XLSX export of a million orders (one merchant's, in a data set of its
// own) against the sqlite3 command-line tool writing the same rows, and the server's
// peak memory meanwhile.
func (b *bench) p2() error {
	ds, err := ensureData(b.opt.dataRoot, b.opt.bin, dataSpec{1, b.opt.orders, 100, b.opt.seed}, b.opt.regen)
	if err != nil {
		return err
	}
	if ds, err = ds.workingCopy(filepath.Join(b.opt.dataRoot, "run-export")); err != nil {
		return err
	}
	if b.srv, err = startServer(b.opt.bin, ds.dir); err != nil {
		return err
	}
	defer func() {
		b.srv.stop()
		b.srv = nil
	}()
	c, err := b.login(ds.largest)
	if err != nil {
		return err
	}
	if err := c.Get(b.ctx, "/seller/orders"); err != nil {
		b.add("P2", "CSV export rate vs sqlite3 CLI", "not measured: "+err.Error(), ">= 40 %", nil)
		return nil
	}
	db, err := openRecords(ds.db)
	if err != nil {
		return err
	}
	defer db.Close()
	mid, err := merchantID(db, ds.largest)
	if err != nil {
		return err
	}
	base1, err := sqliteBaseline(b.ctx, ds.db, ds.dir, mid)
	if err != nil {
		b.add("P2", "CSV export rate vs sqlite3 CLI", "not measured: "+err.Error(), ">= 40 %", nil)
		return nil
	}
	csv, err := b.runExport(c, db, "csv")
	if err != nil {
		return err
	}
	xlsx, err := b.runExport(c, db, "xlsx")
	if err != nil {
		return err
	}
	base2, err := sqliteBaseline(b.ctx, ds.db, ds.dir, mid)
	if err != nil {
		return err
	}
	baseRate := (base1.rate() + base2.rate()) / 2
	fmt.Printf("      sqlite3 -csv: %d rows in %s and %s; CSV export: %d rows, %d bytes in %s; XLSX export: %d rows, %d bytes in %s\n",
		base1.rows, base1.took, base2.took, csv.rows, csv.bytes, csv.took, xlsx.rows, xlsx.bytes, xlsx.took)
	if csv.rows != base1.rows || xlsx.rows != base1.rows {
		b.notes = append(b.notes, fmt.Sprintf("Row counts differ: sqlite3 %d, CSV export %d, XLSX export %d.", base1.rows, csv.rows, xlsx.rows))
	}
	ratio := csv.rate() / baseRate
	b.add("P2", fmt.Sprintf("CSV export of %d rows: %.0f rows/s (%s) vs sqlite3 -csv %.0f rows/s", csv.rows, csv.rate(), csv.took.Round(10e6), baseRate),
		fmt.Sprintf("%.0f %%", ratio*100), ">= 40 %", pass(ratio >= 0.4))
	b.add("P2", "peak server RSS during the CSV export", mb(csv.peak), "< 100 MB", pass(csv.peak < 100e6))
	xr := xlsx.rate() / csv.rate()
	b.add("P2", fmt.Sprintf("XLSX export of %d rows: %.0f rows/s (%s) vs the CSV export", xlsx.rows, xlsx.rate(), xlsx.took.Round(10e6)),
		fmt.Sprintf("%.0f %%", xr*100), ">= 10 %", pass(xr >= 0.1))
	b.add("P2", "peak server RSS during the XLSX export", mb(xlsx.peak), "< 100 MB", pass(xlsx.peak < 100e6))
	return nil
}
