package models

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"sellercenter/internal/saasproto"
)

// Errors of the application tools.
var (
	// ErrKeyRevoked: the key was revoked and signs nothing any more (409).
	ErrKeyRevoked = &FieldError{Field: "key", Key: "saas.error.key_revoked"}
	// ErrTooManyKeys: the merchant has MaxAccessKeys active keys.
	ErrTooManyKeys = &FieldError{Field: "name", Key: "saas.error.too_many_keys", Args: []any{"N", MaxAccessKeys}}
	// ErrTooManyAddresses: the merchant has MaxAddresses addresses.
	ErrTooManyAddresses = &FieldError{Field: "name", Key: "saas.error.too_many_addresses", Args: []any{"N", MaxAddresses}}
)

// KeyInUseError refuses revoking a key that production addresses are bound to.
type KeyInUseError struct{ Addresses []string }

func (e *KeyInUseError) Error() string { return "key bound to " + strings.Join(e.Addresses, ", ") }

// AddressInUseError refuses deleting an address products or app credentials use.
type AddressInUseError struct{ Products, Apps []string }

func (e *AddressInUseError) Error() string {
	return "address used by " + strings.Join(append(slices.Clone(e.Products), e.Apps...), ", ")
}

// ConfirmError asks to confirm a change that affects on-sale products before saving it.
type ConfirmError struct{ Products []Product }

func (e *ConfirmError) Error() string { return "the change affects on-sale products" }

// checkToolName validates the label of a key or an address.
func checkToolName(name string) (string, *FieldError) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", &FieldError{Field: "name", Key: "saas.error.name_required"}
	case utf8.RuneCountInString(name) > MaxToolNameRunes || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", &FieldError{Field: "name", Key: "saas.error.name_long", Args: []any{"N", MaxToolNameRunes}}
	}
	return name, nil
}

func keyAudit(k AccessKey) map[string]any {
	return map[string]any{"name": k.Name, "masked": k.SecretMasked, "generation": k.Generation, "status": k.Status}
}

// AccessKeysOf lists the merchant's keys, newest first.
func (s *Store) AccessKeysOf(ctx context.Context, merchantID uint) ([]AccessKey, error) {
	var out []AccessKey
	err := s.r.WithContext(ctx).Where("merchant_id = ?", merchantID).Order("created_at DESC, id DESC").Limit(200).Find(&out).Error
	return out, err
}

// AccessKeyOf reads one of the merchant's keys.
func (s *Store) AccessKeyOf(ctx context.Context, merchantID, id uint) (AccessKey, error) {
	var k AccessKey
	err := first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &k)
	return k, err
}

// CreateAccessKey makes a key and returns it with its secret, which is shown once.
func (s *Store) CreateAccessKey(ctx context.Context, act Actor, merchantID uint, name string) (AccessKey, string, error) {
	name, fe := checkToolName(name)
	if fe != nil {
		return AccessKey{}, "", fe
	}
	secret, err := newSecret()
	if err != nil {
		return AccessKey{}, "", err
	}
	var k AccessKey
	err = s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.w.Model(&AccessKey{}).Where("merchant_id = ? AND status = ?", merchantID, KeyActive).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxAccessKeys {
			return ErrTooManyKeys
		}
		sealed, err := tx.box.Seal(secret)
		if err != nil {
			return err
		}
		ak, err := newAccessID()
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		k = AccessKey{MerchantID: merchantID, Name: name, AccessID: ak, Status: KeyActive, SecretEnc: sealed, SecretMasked: maskSecret(secret),
			Generation: 1, CreatedAt: now, UpdatedAt: now}
		if act.UserID != 0 {
			k.CreatedByID = &act.UserID
		}
		if err := tx.w.Create(&k).Error; err != nil {
			return err
		}
		return tx.audit(act, "access_key.create", "access_key", k.ID, &merchantID, nil, keyAudit(k), "", "")
	})
	return k, secret, err
}

// KeyGrace is how long an old secret keeps working after a rotation.
func (s *Store) KeyGrace(ctx context.Context) (time.Duration, error) {
	h, err := s.SettingInt(ctx, SettingKeyGraceHours, DefaultKeyGraceHours)
	return time.Duration(h) * time.Hour, err
}

// SaaSCallTimeout is how long a call to a merchant's address may take.
func (s *Store) SaaSCallTimeout(ctx context.Context) (time.Duration, error) {
	n, err := s.SettingInt(ctx, SettingSaaSCallTimeout, DefaultSaaSCallSeconds)
	return time.Duration(n) * time.Second, err
}

// RotateAccessKey gives the key a new secret (returned, shown once); the old one keeps
// working for the grace period.
func (s *Store) RotateAccessKey(ctx context.Context, act Actor, merchantID, id uint) (AccessKey, string, error) {
	secret, err := newSecret()
	if err != nil {
		return AccessKey{}, "", err
	}
	var k AccessKey
	err = s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &k); err != nil {
			return err
		}
		grace, err := tx.KeyGrace(ctx)
		if err != nil {
			return err
		}
		sealed, err := tx.box.Seal(secret)
		if err != nil {
			return err
		}
		before := keyAudit(k)
		now := tx.clock.Now()
		if err := k.rotate(sealed, maskSecret(secret), now, grace); err != nil {
			return err
		}
		if err := tx.saveVersioned(&AccessKey{}, k.ID, k.Version, map[string]any{
			"secret_enc": k.SecretEnc, "secret_masked": k.SecretMasked, "generation": k.Generation,
			"previous_enc": k.PreviousEnc, "previous_mask": k.PreviousMask, "previous_until": k.PreviousUntil, "rotated_at": k.RotatedAt}); err != nil {
			return err
		}
		k.Version++
		after := keyAudit(k)
		after["grace_until"] = k.PreviousUntil
		return tx.audit(act, "access_key.rotate", "access_key", k.ID, &merchantID, before, after, "", "")
	})
	return k, secret, err
}

// RetireOldSecret ends a rotation's grace period now: only the new secret works.
func (s *Store) RetireOldSecret(ctx context.Context, act Actor, merchantID, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var k AccessKey
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &k); err != nil {
			return err
		}
		before := map[string]any{"grace_until": k.PreviousUntil}
		if err := k.retirePrevious(tx.clock.Now()); err != nil {
			return err
		}
		if err := tx.saveVersioned(&AccessKey{}, k.ID, k.Version, map[string]any{"previous_enc": "", "previous_mask": "", "previous_until": nil}); err != nil {
			return err
		}
		return tx.audit(act, "access_key.retire_old", "access_key", k.ID, &merchantID, before, map[string]any{"grace_until": nil}, "", "")
	})
}

// RevokeAccessKey ends a key for good; a key bound to an address is refused with the
// addresses to rebind first.
func (s *Store) RevokeAccessKey(ctx context.Context, act Actor, merchantID, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var k AccessKey
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &k); err != nil {
			return err
		}
		var names []string
		if err := tx.w.Model(&ProductionAddress{}).Where("merchant_id = ? AND key_id = ?", merchantID, id).Order("id").Pluck("name", &names).Error; err != nil {
			return err
		}
		if len(names) > 0 {
			return &KeyInUseError{Addresses: names}
		}
		before := keyAudit(k)
		if err := k.revoke(tx.clock.Now()); err != nil {
			return err
		}
		if err := tx.saveVersioned(&AccessKey{}, k.ID, k.Version, map[string]any{"status": k.Status, "revoked_at": k.RevokedAt,
			"previous_enc": "", "previous_mask": "", "previous_until": nil}); err != nil {
			return err
		}
		return tx.audit(act, "access_key.revoke", "access_key", k.ID, &merchantID, before, keyAudit(k), "", "")
	})
}

// KeySecret opens the current secret of an active key of the merchant.
func (s *Store) KeySecret(ctx context.Context, merchantID, id uint) (string, AccessKey, error) {
	k, err := s.AccessKeyOf(ctx, merchantID, id)
	if err != nil {
		return "", k, err
	}
	if k.Status != KeyActive {
		return "", k, ErrKeyRevoked
	}
	secret, err := s.box.Open(k.SecretEnc)
	return secret, k, err
}

// SigningSecret is the secret production calls are signed with: during a rotation's
// grace period the previous one (the merchant's system may not know the new one yet),
// else the current one. The debugging console signs with the current secret, so a
// merchant can try the new one before the switch.
func (s *Store) SigningSecret(ctx context.Context, merchantID, id uint) (string, AccessKey, error) {
	k, err := s.AccessKeyOf(ctx, merchantID, id)
	if err != nil {
		return "", k, err
	}
	if k.Status != KeyActive {
		return "", k, ErrKeyRevoked
	}
	sealed := k.SecretEnc
	if k.PreviousLive(s.clock.Now()) {
		sealed = k.PreviousEnc
	}
	secret, err := s.box.Open(sealed)
	return secret, k, err
}

// LiveKeySecrets opens every secret that verifies at now, of every merchant: the current
// secrets of active keys and the previous ones still in their grace period. Only the
// development reference endpoint served by this process uses it.
func (s *Store) LiveKeySecrets(ctx context.Context) ([]string, error) {
	var keys []AccessKey
	if err := s.r.WithContext(ctx).Where("status = ?", KeyActive).Order("id DESC").Limit(1000).Find(&keys).Error; err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var out []string
	for _, k := range keys {
		if v, err := s.box.Open(k.SecretEnc); err == nil {
			out = append(out, v)
		}
		if k.PreviousLive(now) {
			if v, err := s.box.Open(k.PreviousEnc); err == nil {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// KeyUse is what uses one key: addresses bound to it and the products on those.
type KeyUse struct {
	Addresses []ProductionAddress
	Products  []Product
}

// KeyUsesOf maps each of the merchant's keys to the addresses bound to it and the
// products (live or in an open application) that use those addresses.
func (s *Store) KeyUsesOf(ctx context.Context, merchantID uint) (map[uint]KeyUse, map[uint][]Product, error) {
	addrs, err := s.ProductionAddressesOf(ctx, merchantID)
	if err != nil {
		return nil, nil, err
	}
	byAddr, err := s.productsByAddress(ctx, merchantID)
	if err != nil {
		return nil, nil, err
	}
	out := map[uint]KeyUse{}
	for _, a := range addrs {
		u := out[a.KeyID]
		u.Addresses = append(u.Addresses, a)
		u.Products = append(u.Products, byAddr[a.ID]...)
		out[a.KeyID] = u
	}
	return out, byAddr, nil
}

// productsByAddress lists the merchant's SaaS products by the address their live
// content or their open application uses.
func (s *Store) productsByAddress(ctx context.Context, merchantID uint) (map[uint][]Product, error) {
	var live []Product
	if err := s.r.WithContext(ctx).Select("id, merchant_id, type, name_zh, name_en, listing, hidden, saas_address_id").
		Where("merchant_id = ? AND saas_address_id IS NOT NULL", merchantID).Order("id").Limit(1000).Find(&live).Error; err != nil {
		return nil, err
	}
	var apps []struct {
		ProductID     uint
		SaaSAddressID uint `gorm:"column:saas_address_id"`
	}
	if err := s.r.WithContext(ctx).Model(&ProductApplication{}).Select("product_id, saas_address_id").
		Where("merchant_id = ? AND saas_address_id IS NOT NULL AND status IN ?", merchantID, []string{PADraft, PAPending}).
		Limit(1000).Find(&apps).Error; err != nil {
		return nil, err
	}
	out := map[uint][]Product{}
	seen := map[[2]uint]bool{}
	for _, p := range live {
		out[*p.SaaSAddressID] = append(out[*p.SaaSAddressID], p)
		seen[[2]uint{*p.SaaSAddressID, p.ID}] = true
	}
	var missing []uint
	want := map[uint][]uint{}
	for _, a := range apps {
		if !seen[[2]uint{a.SaaSAddressID, a.ProductID}] {
			want[a.ProductID] = append(want[a.ProductID], a.SaaSAddressID)
			missing = append(missing, a.ProductID)
		}
	}
	if len(missing) > 0 {
		var ps []Product
		if err := s.r.WithContext(ctx).Select("id, merchant_id, type, name_zh, name_en, listing, hidden").
			Where("merchant_id = ? AND id IN ?", merchantID, missing).Find(&ps).Error; err != nil {
			return nil, err
		}
		for _, p := range ps {
			for _, addr := range want[p.ID] {
				if !seen[[2]uint{addr, p.ID}] {
					out[addr] = append(out[addr], p)
					seen[[2]uint{addr, p.ID}] = true
				}
			}
		}
	}
	return out, nil
}

// ProductionAddressesOf lists the merchant's addresses, newest first.
func (s *Store) ProductionAddressesOf(ctx context.Context, merchantID uint) ([]ProductionAddress, error) {
	var out []ProductionAddress
	err := s.r.WithContext(ctx).Where("merchant_id = ?", merchantID).Order("created_at DESC, id DESC").Limit(200).Find(&out).Error
	return out, err
}

// ProductionAddressOf reads one of the merchant's addresses.
func (s *Store) ProductionAddressOf(ctx context.Context, merchantID, id uint) (ProductionAddress, error) {
	var a ProductionAddress
	err := first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &a)
	return a, err
}

// AddressInput is a production address as the form gives it.
type AddressInput struct {
	Name          string
	InterfaceType string
	Protocol      string
	URL           string
	KeyID         uint
	AllowDev      bool // development: http:// and loopback allowed
	Confirmed     bool // the merchant saw the on-sale products the change affects
}

// CheckAddressInput validates the form; every problem at once.
func CheckAddressInput(in *AddressInput) []*FieldError {
	var errs []*FieldError
	if name, fe := checkToolName(in.Name); fe != nil {
		errs = append(errs, fe)
	} else {
		in.Name = name
	}
	if !slices.Contains(InterfaceTypes, in.InterfaceType) {
		errs = append(errs, &FieldError{Field: "interface_type", Key: "saas.error.interface_type"})
	}
	if in.Protocol != ProtocolV1 && in.Protocol != ProtocolV2 || in.InterfaceType == InterfaceLicense && in.Protocol != ProtocolV2 {
		errs = append(errs, &FieldError{Field: "protocol", Key: "saas.error.protocol"})
	}
	if u, fe := CheckAddressURL(in.URL, in.AllowDev); fe != nil {
		errs = append(errs, fe)
	} else {
		in.URL = u
	}
	if in.KeyID == 0 {
		errs = append(errs, &FieldError{Field: "key_id", Key: "saas.error.key_required"})
	}
	return errs
}

func addressAudit(a ProductionAddress) map[string]any {
	return map[string]any{"name": a.Name, "interface_type": a.InterfaceType, "protocol": a.Protocol, "url": a.URL, "key_id": a.KeyID}
}

// SaveProductionAddress creates (id 0) or changes an address. A change of URL, protocol
// or key that affects on-sale products is refused with a ConfirmError listing them
// unless in.Confirmed.
func (s *Store) SaveProductionAddress(ctx context.Context, act Actor, merchantID, id uint, in AddressInput) (ProductionAddress, error) {
	if errs := CheckAddressInput(&in); len(errs) > 0 {
		return ProductionAddress{}, errs[0]
	}
	var a ProductionAddress
	err := s.Tx(ctx, func(tx *Store) error {
		var k AccessKey
		if err := first(tx.w.Where("id = ? AND merchant_id = ?", in.KeyID, merchantID), &k); err != nil {
			if errors.Is(err, ErrNotFound) {
				return &FieldError{Field: "key_id", Key: "saas.error.key_required"}
			}
			return err
		}
		if k.Status != KeyActive {
			return &FieldError{Field: "key_id", Key: "saas.error.key_revoked"}
		}
		now := tx.clock.Now()
		if id == 0 {
			var n int64
			if err := tx.w.Model(&ProductionAddress{}).Where("merchant_id = ?", merchantID).Count(&n).Error; err != nil {
				return err
			}
			if n >= MaxAddresses {
				return ErrTooManyAddresses
			}
			a = ProductionAddress{MerchantID: merchantID, Name: in.Name, InterfaceType: in.InterfaceType, Protocol: in.Protocol,
				URL: in.URL, KeyID: in.KeyID, CreatedAt: now, UpdatedAt: now}
			if err := tx.w.Create(&a).Error; err != nil {
				return err
			}
			return tx.audit(act, "address.create", "production_address", a.ID, &merchantID, nil, addressAudit(a), "", "")
		}
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &a); err != nil {
			return err
		}
		before := addressAudit(a)
		if in.InterfaceType != a.InterfaceType {
			var n int64
			if err := tx.w.Model(&Product{}).Where("merchant_id = ? AND saas_address_id = ?", merchantID, a.ID).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return &FieldError{Field: "interface_type", Key: "saas.error.interface_type_in_use"}
			}
		}
		if in.InterfaceType != a.InterfaceType || in.URL != a.URL || in.Protocol != a.Protocol || in.KeyID != a.KeyID {
			// An app credential's address changes only through its reviewed change request.
			var apps []string
			if err := tx.w.Model(&KitApp{}).Where("merchant_id = ? AND address_id = ?", merchantID, a.ID).Order("id").Limit(20).Pluck("name", &apps).Error; err != nil {
				return err
			}
			if len(apps) > 0 {
				return &FieldError{Field: "url", Key: "saas.error.kit_in_use", Args: []any{"Names", strings.Join(apps, ", ")}}
			}
		}
		if (in.URL != a.URL || in.Protocol != a.Protocol || in.KeyID != a.KeyID) && !in.Confirmed {
			var onSale []Product
			if err := tx.w.Select("id, name_zh, name_en, listing").Where("merchant_id = ? AND saas_address_id = ? AND listing = ?", merchantID, a.ID, ListingOnSale).
				Order("id").Limit(200).Find(&onSale).Error; err != nil {
				return err
			}
			if len(onSale) > 0 {
				return &ConfirmError{Products: onSale}
			}
		}
		a.Name, a.InterfaceType, a.Protocol, a.URL, a.KeyID = in.Name, in.InterfaceType, in.Protocol, in.URL, in.KeyID
		if err := tx.saveVersioned(&ProductionAddress{}, a.ID, a.Version, map[string]any{"name": a.Name, "interface_type": a.InterfaceType,
			"protocol": a.Protocol, "url": a.URL, "key_id": a.KeyID}); err != nil {
			return err
		}
		a.Version++
		return tx.audit(act, "address.update", "production_address", a.ID, &merchantID, before, addressAudit(a), "", "")
	})
	return a, err
}

// DeleteProductionAddress removes an address no product or open application uses.
func (s *Store) DeleteProductionAddress(ctx context.Context, act Actor, merchantID, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var a ProductionAddress
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &a); err != nil {
			return err
		}
		byAddr, err := tx.productsByAddress(ctx, merchantID)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(byAddr[a.ID]))
		for _, p := range byAddr[a.ID] {
			names = append(names, p.NameZh)
		}
		var apps []string
		if err := tx.w.Model(&KitApp{}).Where("merchant_id = ? AND address_id = ?", merchantID, a.ID).Order("id").Pluck("name", &apps).Error; err != nil {
			return err
		}
		if len(names)+len(apps) > 0 {
			return &AddressInUseError{Products: names, Apps: apps}
		}
		if err := tx.w.Delete(&ProductionAddress{}, a.ID).Error; err != nil {
			return err
		}
		return tx.audit(act, "address.delete", "production_address", a.ID, &merchantID, addressAudit(a), nil, "", "")
	})
}

// SaaSSettingsOf reads the merchant's switches (defaults when never saved).
func (s *Store) SaaSSettingsOf(ctx context.Context, merchantID uint) (SaaSSettings, error) {
	var st SaaSSettings
	err := first(s.r.WithContext(ctx).Where("merchant_id = ?", merchantID), &st)
	if errors.Is(err, ErrNotFound) {
		return SaaSSettings{MerchantID: merchantID}, nil
	}
	return st, err
}

// SetOrderNotify turns V2 order notification on or off.
func (s *Store) SetOrderNotify(ctx context.Context, act Actor, merchantID uint, on bool) error {
	return s.Tx(ctx, func(tx *Store) error {
		var st SaaSSettings
		err := first(tx.forUpdate(tx.w.Where("merchant_id = ?", merchantID)), &st)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		before := st.OrderNotify
		if err == nil && before == on {
			return nil
		}
		st = SaaSSettings{MerchantID: merchantID, OrderNotify: on, UpdatedAt: tx.clock.Now()}
		if err := tx.w.Save(&st).Error; err != nil {
			return err
		}
		return tx.audit(act, "saas_settings.update", "saas_settings", merchantID, &merchantID,
			map[string]any{"order_notify": before}, map[string]any{"order_notify": on}, "", "")
	})
}

// RecordDebugCall keeps a console call; a passing call made for a product with a saved
// address and its bound key becomes (replaces) that product's debug case.
func (s *Store) RecordDebugCall(ctx context.Context, merchantID uint, c DebugCall) (DebugCall, error) {
	err := s.Tx(ctx, func(tx *Store) error {
		if c.ProductID != nil {
			var n int64
			if err := tx.w.Model(&Product{}).Where("id = ? AND merchant_id = ?", *c.ProductID, merchantID).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return ErrNotFound
			}
		}
		c.ID, c.MerchantID, c.CreatedAt = 0, merchantID, tx.clock.Now()
		if err := tx.w.Create(&c).Error; err != nil {
			return err
		}
		if !c.Passed || c.ProductID == nil || c.AddressID == nil || c.KeyID == nil {
			return nil
		}
		var a ProductionAddress
		if err := first(tx.w.Where("id = ? AND merchant_id = ?", *c.AddressID, merchantID), &a); err != nil {
			return err
		}
		if a.KeyID != *c.KeyID || a.Protocol != c.Protocol {
			return nil // made with another key than the address's own: not a case
		}
		dc := DebugCase{MerchantID: merchantID, ProductID: *c.ProductID, Protocol: c.Protocol, Activity: c.Activity,
			CallID: c.ID, AddressID: a.ID, AddressURL: a.URL, KeyID: *c.KeyID, KeyGeneration: c.KeyGeneration, PassedAt: c.CreatedAt}
		res := tx.w.Model(&DebugCase{}).Where("product_id = ? AND protocol = ? AND activity = ?", dc.ProductID, dc.Protocol, dc.Activity).
			Updates(map[string]any{"call_id": dc.CallID, "address_id": dc.AddressID, "address_url": dc.AddressURL, "key_id": dc.KeyID,
				"key_generation": dc.KeyGeneration, "passed_at": dc.PassedAt, "merchant_id": merchantID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return tx.w.Create(&dc).Error
		}
		return nil
	})
	return c, err
}

// DebugCallFilter narrows the history.
type DebugCallFilter struct {
	ProductID *uint
	Activity  string
	Outcome   string // "", "passed", "failed"
	From, To  *time.Time
	Before    uint // keyset: calls with a smaller id
	Limit     int
}

// DebugCallsOf lists the merchant's debug calls, newest first, one keyset page.
func (s *Store) DebugCallsOf(ctx context.Context, merchantID uint, f DebugCallFilter) ([]DebugCall, bool, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 30
	}
	return keysetPage[DebugCall](debugCallsQuery(s.r.WithContext(ctx), merchantID, f), f.Limit)
}

// keysetPage reads one keyset page of q, which asks for limit+1 rows: the extra row only
// tells whether another page follows.
func keysetPage[T any](q *gorm.DB, limit int) ([]T, bool, error) {
	var out []T
	if err := q.Find(&out).Error; err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// debugCallsQuery is the history's query: the (merchant_id, id) index serves it, or
// (product_id, activity) when a product is chosen.
func debugCallsQuery(db *gorm.DB, merchantID uint, f DebugCallFilter) *gorm.DB {
	q := db.Model(&DebugCall{}).
		Select("id, merchant_id, product_id, address_id, key_id, protocol, activity, address, status, elapsed_ms, passed, failed_check, created_at").
		Where("merchant_id = ?", merchantID)
	if f.ProductID != nil {
		q = q.Where("product_id = ?", *f.ProductID)
	}
	if f.Activity != "" {
		q = q.Where("activity = ?", f.Activity)
	}
	switch f.Outcome {
	case "passed":
		q = q.Where("passed = ?", true)
	case "failed":
		q = q.Where("passed = ?", false)
	}
	if f.From != nil {
		q = q.Where("created_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("created_at < ?", *f.To)
	}
	if f.Before != 0 {
		q = q.Where("id < ?", f.Before)
	}
	return q.Order("id DESC").Limit(f.Limit + 1)
}

// DebugCallOf reads one of the merchant's calls in full.
func (s *Store) DebugCallOf(ctx context.Context, merchantID, id uint) (DebugCall, error) {
	var c DebugCall
	err := first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &c)
	return c, err
}

// DebugCaseView is a debug case with the call that made it.
type DebugCaseView struct {
	DebugCase
	Call    DebugCall
	Current bool // made with the product's current address URL, protocol and key generation
}

// DebugCasesOf lists a product's cases (merchantID 0: any merchant, for reviewers), with
// whether each still holds for the address the content names.
func (s *Store) DebugCasesOf(ctx context.Context, merchantID, productID uint, addressID *uint) ([]DebugCaseView, error) {
	q := s.r.WithContext(ctx).Where("product_id = ?", productID)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	var cases []DebugCase
	if err := q.Order("id").Limit(100).Find(&cases).Error; err != nil {
		return nil, err
	}
	if len(cases) == 0 {
		return nil, nil
	}
	ids := make([]uint, len(cases))
	for i, c := range cases {
		ids[i] = c.CallID
	}
	var calls []DebugCall
	if err := s.r.WithContext(ctx).Where("id IN ?", ids).Find(&calls).Error; err != nil {
		return nil, err
	}
	byID := map[uint]DebugCall{}
	for _, c := range calls {
		byID[c.ID] = c
	}
	var addr ProductionAddress
	var key AccessKey
	haveAddr := false
	if addressID != nil {
		if err := first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", *addressID, cases[0].MerchantID), &addr); err == nil {
			if err := first(s.r.WithContext(ctx).Where("id = ?", addr.KeyID), &key); err == nil {
				haveAddr = true
			}
		}
	}
	out := make([]DebugCaseView, len(cases))
	for i, c := range cases {
		out[i] = DebugCaseView{DebugCase: c, Call: byID[c.CallID],
			Current: haveAddr && key.Status == KeyActive && c.AddressID == addr.ID && c.AddressURL == addr.URL && c.Protocol == addr.Protocol &&
				c.KeyID == key.ID && c.KeyGeneration == key.Generation}
	}
	return out, nil
}

// BillingModesOf lists the distinct billing modes of content's specs.
func BillingModesOf(c ProductContent) []string {
	var out []string
	for _, s := range c.Specs {
		if !slices.Contains(out, s.BillingMode) {
			out = append(out, s.BillingMode)
		}
	}
	return out
}

// debugGaps lists what a SaaS product still needs from the debugging console: an
// address of the basic SaaS type with an active key, and a current passing case for
// each activity required (given by required, from the protocol package).
func (s *Store) debugGaps(ctx context.Context, merchantID, productID uint, c ProductContent) ([]Missing, error) {
	if c.Type != ProductSaaS {
		return nil, nil
	}
	if c.SaaS == nil || c.SaaS.AddressID == nil {
		return []Missing{{Field: "saas_address_id", Key: "standards.saas_address"}}, nil
	}
	var a ProductionAddress
	err := first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", *c.SaaS.AddressID, merchantID), &a)
	if errors.Is(err, ErrNotFound) || err == nil && a.InterfaceType != InterfaceSaaS {
		return []Missing{{Field: "saas_address_id", Key: "standards.saas_address"}}, nil
	}
	if err != nil {
		return nil, err
	}
	var k AccessKey
	if err := first(s.r.WithContext(ctx).Where("id = ?", a.KeyID), &k); err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if k.Status != KeyActive {
		return []Missing{{Field: "saas_address_id", Key: "standards.saas_key"}}, nil
	}
	if productID == 0 {
		return nil, nil
	}
	cases, err := s.DebugCasesOf(ctx, merchantID, productID, c.SaaS.AddressID)
	if err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	for _, dc := range cases {
		if dc.Current {
			ok[dc.Activity] = true
		}
	}
	var out []Missing
	for _, act := range saasproto.RequiredActivities(saasproto.Version(a.Protocol), BillingModesOf(c)) {
		if !ok[act] {
			out = append(out, Missing{Field: "debug", Key: "standards.debug_case", Activity: act, Protocol: a.Protocol})
		}
	}
	return out, nil
}

// DebugCallCount counts the merchant's debug calls.
func (s *Store) DebugCallCount(ctx context.Context, merchantID uint) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&DebugCall{}).Where("merchant_id = ?", merchantID).Count(&n).Error
	return n, err
}

// SaaSProductRef is a SaaS product as the console offers it, with the production address
// its open application (or else its live content) names.
type SaaSProductRef struct {
	ID        uint
	NameZh    string
	NameEn    string
	Listing   string
	AddressID *uint
	Modes     []string // billing modes of that content
	Provision string   // provisioning mode: on_purchase | after_acceptance
	Encrypt   string   // encryptType of the content
}

// SaaSProductsOf lists the merchant's SaaS products (not delisted), newest first.
func (s *Store) SaaSProductsOf(ctx context.Context, merchantID uint) ([]SaaSProductRef, error) {
	var ps []Product
	if err := s.r.WithContext(ctx).Select("id, name_zh, name_en, listing, saas_address_id, content").
		Where("merchant_id = ? AND type = ? AND listing <> ?", merchantID, ProductSaaS, ListingDelisted).
		Order("id DESC").Limit(200).Find(&ps).Error; err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, nil
	}
	ids := make([]uint, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	var apps []ProductApplication
	if err := s.r.WithContext(ctx).Select("id, product_id, snapshot, status").
		Where("merchant_id = ? AND product_id IN ? AND kind IN ?", merchantID, ids, []string{AppPublish, AppModify}).
		Order("id").Find(&apps).Error; err != nil {
		return nil, err
	}
	latest := map[uint]ProductApplication{}
	for _, a := range apps {
		latest[a.ProductID] = a
	}
	open := map[uint]ProductApplication{}
	for pid, a := range latest {
		if a.Status != PAApproved {
			open[pid] = a // the content being worked on
		}
	}
	out := make([]SaaSProductRef, len(ps))
	for i, p := range ps {
		content := p.Content
		if a, ok := open[p.ID]; ok {
			content = a.Snapshot
		}
		var c ProductContent
		_ = json.Unmarshal([]byte(content), &c)
		c.Type = ProductSaaS
		out[i] = SaaSProductRef{ID: p.ID, NameZh: p.NameZh, NameEn: p.NameEn, Listing: p.Listing, AddressID: c.SaaSAddress(), Modes: BillingModesOf(c)}
		if c.SaaS != nil {
			out[i].Provision, out[i].Encrypt = c.SaaS.ProvisionMode, c.SaaS.EncryptType
		}
		if out[i].NameZh == "" {
			out[i].NameZh = c.NameZh
		}
		if out[i].NameEn == "" {
			out[i].NameEn = c.NameEn
		}
	}
	return out, nil
}

// LastDebugInstance is the instance id the merchant's latest passing new purchase of the
// protocol version returned (for productID, or any when 0): the console prefills it in
// the tabs that act on an instance.
func (s *Store) LastDebugInstance(ctx context.Context, merchantID, productID uint, protocol string) (string, error) {
	q := s.r.WithContext(ctx).Model(&DebugCall{}).Select("resp_body").
		Where("merchant_id = ? AND activity = ? AND protocol = ? AND passed = ?", merchantID, "newInstance", protocol, true)
	if productID != 0 {
		q = q.Where("product_id = ?", productID)
	}
	var bodies []string
	if err := q.Order("id DESC").Limit(1).Pluck("resp_body", &bodies).Error; err != nil || len(bodies) == 0 {
		return "", err
	}
	var r struct {
		InstanceID string `json:"instanceId"`
	}
	_ = json.Unmarshal([]byte(bodies[0]), &r)
	return r.InstanceID, nil
}
