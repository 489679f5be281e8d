// Package ttlcache keeps computed values for a short time, and computes a missing value
// once however many callers ask for it at the same moment.
package ttlcache

import (
	"errors"
	"sync"
	"time"
)

// ErrPanicked is what callers waiting on a computation that panicked receive.
var ErrPanicked = errors.New("ttlcache: computation panicked")

// Cache maps string keys to values of type V computed at most TTL ago.
type Cache[V any] struct {
	ttl     time.Duration
	max     int
	now     func() time.Time
	mu      sync.Mutex
	entries map[string]entry[V]
	calls   map[string]*call[V]
}

type entry[V any] struct {
	v  V
	at time.Time
}

type call[V any] struct {
	done chan struct{}
	v    V
	at   time.Time
	err  error
}

// New makes a cache keeping at most max values for ttl, reading time from now.
func New[V any](ttl time.Duration, max int, now func() time.Time) *Cache[V] {
	return &Cache[V]{ttl: ttl, max: max, now: now, entries: map[string]entry[V]{}, calls: map[string]*call[V]{}}
}

// Get returns key's value and when it was computed: the kept one if it is younger than
// the TTL, else fn's. Callers asking while fn runs wait for its result. An error is
// returned to those callers and not kept.
func (c *Cache[V]) Get(key string, fn func() (V, error)) (V, time.Time, error) {
	c.mu.Lock()
	now := c.now()
	if e, ok := c.entries[key]; ok && now.Sub(e.at) < c.ttl && !now.Before(e.at) {
		c.mu.Unlock()
		return e.v, e.at, nil
	}
	if cl, ok := c.calls[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.v, cl.at, cl.err
	}
	cl := &call[V]{done: make(chan struct{})}
	c.calls[key] = cl
	c.mu.Unlock()

	cl.at = now
	func() {
		defer func() {
			if r := recover(); r != nil {
				cl.err = ErrPanicked
				c.finish(key, cl)
				panic(r)
			}
		}()
		cl.v, cl.err = fn()
	}()
	c.mu.Lock()
	if cl.err == nil {
		if len(c.entries) >= c.max {
			c.evict(now)
		}
		c.entries[key] = entry[V]{v: cl.v, at: cl.at}
	}
	c.mu.Unlock()
	c.finish(key, cl)
	return cl.v, cl.at, cl.err
}

// finish releases the callers waiting for cl.
func (c *Cache[V]) finish(key string, cl *call[V]) {
	c.mu.Lock()
	delete(c.calls, key)
	c.mu.Unlock()
	close(cl.done)
}

// evict drops the expired values, and every value if none had expired. Called locked.
func (c *Cache[V]) evict(now time.Time) {
	for k, e := range c.entries {
		if now.Sub(e.at) >= c.ttl || now.Before(e.at) {
			delete(c.entries, k)
		}
	}
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
}
