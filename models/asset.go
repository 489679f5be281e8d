package models

import (
	"encoding/json"
	"time"
)

// Region is an entry of the admin-editable region catalog images are published to.
type Region struct {
	Code        string `gorm:"primaryKey;size:40"`
	NameZh      string `gorm:"size:100;not null"`
	NameEn      string `gorm:"size:100;not null"`
	Recommended bool   `gorm:"not null;default:false"`
	// Restricted regions are offered only to merchants who already publish there.
	Restricted bool      `gorm:"not null;default:false"`
	Active     bool      `gorm:"not null;default:true"`
	SortOrder  int       `gorm:"not null;default:0"`
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
}

// Asset kinds.
const (
	AssetPackage = "package"
	AssetImage   = "image"
	AssetSaaS    = "saas"
)

// AssetKinds lists the kinds in display order.
var AssetKinds = []string{AssetPackage, AssetImage, AssetSaaS}

// Asset review states (资产审核).
const (
	AssetDraft    = "DRAFT"
	AssetScanning = "SCANNING"
	AssetApproved = "APPROVED"
	AssetRejected = "REJECTED"
)

// Image source kinds: only a system-disk image of a server built from a public image can be
// published; the others are refused with their reason.
const (
	ImageSystemDisk         = "system_disk"
	ImageShared             = "shared"
	ImageEncrypted          = "encrypted"
	ImageWholeServer        = "whole_server"
	ImageMarketplaceDerived = "marketplace_derived"
)

// ImageKinds lists every source kind a merchant may pick, allowed or not.
var ImageKinds = []string{ImageSystemDisk, ImageShared, ImageEncrypted, ImageWholeServer, ImageMarketplaceDerived}

// FlavorFamilies lists the ECS flavor families a source server may run on; which are
// accepted is the setting SettingImageFlavors.
var FlavorFamilies = []string{"general", "general_plus", "memory_optimized", "compute_intensive", "gpu"}

// Asset is one version of a merchant's software package, image or SaaS domain. A new
// version is a new asset with the same name.
type Asset struct {
	ID           uint   `gorm:"primaryKey"`
	MerchantID   uint   `gorm:"not null;index:idx_assets_merchant,priority:1;uniqueIndex:idx_assets_name_version,priority:1"`
	Kind         string `gorm:"size:20;not null;uniqueIndex:idx_assets_name_version,priority:2"`
	Name         string `gorm:"size:100;not null;uniqueIndex:idx_assets_name_version,priority:3"`
	AssetVersion string `gorm:"size:40;not null;uniqueIndex:idx_assets_name_version,priority:4"`
	Description  string `gorm:"size:1000;not null;default:''"`
	// Software package
	FileID           *uint
	Checksum         string `gorm:"size:64;not null;default:''"` // sha-256 the platform computed
	DeclaredChecksum string `gorm:"size:64;not null;default:''"` // sha-256 the merchant stated
	PackageFormat    string `gorm:"size:20;not null;default:''"`
	// Image
	ImageID      string `gorm:"size:64;not null;default:''"`
	ImageKind    string `gorm:"size:30;not null;default:''"`
	FromPublic   bool   `gorm:"not null;default:false"`
	FlavorFamily string `gorm:"size:30;not null;default:''"`
	OSType       string `gorm:"size:20;not null;default:''"`
	OSVersion    string `gorm:"size:100;not null;default:''"`
	// SaaS
	Domain           string `gorm:"size:253;not null;default:''"`
	VerifyToken      string `gorm:"size:64;not null;default:''"`
	DomainVerifiedAt *time.Time
	// Review
	Status        string `gorm:"size:20;not null;index:idx_assets_status,priority:1"`
	ScanReport    string `gorm:"type:text;not null;default:''"` // a ScanReport as JSON
	RejectReason  string `gorm:"size:60;not null;default:''"`
	RejectComment string `gorm:"size:1000;not null;default:''"`
	SubmittedByID *uint
	SubmittedAt   *time.Time `gorm:"index:idx_assets_status,priority:2"`
	DecidedAt     *time.Time
	DecidedByID   *uint
	Version       int       `gorm:"not null;default:1"`
	CreatedAt     time.Time `gorm:"not null;index:idx_assets_merchant,priority:2"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// AssetRegion is a region an image asset is replicated to.
type AssetRegion struct {
	AssetID    uint   `gorm:"primaryKey"`
	RegionCode string `gorm:"primaryKey;size:40"`
	MerchantID uint   `gorm:"not null;index:idx_asset_regions_merchant,priority:1"`
}

// Editable tells whether the merchant may change the asset.
func (a *Asset) Editable() bool { return a.Status == AssetDraft || a.Status == AssetRejected }

// Submit sends a draft or rejected asset to scanning and review.
func (a *Asset) Submit(userID uint, now time.Time) error {
	if !a.Editable() {
		return ErrIllegalTransition
	}
	if a.Kind == AssetSaaS && a.DomainVerifiedAt == nil {
		return ErrIllegalTransition
	}
	a.Status, a.SubmittedAt, a.SubmittedByID = AssetScanning, &now, &userID
	a.ScanReport, a.RejectReason, a.RejectComment = "", "", ""
	return nil
}

// Approve accepts a scanned asset.
func (a *Asset) Approve(reviewerID uint, now time.Time) error {
	if a.Status != AssetScanning {
		return ErrIllegalTransition
	}
	if a.SubmittedByID != nil && *a.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	a.Status, a.DecidedAt, a.DecidedByID = AssetApproved, &now, &reviewerID
	return nil
}

// Reject refuses a scanned asset with a reason; the merchant may fix it and resubmit.
func (a *Asset) Reject(reviewerID uint, now time.Time, reason, comment string) error {
	if a.Status != AssetScanning {
		return ErrIllegalTransition
	}
	if a.SubmittedByID != nil && *a.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	a.Status, a.DecidedAt, a.DecidedByID = AssetRejected, &now, &reviewerID
	a.RejectReason, a.RejectComment = reason, comment
	return nil
}

// ScanLine is one finding of the automatic asset scan: a message of the catalogs and its
// arguments (a name ending in "Key" is a message key itself), so the report reads in the
// language of whoever looks at it.
type ScanLine struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// ScanReport is what the automatic scan found, line by line.
type ScanReport []ScanLine

// Report reads the stored scan report. Reports written before they were kept as
// messages come back as one line of plain text (ok false).
func (a *Asset) Report() (lines ScanReport, text string, ok bool) {
	if a.ScanReport == "" {
		return nil, "", true
	}
	if err := json.Unmarshal([]byte(a.ScanReport), &lines); err != nil {
		return nil, a.ScanReport, false
	}
	return lines, "", true
}
