package jobs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// TestBlobSweepRemovesOnlyUnrecordedOldBlobs: a blob that no file or export points to is
// removed once it is older than the grace period; recorded ones and young ones stay.
func TestBlobSweepRemovesOnlyUnrecordedOldBlobs(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blobs")
	blobs, err := blobstore.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	put := func() string {
		k, _, err := blobs.Put(ctx, bytes.NewReader([]byte("data")), 100)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	u, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	recorded, exported, orphan, young := put(), put(), put(), put()
	if _, err := env.Store.SubmitRealName(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, models.RealNameInput{Subject: models.SubjectEnterprise,
		Method: models.MethodCertificate, Name: "X", CertType: models.CertUSCC, CertNumber: "91350100M000100Y43", LegalRepName: "Z",
		Files: models.Uploads{{Purpose: models.FileLicence, BlobKey: recorded, Filename: "l.png", ContentType: "image/png", Size: 4}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.RecordDirectExport(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, "csv", models.ExportSpec{Lang: "en"}, exported, "orders.csv", 4, 1); err != nil {
		t.Fatal(err)
	}
	// Everything was written now; the sweep runs two days on, when only the young blob
	// (written a day and a half later, say by a submission in progress) is inside the grace.
	now := time.Now()
	env.Clock.Set(now.Add(2 * 24 * time.Hour))
	youngAt := now.Add(2*24*time.Hour - BlobGrace/2)
	if err := os.Chtimes(filepath.Join(dir, young[:2], young), youngAt, youngAt); err != nil {
		t.Fatal(err)
	}
	sw := &BlobSweeper{Store: env.Store, Blobs: blobs}
	n, err := sw.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("swept %d, %v; want the one orphan", n, err)
	}
	for key, want := range map[string]bool{recorded: true, exported: true, young: true, orphan: false} {
		rc, err := blobs.Open(ctx, key)
		if (err == nil) != want {
			t.Errorf("blob %s present %v, want %v", key, err == nil, want)
		}
		if rc != nil {
			rc.Close()
		}
	}
	// The job reschedules itself.
	w := NewServerWorker(Deps{Store: env.Store, Blobs: blobs}, quietLog())
	if err := sw.Schedule(ctx); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(sweepEvery)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var next int64
	env.DB.R.Model(&models.Job{}).Where("kind = ? AND status = ?", models.JobBlobSweep, models.JobQueued).Count(&next)
	if next != 1 {
		t.Fatalf("%d sweeps queued after a run", next)
	}
}
