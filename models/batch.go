package models

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"gorm.io/gorm"
)

// maxBatch bounds how many writes one group commit carries.
const maxBatch = 64

// errLead tells a waiting write that it now commits the queue.
var errLead = errors.New("models: lead the next group commit")

// batcher commits writes that arrive together in one transaction (group commit): a
// write that finds nobody committing commits itself and whatever queued behind it while
// the writer was busy, then hands the rest of the queue to the oldest waiting write. Each
// write runs in its own savepoint, so one that fails is undone alone and gets its error;
// if the transaction itself fails, every write of it is retried in its own. Callers wait
// until their write is committed or has failed, as with Tx.
type batcher struct {
	mu    sync.Mutex
	queue []*batchItem
	busy  bool
}

type batchItem struct {
	fn   func(tx *Store) error
	err  error
	done chan error
}

// batched runs fn like Tx, committed together with other batched writes of the moment.
func (s *Store) batched(ctx context.Context, fn func(tx *Store) error) error {
	b := s.batch
	if s.inTx || b == nil {
		return s.Tx(ctx, fn)
	}
	it := &batchItem{fn: fn, done: make(chan error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, it)
	lead := !b.busy
	b.busy = true
	b.mu.Unlock()
	if !lead {
		if err := <-it.done; !errors.Is(err, errLead) {
			return err
		}
	}
	b.mu.Lock()
	n := min(len(b.queue), maxBatch)
	items := b.queue[:n:n]
	b.queue = b.queue[n:]
	b.mu.Unlock()
	s.commitBatch(ctx, items)
	b.mu.Lock()
	if len(b.queue) > 0 {
		b.queue[0].done <- errLead
	} else {
		b.busy = false
	}
	b.mu.Unlock()
	return <-it.done
}

// commitBatch runs items in one transaction, each in a savepoint, and tells each its
// outcome.
func (s *Store) commitBatch(ctx context.Context, items []*batchItem) {
	err := s.Tx(ctx, func(tx *Store) error {
		for _, it := range items {
			it.err = tx.w.Transaction(func(*gorm.DB) error { return safely(tx, it.fn) })
		}
		return nil
	})
	for _, it := range items {
		if err != nil {
			it.err = s.Tx(ctx, func(tx *Store) error { return safely(tx, it.fn) }) // the group failed as a whole: each on its own
		}
		it.done <- it.err
	}
}

// safely runs fn, turning a panic into its error so that one write cannot stop the
// writes queued with it.
func safely(tx *Store, fn func(tx *Store) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("models: batched write panicked: %v", r)
		}
	}()
	return fn(tx)
}
