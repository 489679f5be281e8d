package ttlcache

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func TestKeepsValuesForTheTTL(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)}
	c := New[int](30*time.Second, 10, clk.now)
	n := 0
	fn := func() (int, error) { n++; return n, nil }
	v, at, err := c.Get("k", fn)
	if v != 1 || err != nil || !at.Equal(clk.now()) {
		t.Fatal(v, at, err)
	}
	clk.add(29 * time.Second)
	if v, at2, _ := c.Get("k", fn); v != 1 || !at2.Equal(at) {
		t.Fatalf("recomputed within the TTL: %d", v)
	}
	if v, _, _ := c.Get("other", fn); v != 2 {
		t.Fatalf("other key %d", v)
	}
	clk.add(time.Second)
	if v, _, _ := c.Get("k", fn); v != 3 {
		t.Fatalf("kept past the TTL: %d", v)
	}
	// A clock set back does not serve values from the future.
	clk.add(-time.Hour)
	if v, _, _ := c.Get("k", fn); v != 4 {
		t.Fatalf("value from the future served: %d", v)
	}
}

func TestErrorsAreNotKept(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	c := New[int](time.Minute, 10, clk.now)
	boom := errors.New("boom")
	if _, _, err := c.Get("k", func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if v, _, err := c.Get("k", func() (int, error) { return 7, nil }); v != 7 || err != nil {
		t.Fatal(v, err)
	}
}

func TestConcurrentCallersShareOneComputation(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	c := New[int](time.Minute, 10, clk.now)
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]int, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _, _ = c.Get("k", func() (int, error) {
				calls.Add(1)
				<-release
				return 42, nil
			})
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("%d computations", calls.Load())
	}
	for _, r := range results {
		if r != 42 {
			t.Fatalf("results %v", results)
		}
	}
}

func TestBoundedSize(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	c := New[int](time.Minute, 3, clk.now)
	for i, k := range []string{"a", "b", "c", "d", "e"} {
		c.Get(k, func() (int, error) { return i, nil })
		if len(c.entries) > 3 {
			t.Fatalf("%d entries", len(c.entries))
		}
	}
	if v, _, _ := c.Get("e", func() (int, error) { return -1, nil }); v != 4 {
		t.Fatalf("latest value dropped: %d", v)
	}
}
