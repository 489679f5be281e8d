package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// TestGroupCommitKeepsEachWriteAlone: writes committed together each keep their own
// outcome: one that fails or panics is undone alone and gets its error; the others are
// committed, whatever order they arrive in.
func TestGroupCommitKeepsEachWriteAlone(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	boom := errors.New("refused")
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = env.Store.Batched(ctx, func(tx *models.Store) error {
				if err := tx.EnqueueGroup(ctx, "call", "m:batch", map[string]int{"i": i}, env.Clock.Now(), fmt.Sprintf("batch-%d", i)); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return boom
				case 7:
					panic("write gone wrong")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	var keys []string
	if err := env.DB.R.Model(&models.Job{}).Where("job_group = ?", "m:batch").Pluck("dedup_key", &keys).Error; err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, k := range keys {
		have[k] = true
	}
	for i, err := range errs {
		key := fmt.Sprintf("batch-%d", i)
		switch i % 10 {
		case 3:
			if !errors.Is(err, boom) || have[key] {
				t.Errorf("write %d: err %v, kept %v; want its own error and nothing kept", i, err, have[key])
			}
		case 7:
			if err == nil || !strings.Contains(err.Error(), "panicked") || have[key] {
				t.Errorf("write %d: err %v, kept %v; want the panic as its error and nothing kept", i, err, have[key])
			}
		default:
			if err != nil || !have[key] {
				t.Errorf("write %d: err %v, kept %v; want it committed", i, err, have[key])
			}
		}
	}
	if len(keys) != n-8 {
		t.Errorf("%d writes kept, want %d", len(keys), n-8)
	}
}

// TestPoolHearsOfCommittedJobs: a commit that queued a pool's job due now tells the
// process's pool; a rolled-back one and a job due later do not.
func TestPoolHearsOfCommittedJobs(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	heard := func() bool {
		select {
		case <-env.Store.PoolJobsQueued():
			return true
		default:
			return false
		}
	}
	heard() // whatever the set-up queued
	_ = env.Store.Tx(ctx, func(tx *models.Store) error {
		if err := tx.EnqueueGroup(ctx, "call", "m:1", nil, env.Clock.Now(), ""); err != nil {
			t.Fatal(err)
		}
		return errors.New("roll back")
	})
	if heard() {
		t.Error("a rolled-back job was announced")
	}
	if err := env.Store.EnqueueGroup(ctx, "call", "m:1", nil, env.Clock.Now().Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	if heard() {
		t.Error("a job due in an hour was announced")
	}
	if err := env.Store.EnqueueGroup(ctx, "call", "m:1", nil, env.Clock.Now(), ""); err != nil {
		t.Fatal(err)
	}
	if !heard() {
		t.Error("a committed job due now was not announced")
	}
}
