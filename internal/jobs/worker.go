// Package jobs runs background work from the jobs table: mail, delivery of outbox
// messages, and timers. Work is idempotent so a job that runs twice does no harm.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"sellercenter/models"
)

// Handler does one job.
type Handler func(ctx context.Context, j models.Job) error

// Worker claims due jobs and runs them.
type Worker struct {
	Store    *models.Store
	Handlers map[string]Handler
	Interval time.Duration
	Batch    int
	Lease    time.Duration
	Name     string
	Log      *slog.Logger
}

// NewWorker builds a worker with sensible defaults.
func NewWorker(store *models.Store, log *slog.Logger) *Worker {
	host, _ := os.Hostname()
	return &Worker{Store: store, Handlers: map[string]Handler{}, Interval: time.Second, Batch: 20,
		Lease: 5 * time.Minute, Name: fmt.Sprintf("%s-%d", host, os.Getpid()), Log: log}
}

// Run loops until ctx ends; it stops between jobs, never inside one.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && !errors.Is(err, context.Canceled) {
			w.Log.Error("job loop", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce runs the jobs due now and returns how many ran.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	jobs, err := w.Store.ClaimJobs(ctx, w.Name, w.Batch, w.Lease)
	if err != nil {
		return 0, err
	}
	ran := 0
	for _, j := range jobs {
		if ctx.Err() != nil {
			// Unstarted claimed jobs return to the queue when their lease ends.
			break
		}
		ran++
		h, ok := w.Handlers[j.Kind]
		var jerr error
		if !ok {
			jerr = fmt.Errorf("no handler for job kind %q", j.Kind)
		} else {
			jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.Lease/2)
			jerr = h(jctx, j)
			cancel()
		}
		if jerr != nil {
			w.Log.Warn("job failed", "id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", jerr)
			if err := w.Store.RetryJob(context.WithoutCancel(ctx), j, jerr); err != nil {
				return ran, err
			}
			continue
		}
		if err := w.Store.FinishJob(context.WithoutCancel(ctx), j.ID); err != nil {
			return ran, err
		}
	}
	return ran, nil
}

// Drain runs jobs until none is due (tests and the seed command).
func (w *Worker) Drain(ctx context.Context) error {
	for i := 0; i < 100; i++ {
		n, err := w.RunOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
	return errors.New("jobs: still busy after 100 rounds")
}
