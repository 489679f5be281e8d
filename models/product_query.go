package models

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// StandardsError lists what an application still misses before it can be submitted.
type StandardsError struct{ Gaps []Missing }

func (e *StandardsError) Error() string {
	return fmt.Sprintf("%d publishing standards not met", len(e.Gaps))
}

// ErrOpenApplication: the product already has a draft or pending application.
var ErrOpenApplication = errors.New("product has an open application")

// skuCode makes a new stable code for a spec or a sellable period.
func skuCode(prefix string) (string, error) {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b), nil
}

func marshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// ContentOf decodes an application's snapshot.
func (a ProductApplication) ContentOf() (ProductContent, error) {
	var c ProductContent
	err := json.Unmarshal([]byte(a.Snapshot), &c)
	return c, err
}

// LiveContent decodes a product's approved content.
func (p Product) LiveContent() (ProductContent, error) {
	var c ProductContent
	err := json.Unmarshal([]byte(p.Content), &c)
	return c, err
}

// NewProductDraft starts a product with its publish application in draft.
func (s *Store) NewProductDraft(ctx context.Context, act Actor, merchantID uint, c ProductContent, ups ...Upload) (Product, ProductApplication, error) {
	var p Product
	var app ProductApplication
	err := s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.w.Where("id = ?", merchantID), &m); err != nil {
			return err
		}
		if !m.Active() {
			return ErrStepLocked
		}
		if err := tx.recordProductUploads(act, merchantID, &c, ups); err != nil {
			return err
		}
		now := tx.clock.Now()
		p = Product{MerchantID: merchantID, Type: c.Type, Category: c.Category, NameZh: c.NameZh, NameEn: c.NameEn,
			Listing: ListingNotListed, Content: "{}", CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&p).Error; err != nil {
			return err
		}
		app = ProductApplication{MerchantID: merchantID, ProductID: p.ID, Kind: AppPublish, Status: PADraft,
			Snapshot: marshal(c), AssetID: c.AssetID, SaaSAddressID: c.SaaSAddress(), CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&app).Error; err != nil {
			return err
		}
		return tx.audit(act, "product.create", "product", p.ID, &merchantID, nil, map[string]any{"type": c.Type, "name": c.NameZh}, "", "")
	})
	return p, app, err
}

// File purposes of a product's content.
const (
	FileProductLogo         = "product_logo"
	FileProductMedia        = "product_media"
	FileProductEULA         = "product_eula"
	FileRequirementTemplate = "product_requirement_template"
	FileDeliveryTemplate    = "product_delivery_template"
)

// recordProductUploads records a draft's new files and puts their ids into c.
func (s *Store) recordProductUploads(act Actor, merchantID uint, c *ProductContent, ups Uploads) error {
	if len(ups) == 0 {
		return nil
	}
	ids, err := s.recordUploads(act, &merchantID, ups)
	if err != nil {
		return err
	}
	set := func(purpose string, dst **uint) {
		if id := one(ids, purpose); id != nil {
			*dst = id
		}
	}
	set(FileProductLogo, &c.LogoFileID)
	set(FileProductEULA, &c.EULAFileID)
	if v := ids[FileProductMedia]; len(v) > 0 {
		c.MediaFileIDs = v
	}
	if c.Service != nil {
		set(FileRequirementTemplate, &c.Service.RequirementTemplateFileID)
		set(FileDeliveryTemplate, &c.Service.DeliveryTemplateFileID)
	}
	return nil
}

// latestApplication is the product's newest application.
func (s *Store) latestApplication(productID uint) (ProductApplication, error) {
	var a ProductApplication
	return a, first(s.w.Where("product_id = ?", productID).Order("id DESC"), &a)
}

// SaveProductDraft replaces the snapshot of an editable application. Only the product's
// latest application may be edited, and a modify must keep every live spec (specs are
// removed by their own application).
// New files (ups) are recorded in the same transaction and replace the ones of their
// purpose; a purpose without a new file keeps the saved one.
func (s *Store) SaveProductDraft(ctx context.Context, act Actor, merchantID, appID uint, c ProductContent, ups ...Upload) (ProductApplication, error) {
	var app ProductApplication
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", appID, merchantID)), &app); err != nil {
			return err
		}
		if !app.Editable() || (app.Kind != AppPublish && app.Kind != AppModify) {
			return ErrIllegalTransition
		}
		latest, err := tx.latestApplication(app.ProductID)
		if err != nil {
			return err
		}
		if latest.ID != app.ID {
			return ErrIllegalTransition
		}
		var p Product
		if err := first(tx.w.Where("id = ?", app.ProductID), &p); err != nil {
			return err
		}
		c.Type = p.Type
		if app.Kind == AppModify {
			if err := tx.keepsLiveSpecs(p.ID, c); err != nil {
				return err
			}
		}
		if i, key := c.CheckUpgradeRules(); i >= 0 {
			return &FieldError{Field: "upgrade-" + fmt.Sprint(i), Key: key}
		}
		rules, err := tx.ProductRegionRules(ctx, merchantID, c.Type, c.AssetID)
		if err != nil {
			return err
		}
		if err := rules.check(c); err != nil {
			return err
		}
		if err := tx.recordProductUploads(act, merchantID, &c, ups); err != nil {
			return err
		}
		if err := tx.saveVersioned(&ProductApplication{}, app.ID, app.Version, map[string]any{"snapshot": marshal(c), "asset_id": c.AssetID, "saas_address_id": c.SaaSAddress()}); err != nil {
			return err
		}
		app.Version++
		app.Snapshot = marshal(c)
		if p.Listing == ListingNotListed {
			if err := tx.w.Model(&Product{}).Where("id = ?", p.ID).Updates(map[string]any{
				"name_zh": c.NameZh, "name_en": c.NameEn, "category": c.Category, "updated_at": tx.clock.Now()}).Error; err != nil {
				return err
			}
		}
		return tx.audit(act, "product_application.save", "product_application", app.ID, &merchantID, nil, nil, "", "")
	})
	return app, err
}

// ErrSpecDropped: a modify left out a live spec.
var ErrSpecDropped = &FieldError{Field: "specs", Key: "error.spec_dropped"}

func (s *Store) keepsLiveSpecs(productID uint, c ProductContent) error {
	var codes []string
	if err := s.w.Model(&Spec{}).Where("product_id = ? AND removed = ?", productID, false).Pluck("sku_code", &codes).Error; err != nil {
		return err
	}
	have := map[string]bool{}
	for _, sp := range c.Specs {
		have[sp.Key] = true
	}
	for _, code := range codes {
		if !have[code] {
			return ErrSpecDropped
		}
	}
	return nil
}

// ProductStandardsGaps checks content against the publishing standards, including that
// its asset belongs to the merchant, fits the product type and passed review, and, for
// SaaS, that its production address has an active key and the debug cases its billing
// modes require passed with them (productID 0: a product not saved yet).
func (s *Store) ProductStandardsGaps(ctx context.Context, merchantID, productID uint, c ProductContent) ([]Missing, error) {
	gaps := c.StandardsGaps()
	if c.AssetID != nil {
		var a Asset
		err := first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", *c.AssetID, merchantID), &a)
		switch {
		case errors.Is(err, ErrNotFound):
			gaps = append(gaps, Missing{Field: "asset", Key: "standards.asset"})
		case err != nil:
			return nil, err
		case a.Status != AssetApproved:
			gaps = append(gaps, Missing{Field: "asset", Key: "standards.asset_approved"})
		case (c.Type == ProductSaaS && a.Kind != AssetSaaS) || (c.Type == ProductImage && a.Kind != AssetImage):
			gaps = append(gaps, Missing{Field: "asset", Key: "standards.asset_kind"})
		}
	}
	// Regions saved earlier may have left the catalog since, or the image may have changed.
	rules, err := s.ProductRegionRules(ctx, merchantID, c.Type, c.AssetID)
	if err != nil {
		return nil, err
	}
	if rules.checkRegions(c) != nil {
		gaps = append(gaps, Missing{Field: "sales_regions", Key: "standards.regions"})
	}
	debug, err := s.debugGaps(ctx, merchantID, productID, c)
	if err != nil {
		return nil, err
	}
	return append(gaps, debug...), nil
}

// SubmitProductApplication checks the publishing standards and sends the application to
// review; a StandardsError lists what is missing.
func (s *Store) SubmitProductApplication(ctx context.Context, act Actor, merchantID, appID uint) (ProductApplication, error) {
	var app ProductApplication
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", appID, merchantID)), &app); err != nil {
			return err
		}
		var m Merchant
		if err := first(tx.w.Where("id = ?", merchantID), &m); err != nil {
			return err
		}
		if !m.Active() {
			return ErrStepLocked
		}
		latest, err := tx.latestApplication(app.ProductID)
		if err != nil {
			return err
		}
		if latest.ID != app.ID {
			return ErrIllegalTransition
		}
		if app.Kind == AppPublish || app.Kind == AppModify {
			c, err := app.ContentOf()
			if err != nil {
				return err
			}
			gaps, err := tx.ProductStandardsGaps(ctx, merchantID, app.ProductID, c)
			if err != nil {
				return err
			}
			if len(gaps) > 0 {
				return &StandardsError{Gaps: gaps}
			}
		}
		before := app.Status
		if err := app.Submit(act.UserID, tx.clock.Now()); err != nil {
			return err
		}
		if err := tx.saveVersioned(&ProductApplication{}, app.ID, app.Version, map[string]any{
			"status": app.Status, "submitted_at": app.SubmittedAt, "submitted_by_id": app.SubmittedByID,
			"reject_reasons": "", "reject_comment": ""}); err != nil {
			return err
		}
		app.Version++
		return tx.audit(act, "product_application.submit", "product_application", app.ID, &merchantID, before, app.Status, "", "")
	})
	return app, err
}

// WithdrawProductApplication takes a pending application back to draft.
func (s *Store) WithdrawProductApplication(ctx context.Context, act Actor, merchantID, appID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var app ProductApplication
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", appID, merchantID)), &app); err != nil {
			return err
		}
		if err := app.Withdraw(); err != nil {
			return err
		}
		if err := tx.saveVersioned(&ProductApplication{}, app.ID, app.Version, map[string]any{"status": app.Status}); err != nil {
			return err
		}
		return tx.audit(act, "product_application.withdraw", "product_application", app.ID, &merchantID, PAPending, PADraft, "", "")
	})
}

// NewModifyApplication opens a modify application on a listed product, starting from its
// live content and specs. The live version keeps selling until approval.
func (s *Store) NewModifyApplication(ctx context.Context, act Actor, merchantID, productID uint) (ProductApplication, error) {
	var app ProductApplication
	err := s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", productID, merchantID)), &p); err != nil {
			return err
		}
		if p.Listing != ListingOnSale {
			return ErrIllegalTransition
		}
		var open int64
		if err := tx.w.Model(&ProductApplication{}).Where("product_id = ? AND status IN ?", p.ID, []string{PADraft, PAPending}).Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return ErrOpenApplication
		}
		c, err := p.LiveContent()
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		app = ProductApplication{MerchantID: merchantID, ProductID: p.ID, Kind: AppModify, Status: PADraft, Snapshot: marshal(c),
			AssetID: c.AssetID, SaaSAddressID: c.SaaSAddress(), CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&app).Error; err != nil {
			return err
		}
		return tx.audit(act, "product_application.create", "product_application", app.ID, &merchantID, nil, AppModify, "", "")
	})
	return app, err
}

// DecideProductApplication approves (applying the change to what buyers see) or rejects
// with structured reasons.
func (s *Store) DecideProductApplication(ctx context.Context, act Actor, appID uint, d Decision) error {
	return decideReview(s, ctx, act, appID, d, productAppReview)
}

// productAppReview: an approval makes the application live; rejections take several
// reasons.
var productAppReview = reviewKind[ProductApplication]{
	objType: "product_application", pending: PAPending, notice: "product",
	target: func(app *ProductApplication) Target { return to(TargetProductApp, app.ID) },
	args: func(app *ProductApplication) map[string]any {
		return map[string]any{"KindKey": "product_app.kind." + app.Kind}
	},
	apply: func(tx *Store, app *ProductApplication, _ *Merchant, d Decision, _ time.Time) error {
		if !d.Approve {
			return nil
		}
		return tx.applyProductApplication(*app)
	},
}

func (a *ProductApplication) decide(d Decision, by uint, now time.Time) error {
	if d.Approve {
		return a.Approve(by, now)
	}
	return a.Reject(by, now, d.Reasons, d.Comment)
}

func (a *ProductApplication) reviewRow() reviewRow {
	return reviewRow{ID: a.ID, Version: a.Version, MerchantID: a.MerchantID, Status: a.Status}
}

func (a *ProductApplication) decisionFields() map[string]any {
	return map[string]any{"status": a.Status, "decided_at": a.DecidedAt, "decided_by_id": a.DecidedByID,
		"reject_reasons": a.RejectReasons, "reject_comment": a.RejectComment}
}

// applyProductApplication makes an approved application live.
func (s *Store) applyProductApplication(app ProductApplication) error {
	var p Product
	if err := first(s.w.Where("id = ?", app.ProductID), &p); err != nil {
		return err
	}
	now := s.clock.Now()
	switch app.Kind {
	case AppPublish, AppModify:
		c, err := app.ContentOf()
		if err != nil {
			return err
		}
		keyToSKU, err := s.applySpecs(p, c.Specs)
		if err != nil {
			return err
		}
		for i := range c.Specs {
			c.Specs[i].Key = keyToSKU[c.Specs[i].Key]
		}
		for i := range c.UpgradeRules {
			c.UpgradeRules[i].From, c.UpgradeRules[i].To = keyToSKU[c.UpgradeRules[i].From], keyToSKU[c.UpgradeRules[i].To]
		}
		fields := map[string]any{"content": marshal(c), "name_zh": c.NameZh, "name_en": c.NameEn, "category": c.Category, "asset_id": c.AssetID, "saas_address_id": c.SaaSAddress()}
		if app.Kind == AppPublish {
			fields["listing"], fields["listed_at"] = ListingOnSale, now
		}
		return s.saveVersioned(&Product{}, p.ID, p.Version, fields)
	case AppUnhide:
		if app.SpecKey != "" {
			return s.w.Model(&Spec{}).Where("product_id = ? AND sku_code = ?", p.ID, app.SpecKey).Updates(map[string]any{"hidden": false, "updated_at": now}).Error
		}
		return s.saveVersioned(&Product{}, p.ID, p.Version, map[string]any{"hidden": false, "hidden_at": nil})
	case AppRemoveSpec:
		return s.w.Model(&Spec{}).Where("product_id = ? AND sku_code = ?", p.ID, app.SpecKey).Updates(map[string]any{"removed": true, "updated_at": now}).Error
	case AppRemoveProduct:
		return s.saveVersioned(&Product{}, p.ID, p.Version, map[string]any{"listing": ListingDelisted, "delisted_at": now})
	}
	return ErrIllegalTransition
}

// PeriodPrices lists a spec's sellable periods with their prices.
func PeriodPrices(sc SpecContent) map[string]int64 {
	out := map[string]int64{}
	put := func(k string, v *int64) {
		if v != nil {
			out[k] = *v
		}
	}
	switch sc.BillingMode {
	case BillingPeriod:
		put("year", sc.YearFen)
		put("month", sc.MonthFen)
	case BillingOneTime:
		put("one_time", sc.OneTimeFen)
	case BillingOnDemand:
		put("hour", sc.HourFen)
	case BillingPackage:
		put("package", sc.PackageFen)
	}
	return out
}

// applySpecs writes the snapshot's specs as the live ones: existing SKU codes are kept,
// new specs get codes, and each (spec × period) keeps its productId once made.
func (s *Store) applySpecs(p Product, specs []SpecContent) (map[string]string, error) {
	now := s.clock.Now()
	keyToSKU := map[string]string{}
	for i, sc := range specs {
		var sp Spec
		err := first(s.w.Where("product_id = ? AND sku_code = ?", p.ID, sc.Key), &sp)
		if errors.Is(err, ErrNotFound) {
			code, err := skuCode("SKU")
			if err != nil {
				return nil, err
			}
			sp = Spec{ProductID: p.ID, MerchantID: p.MerchantID, SKUCode: code, CreatedAt: now}
		} else if err != nil {
			return nil, err
		}
		keyToSKU[sc.Key] = sp.SKUCode
		sc.Key = sp.SKUCode
		sp.Name, sp.BillingMode, sp.Content, sp.SortOrder, sp.UpdatedAt = sc.Name, sc.BillingMode, marshal(sc), i, now
		if err := s.w.Save(&sp).Error; err != nil {
			return nil, err
		}
		prices := PeriodPrices(sc)
		var existing []SpecPrice
		if err := s.w.Where("spec_id = ?", sp.ID).Find(&existing).Error; err != nil {
			return nil, err
		}
		for _, ep := range existing {
			if _, keep := prices[ep.PeriodType]; !keep {
				if err := s.w.Delete(&ep).Error; err != nil {
					return nil, err
				}
			}
		}
		for period, fen := range prices {
			var sp2 SpecPrice
			err := first(s.w.Where("spec_id = ? AND period_type = ?", sp.ID, period), &sp2)
			if errors.Is(err, ErrNotFound) {
				code, err := skuCode("P")
				if err != nil {
					return nil, err
				}
				sp2 = SpecPrice{SpecID: sp.ID, PeriodType: period, ProductCode: code}
			} else if err != nil {
				return nil, err
			}
			sp2.PriceFen = fen
			if err := s.w.Save(&sp2).Error; err != nil {
				return nil, err
			}
		}
	}
	return keyToSKU, nil
}

// HideProduct takes a product out of the catalog and search at once (it stays buyable by
// its link); unhiding is an application.
func (s *Store) HideProduct(ctx context.Context, act Actor, merchantID, productID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", productID, merchantID)), &p); err != nil {
			return err
		}
		if p.Hidden || p.Listing != ListingOnSale {
			return ErrIllegalTransition
		}
		if err := tx.saveVersioned(&Product{}, p.ID, p.Version, map[string]any{"hidden": true, "hidden_at": tx.clock.Now()}); err != nil {
			return err
		}
		return tx.audit(act, "product.hide", "product", p.ID, &merchantID, false, true, "", "")
	})
}

// HideSpec stops offering one spec at once.
func (s *Store) HideSpec(ctx context.Context, act Actor, merchantID, productID uint, sku string) error {
	return s.Tx(ctx, func(tx *Store) error {
		res := tx.w.Model(&Spec{}).Where("product_id = ? AND merchant_id = ? AND sku_code = ? AND hidden = ? AND removed = ?",
			productID, merchantID, sku, false, false).Updates(map[string]any{"hidden": true, "updated_at": tx.clock.Now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return tx.audit(act, "spec.hide", "product", productID, &merchantID, nil, sku, "", "")
	})
}

// ProductOf reads one of the merchant's products.
func (s *Store) ProductOf(ctx context.Context, merchantID, id uint) (Product, error) {
	var p Product
	return p, first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &p)
}

// ProductApplicationOf reads one of the merchant's applications.
func (s *Store) ProductApplicationOf(ctx context.Context, merchantID, id uint) (ProductApplication, error) {
	var a ProductApplication
	return a, first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &a)
}

// LiveSpecs lists a product's specs that are not removed, in order.
func (s *Store) LiveSpecs(ctx context.Context, productID uint) ([]Spec, error) {
	var rows []Spec
	err := s.r.WithContext(ctx).Where("product_id = ? AND removed = ?", productID, false).Order("sort_order, id").Find(&rows).Error
	return rows, err
}

// SpecPrices lists the sellable periods of specs.
func (s *Store) SpecPrices(ctx context.Context, specIDs []uint) ([]SpecPrice, error) {
	var rows []SpecPrice
	if len(specIDs) == 0 {
		return rows, nil
	}
	err := s.r.WithContext(ctx).Where("spec_id IN ?", specIDs).Order("spec_id, period_type").Find(&rows).Error
	return rows, err
}
