package pages

import (
	"context"
	"strconv"

	"sellercenter/models"
	"sellercenter/web/i18n"
)

// AssetReviewVM is one asset in the reviewer console.
type AssetReviewVM struct {
	Review  ReviewVM
	A       models.Asset
	File    *AssetFile   // a package's upload
	Regions []RegionName // an image's regions
}

// AssetFile is a package's uploaded archive.
type AssetFile struct {
	URL  string
	Name string
	Size int64
}

// RegionName is a region code with its catalog name in the reader's language.
type RegionName struct {
	Code string
	Name string // empty when the catalog no longer has the code
}

// ChecksumMismatch tells whether the scan computed a sha-256 other than the one the
// merchant declared.
func (vm AssetReviewVM) ChecksumMismatch() bool {
	return vm.A.DeclaredChecksum != "" && vm.A.Checksum != "" && vm.A.DeclaredChecksum != vm.A.Checksum
}

// fileSize shows a byte count.
func fileSize(ctx context.Context, n int64) string {
	return i18n.T(ctx, "admin.asset.bytes", "N", strconv.FormatInt(n, 10))
}
