// Package loadgen drives HTTP load against a seller center running on this machine and
// summarises it: throughput and latency percentiles. Runs are bounded in time and in
// requests, and only loopback addresses are accepted as targets.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Options bound one run.
type Options struct {
	Concurrency int           // requests in flight at once (one worker each)
	Duration    time.Duration // stop starting requests after this
	MaxRequests int           // and after this many (0: no bound but Duration)
	Warmup      time.Duration // run this long first without recording
	// Rate, when set, offers that many requests per second in all (an open loop):
	// requests are scheduled at even intervals whether or not earlier ones have
	// answered, and each latency counts from the scheduled time, so waiting for a busy
	// worker shows. Without it every worker sends its next request as soon as the last
	// answered (a closed loop: the latency is then mostly the queue of the others).
	Rate float64
}

// Summary is what a run measured.
type Summary struct {
	Requests   int // recorded, errors included
	Errors     int
	FirstError string
	Elapsed    time.Duration
	Throughput float64 // successful requests per second
	P50, P90   time.Duration
	P99, Max   time.Duration
	Samples    []time.Duration // latencies of the successful requests, ascending
}

// Percentile is the p-th percentile (0 < p ≤ 100) of latencies sorted ascending, by the
// nearest-rank method: the smallest value with at least p % of the values at or below
// it. It is 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// Summarize turns the latencies of successful requests, the error count and the wall
// time into a Summary. lat is sorted in place.
func Summarize(lat []time.Duration, errors int, firstErr string, elapsed time.Duration) Summary {
	slices.Sort(lat)
	s := Summary{Requests: len(lat) + errors, Errors: errors, FirstError: firstErr, Elapsed: elapsed,
		P50: Percentile(lat, 50), P90: Percentile(lat, 90), P99: Percentile(lat, 99), Samples: lat}
	if len(lat) > 0 {
		s.Max = lat[len(lat)-1]
	}
	if elapsed > 0 {
		s.Throughput = float64(len(lat)) / elapsed.Seconds()
	}
	return s
}

// Merge combines runs of the same load (rounds): their requests, wall time and
// latencies, with the percentiles taken over all of them.
func Merge(runs ...Summary) Summary {
	var lat []time.Duration
	var errs int
	var first string
	var elapsed time.Duration
	for _, r := range runs {
		lat = append(lat, r.Samples...)
		errs += r.Errors
		elapsed += r.Elapsed
		if first == "" {
			first = r.FirstError
		}
	}
	return Summarize(lat, errs, first, elapsed)
}

// Run calls do from o.Concurrency workers until o.Duration has passed or o.MaxRequests
// were made, and summarises the calls that ended after the warm-up.
func Run(ctx context.Context, o Options, do func(ctx context.Context) error) Summary {
	if o.Concurrency < 1 {
		o.Concurrency = 1
	}
	if o.Warmup > 0 {
		wctx, cancel := context.WithTimeout(ctx, o.Warmup)
		run(wctx, o.Concurrency, 0, do)
		cancel()
	}
	rctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	start := time.Now()
	if o.Rate > 0 {
		lat, errs, first := paced(rctx, o.Concurrency, o.Rate, do)
		return Summarize(lat, errs, first, time.Since(start))
	}
	lat, errs, first := run(rctx, o.Concurrency, o.MaxRequests, do)
	return Summarize(lat, errs, first, time.Since(start))
}

// endGrace is how long a request may have been due at the end of a paced run without
// counting as one the server did not keep up with.
const endGrace = 100 * time.Millisecond

// paced is one open-loop burst: a scheduler releases a request every 1/rate seconds
// until the context ends; workers take them in order. A request still waiting for a
// worker at the end, due for longer than endGrace, counts as an error (the server did not
// keep up).
func paced(ctx context.Context, conc int, rate float64, do func(ctx context.Context) error) ([]time.Duration, int, string) {
	interval := time.Duration(float64(time.Second) / rate)
	due := make(chan time.Time, 1<<16)
	go func() {
		defer close(due)
		next := time.Now()
		for {
			if d := time.Until(next); d > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(d):
				}
			} else if ctx.Err() != nil {
				return
			}
			select {
			case due <- next:
			default: // the backlog is full: the server is far behind
			}
			next = next.Add(interval)
		}
	}()
	var (
		mu    sync.Mutex
		lat   []time.Duration
		errs  int
		first string
		wg    sync.WaitGroup
	)
	record := func(d time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs++
			if first == "" {
				first = err.Error()
			}
			return
		}
		lat = append(lat, d)
	}
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for at := range due {
				if ctx.Err() != nil {
					// Released as the run ended, a request may find every worker
					// still busy with the one before: only one that had waited
					// longer than endGrace says the server fell behind.
					if time.Since(at) > endGrace {
						record(0, errors.New("not sent before the end: the server fell behind the rate"))
					}
					continue
				}
				err := do(ctx)
				if ctx.Err() != nil {
					continue // cut short by the end of the run
				}
				record(time.Since(at), err)
			}
		}()
	}
	wg.Wait()
	return lat, errs, first
}

// run is one bounded burst: workers take request tickets until the context ends or the
// tickets run out; a request cut short by the deadline is not counted.
func run(ctx context.Context, conc, maxReq int, do func(ctx context.Context) error) ([]time.Duration, int, string) {
	var (
		mu     sync.Mutex
		lat    []time.Duration
		errs   int
		first  string
		issued int
		wg     sync.WaitGroup
	)
	ticket := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if maxReq > 0 && issued >= maxReq {
			return false
		}
		issued++
		return true
	}
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1024)
			var lerrs int
			var lfirst string
			for ctx.Err() == nil && ticket() {
				t0 := time.Now()
				err := do(ctx)
				d := time.Since(t0)
				if ctx.Err() != nil {
					break
				}
				if err != nil {
					lerrs++
					if lfirst == "" {
						lfirst = err.Error()
					}
					continue
				}
				local = append(local, d)
			}
			mu.Lock()
			lat = append(lat, local...)
			errs += lerrs
			if first == "" {
				first = lfirst
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, errs, first
}

// String is one line: throughput and percentiles in milliseconds.
func (s Summary) String() string {
	line := fmt.Sprintf("%d req in %.1fs: %.1f req/s, p50 %s, p90 %s, p99 %s, max %s", s.Requests, s.Elapsed.Seconds(),
		s.Throughput, Ms(s.P50), Ms(s.P90), Ms(s.P99), Ms(s.Max))
	if s.Errors > 0 {
		line += fmt.Sprintf(", %d errors (first: %s)", s.Errors, s.FirstError)
	}
	return line
}

// Ms formats a duration in milliseconds with one decimal.
func Ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
