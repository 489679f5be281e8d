package main

import (
	"sellercenter/internal/loadgen"
)

// p1: the order list page against the same page rendered from memory.
func (b *bench) p1(merchant *loadgen.Client) error {
	if err := merchant.Get(b.ctx, "/seller/orders"); err != nil {
		b.add("P1", "order list throughput vs in-memory page", "not measured: "+err.Error(), ">= 50 %", nil)
		return nil
	}
	return nil
}

// p2: CSV and XLSX export against the sqlite3 command-line tool.
func (b *bench) p2(merchant *loadgen.Client) error {
	if err := merchant.Get(b.ctx, "/seller/orders"); err != nil {
		b.add("P2", "CSV export rate vs sqlite3 CLI", "not measured: "+err.Error(), ">= 40 %", nil)
		return nil
	}
	return nil
}
