package loadgen

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func ms(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 99, 0},
		{"one value is every percentile", ms(7), 1, 7 * time.Millisecond},
		{"one value p99", ms(7), 99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p51 of four is the third", ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{"p100 is the maximum", ms(1, 2, 3, 4), 100, 4 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99.9 of 1..100 rounds up", hundred, 99.9, 100 * time.Millisecond},
		{"p0 clamps to the minimum", hundred, 0, time.Millisecond},
		{"p99 of ten is the last", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p90 of ten is the ninth", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
	}
	for _, c := range cases {
		if got := Percentile(c.sorted, c.p); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSummarizeSortsAndCountsOnlySuccessesInThroughput(t *testing.T) {
	s := Summarize(ms(30, 10, 20, 40), 2, "boom", 2*time.Second)
	if s.Requests != 6 || s.Errors != 2 || s.FirstError != "boom" {
		t.Fatalf("counts %+v", s)
	}
	if s.Throughput != 2 {
		t.Fatalf("throughput %v, want 4 successes / 2 s", s.Throughput)
	}
	if s.P50 != 20*time.Millisecond || s.P99 != 40*time.Millisecond || s.Max != 40*time.Millisecond {
		t.Fatalf("percentiles %+v", s)
	}
	if z := Summarize(nil, 0, "", 0); z.Throughput != 0 || z.P99 != 0 {
		t.Fatalf("empty summary %+v", z)
	}
}

func TestMergeTakesPercentilesOverAllRounds(t *testing.T) {
	a := Summarize(ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 1, "first", time.Second)
	b := Summarize(ms(100, 200), 0, "", time.Second)
	m := Merge(a, b)
	if m.Requests != 13 || m.Errors != 1 || m.FirstError != "first" || m.Elapsed != 2*time.Second {
		t.Fatalf("merged counts %+v", m)
	}
	if m.Throughput != 6 {
		t.Fatalf("throughput %v, want 12 successes / 2 s", m.Throughput)
	}
	// 12 samples: the 99th percentile is the 12th (200 ms), the median the 6th (6 ms).
	if m.P99 != 200*time.Millisecond || m.P50 != 6*time.Millisecond || m.Max != 200*time.Millisecond {
		t.Fatalf("merged percentiles p50 %v p99 %v max %v", m.P50, m.P99, m.Max)
	}
}

func TestRunStopsAtMaxRequestsAndCountsErrors(t *testing.T) {
	var n atomic.Int64
	s := Run(context.Background(), Options{Concurrency: 4, Duration: 10 * time.Second, MaxRequests: 100}, func(context.Context) error {
		if n.Add(1)%10 == 0 {
			return errors.New("every tenth fails")
		}
		return nil
	})
	if n.Load() != 100 || s.Requests != 100 || s.Errors != 10 {
		t.Fatalf("calls %d, summary %+v", n.Load(), s)
	}
}

func TestRunStopsAtDuration(t *testing.T) {
	start := time.Now()
	s := Run(context.Background(), Options{Concurrency: 2, Duration: 100 * time.Millisecond}, func(context.Context) error {
		time.Sleep(time.Millisecond)
		return nil
	})
	if el := time.Since(start); el > 2*time.Second || s.Requests == 0 {
		t.Fatalf("ran %v for %d requests", el, s.Requests)
	}
}

func TestPacedRunOffersTheRateAndCountsWaitingInLatency(t *testing.T) {
	var n atomic.Int64
	s := Run(context.Background(), Options{Concurrency: 4, Duration: 500 * time.Millisecond, Rate: 100}, func(context.Context) error {
		n.Add(1)
		return nil
	})
	// 100 per second for half a second: about 50 requests, never the thousands the
	// workers could make (fewer when the machine is busy).
	if got := n.Load(); got < 10 || got > 60 {
		t.Fatalf("%d requests at 100/s in 0.5 s", got)
	}
	if s.Requests != int(n.Load()) && s.Requests != int(n.Load())+s.Errors {
		t.Fatalf("fast handler: %d calls, summary %+v", n.Load(), s)
	}

	// One worker, 10 ms per request, 200 offered per second: the queue grows and shows in
	// the latency, and what was never sent is an error.
	slow := Run(context.Background(), Options{Concurrency: 1, Duration: 300 * time.Millisecond, Rate: 200}, func(context.Context) error {
		time.Sleep(10 * time.Millisecond)
		return nil
	})
	if slow.P99 < 50*time.Millisecond || slow.Errors == 0 {
		t.Fatalf("overloaded: p99 %v, %d not sent", slow.P99, slow.Errors)
	}
}

func TestClientRefusesNonLoopbackTargets(t *testing.T) {
	for _, base := range []string{"http://10.0.0.1:8080", "http://example.com", "http://192.168.1.2"} {
		if _, err := NewClient(base, 1); err == nil {
			t.Errorf("%s accepted", base)
		}
	}
	for _, base := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"} {
		if _, err := NewClient(base, 1); err != nil {
			t.Errorf("%s refused: %v", base, err)
		}
	}
}

func TestClientGetFailsOnErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`<form><input type="hidden" name="_csrf" value="tok123"></form>`))
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Get(ctx, "/"); err != nil {
		t.Fatal(err)
	}
	if err := c.Get(ctx, "/missing"); err == nil {
		t.Fatal("a 404 counted as success")
	}
	body, _, _ := c.Fetch(ctx, "/")
	c.scrape(body)
	if c.csrf != "tok123" {
		t.Fatalf("csrf %q", c.csrf)
	}
}
