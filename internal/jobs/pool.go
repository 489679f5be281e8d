package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"sellercenter/models"
)

// ErrFinished is what a handler returns when it marked its job done itself, in the
// transaction that recorded its work: the pool has nothing more to write.
var ErrFinished = errors.New("jobs: the handler finished the job")

// Pool runs grouped jobs (calls to merchants' systems) concurrently: at most Size at a
// time and at most PerGroup of one group (a merchant), so one slow or dead merchant
// endpoint never delays another merchant's work. Jobs are claimed from the job table
// like the Worker's, by as many instances as share the database, each job once.
type Pool struct {
	Store    *models.Store
	Handlers map[string]Handler
	Size     int
	PerGroup int
	Interval time.Duration
	Lease    time.Duration
	Name     string
	Log      *slog.Logger

	mu      sync.Mutex
	running int
	byGroup map[string]int
	wg      sync.WaitGroup
	wake    chan struct{}
}

// NewPool builds a pool with sensible defaults: 32 at once, 4 per group.
func NewPool(store *models.Store, log *slog.Logger) *Pool {
	host, _ := os.Hostname()
	return &Pool{Store: store, Handlers: map[string]Handler{}, Size: 32, PerGroup: 4, Interval: 200 * time.Millisecond,
		Lease: 5 * time.Minute, Name: fmt.Sprintf("%s-%d-pool", host, os.Getpid()), Log: log,
		byGroup: map[string]int{}, wake: make(chan struct{}, 1)}
}

func (p *Pool) kinds() []string {
	out := make([]string, 0, len(p.Handlers))
	for k := range p.Handlers {
		out = append(out, k)
	}
	return out
}

// room says how many more jobs the pool can start, in all and per busy group.
func (p *Pool) room() (int, map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	per := map[string]int{}
	for g, n := range p.byGroup {
		per[g] = max(p.PerGroup-n, 0)
	}
	return p.Size - p.running, per
}

// Start claims what the pool has room for and starts it; it returns how many started.
func (p *Pool) Start(ctx context.Context) (int, error) {
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	free, per := p.room()
	if free <= 0 || len(p.Handlers) == 0 {
		return 0, nil
	}
	jobs, err := p.Store.ClaimGroupJobs(ctx, p.Name, p.kinds(), free, per, p.PerGroup, p.Lease)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		p.mu.Lock()
		p.running++
		p.byGroup[j.Group]++
		p.mu.Unlock()
		p.wg.Add(1)
		go p.run(ctx, j)
	}
	return len(jobs), nil
}

func (p *Pool) run(ctx context.Context, j models.Job) {
	defer func() {
		p.mu.Lock()
		p.running--
		if p.byGroup[j.Group]--; p.byGroup[j.Group] <= 0 {
			delete(p.byGroup, j.Group)
		}
		p.mu.Unlock()
		p.wg.Done()
		select { // a slot is free: look for more work at once
		case p.wake <- struct{}{}:
		default:
		}
	}()
	// A job runs to its end even when the pool stops: its outcome is recorded, never lost.
	jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.Lease/2)
	defer cancel()
	var jerr error
	if h, ok := p.Handlers[j.Kind]; ok {
		jerr = h(jctx, j)
	} else {
		jerr = fmt.Errorf("no handler for job kind %q", j.Kind)
	}
	bg := context.WithoutCancel(ctx)
	if errors.Is(jerr, ErrFinished) {
		return // the handler marked the job done in its own transaction
	}
	if jerr != nil {
		p.Log.Warn("job failed", "id", j.ID, "kind", j.Kind, "group", j.Group, "attempt", j.Attempts, "err", jerr)
		if err := p.Store.RetryJob(bg, j, jerr); err != nil {
			p.Log.Error("record job failure", "id", j.ID, "err", err)
		}
		return
	}
	if err := p.Store.FinishJob(bg, j.ID); err != nil {
		p.Log.Error("record job done", "id", j.ID, "err", err)
	}
}

// Run claims and starts jobs until ctx ends, then waits for the running ones.
func (p *Pool) Run(ctx context.Context) {
	t := time.NewTicker(p.Interval)
	defer t.Stop()
	defer p.wg.Wait()
	for {
		if _, err := p.Start(ctx); err != nil && !errors.Is(err, context.Canceled) {
			p.Log.Error("job pool", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wake:
		}
	}
}

// Drain starts jobs until none is due and every started one has ended (tests).
func (p *Pool) Drain(ctx context.Context) error {
	for i := 0; i < 1000; i++ {
		n, err := p.Start(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			p.wg.Wait()
			if n, err = p.Start(ctx); err != nil || n == 0 {
				return err
			}
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("jobs: the pool is still busy after 1000 rounds")
}
