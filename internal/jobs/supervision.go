package jobs

import (
	"context"

	"sellercenter/models"
)

// SupervisionTimers reminds whoever must act on a supervised order waiting past the
// working days, and buyers whose deliveries wait long for acceptance, every ten minutes.
type SupervisionTimers struct {
	Store *models.Store
}

// Register adds the pass's handler to w.
func (t *SupervisionTimers) Register(w *Worker) { w.Handlers[models.JobSupervisionTimers] = t.run }

// Schedule queues the next pass.
func (t *SupervisionTimers) Schedule(ctx context.Context) error {
	return t.Store.ScheduleSupervisionTimers(ctx, models.SupervisionTimerPeriod)
}

func (t *SupervisionTimers) run(ctx context.Context, _ models.Job) error {
	if _, err := t.Store.RunSupervisionTimers(ctx); err != nil {
		return err
	}
	if _, err := t.Store.AutoAcceptShipments(ctx); err != nil {
		return err
	}
	return t.Schedule(ctx)
}
