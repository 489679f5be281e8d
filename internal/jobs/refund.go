package jobs

import (
	"context"
	"encoding/json"

	"sellercenter/models"
)

// Refunds runs the after-sales timers: the simulated payout of approved cases, and the
// closing of hardware returns that missed a deadline. Both are idempotent: a case already
// paid or no longer overdue is left alone.
type Refunds struct {
	Store *models.Store
}

// Register adds the after-sales handlers to w.
func (r *Refunds) Register(w *Worker) {
	w.Handlers[models.JobRefundPayout] = r.payout
	w.Handlers[models.JobRefundDeadline] = r.deadline
}

func refundID(j models.Job) (uint, error) {
	var p models.RefundJobPayload
	err := json.Unmarshal([]byte(j.Payload), &p)
	return p.RefundID, err
}

func (r *Refunds) payout(ctx context.Context, j models.Job) error {
	id, err := refundID(j)
	if err != nil {
		return err
	}
	return r.Store.PayRefund(ctx, id)
}

func (r *Refunds) deadline(ctx context.Context, j models.Job) error {
	id, err := refundID(j)
	if err != nil {
		return err
	}
	return r.Store.CloseOverdueReturn(ctx, id)
}
