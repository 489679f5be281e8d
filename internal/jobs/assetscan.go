package jobs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"

	"sellercenter/internal/blobstore"
	"sellercenter/models"
)

// AssetScanner runs the automatic checks of a submitted asset and writes their report
// for the reviewer: for a package its real checksum and archive format, for an image the
// publishing rules, for SaaS the domain verification. A failed check rejects at once.
type AssetScanner struct {
	Store *models.Store
	Blobs blobstore.Store
}

// Register adds the scan handler to w.
func (s *AssetScanner) Register(w *Worker) { w.Handlers[models.JobAssetScan] = s.run }

func (s *AssetScanner) run(ctx context.Context, j models.Job) error {
	var p models.AssetScanPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return err
	}
	return s.Scan(ctx, p.AssetID)
}

// Scan runs the automatic checks of a submitted asset now (the job does it for
// submissions; the demo data calls it so its assets carry their reports).
func (s *AssetScanner) Scan(ctx context.Context, id uint) error {
	a, err := s.Store.AssetByID(ctx, id)
	if err != nil {
		return err
	}
	if a.Status != models.AssetScanning {
		return nil
	}
	var report models.ScanReport
	var checksum, format, fail string
	switch a.Kind {
	case models.AssetPackage:
		checksum, format, report, fail, err = s.scanPackage(ctx, a)
		if err != nil {
			return err
		}
	case models.AssetImage:
		public := "common.no"
		if a.FromPublic {
			public = "common.yes"
		}
		report = append(report, models.ScanLine{Key: "scan.image.id", Args: map[string]any{"ID": a.ImageID}},
			models.ScanLine{Key: "scan.image.kind", Args: map[string]any{"KindKey": "asset.image_kind." + a.ImageKind}},
			models.ScanLine{Key: "scan.image.flavor", Args: map[string]any{"Flavor": a.FlavorFamily}},
			models.ScanLine{Key: "scan.image.public", Args: map[string]any{"PublicKey": public}})
		regions, err := s.Store.AssetRegionCodes(ctx, a.ID)
		if err != nil {
			return err
		}
		report = append(report, models.ScanLine{Key: "scan.image.regions", Args: map[string]any{"Regions": strings.Join(regions, ", ")}})
		if a.ImageKind != models.ImageSystemDisk || !a.FromPublic {
			fail = "reason.asset.image_not_publishable"
		}
	case models.AssetSaaS:
		if a.DomainVerifiedAt == nil {
			fail = "reason.asset.domain_unverified"
		} else {
			report = append(report, models.ScanLine{Key: "scan.saas.domain_verified",
				Args: map[string]any{"Domain": a.Domain, "At": a.DomainVerifiedAt.UTC().Format("2006-01-02 15:04:05 UTC")}})
		}
	}
	if fail != "" {
		report = append(report, models.ScanLine{Key: "scan.failed", Args: map[string]any{"ReasonKey": fail}})
	} else {
		report = append(report, models.ScanLine{Key: "scan.passed"})
	}
	return s.Store.RecordAssetScan(ctx, a.ID, checksum, format, report, fail)
}

// Accepted package formats.
var packageFormats = map[string]bool{"zip": true, "tar": true, "tar.gz": true, "container_image": true}

func (s *AssetScanner) scanPackage(ctx context.Context, a models.Asset) (sum, format string, report models.ScanReport, fail string, err error) {
	if a.FileID == nil {
		return "", "", nil, "reason.asset.file_missing", nil
	}
	files, err := s.Store.FilesFor(ctx, "asset", a.ID)
	if err != nil {
		return "", "", nil, "", err
	}
	var key string
	var size int64
	for _, f := range files {
		if f.ID == *a.FileID {
			key, size = f.BlobKey, f.Size
		}
	}
	if key == "" {
		return "", "", nil, "reason.asset.file_missing", nil
	}
	rc, err := s.Blobs.Open(ctx, key)
	if err != nil {
		return "", "", nil, "", err
	}
	defer rc.Close()
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(rc, h), 1<<16)
	format = detectFormat(br)
	if _, err := io.Copy(io.Discard, br); err != nil {
		return "", "", nil, "", err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	report = models.ScanReport{{Key: "scan.package.size", Args: map[string]any{"Bytes": size}},
		{Key: "scan.package.sha256", Args: map[string]any{"Sum": sum}}, {Key: "scan.package.format", Args: map[string]any{"Format": format}}}
	switch {
	case !packageFormats[format]:
		fail = "reason.asset.format"
	case a.DeclaredChecksum != "" && a.DeclaredChecksum != sum:
		report = append(report, models.ScanLine{Key: "scan.package.declared", Args: map[string]any{"Sum": a.DeclaredChecksum}})
		fail = "reason.asset.checksum_mismatch"
	}
	return sum, format, report, fail, nil
}

// detectFormat reads the head of an archive without consuming it.
func detectFormat(br *bufio.Reader) string {
	head, _ := br.Peek(1 << 16)
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "zip"
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return "gzip"
		}
		inner := make([]byte, 512)
		n, _ := io.ReadFull(zr, inner)
		if isTar(inner[:n]) {
			return "tar.gz"
		}
		return "gzip"
	case isTar(head):
		tr := tar.NewReader(bytes.NewReader(head))
		for i := 0; i < 64; i++ {
			hdr, err := tr.Next()
			if err != nil {
				break
			}
			if hdr.Name == "manifest.json" || hdr.Name == "index.json" {
				return "container_image"
			}
		}
		return "tar"
	}
	return "unknown"
}

func isTar(b []byte) bool { return len(b) >= 262 && string(b[257:262]) == "ustar" }
