package jobs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func tarball(names ...string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		_ = tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: 2})
		_, _ = tw.Write([]byte("hi"))
	}
	tw.Close()
	return buf.Bytes()
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestAssetScanChecksPackages(t *testing.T) {
	cases := []struct {
		name     string
		data     []byte
		declared func(sum string) string
		status   string
		format   string
	}{
		{"tar.gz with the right checksum", gz(tarball("app/bin", "app/conf")), func(s string) string { return s }, models.AssetScanning, "tar.gz"},
		{"zip without a declared checksum", append([]byte("PK\x03\x04"), make([]byte, 100)...), func(string) string { return "" }, models.AssetScanning, "zip"},
		{"container image archive", tarball("manifest.json", "layer.tar"), func(string) string { return "" }, models.AssetScanning, "container_image"},
		{"wrong checksum", tarball("a"), func(string) string { return strings.Repeat("0", 64) }, models.AssetRejected, "tar"},
		{"not an archive", []byte("#!/bin/sh\necho hi\n"), func(string) string { return "" }, models.AssetRejected, "unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := testdb.Open(t)
			ctx := context.Background()
			blobs, _ := blobstore.NewLocal(filepath.Join(t.TempDir(), "b"))
			u, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
			if err := env.DB.W.Model(&models.Merchant{}).Where("id = ?", *u.MerchantID).Update("activated_at", env.Clock.Now()).Error; err != nil {
				t.Fatal(err)
			}
			key, size, _ := blobs.Put(ctx, bytes.NewReader(c.data), 1<<20)
			sum := sha256.Sum256(c.data)
			act := models.Actor{UserID: u.ID}
			a, err := env.Store.CreateAsset(ctx, act, *u.MerchantID, models.AssetInput{Kind: models.AssetPackage, Name: "pkg", AssetVersion: "1",
				Package: &models.Upload{Purpose: "package", BlobKey: key, Filename: "p", ContentType: "application/octet-stream", Size: size}, DeclaredChecksum: c.declared(hex.EncodeToString(sum[:]))})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.Store.SubmitAsset(ctx, act, *u.MerchantID, a.ID); err != nil {
				t.Fatal(err)
			}
			w := NewWorker(env.Store, quietLog())
			(&AssetScanner{Store: env.Store, Blobs: blobs}).Register(w)
			if err := w.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			a, _ = env.Store.AssetByID(ctx, a.ID)
			if a.Status != c.status || a.PackageFormat != c.format && c.status == models.AssetScanning {
				t.Fatalf("status %s format %s, want %s %s\n%s", a.Status, a.PackageFormat, c.status, c.format, a.ScanReport)
			}
			if c.status == models.AssetScanning && a.Checksum != hex.EncodeToString(sum[:]) {
				t.Fatalf("checksum %s", a.Checksum)
			}
			lines, _, ok := a.Report()
			if !ok || !slices.ContainsFunc(lines, func(l models.ScanLine) bool {
				return l.Key == "scan.package.format" && l.Args["Format"] == c.format
			}) {
				t.Fatalf("report lacks the format:\n%s", a.ScanReport)
			}
		})
	}
}
