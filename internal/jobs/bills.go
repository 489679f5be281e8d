package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"sellercenter/models"
)

// BillRun makes the monthly bills on the bill day (a setting, moved to the next working
// day), then queues the next month's run. A run repeated, or resumed after a crash, adds
// nothing twice.
type BillRun struct {
	Store *models.Store
}

// Register adds the run's handler to w.
func (r *BillRun) Register(w *Worker) { w.Handlers[models.JobBillRun] = r.run }

// Schedule queues the next run.
func (r *BillRun) Schedule(ctx context.Context) error { return r.Store.ScheduleBillRun(ctx) }

func (r *BillRun) run(ctx context.Context, j models.Job) error {
	var p models.BillRunPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return fmt.Errorf("bill run payload: %w", err)
	}
	period, ok := models.ParseBillPeriod(p.Period)
	if !ok {
		return fmt.Errorf("bill run: period %q", p.Period)
	}
	if _, err := r.Store.RunBills(ctx, period); err != nil {
		return err
	}
	return r.Schedule(ctx)
}
