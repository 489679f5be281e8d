package models

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The License delivery variants besides online codes (domain.md §6.2): License 1.0 by a
// system identification code (generated at payment) or a hardware identification code
// (typed by the buyer), for which the merchant delivers a license file or key online;
// merchant offline delivery with proof; software package deployment, which the buyer
// accepts. A non-supervised order completes with its delivery (the package with the
// buyer's acceptance); a supervised one with its supervision, whose delivery needs it.

// LicenseDelivery is one License order's delivery.
type LicenseDelivery struct {
	ID          uint   `gorm:"primaryKey"`
	OrderID     uint   `gorm:"not null;uniqueIndex"`
	OrderNo     string `gorm:"size:20;not null"`
	MerchantID  uint   `gorm:"not null;index"`
	BuyerID     uint   `gorm:"not null;index"`
	Variant     string `gorm:"size:20;not null"`
	IdentCode   string `gorm:"size:64;not null;default:''"` // the system or hardware identification code
	IdentAt     *time.Time
	LicenseKey  string `gorm:"type:text;not null;default:''"` // a key delivered as text
	FileID      *uint  // the license file, or the offline delivery's proof
	Note        string `gorm:"type:text;not null;default:''"`
	DeliveredAt *time.Time
	AcceptedAt  *time.Time
	Version     int       `gorm:"not null;default:1"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

// NeedsIdent tells whether the merchant waits for the buyer's hardware code.
func (d LicenseDelivery) NeedsIdent() bool {
	return d.Variant == LicenseHardwareCode && d.IdentCode == ""
}

// Deliverable tells whether the merchant may deliver now.
func (d LicenseDelivery) Deliverable() bool {
	switch d.Variant {
	case LicenseSystemCode, LicenseHardwareCode:
		return d.IdentCode != "" && d.DeliveredAt == nil
	case LicenseOffline:
		return d.DeliveredAt == nil
	}
	return false
}

// Errors of License deliveries.
var (
	ErrHardwareCode      = &FieldError{Field: "hardware_code", Key: "license.error.hardware_code"}
	ErrLicenseKeyOrFile  = &FieldError{Field: "license_key", Key: "license.error.key_or_file"}
	ErrOfflineProof      = &FieldError{Field: "proof", Key: "license.error.proof"}
	ErrLicenseKeyTooLong = &FieldError{Field: "license_key", Key: "license.error.key_long"}
	ErrDeliveryState     = &RuleError{Key: "license.error.delivery_state"}
	// ErrLicenseDeliveryFirst: a supervised License delivery needs the variant's own first.
	ErrLicenseDeliveryFirst = &FieldError{Field: "description", Key: "license.error.delivery_first"}
	// ErrByDelivery: such orders complete with their delivery, not by hand.
	ErrByDelivery = &RuleError{Key: "license.error.by_delivery"}
)

// hardwareCodeRE is a hardware identification code: a MAC, a disk or board serial, a
// machine fingerprint; letters, digits, ':' and '-', 8 to 64 characters.
var hardwareCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9:-]{7,63}$`)

// MaxLicenseKey bounds a key delivered as text.
const MaxLicenseKey = 4000

// deliveryVariant is the License variant an order of product p delivers by ("" for
// online codes and other products).
func deliveryVariant(db *gorm.DB, o Order) (string, error) {
	if o.ProductType != ProductLicense {
		return "", nil
	}
	var p Product
	if err := first(db.Where("id = ?", o.ProductID), &p); err != nil {
		return "", err
	}
	c, err := p.LiveContent()
	if err != nil || c.License == nil {
		return "", nil //nolint:nilerr // no live content: nothing to deliver by variant
	}
	switch c.License.Delivery {
	case LicenseSystemCode, LicenseHardwareCode, LicenseOffline, LicensePackage:
		return c.License.Delivery, nil
	}
	return "", nil
}

// newSystemCode draws a system identification code: SYS- and four groups of four.
func newSystemCode() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("SYS")
	for i, x := range b {
		if i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(licenseAlphabet[int(x)%len(licenseAlphabet)])
	}
	return sb.String(), nil
}

// openLicenseDelivery starts the delivery of a License order just paid: a system code
// is generated at once.
func (s *Store) openLicenseDelivery(o *Order) error {
	if o.Kind != OrderNew {
		return nil
	}
	variant, err := deliveryVariant(s.w, *o)
	if err != nil || variant == "" {
		return err
	}
	now := s.clock.Now()
	d := LicenseDelivery{OrderID: o.ID, OrderNo: o.OrderNo, MerchantID: o.MerchantID, BuyerID: o.BuyerID, Variant: variant,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if variant == LicenseSystemCode {
		if d.IdentCode, err = newSystemCode(); err != nil {
			return err
		}
		d.IdentAt = &now
	}
	return s.w.Create(&d).Error
}

// LicenseDeliveryOf reads an order's delivery for its buyer (buyerID) or merchant
// (merchantID); nil when the order has none.
func (s *Store) LicenseDeliveryOf(ctx context.Context, buyerID, merchantID uint, orderNo string) (*LicenseDelivery, error) {
	q := s.r.WithContext(ctx).Where("order_no = ?", orderNo)
	switch {
	case buyerID > 0:
		q = q.Where("buyer_id = ?", buyerID)
	case merchantID > 0:
		q = q.Where("merchant_id = ?", merchantID)
	default:
		return nil, ErrNotFound
	}
	var d LicenseDelivery
	switch err := first(q, &d); {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &d, nil
}

// lockDelivery locks the delivery of an order of the buyer's or the merchant's.
func (s *Store) lockDelivery(buyerID, merchantID uint, orderNo string) (LicenseDelivery, Order, error) {
	var d LicenseDelivery
	var o Order
	q := s.w.Where("order_no = ?", orderNo)
	if buyerID > 0 {
		q = q.Where("buyer_id = ?", buyerID)
	} else {
		q = q.Where("merchant_id = ?", merchantID)
	}
	if err := first(s.forUpdate(q), &o); err != nil {
		return d, o, err
	}
	if err := first(s.forUpdate(s.w.Where("order_id = ?", o.ID)), &d); err != nil {
		if errors.Is(err, ErrNotFound) {
			return d, o, ErrDeliveryState
		}
		return d, o, err
	}
	return d, o, nil
}

// SubmitHardwareCode is the buyer's hardware identification code (format checked),
// typed before the merchant delivers; correctable until then.
func (s *Store) SubmitHardwareCode(ctx context.Context, a Actor, buyerID uint, orderNo, code string) (LicenseDelivery, error) {
	code = strings.TrimSpace(code)
	if !hardwareCodeRE.MatchString(code) {
		return LicenseDelivery{}, ErrHardwareCode
	}
	var d LicenseDelivery
	err := s.Tx(ctx, func(tx *Store) error {
		var o Order
		var err error
		if d, o, err = tx.lockDelivery(buyerID, 0, orderNo); err != nil {
			return err
		}
		if d.Variant != LicenseHardwareCode || d.DeliveredAt != nil || o.Status != OrderProcessing {
			return ErrDeliveryState
		}
		now := tx.clock.Now()
		if err := tx.saveVersioned(&LicenseDelivery{}, d.ID, d.Version, map[string]any{"ident_code": code, "ident_at": now}); err != nil {
			return err
		}
		d.IdentCode, d.IdentAt, d.Version = code, &now, d.Version+1
		mid := d.MerchantID
		if err := tx.audit(a, "license.hardware_code", "license_delivery", d.ID, &mid, nil, map[string]any{"order_no": d.OrderNo}, "", ""); err != nil {
			return err
		}
		return tx.notifyMerchantOf(d.MerchantID, Notice{Kind: "license.hardware_code", TitleKey: "notify.license_ident.title",
			BodyKey: "notify.license_ident.body", Args: map[string]any{"OrderNo": d.OrderNo}, To: Target{Kind: TargetSellerOrder, Ref: d.OrderNo}})
	})
	return d, err
}

// LicenseDeliveryInput is the merchant's delivery: a key as text and/or a file (the
// license file, or the offline delivery's proof), and a note.
type LicenseDeliveryInput struct {
	Key  string
	Note string
	File *Upload
}

// DeliverLicense is the merchant's delivery of a License order by its variant: a key or
// file for an identification code (once the code is known), proof for an offline
// delivery. A non-supervised order completes with it.
func (s *Store) DeliverLicense(ctx context.Context, a Actor, merchantID uint, orderNo string, in LicenseDeliveryInput) (LicenseDelivery, error) {
	in.Key = strings.TrimSpace(in.Key)
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case !utf8.ValidString(in.Key) || utf8.RuneCountInString(in.Key) > MaxLicenseKey:
		return LicenseDelivery{}, ErrLicenseKeyTooLong
	case !utf8.ValidString(in.Note) || utf8.RuneCountInString(in.Note) > MaxSupervisionComment:
		return LicenseDelivery{}, &FieldError{Field: "note", Key: "supervision.error.comment", Args: []any{"N", MaxSupervisionComment}}
	}
	var d LicenseDelivery
	err := s.Tx(ctx, func(tx *Store) error {
		var o Order
		var err error
		if d, o, err = tx.lockDelivery(0, merchantID, orderNo); err != nil {
			return err
		}
		if !d.Deliverable() || o.Status != OrderProcessing {
			return ErrDeliveryState
		}
		switch d.Variant {
		case LicenseOffline:
			if in.File == nil {
				return ErrOfflineProof
			}
		default:
			if in.Key == "" && in.File == nil {
				return ErrLicenseKeyOrFile
			}
		}
		now := tx.clock.Now()
		fields := map[string]any{"license_key": in.Key, "note": in.Note, "delivered_at": now}
		if in.File != nil {
			ids, err := tx.recordUploads(a, &d.MerchantID, Uploads{*in.File})
			if err != nil {
				return err
			}
			id := ids[in.File.Purpose][0]
			if err := tx.w.Model(&File{}).Where("id = ?", id).Updates(map[string]any{"ref_type": "license_delivery", "ref_id": d.ID}).Error; err != nil {
				return err
			}
			fields["file_id"] = id
			d.FileID = &id
		}
		if err := tx.saveVersioned(&LicenseDelivery{}, d.ID, d.Version, fields); err != nil {
			return err
		}
		d.LicenseKey, d.Note, d.DeliveredAt, d.Version = in.Key, in.Note, &now, d.Version+1
		mid := d.MerchantID
		if err := tx.audit(a, "license.deliver", "license_delivery", d.ID, &mid, nil, map[string]any{"order_no": d.OrderNo}, "", ""); err != nil {
			return err
		}
		if !o.Supervised {
			if err := tx.moveOrder(a, &o, OrderCompleted, "order.event.license_delivered", map[string]any{"completed_at": now}); err != nil {
				return err
			}
		}
		return tx.notify(Notice{UserID: d.BuyerID, Kind: "license.delivered", TitleKey: "notify.license_delivered.title",
			BodyKey: "notify.license_delivered.body", Args: map[string]any{"OrderNo": d.OrderNo}, To: Target{Kind: TargetBuyerOrder, Ref: d.OrderNo}})
	})
	return d, err
}

// AcceptPackage is the buyer's acceptance of a software package deployment: a
// non-supervised order completes (a supervised one accepts in its supervision).
func (s *Store) AcceptPackage(ctx context.Context, a Actor, buyerID uint, orderNo string) (LicenseDelivery, error) {
	var d LicenseDelivery
	err := s.Tx(ctx, func(tx *Store) error {
		var o Order
		var err error
		if d, o, err = tx.lockDelivery(buyerID, 0, orderNo); err != nil {
			return err
		}
		if d.Variant != LicensePackage || d.AcceptedAt != nil || o.Status != OrderProcessing || o.Supervised {
			return ErrDeliveryState
		}
		now := tx.clock.Now()
		if err := tx.saveVersioned(&LicenseDelivery{}, d.ID, d.Version, map[string]any{"accepted_at": now, "delivered_at": now}); err != nil {
			return err
		}
		d.AcceptedAt, d.DeliveredAt, d.Version = &now, &now, d.Version+1
		mid := d.MerchantID
		if err := tx.audit(a, "license.accept", "license_delivery", d.ID, &mid, nil, map[string]any{"order_no": d.OrderNo}, "", ""); err != nil {
			return err
		}
		return tx.moveOrder(a, &o, OrderCompleted, "order.event.package_accepted", map[string]any{"completed_at": now})
	})
	return d, err
}

// LicenseDeliveryFile reads the file of an order's delivery for its buyer or merchant.
func (s *Store) LicenseDeliveryFile(ctx context.Context, buyerID, merchantID uint, orderNo string) (File, error) {
	d, err := s.LicenseDeliveryOf(ctx, buyerID, merchantID, orderNo)
	if err != nil {
		return File{}, err
	}
	if d == nil || d.FileID == nil {
		return File{}, ErrNotFound
	}
	var f File
	return f, first(s.r.WithContext(ctx).Where("id = ? AND ref_type = ? AND ref_id = ?", *d.FileID, "license_delivery", d.ID), &f)
}

// PackageFile reads the software package of a package-deployment order for its buyer:
// the package asset's file.
func (s *Store) PackageFile(ctx context.Context, buyerID uint, orderNo string) (File, error) {
	d, err := s.LicenseDeliveryOf(ctx, buyerID, 0, orderNo)
	if err != nil {
		return File{}, err
	}
	if d == nil || d.Variant != LicensePackage {
		return File{}, ErrNotFound
	}
	var o Order
	if err := first(s.r.WithContext(ctx).Where("id = ?", d.OrderID), &o); err != nil {
		return File{}, err
	}
	var p Product
	if err := first(s.r.WithContext(ctx).Where("id = ?", o.ProductID), &p); err != nil {
		return File{}, err
	}
	c, err := p.LiveContent()
	if err != nil || c.License == nil || c.License.PackageAssetID == nil {
		return File{}, ErrNotFound
	}
	var as Asset
	if err := first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", *c.License.PackageAssetID, p.MerchantID), &as); err != nil {
		return File{}, err
	}
	if as.FileID == nil {
		return File{}, ErrNotFound
	}
	var f File
	return f, first(s.r.WithContext(ctx).Where("id = ?", *as.FileID), &f)
}

func migrateLicenseDeliveries(tx *gorm.DB, _ Dialect) error {
	return tx.AutoMigrate(&LicenseDelivery{})
}
