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
