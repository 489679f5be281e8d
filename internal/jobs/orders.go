package jobs

import (
	"context"
	"time"

	"sellercenter/models"
)

// OrderExpirer cancels unpaid orders whose payment deadline has passed. A purchase queues
// a sweep at its deadline; every sweep also queues the next one, so orders left over
// (a stopped server, a changed timeout) are cancelled within SweepEvery.
type OrderExpirer struct {
	Store *models.Store
}

// SweepEvery is the longest an overdue order waits for its cancellation.
const SweepEvery = 5 * time.Minute

// Register adds the sweep handler to w.
func (e *OrderExpirer) Register(w *Worker) { w.Handlers[models.JobExpireOrders] = e.run }

// Schedule queues the next sweep.
func (e *OrderExpirer) Schedule(ctx context.Context) error {
	return e.Store.ScheduleExpirySweep(ctx, SweepEvery)
}

func (e *OrderExpirer) run(ctx context.Context, _ models.Job) error {
	if _, err := e.Store.CancelExpiredOrders(ctx); err != nil {
		return err
	}
	return e.Schedule(ctx)
}
