package models_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// TestSupervisionQueriesUseIndexes EXPLAINs the timers' and the queues' statements over
// a few thousand supervisions: each reads its table through one of its indexes, never
// by a scan of the whole table (PostgreSQL: ANALYZEd, sequential scans priced out).
func TestSupervisionQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var rows []models.Supervision
	for i := range 3000 {
		rows = append(rows, models.Supervision{OrderID: uint(i + 1), OrderNo: fmt.Sprintf("CS26120100%05d", i), MerchantID: uint(i%5 + 5), BuyerID: uint(i%50 + 1),
			ProductID: 1, Scenario: models.ScenarioGeneral, Node: models.SupervisionNodes[i%len(models.SupervisionNodes)],
			NodeSince: now.Add(-time.Duration(i) * time.Hour), Version: 1, CreatedAt: now, UpdatedAt: now})
	}
	if err := env.DB.W.CreateInBatches(&rows, 500).Error; err != nil {
		t.Fatal(err)
	}
	var appeals []models.SupervisionAppeal
	for i := range 500 {
		appeals = append(appeals, models.SupervisionAppeal{SupervisionID: uint(i + 1), OrderNo: rows[i].OrderNo, MerchantID: 5, BuyerID: 1, By: models.SupBuyer,
			Node: rows[i].Node, Reason: "r", Status: []string{models.AppealOpen, models.AppealDecided}[i%2], Version: 1, CreatedAt: now, UpdatedAt: now})
	}
	if err := env.DB.W.CreateInBatches(&appeals, 500).Error; err != nil {
		t.Fatal(err)
	}
	if env.DB.Dialect == models.Postgres {
		for _, table := range []string{"supervisions", "supervision_appeals"} {
			if err := env.DB.W.Exec("ANALYZE " + table).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, st := range models.SupervisionStatements(env.DB.R) {
		plan := explain(t, env, st)
		bad := ""
		switch env.DB.Dialect {
		case models.Postgres:
			if strings.Contains(plan, "Seq Scan on supervision") {
				bad = "sequential scan"
			}
		default:
			for _, l := range strings.Split(plan, "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), "SCAN supervision") && !strings.Contains(l, "USING") {
					bad = "full table scan"
				}
			}
			if !strings.Contains(plan, "INDEX idx_supervision") && !strings.Contains(plan, "INDEX idx_sup_") {
				bad = "no supervision index"
			}
		}
		if bad != "" {
			t.Errorf("%s: %s\n%s\n%s", st.Name, bad, st.SQL, plan)
		}
	}
}
