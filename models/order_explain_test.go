package models_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// orderFilterCombos is every combination of the order list's filters under every sort,
// for the merchant list (MerchantID set) and the console (with and without a merchant).
func orderFilterCombos(console bool) []models.OrderFilter {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	var out []models.OrderFilter
	merchants := []uint{7}
	if console {
		merchants = []uint{0, 7}
	}
	for _, mid := range merchants {
		for mask := 0; mask < 1<<6; mask++ {
			for _, sort := range models.OrderSorts {
				f := models.OrderFilter{MerchantID: mid, Sort: sort}
				if mask&1 != 0 {
					f.OrderNo = "CS2601010000ABCDE"
				}
				if mask&2 != 0 {
					f.Customer = "acme"
				}
				if mask&4 != 0 {
					f.ProductID = 3
				}
				if mask&8 != 0 {
					f.From, f.To = &from, &to
				}
				if mask&16 != 0 {
					f.Status = models.OrderCompleted
				}
				if mask&32 != 0 {
					f.Kind = models.OrderRenew
				}
				out = append(out, f)
			}
		}
	}
	return out
}

// explain returns the plan of a statement, one line per plan row.
func explain(t *testing.T, env *testdb.Env, st models.Statement) string {
	t.Helper()
	var lines []string
	err := env.DB.R.Transaction(func(tx *gorm.DB) error {
		sql := "EXPLAIN QUERY PLAN " + st.SQL
		if env.DB.Dialect == models.Postgres {
			// With sequential scans priced out, a plan without a usable index still shows
			// a Seq Scan, which the check rejects.
			if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
				return err
			}
			sql = "EXPLAIN " + st.SQL
		}
		rows, err := tx.Raw(sql, st.Args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("explain %s: %v", st.SQL, err)
	}
	return strings.Join(lines, "\n")
}

// TestOrderListQueriesUseIndexes EXPLAINs every statement of the order lists (first page,
// pages after and before a cursor, the capped count, the export stream) for every
// combination of filters and sorts, over a table holding a few thousand orders.
//
// SQLite: each statement of a merchant's list must search orders through one of the
// (merchant_id, …) indexes (or the unique order_no index when the order id is given);
// the console's must use an index whatever its filters. PostgreSQL chooses plans from
// statistics, so the table is ANALYZEd and sequential scans are priced out
// (enable_seqscan = off): a statement that no index can serve still shows a Seq Scan on
// orders, which fails. Which index PostgreSQL takes is its choice: where one merchant
// holds a large share of the orders, walking the (created_at, id) index and filtering on
// the merchant is as cheap as the merchant's own index, and the planner knows it.
func TestOrderListQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	seedOrders(t, env, 3000, []uint{7, 8, 9}, []uint{3, 4, 5})
	if env.DB.Dialect == models.Postgres {
		if err := env.DB.W.Exec("ANALYZE orders").Error; err != nil {
			t.Fatal(err)
		}
	}
	checked := 0
	for _, console := range []bool{false, true} {
		for _, f := range orderFilterCombos(console) {
			for _, st := range models.OrderListStatements(env.DB.Dialect, f, console) {
				plan := explain(t, env, st)
				if msg := badPlan(env.DB.Dialect, plan, f, console); msg != "" {
					t.Errorf("%s (console %v, filter %+v): %s\n%s\n%s", st.Name, console, f, msg, st.SQL, plan)
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d statements checked", checked)
	}
}

// badPlan tells what is wrong with a plan, or "".
func badPlan(d models.Dialect, plan string, f models.OrderFilter, console bool) string {
	merchantIndex := "idx_orders_merchant_"
	if d == models.Postgres {
		if strings.Contains(plan, "Seq Scan on orders") {
			return "sequential scan of orders"
		}
		if !strings.Contains(plan, "Index Scan using idx_orders_") && !strings.Contains(plan, "Index Scan Backward using idx_orders_") &&
			!strings.Contains(plan, "Bitmap Index Scan on idx_orders_") && !strings.Contains(plan, "Index Only Scan using idx_orders_") {
			return "orders read without an index"
		}
		return ""
	}
	for _, line := range strings.Split(plan, "\n") {
		if (strings.HasPrefix(line, "SCAN o") || strings.HasPrefix(line, "SEARCH o")) && !strings.Contains(line, "INDEX idx_orders_") {
			return "orders read without an index"
		}
	}
	if !strings.Contains(plan, " o USING") {
		return "orders not read through an index"
	}
	if (!console || f.MerchantID != 0) && !strings.Contains(plan, "INDEX "+merchantIndex) && !(f.OrderNo != "" && strings.Contains(plan, "INDEX idx_orders_order_no")) {
		return "no (merchant_id, …) index"
	}
	return ""
}
