package jobs

import (
	"context"
	"time"

	"sellercenter/internal/blobstore"
	"sellercenter/models"
)

// sweepEvery is how often blobs without a row are looked for.
const sweepEvery = 6 * time.Hour

// BlobGrace is how long a blob may go without a row before the sweep removes it: a
// submission writes its files first and records them in its transaction right after,
// and a background export records its file when it is complete.
const BlobGrace = 24 * time.Hour

// sweepBatch is how many keys are checked against the database at a time.
const sweepBatch = 500

// BlobSweeper removes blobs no row points to: the files of a submission whose process
// died between writing them and the transaction that records them. (A refused
// submission removes its own at once.)
type BlobSweeper struct {
	Store *models.Store
	Blobs blobstore.Store
}

// Register adds the sweep handler to w.
func (b *BlobSweeper) Register(w *Worker) {
	w.Handlers[models.JobBlobSweep] = b.sweep
}

// Schedule queues the next sweep (one per period, whatever calls it).
func (b *BlobSweeper) Schedule(ctx context.Context) error {
	next := b.Store.Now().Truncate(sweepEvery).Add(sweepEvery)
	return b.Store.Enqueue(ctx, models.JobBlobSweep, struct{}{}, next, "blob-sweep:"+next.Format(time.RFC3339))
}

func (b *BlobSweeper) sweep(ctx context.Context, _ models.Job) error {
	if _, err := b.Sweep(ctx); err != nil {
		return err
	}
	return b.Schedule(ctx)
}

// Sweep removes the blobs older than BlobGrace that neither a file nor an export points
// to, and tells how many it removed.
func (b *BlobSweeper) Sweep(ctx context.Context) (int, error) {
	cutoff := b.Store.Now().Add(-BlobGrace)
	removed := 0
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		known, err := b.Store.KnownBlobs(ctx, batch)
		if err != nil {
			return err
		}
		for _, k := range batch {
			if known[k] {
				continue
			}
			if err := b.Blobs.Delete(ctx, k); err != nil {
				return err
			}
			removed++
		}
		batch = batch[:0]
		return nil
	}
	err := b.Blobs.Walk(ctx, func(key string, written time.Time) error {
		if !written.Before(cutoff) {
			return nil
		}
		batch = append(batch, key)
		if len(batch) == sweepBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return removed, err
	}
	return removed, flush()
}
