package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// JobAssetScan asks for the automatic checks of a submitted asset.
const JobAssetScan = "asset_scan"

// AssetScanPayload names the asset to scan.
type AssetScanPayload struct {
	AssetID uint `json:"asset_id"`
}

// Regions lists the whole catalog for admins.
func (s *Store) Regions(ctx context.Context) ([]Region, error) {
	var rows []Region
	err := s.r.WithContext(ctx).Order("sort_order, code").Find(&rows).Error
	return rows, err
}

// RegionsFor lists the active regions a merchant may publish to: restricted ones only
// where the merchant already has an image.
func (s *Store) RegionsFor(ctx context.Context, merchantID uint) ([]Region, error) {
	var rows []Region
	used := s.r.Model(&AssetRegion{}).Select("region_code").Where("merchant_id = ?", merchantID)
	err := s.r.WithContext(ctx).Where("active = ? AND (restricted = ? OR code IN (?))", true, false, used).
		Order("sort_order, code").Find(&rows).Error
	return rows, err
}

// SaveRegion creates or updates a catalog entry.
func (s *Store) SaveRegion(ctx context.Context, a Actor, r Region, create bool) error {
	return s.Tx(ctx, func(tx *Store) error {
		var before Region
		err := first(tx.w.Where("code = ?", r.Code), &before)
		switch {
		case create && err == nil:
			return &FieldError{Field: "code", Key: "error.region_exists"}
		case !create && err != nil:
			return err
		case create && !errors.Is(err, ErrNotFound):
			return err
		}
		now := tx.clock.Now()
		r.UpdatedAt = now
		if create {
			r.CreatedAt = now
			if err := tx.w.Create(&r).Error; err != nil {
				return err
			}
			return tx.audit(a, "region.create", "region", 0, nil, nil, r, "", "")
		}
		r.CreatedAt = before.CreatedAt
		if err := tx.w.Save(&r).Error; err != nil {
			return err
		}
		return tx.audit(a, "region.update", "region", 0, nil, before, r, "", "")
	})
}

// RegionByCode reads one catalog entry.
func (s *Store) RegionByCode(ctx context.Context, code string) (Region, error) {
	var r Region
	return r, first(s.r.WithContext(ctx).Where("code = ?", code), &r)
}

// AssetInput is what the merchant typed for an asset.
type AssetInput struct {
	Kind, Name, AssetVersion, Description string
	Package                               *Upload // a new package file, recorded with the asset
	DeclaredChecksum                      string
	ImageID, ImageKind, FlavorFamily      string
	FromPublic                            bool
	OSType, OSVersion                     string
	Regions                               []string
	Domain                                string
}

// AssetFilter narrows the merchant's asset list.
type AssetFilter struct {
	Kind, Status string
	Page, Per    int
}

// Assets lists the merchant's assets, newest first.
func (s *Store) Assets(ctx context.Context, merchantID uint, f AssetFilter) ([]Asset, int64, error) {
	q := s.r.WithContext(ctx).Model(&Asset{}).Where("merchant_id = ?", merchantID)
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []Asset
	err := q.Order("created_at DESC, id DESC").Offset((f.Page - 1) * f.Per).Limit(f.Per).Find(&rows).Error
	return rows, total, err
}

// AssetOf reads one of the merchant's assets.
func (s *Store) AssetOf(ctx context.Context, merchantID, id uint) (Asset, error) {
	var a Asset
	return a, first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &a)
}

// AssetByID reads an asset for the reviewer console and the scan job.
func (s *Store) AssetByID(ctx context.Context, id uint) (Asset, error) {
	var a Asset
	return a, first(s.r.WithContext(ctx).Where("id = ?", id), &a)
}

// AssetRegionCodes lists the regions of an image asset.
func (s *Store) AssetRegionCodes(ctx context.Context, assetID uint) ([]string, error) {
	var codes []string
	err := s.r.WithContext(ctx).Model(&AssetRegion{}).Where("asset_id = ?", assetID).Order("region_code").Pluck("region_code", &codes).Error
	return codes, err
}

// AssetInUse counts the products and the open (draft, pending or rejected) product
// applications that point at an asset.
func (s *Store) AssetInUse(ctx context.Context, assetID uint) (int64, error) {
	var products, apps int64
	if err := s.r.WithContext(ctx).Model(&Product{}).Where("asset_id = ? AND listing <> ?", assetID, ListingDelisted).Count(&products).Error; err != nil {
		return 0, err
	}
	err := s.r.WithContext(ctx).Model(&ProductApplication{}).Where("asset_id = ? AND status IN ?", assetID, []string{PADraft, PAPending, PARejected}).Count(&apps).Error
	return products + apps, err
}

func newVerifyToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// checkAssetInput applies the rules a form cannot: image regions from the merchant's
// catalog, flavors from the setting, refused image kinds.
func (s *Store) checkAssetInput(ctx context.Context, merchantID uint, in AssetInput) error {
	if in.Kind != AssetImage {
		return nil
	}
	if in.ImageKind != ImageSystemDisk {
		return &FieldError{Field: "image_kind", Key: "asset.refused." + in.ImageKind}
	}
	if !in.FromPublic {
		return &FieldError{Field: "from_public", Key: "asset.refused.not_public"}
	}
	allowed := map[string]bool{}
	for _, f := range strings.Split(s.settingString(ctx, SettingImageFlavors), ",") {
		allowed[strings.TrimSpace(f)] = true
	}
	if !allowed[in.FlavorFamily] {
		return &FieldError{Field: "flavor_family", Key: "asset.refused.flavor"}
	}
	regions, err := s.RegionsFor(ctx, merchantID)
	if err != nil {
		return err
	}
	if len(in.Regions) == 0 {
		return &FieldError{Field: "regions", Key: "error.required"}
	}
	for _, code := range in.Regions {
		if !slices.ContainsFunc(regions, func(r Region) bool { return r.Code == code }) {
			return &FieldError{Field: "regions", Key: "error.choice"}
		}
	}
	return nil
}

func (s *Store) settingString(ctx context.Context, key string) string {
	var row Setting
	if err := s.r.WithContext(ctx).Where("key = ?", key).Take(&row).Error; err != nil {
		return ""
	}
	return row.Value
}

func (s *Store) setAssetRegions(a Asset, codes []string) error {
	if err := s.w.Where("asset_id = ?", a.ID).Delete(&AssetRegion{}).Error; err != nil {
		return err
	}
	for _, c := range codes {
		if err := s.w.Create(&AssetRegion{AssetID: a.ID, RegionCode: c, MerchantID: a.MerchantID}).Error; err != nil {
			return err
		}
	}
	return nil
}

// CreateAsset registers a draft asset for an active merchant.
func (s *Store) CreateAsset(ctx context.Context, act Actor, merchantID uint, in AssetInput) (Asset, error) {
	var a Asset
	if err := s.checkAssetInput(ctx, merchantID, in); err != nil {
		return a, err
	}
	err := s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.w.Where("id = ?", merchantID), &m); err != nil {
			return err
		}
		if !m.Active() {
			return ErrStepLocked
		}
		if err := tx.assetNameFree(merchantID, 0, in); err != nil {
			return err
		}
		fileID, err := tx.recordPackage(act, merchantID, in.Package)
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		a = Asset{MerchantID: merchantID, Status: AssetDraft, CreatedAt: now, UpdatedAt: now}
		applyAssetInput(&a, in, fileID)
		if a.Kind == AssetSaaS {
			tok, err := newVerifyToken()
			if err != nil {
				return err
			}
			a.VerifyToken = tok
		}
		if err := tx.w.Create(&a).Error; err != nil {
			return err
		}
		if a.FileID != nil {
			if err := tx.attachFiles(merchantID, "asset", a.ID, []uint{*a.FileID}); err != nil {
				return err
			}
		}
		if err := tx.setAssetRegions(a, in.Regions); err != nil {
			return err
		}
		return tx.audit(act, "asset.create", "asset", a.ID, &merchantID, nil, map[string]any{"kind": a.Kind, "name": a.Name, "version": a.AssetVersion}, "", "")
	})
	return a, err
}

func (s *Store) assetNameFree(merchantID, exceptID uint, in AssetInput) error {
	var n int64
	if err := s.w.Model(&Asset{}).Where("merchant_id = ? AND kind = ? AND name = ? AND asset_version = ? AND id <> ?",
		merchantID, in.Kind, in.Name, in.AssetVersion, exceptID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return &FieldError{Field: "asset_version", Key: "error.asset_version_taken"}
	}
	return nil
}

// recordPackage records a new package upload; nil when the form brought none.
func (s *Store) recordPackage(act Actor, merchantID uint, pkg *Upload) (*uint, error) {
	if pkg == nil {
		return nil, nil
	}
	ids, err := s.recordUploads(act, &merchantID, Uploads{*pkg})
	if err != nil {
		return nil, err
	}
	return one(ids, pkg.Purpose), nil
}

// applyAssetInput copies the form onto a; fileID is a newly recorded package, if any.
func applyAssetInput(a *Asset, in AssetInput, fileID *uint) {
	a.Kind, a.Name, a.AssetVersion, a.Description = in.Kind, in.Name, in.AssetVersion, in.Description
	switch in.Kind {
	case AssetPackage:
		if fileID != nil {
			a.FileID, a.Checksum, a.PackageFormat = fileID, "", ""
		}
		a.DeclaredChecksum = strings.ToLower(in.DeclaredChecksum)
	case AssetImage:
		a.ImageID, a.ImageKind, a.FromPublic, a.FlavorFamily = in.ImageID, in.ImageKind, in.FromPublic, in.FlavorFamily
		a.OSType, a.OSVersion = in.OSType, in.OSVersion
	case AssetSaaS:
		if a.Domain != strings.ToLower(in.Domain) {
			a.Domain, a.DomainVerifiedAt = strings.ToLower(in.Domain), nil
		}
	}
}

// UpdateAsset changes a draft or rejected asset; a new domain must be verified again.
func (s *Store) UpdateAsset(ctx context.Context, act Actor, merchantID, id uint, in AssetInput) (Asset, error) {
	var a Asset
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &a); err != nil {
			return err
		}
		if !a.Editable() {
			return ErrIllegalTransition
		}
		in.Kind = a.Kind
		if err := tx.checkAssetInput(ctx, merchantID, in); err != nil {
			return err
		}
		if err := tx.assetNameFree(merchantID, a.ID, in); err != nil {
			return err
		}
		fileID, err := tx.recordPackage(act, merchantID, in.Package)
		if err != nil {
			return err
		}
		applyAssetInput(&a, in, fileID)
		ver := a.Version
		a.Version++
		a.UpdatedAt = tx.clock.Now()
		res := tx.w.Model(&Asset{}).Where("id = ? AND version = ?", a.ID, ver).Select("*").Omit("created_at").Updates(&a)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		if fileID != nil {
			if err := tx.attachFiles(merchantID, "asset", a.ID, []uint{*fileID}); err != nil {
				return err
			}
		}
		if a.Kind == AssetImage {
			if err := tx.setAssetRegions(a, in.Regions); err != nil {
				return err
			}
		}
		return tx.audit(act, "asset.update", "asset", a.ID, &merchantID, nil, map[string]any{"name": a.Name, "version": a.AssetVersion}, "", "")
	})
	return a, err
}

// assetMove applies a transition to one of the merchant's assets with its audit row.
func (s *Store) assetMove(ctx context.Context, act Actor, merchantID, id uint, action string, move func(tx *Store, a *Asset) error) (Asset, error) {
	var a Asset
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &a); err != nil {
			return err
		}
		before := a.Status
		if err := move(tx, &a); err != nil {
			return err
		}
		if err := tx.saveVersioned(&Asset{}, a.ID, a.Version, map[string]any{
			"status": a.Status, "submitted_at": a.SubmittedAt, "submitted_by_id": a.SubmittedByID, "scan_report": a.ScanReport,
			"reject_reason": a.RejectReason, "reject_comment": a.RejectComment, "domain_verified_at": a.DomainVerifiedAt,
		}); err != nil {
			return err
		}
		a.Version++
		return tx.audit(act, action, "asset", a.ID, &merchantID, before, a.Status, "", "")
	})
	return a, err
}

// SubmitAsset sends an asset to scanning and review; the scan job runs next.
func (s *Store) SubmitAsset(ctx context.Context, act Actor, merchantID, id uint) (Asset, error) {
	return s.assetMove(ctx, act, merchantID, id, "asset.submit", func(tx *Store, a *Asset) error {
		if err := a.Submit(act.UserID, tx.clock.Now()); err != nil {
			return err
		}
		return tx.enqueue(JobAssetScan, AssetScanPayload{AssetID: a.ID}, tx.clock.Now(), "")
	})
}

// MarkDomainVerified records that the verification file was found at the domain root.
func (s *Store) MarkDomainVerified(ctx context.Context, act Actor, merchantID, id uint) (Asset, error) {
	return s.assetMove(ctx, act, merchantID, id, "asset.domain_verified", func(tx *Store, a *Asset) error {
		if a.Kind != AssetSaaS || !a.Editable() {
			return ErrIllegalTransition
		}
		now := tx.clock.Now()
		a.DomainVerifiedAt = &now
		return nil
	})
}

// DeleteAsset removes an asset no product uses and no reviewer is looking at.
func (s *Store) DeleteAsset(ctx context.Context, act Actor, merchantID, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var a Asset
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &a); err != nil {
			return err
		}
		if a.Status == AssetScanning {
			return ErrIllegalTransition
		}
		n, err := tx.AssetInUse(ctx, a.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrAssetInUse
		}
		if err := tx.w.Where("asset_id = ?", a.ID).Delete(&AssetRegion{}).Error; err != nil {
			return err
		}
		if err := tx.w.Delete(&a).Error; err != nil {
			return err
		}
		return tx.audit(act, "asset.delete", "asset", a.ID, &merchantID, a.Status, nil, "", "")
	})
}

// ErrAssetInUse: a product or draft points at the asset.
var ErrAssetInUse = errors.New("asset in use")

// RecordAssetScan stores the automatic checks' report; a failed check rejects the asset
// at once (a reviewer then has nothing to decide).
func (s *Store) RecordAssetScan(ctx context.Context, id uint, checksum, format string, report ScanReport, failReason string) error {
	raw, err := json.Marshal(report)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Store) error {
		var a Asset
		if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &a); err != nil {
			return err
		}
		if a.Status != AssetScanning {
			return nil // decided or withdrawn meanwhile: the report is stale
		}
		fields := map[string]any{"scan_report": string(raw)}
		if checksum != "" {
			fields["checksum"], fields["package_format"] = checksum, format
		}
		var m Merchant
		if err := first(tx.w.Where("id = ?", a.MerchantID), &m); err != nil {
			return err
		}
		if failReason != "" {
			if err := a.Reject(0, tx.clock.Now(), failReason, ""); err != nil {
				return err
			}
			fields["status"], fields["decided_at"], fields["reject_reason"] = a.Status, a.DecidedAt, a.RejectReason
		}
		if err := tx.saveVersioned(&Asset{}, a.ID, a.Version, fields); err != nil {
			return err
		}
		if failReason == "" {
			return tx.audit(Actor{Email: ActorSystem}, "asset.scanned", "asset", a.ID, &a.MerchantID, nil, nil, "", "")
		}
		if err := tx.audit(Actor{Email: ActorSystem}, "asset.reject", "asset", a.ID, &a.MerchantID, AssetScanning, AssetRejected, failReason, ""); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: m.OwnerUserID, Kind: "asset.reject", TitleKey: "notify.asset_rejected.title", BodyKey: "notify.asset_rejected.body",
			Args: map[string]any{"Name": a.Name, "Version": a.AssetVersion, "ReasonKey": failReason, "Comment": ""}, To: to(TargetAsset, a.ID)})
	})
}

// DecideAsset approves or rejects a scanned asset.
func (s *Store) DecideAsset(ctx context.Context, act Actor, id uint, d Decision) error {
	return decideReview(s, ctx, act, id, d, assetReview)
}

// assetReview: nothing changes besides the asset itself.
var assetReview = reviewKind[Asset]{
	objType: "asset", pending: AssetScanning, notice: "asset",
	target: func(a *Asset) Target { return to(TargetAsset, a.ID) },
	args:   func(a *Asset) map[string]any { return map[string]any{"Name": a.Name, "Version": a.AssetVersion} },
}

func (a *Asset) decide(d Decision, by uint, now time.Time) error {
	if d.Approve {
		return a.Approve(by, now)
	}
	return a.Reject(by, now, d.Reason, d.Comment)
}

func (a *Asset) reviewRow() reviewRow {
	return reviewRow{ID: a.ID, Version: a.Version, MerchantID: a.MerchantID, Status: a.Status}
}

func (a *Asset) decisionFields() map[string]any {
	return verdictFields(a.Status, a.DecidedAt, a.DecidedByID, a.RejectReason, a.RejectComment)
}
