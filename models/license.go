package models

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// License 2.0 online authorization codes (线上授权码, domain.md §6.2, saas-protocol.md §8):
// generated when a License order delivered by code is paid; the buyer claims (领取) it;
// the merchant activates it through the open API and keeps it alive with heartbeats. Its
// status follows the subscription: ALIVE, EXPIRED when the period ends (renewal brings
// it back), RELEASED when it is unsubscribed or the freeze period ends; each change is
// pushed to the product's License address through the production-call pool.

// License code statuses (the protocol's).
const (
	LicenseAlive    = "ALIVE"
	LicenseExpired  = "EXPIRED"
	LicenseReleased = "RELEASED"
)

// LicenseStatuses lists them.
var LicenseStatuses = []string{LicenseAlive, LicenseExpired, LicenseReleased}

// Delivery variants of License products.
const (
	LicenseOnlineCode   = "online_code"    // License 2.0 线上授权码
	LicenseSystemCode   = "system_code"    // License 1.0 系统识别码
	LicenseHardwareCode = "hardware_code"  // License 1.0 硬件识别码
	LicenseOffline      = "offline"        // 商家线下交付
	LicensePackage      = "package_deploy" // 软件包部署
)

// LicenseCode is one authorization code.
type LicenseCode struct {
	ID             uint       `gorm:"primaryKey"`
	Code           string     `gorm:"size:40;not null;uniqueIndex"`
	MerchantID     uint       `gorm:"not null;index:idx_license_codes_merchant,priority:1"`
	BuyerID        uint       `gorm:"not null;default:0;index"`
	ProductID      uint       `gorm:"not null"`
	ProductCode    string     `gorm:"size:64;not null;default:''"` // the protocol's product_id
	OrderID        uint       `gorm:"not null;default:0;index"`
	OrderNo        string     `gorm:"size:20;not null;default:''"`
	OrderLineNo    string     `gorm:"size:30;not null;default:''"`
	SubscriptionID uint       `gorm:"not null;default:0;index"`
	Amount         int        `gorm:"not null;default:1"` // the quantity bought
	Test           bool       `gorm:"not null;default:false"`
	Status         string     `gorm:"size:10;not null;index:idx_license_codes_status,priority:1"`
	ExpiresAt      *time.Time `gorm:"index:idx_license_codes_status,priority:2"` // nil: perpetual
	ClaimedAt      *time.Time
	ActivatedAt    *time.Time
	EffectiveAt    *time.Time // real_effect_time of the activation
	HeartbeatAt    *time.Time
	ReleasedAt     *time.Time
	Version        int       `gorm:"not null;default:1"`
	CreatedAt      time.Time `gorm:"not null;index:idx_license_codes_merchant,priority:2"`
	UpdatedAt      time.Time `gorm:"not null"`
}

// Masked is the code with its middle hidden, for lists.
func (c LicenseCode) Masked() string {
	if len(c.Code) <= 8 {
		return c.Code
	}
	return c.Code[:4] + strings.Repeat("•", 8) + c.Code[len(c.Code)-4:]
}

// Open-API result codes of License 2.0 (saas-protocol.md §8).
const (
	LicenseOK           = "92020000"
	LicenseUnauthorized = "92020001" // unauthorized, or an internal error
	LicenseInvalid      = "92020002" // invalid parameter
	LicenseIllegalState = "92020003" // e.g. activating twice, a released code
	LicenseNotClaimed   = "92020004" // the buyer has not claimed the code yet
	LicenseNoSuchCode   = "92020005"
)

// LicenseError is a refusal of the License open API: its code and message.
type LicenseError struct {
	Code string
	Msg  string
}

func (e *LicenseError) Error() string { return e.Code + " " + e.Msg }

// Errors of claiming.
var (
	// ErrLicenseClaimed: the code was claimed already.
	ErrLicenseClaimed = &RuleError{Key: "license.error.claimed"}
	// ErrLicenseReleased: the code no longer works.
	ErrLicenseReleased = &RuleError{Key: "license.error.released"}
)

// licenseAlphabet is the code's characters: no 0/O, 1/I/L to misread.
const licenseAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// newLicenseCode draws a code: five groups of five, 125 bits.
func newLicenseCode() (string, error) {
	b := make([]byte, 25)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%5 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(licenseAlphabet[int(x)%len(licenseAlphabet)])
	}
	return sb.String(), nil
}

// deliversByCode tells whether a License product is delivered by online codes.
func deliversByCode(c ProductContent) bool {
	return c.Type == ProductLicense && c.License != nil && c.License.Delivery == LicenseOnlineCode
}

// issueLicenseCode generates the code of a License order just paid (one per order),
// valid until the subscription's end.
func (s *Store) issueLicenseCode(o *Order, line OrderLine, end *time.Time) error {
	var p Product
	if err := first(s.w.Where("id = ?", o.ProductID), &p); err != nil {
		return err
	}
	c, err := p.LiveContent()
	if err != nil || !deliversByCode(c) {
		return nil //nolint:nilerr // a product without live content delivers no code
	}
	code, err := newLicenseCode()
	if err != nil {
		return err
	}
	now := s.clock.Now()
	row := LicenseCode{Code: code, MerchantID: o.MerchantID, BuyerID: o.BuyerID, ProductID: o.ProductID, ProductCode: line.ProductCode,
		OrderID: o.ID, OrderNo: o.OrderNo, OrderLineNo: line.LineNo, Amount: max(line.Quantity, 1), Status: LicenseAlive,
		ExpiresAt: end, Version: 1, CreatedAt: now, UpdatedAt: now}
	if o.SubscriptionID != nil {
		row.SubscriptionID = *o.SubscriptionID
	}
	if err := s.w.Create(&row).Error; err != nil {
		return err
	}
	return s.notify(Notice{UserID: o.BuyerID, Kind: "license.issued", TitleKey: "notify.license_issued.title", BodyKey: "notify.license_issued.body",
		Args: map[string]any{"OrderNo": o.OrderNo}, To: Target{Kind: TargetBuyerOrder, Ref: o.OrderNo}})
}

// startLicense delivers what a paid License order brings by code: a new order its code
// (the subscription set on the order first), a renewal its codes' new end.
func (s *Store) startLicense(o *Order, line OrderLine, subID uint, end *time.Time) error {
	switch o.Kind {
	case OrderNew:
		oo := *o
		oo.SubscriptionID = &subID
		if err := s.openLicenseDelivery(&oo); err != nil {
			return err
		}
		return s.issueLicenseCode(&oo, line, end)
	case OrderRenew:
		return s.renewLicense(context.Background(), subID, *o, line, end)
	}
	return nil
}

// LicenseCodesOfOrder lists an order's codes for its buyer (buyerID) or merchant
// (merchantID); one of the two is 0.
func (s *Store) LicenseCodesOfOrder(ctx context.Context, buyerID, merchantID uint, orderNo string) ([]LicenseCode, error) {
	q := s.r.WithContext(ctx).Where("order_no = ? AND order_no <> ''", orderNo)
	switch {
	case buyerID > 0:
		q = q.Where("buyer_id = ?", buyerID)
	case merchantID > 0:
		q = q.Where("merchant_id = ?", merchantID)
	default:
		return nil, ErrNotFound
	}
	var rows []LicenseCode
	return rows, q.Order("id").Find(&rows).Error
}

// ClaimLicenseCode is the buyer's 领取 of a code of one of their orders.
func (s *Store) ClaimLicenseCode(ctx context.Context, a Actor, buyerID uint, orderNo string, codeID uint) (LicenseCode, error) {
	var lc LicenseCode
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND order_no = ? AND buyer_id = ? AND test = ?", codeID, orderNo, buyerID, false)), &lc); err != nil {
			return err
		}
		switch {
		case lc.ClaimedAt != nil:
			return ErrLicenseClaimed
		case lc.Status == LicenseReleased:
			return ErrLicenseReleased
		}
		now := tx.clock.Now()
		if err := tx.saveVersioned(&LicenseCode{}, lc.ID, lc.Version, map[string]any{"claimed_at": now}); err != nil {
			return err
		}
		lc.ClaimedAt, lc.Version = &now, lc.Version+1
		mid := lc.MerchantID
		if err := tx.audit(a, "license.claim", "license_code", lc.ID, &mid, nil, map[string]any{"order_no": lc.OrderNo}, "", ""); err != nil {
			return err
		}
		return tx.notifyMerchantOf(lc.MerchantID, Notice{Kind: "license.claimed", TitleKey: "notify.license_claimed.title",
			BodyKey: "notify.license_claimed.body", Args: map[string]any{"OrderNo": lc.OrderNo}, To: Target{Kind: TargetSellerOrder, Ref: lc.OrderNo}})
	})
	return lc, err
}

// licenseFail is a refusal with its code and message.
func licenseFail(code, msg string) error { return &LicenseError{Code: code, Msg: msg} }

// ActivateLicense is the merchant's activation through the open API: the code must be
// theirs (92020005 otherwise, as for an unknown code), claimed by the buyer (92020004),
// alive and not activated yet (92020003); effect, when given, is not before the order.
func (s *Store) ActivateLicense(ctx context.Context, merchantID uint, code string, effect *time.Time) (LicenseCode, error) {
	var lc LicenseCode
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("code = ? AND merchant_id = ?", code, merchantID)), &lc); err != nil {
			if errors.Is(err, ErrNotFound) {
				return licenseFail(LicenseNoSuchCode, "no such license code")
			}
			return err
		}
		switch {
		case lc.Status != LicenseAlive:
			return licenseFail(LicenseIllegalState, "illegal state: the license code is "+lc.Status)
		case lc.ClaimedAt == nil:
			return licenseFail(LicenseNotClaimed, "the buyer has not received the license code yet")
		case lc.ActivatedAt != nil:
			return licenseFail(LicenseIllegalState, "illegal state: the license code is already activated")
		case effect != nil && effect.Before(lc.CreatedAt.Truncate(time.Second)):
			return licenseFail(LicenseInvalid, "invalid parameter: real_effect_time is before the order time")
		}
		now := tx.clock.Now()
		if effect == nil {
			effect = &now
		}
		if err := tx.saveVersioned(&LicenseCode{}, lc.ID, lc.Version, map[string]any{"activated_at": now, "effective_at": *effect}); err != nil {
			return err
		}
		lc.ActivatedAt, lc.EffectiveAt, lc.Version = &now, effect, lc.Version+1
		mid := lc.MerchantID
		if err := tx.audit(Actor{}, "license.activate", "license_code", lc.ID, &mid, nil, map[string]any{"order_no": lc.OrderNo}, "", ""); err != nil {
			return err
		}
		// The code is in use: an order still waiting for its delivery (not supervised) is
		// delivered.
		if lc.OrderID == 0 {
			return nil
		}
		var o Order
		if err := first(tx.forUpdate(tx.w.Where("id = ?", lc.OrderID)), &o); err != nil {
			return err
		}
		if o.Status != OrderProcessing || o.Supervised {
			return nil
		}
		if err := tx.moveOrder(Actor{}, &o, OrderCompleted, "order.event.license_activated", map[string]any{"completed_at": now}); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: o.BuyerID, Kind: "order.completed", TitleKey: "notify.order_completed.title",
			BodyKey: "notify.order_completed.body", Args: map[string]any{"OrderNo": o.OrderNo}, To: Target{Kind: TargetBuyerOrder, Ref: o.OrderNo}})
	})
	return lc, err
}

// LicenseHeartbeat is the merchant's license query at a user's first use of the day: the
// code's status; a released code is refused (92020003) with its status, an unclaimed one
// 92020004.
func (s *Store) LicenseHeartbeat(ctx context.Context, merchantID uint, code string) (LicenseCode, error) {
	var lc LicenseCode
	if err := first(s.r.WithContext(ctx).Where("code = ? AND merchant_id = ?", code, merchantID), &lc); err != nil {
		if errors.Is(err, ErrNotFound) {
			return lc, licenseFail(LicenseNoSuchCode, "no such license code")
		}
		return lc, err
	}
	switch {
	case lc.Status == LicenseReleased:
		return lc, licenseFail(LicenseIllegalState, "illegal state: the license code was released")
	case lc.ClaimedAt == nil:
		return lc, licenseFail(LicenseNotClaimed, "the buyer has not received the license code yet")
	}
	now := s.clock.Now()
	if err := s.w.WithContext(ctx).Model(&LicenseCode{}).Where("id = ?", lc.ID).Update("heartbeat_at", now).Error; err != nil {
		return lc, err
	}
	lc.HeartbeatAt = &now
	return lc, nil
}

// MaxTestLicenseCodes is how many live test codes a merchant may hold.
const MaxTestLicenseCodes = 20

// ErrTestCodeLimit: the merchant holds the most live test codes.
var ErrTestCodeLimit = &RuleError{Key: "license.error.test_limit"}

// RequestTestLicenseCode gives a merchant a test code of one of their License products
// delivered by code: claimed already, alive for 30 days, never pushed, for exercising
// activate and heartbeat against their own integration.
func (s *Store) RequestTestLicenseCode(ctx context.Context, a Actor, merchantID, productID uint) (LicenseCode, error) {
	var lc LicenseCode
	err := s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.w.Where("id = ? AND merchant_id = ?", productID, merchantID), &p); err != nil {
			return err
		}
		if c, err := p.LiveContent(); err != nil || !deliversByCode(c) {
			return &FieldError{Field: "product_id", Key: "license.error.not_by_code"}
		}
		var productCode string
		if err := tx.w.Table("spec_prices sp").Joins("JOIN specs s ON s.id = sp.spec_id").Where("s.product_id = ?", p.ID).
			Order("sp.id").Limit(1).Pluck("sp.product_code", &productCode).Error; err != nil {
			return err
		}
		now := tx.clock.Now()
		var live int64
		if err := tx.w.Model(&LicenseCode{}).Where("merchant_id = ? AND test = ? AND status <> ? AND expires_at > ?", merchantID, true,
			LicenseReleased, now).Count(&live).Error; err != nil {
			return err
		}
		if live >= MaxTestLicenseCodes {
			return ErrTestCodeLimit
		}
		code, err := newLicenseCode()
		if err != nil {
			return err
		}
		end := now.AddDate(0, 0, 30)
		lc = LicenseCode{Code: code, MerchantID: merchantID, ProductID: p.ID, ProductCode: productCode, Amount: 1, Test: true,
			Status: LicenseAlive, ExpiresAt: &end, ClaimedAt: &now, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&lc).Error; err != nil {
			return err
		}
		mid := merchantID
		return tx.audit(a, "license.test_code", "license_code", lc.ID, &mid, nil, map[string]any{"product_id": p.ID}, "", "")
	})
	return lc, err
}

// LicenseFilter narrows the merchant's list of codes.
type LicenseFilter struct {
	Status string
	Test   *bool
	Page   int
	Per    int
}

// LicenseRow is a code in the merchant's list with its product's names.
type LicenseRow struct {
	LicenseCode
	ProductNameZh string
	ProductNameEn string
}

// MerchantLicenseCodes lists a merchant's codes, newest first.
func (s *Store) MerchantLicenseCodes(ctx context.Context, merchantID uint, f LicenseFilter) ([]LicenseRow, int64, error) {
	q := s.r.WithContext(ctx).Table("license_codes l").Where("l.merchant_id = ?", merchantID)
	if f.Status != "" {
		q = q.Where("l.status = ?", f.Status)
	}
	if f.Test != nil {
		q = q.Where("l.test = ?", *f.Test)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	per := max(f.Per, 1)
	var rows []LicenseRow
	err := q.Select("l.*, p.name_zh AS product_name_zh, p.name_en AS product_name_en").Joins("JOIN products p ON p.id = l.product_id").
		Order("l.created_at DESC, l.id DESC").Limit(per).Offset((max(f.Page, 1) - 1) * per).Scan(&rows).Error
	return rows, total, err
}

// License pushes: production calls to the product's License address.
const (
	PurposeLicenseRefresh  = "license_refresh"  // refreshLicenseCode, scene RENEWAL
	PurposeLicenseFreeze   = "license_freeze"   // updateLicenseCodeStatus FREEZE
	PurposeLicenseUnfreeze = "license_unfreeze" // updateLicenseCodeStatus UNFREEZE
	PurposeLicenseRelease  = "license_release"  // releaseLicenseCode
)

func licensePurpose(p string) bool { return strings.HasPrefix(p, "license_") }

// licenseAddress is the License address a product names, if any.
func (s *Store) licenseAddress(productID uint) (*ProductionAddress, error) {
	var p Product
	if err := first(s.w.Where("id = ?", productID), &p); err != nil {
		return nil, err
	}
	c, err := p.LiveContent()
	if err != nil || c.License == nil || c.License.AddressID == nil {
		return nil, nil //nolint:nilerr // no live content, no address
	}
	var addr ProductionAddress
	switch err := first(s.w.Where("id = ? AND merchant_id = ? AND interface_type = ?", *c.License.AddressID, p.MerchantID, InterfaceLicense), &addr); {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &addr, nil
}

// pushLicense queues a push of a code's change to the product's License address (none
// when the product names no address, and never for test codes).
func (s *Store) pushLicense(ctx context.Context, lc LicenseCode, purpose string, params map[string]string) error {
	if lc.Test {
		return nil
	}
	addr, err := s.licenseAddress(lc.ProductID)
	if err != nil || addr == nil {
		return err
	}
	r, err := s.saasRetry(ctx)
	if err != nil {
		return err
	}
	window, _ := r.of(purpose)
	params["license"] = lc.Code
	raw, err := json.Marshal(params)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	c := SaaSCall{MerchantID: lc.MerchantID, ProductID: lc.ProductID, SubscriptionID: lc.SubscriptionID, OrderID: lc.OrderID,
		OrderNo: lc.OrderNo, OrderLineNo: lc.OrderLineNo, AddressID: addr.ID, Protocol: ProtocolV2, Purpose: purpose,
		Activity: ActivityFor(purpose, ProtocolV2, ""), Status: CallQueued, Params: string(raw), RetryFrom: now, Deadline: now.Add(window),
		LicenseCodeID: lc.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
	var open int64
	if err := s.w.Model(&SaaSCall{}).Where("license_code_id = ? AND status IN ?", lc.ID, OpenCallStatuses).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		c.Status = CallWaiting
	}
	if err := s.w.Create(&c).Error; err != nil {
		return err
	}
	if c.Status == CallQueued {
		return s.scheduleAttempt(&c, now)
	}
	return nil
}

// planLicenseAttempt reads what a License push's attempt sends: its parameters, the
// product's License address as it is now and that address's key.
func (s *Store) planLicenseAttempt(ctx context.Context, pl SaaSAttemptPlan) (SaaSAttemptPlan, error) {
	db := s.r.WithContext(ctx)
	c := pl.Call
	if err := json.Unmarshal([]byte(c.Params), &pl.Params); err != nil {
		return pl, err
	}
	pl.Protocol, pl.Activity = ProtocolV2, c.Activity
	var addr ProductionAddress
	switch err := first(db.Where("id = ? AND merchant_id = ?", c.AddressID, c.MerchantID), &addr); {
	case errors.Is(err, ErrNotFound):
		pl.Blocked = "no_address"
		return pl, nil
	case err != nil:
		return pl, err
	}
	pl.Address, pl.KeyID = addr.URL, addr.KeyID
	secret, k, err := s.SigningSecret(ctx, c.MerchantID, addr.KeyID)
	switch {
	case errors.Is(err, ErrKeyRevoked) || errors.Is(err, ErrNotFound):
		pl.Blocked = "key_revoked"
		return pl, nil
	case err != nil:
		return pl, err
	}
	pl.Secret, pl.Generation = secret, k.Generation
	return pl, nil
}

// renewLicense brings a subscription's code to its new end (a renewal paid): refreshed,
// and unfrozen if it had expired.
func (s *Store) renewLicense(ctx context.Context, subscriptionID uint, renewal Order, line OrderLine, end *time.Time) error {
	var codes []LicenseCode
	if err := s.w.Where("subscription_id = ? AND test = ? AND status <> ?", subscriptionID, false, LicenseReleased).Find(&codes).Error; err != nil {
		return err
	}
	for _, lc := range codes {
		fields := map[string]any{"expires_at": end, "status": LicenseAlive}
		if err := s.saveVersioned(&LicenseCode{}, lc.ID, lc.Version, fields); err != nil {
			return err
		}
		if err := s.pushLicense(ctx, lc, PurposeLicenseRefresh, map[string]string{"scene": "RENEWAL", "orderId": renewal.OrderNo,
			"orderLineId": line.LineNo, "productId": lc.ProductCode, "expireTime": protocolTime(end)}); err != nil {
			return err
		}
		if lc.Status == LicenseExpired {
			if err := s.pushLicense(ctx, lc, PurposeLicenseUnfreeze, map[string]string{"status": "UNFREEZE"}); err != nil {
				return err
			}
		}
	}
	return nil
}

// releaseLicenses releases the codes of a subscription that ended (unsubscribed).
func (s *Store) releaseLicenses(ctx context.Context, subscriptionID uint) error {
	var codes []LicenseCode
	if err := s.w.Where("subscription_id = ? AND test = ? AND status <> ?", subscriptionID, false, LicenseReleased).Find(&codes).Error; err != nil {
		return err
	}
	for _, lc := range codes {
		if err := s.releaseLicense(ctx, lc); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) releaseLicense(ctx context.Context, lc LicenseCode) error {
	now := s.clock.Now()
	if err := s.saveVersioned(&LicenseCode{}, lc.ID, lc.Version, map[string]any{"status": LicenseReleased, "released_at": now}); err != nil {
		return err
	}
	return s.pushLicense(ctx, lc, PurposeLicenseRelease, map[string]string{})
}

// SweepLicenseCodes expires the codes whose period ended (pushing FREEZE) and releases
// those expired longer than the freeze period, as instances are; test codes simply
// expire. It returns how many codes changed.
func (s *Store) SweepLicenseCodes(ctx context.Context) (int, error) {
	freeze, err := s.SettingInt(ctx, SettingFreezeDays, DefaultFreezeDays)
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	done := 0
	for _, step := range []struct {
		status string
		before time.Time
	}{{LicenseAlive, now}, {LicenseExpired, now.AddDate(0, 0, -freeze)}} {
		var ids []uint
		if err := s.r.WithContext(ctx).Model(&LicenseCode{}).Where("status = ? AND expires_at IS NOT NULL AND expires_at <= ?", step.status, step.before).
			Order("id").Limit(500).Pluck("id", &ids).Error; err != nil {
			return done, err
		}
		for _, id := range ids {
			err := s.Tx(ctx, func(tx *Store) error {
				var lc LicenseCode
				if err := first(tx.forUpdate(tx.w.Where("id = ? AND status = ?", id, step.status)), &lc); err != nil {
					return err
				}
				if step.status == LicenseExpired || lc.Test {
					if lc.Test && step.status == LicenseAlive {
						return tx.saveVersioned(&LicenseCode{}, lc.ID, lc.Version, map[string]any{"status": LicenseExpired})
					}
					return tx.releaseLicense(ctx, lc)
				}
				if err := tx.saveVersioned(&LicenseCode{}, lc.ID, lc.Version, map[string]any{"status": LicenseExpired}); err != nil {
					return err
				}
				return tx.pushLicense(ctx, lc, PurposeLicenseFreeze, map[string]string{"status": "FREEZE"})
			})
			switch {
			case err == nil:
				done++
			case !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict):
				return done, err
			}
		}
	}
	return done, nil
}

func migrateLicenseCodes(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&LicenseCode{}); err != nil {
		return err
	}
	m := tx.Migrator()
	if !m.HasColumn(&SaaSCall{}, "LicenseCodeID") {
		if err := m.AddColumn(&SaaSCall{}, "LicenseCodeID"); err != nil {
			return err
		}
	}
	return nil
}

// CodeLicenseProducts lists the merchant's License products delivered by online codes
// that are live (approved), for test codes.
func (s *Store) CodeLicenseProducts(ctx context.Context, merchantID uint) ([]Product, error) {
	var rows []Product
	if err := s.r.WithContext(ctx).Where("merchant_id = ? AND type = ? AND content LIKE ?", merchantID, ProductLicense,
		`%"delivery":"`+LicenseOnlineCode+`"%`).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, p := range rows {
		if c, err := p.LiveContent(); err == nil && deliversByCode(c) {
			out = append(out, p)
		}
	}
	return out, nil
}
