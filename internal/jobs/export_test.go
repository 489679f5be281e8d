package jobs

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// failingBlobs reads part of what it is given, then fails, like a full disk.
type failingBlobs struct {
	blobstore.Store
	read int64
}

func (f *failingBlobs) Put(_ context.Context, r io.Reader, _ int64) (string, int64, error) {
	n, _ := io.CopyN(io.Discard, r, 4096)
	f.read += n
	return "", 0, errors.New("disk full")
}

func TestExportFailureRetriesThenMarksFailed(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	testdb.BulkOrders(t, env, 5, 3000, env.Clock.Now())
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ex, err := env.Store.CreateExport(ctx, models.Actor{UserID: 1}, 5, models.ExportCSV, models.ExportSpec{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	blobs := &failingBlobs{}
	w := NewWorker(env.Store, quietLog())
	(&Exporter{Store: env.Store, Blobs: blobs, Catalog: cat}).Register(w)
	if _, err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := env.Store.ExportByID(ctx, ex.ID)
	if got.Status != models.ExportQueued || got.Error == "" || blobs.read == 0 {
		t.Fatalf("after a failed attempt: %s %q (read %d)", got.Status, got.Error, blobs.read)
	}
	// The writer stopped with the store: nothing hangs, and the last attempt gives up.
	for i := 0; i < 10; i++ {
		env.Clock.Advance(24 * time.Hour)
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got, _ = env.Store.ExportByID(ctx, ex.ID)
	if got.Status != models.ExportFailed || got.BlobKey != "" || got.FinishedAt == nil {
		t.Fatalf("after the last attempt: %+v", got)
	}
}

func TestExportOfAFinishedRecordDoesNothing(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	cat, _ := i18n.Load()
	ex, err := env.Store.CreateExport(ctx, models.Actor{UserID: 1}, 5, models.ExportXLSX, models.ExportSpec{Lang: "zh-CN"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.DB.W.Model(&models.ExportJob{}).Where("id = ?", ex.ID).Update("status", models.ExportExpired).Error; err != nil {
		t.Fatal(err)
	}
	blobs := &failingBlobs{}
	w := NewWorker(env.Store, quietLog())
	(&Exporter{Store: env.Store, Blobs: blobs, Catalog: cat}).Register(w)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if blobs.read != 0 {
		t.Fatal("an expired export was written again")
	}
}
