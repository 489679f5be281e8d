package jobs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// TestPoolKeepsOneGroupFromHoldingBackOthers: a group whose jobs hang takes at most
// PerGroup slots; another group's jobs all run meanwhile.
func TestPoolKeepsOneGroupFromHoldingBackOthers(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		if err := env.Store.EnqueueGroup(ctx, "call", "m:slow", map[string]int{"i": i}, env.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 5; i++ {
		if err := env.Store.EnqueueGroup(ctx, "call", "m:fast", map[string]int{"i": i}, env.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	release := make(chan struct{})
	var fastDone atomic.Int32
	var mu sync.Mutex
	slowNow, slowMax := 0, 0
	p := NewPool(env.Store, quietLog())
	p.Size, p.PerGroup, p.Interval = 4, 2, 5*time.Millisecond
	p.Handlers["call"] = func(ctx context.Context, j models.Job) error {
		if j.Group == "m:fast" {
			fastDone.Add(1)
			return nil
		}
		mu.Lock()
		slowNow++
		slowMax = max(slowMax, slowNow)
		mu.Unlock()
		<-release
		mu.Lock()
		slowNow--
		mu.Unlock()
		return nil
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(runCtx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for fastDone.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := fastDone.Load(); n != 5 {
		t.Fatalf("%d of 5 jobs of the other group ran while one group hung", n)
	}
	mu.Lock()
	if slowMax > 2 {
		t.Errorf("%d jobs of one group ran at once, want at most 2", slowMax)
	}
	mu.Unlock()
	close(release)
	for time.Now().Before(deadline) {
		var n int64
		env.DB.R.Model(&models.Job{}).Where("status = ?", models.JobDone).Count(&n)
		if n == 11 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	<-done
	var n int64
	env.DB.R.Model(&models.Job{}).Where("status = ?", models.JobDone).Count(&n)
	if n != 11 {
		t.Fatalf("%d jobs done, want 11", n)
	}
}

// TestPoolsShareTheTableEachJobOnce: two pools (two instances) claiming from one table
// run every job exactly once; the sequential worker leaves grouped jobs alone; a failing
// job is retried later.
func TestPoolsShareTheTableEachJobOnce(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	for i := 0; i < 60; i++ {
		g := []string{"m:1", "m:2", "m:3", "m:4", "m:5"}[i%5]
		if err := env.Store.EnqueueGroup(ctx, "call", g, map[string]int{"i": i}, env.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Store.EnqueueGroup(ctx, "call", "m:bad", map[string]int{"i": -1}, env.Clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(env.Store, quietLog())
	w.Handlers["call"] = func(context.Context, models.Job) error {
		t.Error("the sequential worker ran a grouped job")
		return nil
	}
	if n, err := w.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("sequential worker claimed %d grouped jobs (%v)", n, err)
	}
	var mu sync.Mutex
	runs := map[uint]int{}
	handler := func(ctx context.Context, j models.Job) error {
		if j.Group == "m:bad" {
			return errors.New("merchant endpoint down")
		}
		time.Sleep(time.Millisecond)
		mu.Lock()
		runs[j.ID]++
		mu.Unlock()
		return nil
	}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		p := NewPool(env.Store, quietLog())
		p.Name = []string{"instance-a", "instance-b"}[i]
		p.Size, p.PerGroup = 6, 2
		p.Handlers["call"] = handler
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Drain(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if len(runs) != 60 {
		t.Fatalf("%d jobs ran, want 60", len(runs))
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("job %d ran %d times", id, n)
		}
	}
	var bad models.Job
	env.DB.R.Where("job_group = ?", "m:bad").First(&bad)
	if bad.Status != models.JobQueued || bad.Attempts != 1 || !bad.RunAt.After(env.Clock.Now()) || bad.LastError != "merchant endpoint down" {
		t.Fatalf("failing job %+v", bad)
	}
}

// jobCounts reads how many jobs of a group are in each status.
func jobCounts(t *testing.T, env *testdb.Env, group string) map[string]int {
	t.Helper()
	var rows []struct {
		Status string
		N      int
	}
	if err := env.DB.R.Model(&models.Job{}).Select("status, count(*) AS n").Where("job_group = ?", group).Group("status").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out
}

// TestPoolClaimsAheadAndGivesBack: the pool claims a few of a group's jobs ahead of its
// free slots, runs no more than PerGroup at once, gives the claimed ones that did not
// start back when it stops, and gives back rather than runs a claimed job that waited
// half its lease; every job runs once, on a fresh lease.
func TestPoolClaimsAheadAndGivesBack(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		if err := env.Store.EnqueueGroup(ctx, "call", "m:1", map[string]int{"i": i}, env.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	release := make(chan struct{})
	var mu sync.Mutex
	runs := map[uint]int{}
	leases := map[time.Time]int{} // runs by lease end: claims at t0 and, half a lease later, t1
	second := 0
	p := NewPool(env.Store, quietLog())
	p.Size, p.PerGroup, p.Prefetch = 4, 2, 3
	t0 := env.Clock.Now()
	t1 := t0.Add(p.Lease/2 + time.Second)
	p.Handlers["call"] = func(ctx context.Context, j models.Job) error {
		mu.Lock()
		runs[j.ID]++
		leases[j.LockedUntil.UTC()]++
		if j.Attempts != 1 {
			second++
		}
		mu.Unlock()
		<-release
		return nil
	}
	n, err := p.Start(ctx)
	if err != nil || n != 2 {
		t.Fatalf("started %d (%v), want 2 (PerGroup)", n, err)
	}
	if c := jobCounts(t, env, "m:1"); c[models.JobRunning] != 8 || c[models.JobQueued] != 12 {
		t.Fatalf("jobs after the first claim: %v, want 8 claimed (2 running, 6 ahead) and 12 queued", c)
	}
	// Half a lease later the 6 claimed ahead are too old to start: given back, claimed anew.
	env.Clock.Advance(t1.Sub(t0))
	release <- struct{}{}
	release <- struct{}{}
	p.wg.Wait()
	if n, err := p.Start(ctx); err != nil || n != 2 {
		t.Fatalf("after the lease aged: started %d (%v), want 2", n, err)
	}
	// Stopping gives back what was claimed and not started.
	runCtx, stop := context.WithCancel(ctx)
	stop()
	p.release(runCtx)
	if c := jobCounts(t, env, "m:1"); c[models.JobRunning] != 2 || c[models.JobDone] != 2 || c[models.JobQueued] != 16 {
		t.Fatalf("jobs after stopping: %v, want 2 running, 2 done, 16 queued", c)
	}
	close(release)
	if err := p.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if c := jobCounts(t, env, "m:1"); c[models.JobDone] != 20 {
		t.Fatalf("jobs at the end: %v, want 20 done", c)
	}
	if len(runs) != 20 || second > 0 {
		t.Fatalf("%d jobs ran, %d of them counted as tried before; want 20 and none", len(runs), second)
	}
	if leases[t0.Add(p.Lease).UTC()] != 2 || leases[t1.Add(p.Lease).UTC()] != 18 {
		t.Fatalf("runs by lease end %v: want 2 on the first claim's, 18 on the later claims'", leases)
	}
	for id, n := range runs {
		if n != 1 {
			t.Errorf("job %d ran %d times", id, n)
		}
	}
}

// TestCallDoneFreesTheGroupsSlot: once a job's call is over (CallDone), the next job of
// its group starts while the first still records its outcome.
func TestCallDoneFreesTheGroupsSlot(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := env.Store.EnqueueGroup(ctx, "call", "m:1", map[string]int{"i": i}, env.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
	}
	recording := make(chan struct{})
	second := make(chan struct{})
	var calls atomic.Int32
	p := NewPool(env.Store, quietLog())
	p.Size, p.PerGroup, p.Interval = 4, 1, 5*time.Millisecond
	p.Handlers["call"] = func(ctx context.Context, j models.Job) error {
		if calls.Add(1) == 1 {
			CallDone(ctx)
			<-recording // the first job records its outcome slowly
			return nil
		}
		close(second)
		return nil
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(runCtx); close(done) }()
	select {
	case <-second:
	case <-time.After(10 * time.Second):
		t.Fatal("the group's second job waited for the first to record its outcome")
	}
	close(recording)
	stop()
	<-done
	if c := jobCounts(t, env, "m:1"); c[models.JobDone] != 2 {
		t.Fatalf("jobs: %v, want 2 done", c)
	}
}
