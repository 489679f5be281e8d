package models

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// TestAfterSalesListsUseIndexes checks with EXPLAIN QUERY PLAN that every after-sales list
// reads refunds through an index, in the order the page shows (no sort).
func TestAfterSalesListsUseIndexes(t *testing.T) {
	t.Parallel()
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	dry := db.R.Session(&gorm.Session{DryRun: true})
	cases := []struct {
		name  string
		q     *gorm.DB
		order string
		index string
	}{
		{"merchant, all", merchantRefundsQuery(dry, 1, RefundFilter{}), newestFirst, "idx_refunds_merchant_created"},
		{"merchant, one status", merchantRefundsQuery(dry, 1, RefundFilter{Status: RefundRequested}), newestFirst, "idx_refunds_merchant"},
		{"merchant, waiting", merchantRefundsQuery(dry, 1, RefundFilter{Status: RefundWaiting}), newestFirst, "idx_refunds_merchant_created"},
		{"merchant, kind and number", merchantRefundsQuery(dry, 1, RefundFilter{Kind: RefundReturn, Q: "RF1"}), newestFirst, "idx_refunds_merchant_created"},
		{"buyer", buyerRefundsQuery(dry, 1), newestFirst, "idx_refunds_buyer"},
		{"disputes, open", disputesQuery(dry, DisputeFilter{}), oldestDisputeFirst, "idx_refunds_disputes"},
		{"disputes, all", disputesQuery(dry, DisputeFilter{State: DisputesAll}), oldestDisputeFirst, "idx_refunds_disputes"},
	}
	for _, c := range cases {
		var rows []RefundRow
		stmt := c.q.Order(c.order).Limit(20).Scan(&rows).Statement
		var plan []struct {
			ID, Parent, Notused int
			Detail              string
		}
		if err := db.R.Raw("EXPLAIN QUERY PLAN "+stmt.SQL.String(), stmt.Vars...).Scan(&plan).Error; err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var lines []string
		for _, p := range plan {
			lines = append(lines, p.Detail)
		}
		all := strings.Join(lines, "\n")
		usesIndex := false
		for _, l := range lines {
			if strings.Contains(l, "refunds") && strings.Contains(l, "USING") && strings.Contains(l, "INDEX "+c.index+" ") {
				usesIndex = true
			}
			if strings.HasPrefix(l, "SCAN refunds") || strings.HasPrefix(l, "SCAN orders") {
				t.Errorf("%s: full scan\n%s", c.name, all)
			}
		}
		if !usesIndex {
			t.Errorf("%s: %s not used\n%s", c.name, c.index, all)
		}
		if strings.Contains(all, "TEMP B-TREE FOR ORDER BY") {
			t.Errorf("%s: sorts instead of reading in index order\n%s", c.name, all)
		}
	}
}
