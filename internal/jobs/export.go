package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/export"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// maxExportBytes bounds one export file in the blob store.
const maxExportBytes = 4 << 30

// cleanupEvery is how often expired export files are removed.
const cleanupEvery = time.Hour

// Exporter writes large exports (orders, a bill's lines, trade details) in the
// background, streaming rows from the database into the blob store, and removes export
// files past their retention.
type Exporter struct {
	Store   *models.Store
	Blobs   blobstore.Store
	Catalog *i18n.Catalog
}

// Register adds the export handlers to w.
func (e *Exporter) Register(w *Worker) {
	w.Handlers[models.JobExport] = e.run
	w.Handlers[models.JobExportCleanup] = e.cleanup
}

// Schedule queues the next cleanup (one per hour, whatever calls it).
func (e *Exporter) Schedule(ctx context.Context) error {
	next := e.Store.Now().Truncate(cleanupEvery).Add(cleanupEvery)
	return e.Store.Enqueue(ctx, models.JobExportCleanup, struct{}{}, next, "export-cleanup:"+next.Format(time.RFC3339))
}

func (e *Exporter) run(ctx context.Context, j models.Job) error {
	var p models.ExportPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return err
	}
	ex, err := e.Store.ExportByID(ctx, p.ExportID)
	if err != nil {
		return err
	}
	if ex.Finished() {
		return nil
	}
	if err := e.write(ctx, ex); err != nil {
		final := j.Attempts >= j.MaxAttempts
		if ferr := e.Store.FailExport(context.WithoutCancel(ctx), ex.ID, err.Error(), final); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	return nil
}

// write produces the file of one export: the rows stream through a pipe into the blob
// store, so neither side holds more than a buffer.
func (e *Exporter) write(ctx context.Context, ex models.ExportJob) error {
	spec, err := ex.Spec()
	if err != nil {
		return err
	}
	total, err := export.Count(ctx, e.Store, ex.MerchantID, spec, 0)
	if err != nil {
		return err
	}
	if ok, err := e.Store.StartExport(ctx, ex.ID, total); err != nil || !ok {
		return err
	}
	loc := e.Store.CalendarLocation(ctx)
	l := e.Catalog.Localizer(spec.Lang)
	lb := export.Labels{T: l.T, Lang: l.Lang, Zone: loc}
	pr, pw := io.Pipe()
	var rows int64
	var reported time.Time
	wrote := make(chan error, 1)
	go func() {
		var err error
		rows, err = export.Write(ctx, e.Store, ex.MerchantID, ex.Format, spec, pw, lb,
			func(n int64) error {
				// Each report is a write; the page polls every two seconds, so one a second is plenty.
				if time.Since(reported) < time.Second {
					return nil
				}
				reported = time.Now()
				return e.Store.ExportProgress(ctx, ex.ID, n)
			})
		pw.CloseWithError(err)
		wrote <- err
	}()
	key, size, err := e.Blobs.Put(ctx, pr, maxExportBytes)
	pr.CloseWithError(errors.New("export: blob store stopped reading"))
	if werr := <-wrote; werr != nil {
		err = werr
	}
	if err != nil {
		if key != "" {
			_ = e.Blobs.Delete(context.WithoutCancel(ctx), key)
		}
		return err
	}
	name := export.FileName(spec.FilePrefix(), ex.Format, e.Store.Now().In(loc))
	ok, err := e.Store.FinishExport(ctx, ex.ID, key, name, size, rows)
	if err != nil || !ok {
		// Another run finished it first (or the record changed): this file is surplus.
		_ = e.Blobs.Delete(context.WithoutCancel(ctx), key)
	}
	if err != nil {
		return fmt.Errorf("export %d: %w", ex.ID, err)
	}
	return nil
}

// cleanup removes the files of expired exports and marks them expired, then schedules
// the next run.
func (e *Exporter) cleanup(ctx context.Context, _ models.Job) error {
	for {
		rows, err := e.Store.ExpiredExports(ctx, 100)
		if err != nil {
			return err
		}
		for _, ex := range rows {
			if err := e.Blobs.Delete(ctx, ex.BlobKey); err != nil && !errors.Is(err, blobstore.ErrNotFound) {
				return err
			}
			if err := e.Store.ExpireExport(ctx, ex.ID); err != nil {
				return err
			}
		}
		if len(rows) < 100 {
			break
		}
	}
	return e.Schedule(ctx)
}
