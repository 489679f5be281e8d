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
//
// A group's jobs are claimed a few at a time ahead of its free slots (Prefetch times
// PerGroup may wait), so a busy group costs one claim per several jobs rather than one
// per job; a claimed job that waited half its lease is given back, never run late.
type Pool struct {
	Store    *models.Store
	Handlers map[string]Handler
	Size     int
	PerGroup int
	Prefetch int
	Interval time.Duration
	Lease    time.Duration
	Name     string
	Log      *slog.Logger

	mu       sync.Mutex
	running  int
	byGroup  map[string]int
	waiting  map[string][]models.Job // claimed, not started yet
	nWaiting int
	drained  map[string]bool // groups the last claim found nothing more of
	wg       sync.WaitGroup
	wake     chan struct{}
}

// NewPool builds a pool with sensible defaults: 32 at once, 4 per group, up to 12 more
// of a group claimed ahead.
func NewPool(store *models.Store, log *slog.Logger) *Pool {
	host, _ := os.Hostname()
	return &Pool{Store: store, Handlers: map[string]Handler{}, Size: 32, PerGroup: 4, Prefetch: 3, Interval: 200 * time.Millisecond,
		Lease: 5 * time.Minute, Name: fmt.Sprintf("%s-%d-pool", host, os.Getpid()), Log: log,
		byGroup: map[string]int{}, waiting: map[string][]models.Job{}, drained: map[string]bool{}, wake: make(chan struct{}, 1)}
}

func (p *Pool) kinds() []string {
	out := make([]string, 0, len(p.Handlers))
	for k := range p.Handlers {
		out = append(out, k)
	}
	return out
}

// claimRoom says how many more jobs the pool may claim, in all and of each group it
// holds: a group with at least PerGroup jobs waiting needs none yet.
func (p *Pool) claimRoom() (int, map[string]int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	limit := p.PerGroup * (1 + p.Prefetch)
	room := map[string]int{}
	for g, n := range p.byGroup {
		room[g] = limit - n
	}
	for g, w := range p.waiting {
		if len(w) >= p.PerGroup {
			room[g] = 0
			continue
		}
		if _, ok := room[g]; !ok {
			room[g] = limit
		}
		room[g] -= len(w)
	}
	return p.Size*(1+p.Prefetch) - p.running - p.nWaiting, room, limit
}

// Start starts claimed jobs in the free slots, claims more, and starts those that fit;
// it returns how many started.
func (p *Pool) Start(ctx context.Context) (int, error) { return p.step(ctx, true) }

// step starts claimed jobs in the free slots and claims more: always when look is set
// (the pool's tick: new groups, retries come due), otherwise only when a group it holds
// runs low and the last claim did not find that group drained.
func (p *Pool) step(ctx context.Context, look bool) (int, error) {
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	if len(p.Handlers) == 0 {
		return 0, nil
	}
	started := p.startWaiting(ctx)
	n, room, limit := p.claimRoom()
	if n <= 0 || !(look || p.runningLow(room)) {
		return started, nil
	}
	jobs, err := p.Store.ClaimGroupJobs(ctx, p.Name, p.kinds(), n, room, limit, p.Lease)
	if err != nil {
		return started, err
	}
	got := map[string]int{}
	p.mu.Lock()
	for _, j := range jobs {
		p.waiting[j.Group] = append(p.waiting[j.Group], j)
		got[j.Group]++
	}
	p.nWaiting += len(jobs)
	clear(p.drained)
	for g, r := range room {
		if r > 0 && got[g] < r && len(jobs) < n {
			p.drained[g] = true
		}
	}
	p.mu.Unlock()
	return started + p.startWaiting(ctx), nil
}

// runningLow tells whether a group the pool holds has room and may have more due.
func (p *Pool) runningLow(room map[string]int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for g, r := range room {
		if r > 0 && !p.drained[g] {
			return true
		}
	}
	return false
}

// startWaiting starts claimed jobs while there are free slots for their groups; a job
// that waited half its lease is given back to the queue instead.
func (p *Pool) startWaiting(ctx context.Context) int {
	var start []models.Job
	var stale []uint
	now := p.Store.Now()
	p.mu.Lock()
	for g, w := range p.waiting {
		for len(w) > 0 && p.running < p.Size && p.byGroup[g] < p.PerGroup {
			j := w[0]
			w = w[1:]
			p.nWaiting--
			if j.LockedUntil == nil || j.LockedUntil.Sub(now) < p.Lease/2 {
				stale = append(stale, j.ID)
				continue
			}
			p.running++
			p.byGroup[g]++
			start = append(start, j)
		}
		if len(w) == 0 {
			delete(p.waiting, g)
		} else {
			p.waiting[g] = w
		}
	}
	p.mu.Unlock()
	p.giveBack(ctx, stale)
	for _, j := range start {
		p.wg.Add(1)
		go p.run(ctx, j)
	}
	return len(start)
}

// release gives every claimed job that has not started back to the queue.
func (p *Pool) release(ctx context.Context) {
	p.mu.Lock()
	var ids []uint
	for _, w := range p.waiting {
		for _, j := range w {
			ids = append(ids, j.ID)
		}
	}
	p.waiting, p.nWaiting = map[string][]models.Job{}, 0
	p.mu.Unlock()
	p.giveBack(ctx, ids)
}

// giveBack returns claimed jobs the pool will not start to the queue.
func (p *Pool) giveBack(ctx context.Context, ids []uint) {
	if err := p.Store.ReleaseJobs(context.WithoutCancel(ctx), p.Name, ids); err != nil {
		p.Log.Error("give back claimed jobs", "ids", ids, "err", err)
	}
}

func (p *Pool) run(ctx context.Context, j models.Job) {
	var once sync.Once
	callDone := func() {
		once.Do(func() {
			p.mu.Lock()
			if p.byGroup[j.Group]--; p.byGroup[j.Group] <= 0 {
				delete(p.byGroup, j.Group)
			}
			p.mu.Unlock()
			p.poke()
		})
	}
	defer func() {
		p.mu.Lock()
		p.running--
		p.mu.Unlock()
		callDone()
		p.wg.Done()
		p.poke() // a slot is free: look for more work at once
	}()
	// A job runs to its end even when the pool stops: its outcome is recorded, never lost.
	jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.Lease/2)
	defer cancel()
	jctx = context.WithValue(jctx, callDoneKey{}, callDone)
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

// poke wakes the pool's loop.
func (p *Pool) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

type callDoneKey struct{}

// CallDone tells the pool running the job of ctx that its call to the group's system is
// over: the group's slot goes to its next job while this one records the outcome. The
// per-group bound is on calls in flight to one merchant, not on the database writes
// that follow them (those share the pool's overall bound).
func CallDone(ctx context.Context) {
	if f, ok := ctx.Value(callDoneKey{}).(func()); ok {
		f()
	}
}

// Run claims and starts jobs until ctx ends, then waits for the running ones.
func (p *Pool) Run(ctx context.Context) {
	t := time.NewTicker(p.Interval)
	defer t.Stop()
	defer p.wg.Wait()
	defer p.release(ctx)
	look := true
	for {
		if _, err := p.step(ctx, look); err != nil && !errors.Is(err, context.Canceled) {
			p.Log.Error("job pool", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			look = true
		case <-p.Store.PoolJobsQueued():
			look = true
		case <-p.wake:
			look = false
		}
	}
}

// Drain starts jobs until none is due or claimed and every started one has ended (tests).
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
