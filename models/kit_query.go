package models

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"gorm.io/gorm"
)

// CheckKitAppInput validates an app credential's form; every problem at once. The
// public key is parsed with the standard library: PEM, RSA, at least 3072 bits; a
// private key is refused and dropped from the input.
func CheckKitAppInput(in *KitAppInput) []*FieldError {
	_, errs := checkKitAppInput(in)
	return errs
}

// checkKitAppInput is CheckKitAppInput, also returning the key's length in bits.
func checkKitAppInput(in *KitAppInput) (int, []*FieldError) {
	out, bits, errs := checkKitApp(*in)
	*in = out
	if in.AddressID == 0 {
		errs = append(errs, &FieldError{Field: "address_id", Key: "kit.error.address_required"})
	}
	return bits, errs
}

// newAppSecret makes an app secret: 256 random bits, 64 hexadecimal characters.
func newAppSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// maskAppSecret shows an app secret's first and last four characters.
func maskAppSecret(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", 8) + s[len(s)-4:]
}

func kitAppAudit(a KitApp) map[string]any {
	return map[string]any{"name": a.Name, "auth_mode": a.AuthMode, "address_id": a.AddressID, "login_type": a.LoginType,
		"login_url": a.LoginURL, "key_bits": a.KeyBits, "oaep_digest": a.OAEPDigest, "platforms": a.Platforms,
		"client_id": a.ClientID, "masked": a.SecretMasked, "generation": a.SecretGeneration}
}

// kitAddress reads one of the merchant's kit production addresses for an app.
func (s *Store) kitAddress(merchantID, id uint) (ProductionAddress, error) {
	var a ProductionAddress
	err := first(s.w.Where("id = ? AND merchant_id = ?", id, merchantID), &a)
	switch {
	case errors.Is(err, ErrNotFound):
		return a, &FieldError{Field: "address_id", Key: "kit.error.address_required"}
	case err != nil:
		return a, err
	case a.InterfaceType != InterfaceKit:
		return a, &FieldError{Field: "address_id", Key: "kit.error.address_kit"}
	}
	return a, nil
}

// loginURLFree refuses a login URL another app credential uses.
func (s *Store) loginURLFree(url string, appID uint) error {
	var n int64
	if err := s.w.Model(&KitApp{}).Where("login_url = ? AND id <> ?", url, appID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return &FieldError{Field: "login_url", Key: "kit.error.login_url_taken"}
	}
	return nil
}

// duplicateLoginURL maps a lost race for the unique login URL to its field error.
func duplicateLoginURL(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return &FieldError{Field: "login_url", Key: "kit.error.login_url_taken"}
	}
	return err
}

// CreateKitApp registers an app credential and generates its app ID and secret; the
// secret is returned once and kept sealed.
func (s *Store) CreateKitApp(ctx context.Context, act Actor, merchantID uint, in KitAppInput) (KitApp, string, error) {
	bits, errs := checkKitAppInput(&in)
	if len(errs) > 0 {
		return KitApp{}, "", errs[0]
	}
	secret, err := newAppSecret()
	if err != nil {
		return KitApp{}, "", err
	}
	clientID, err := newClientID()
	if err != nil {
		return KitApp{}, "", err
	}
	var app KitApp
	err = s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.w.Model(&KitApp{}).Where("merchant_id = ?", merchantID).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxKitApps {
			return ErrTooManyKitApps
		}
		if _, err := tx.kitAddress(merchantID, in.AddressID); err != nil {
			return err
		}
		if err := tx.loginURLFree(in.LoginURL, 0); err != nil {
			return err
		}
		sealed, err := tx.box.Seal(secret)
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		app = KitApp{MerchantID: merchantID, Name: in.Name, AuthMode: in.AuthMode, AddressID: in.AddressID, LoginType: in.LoginType,
			LoginURL: in.LoginURL, PublicKey: in.PublicKey, KeyBits: bits, OAEPDigest: in.OAEPDigest,
			Platforms: strings.Join(in.Platforms, ","), ClientID: clientID, SecretEnc: sealed, SecretMasked: maskAppSecret(secret),
			SecretGeneration: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&app).Error; err != nil {
			return duplicateLoginURL(err)
		}
		return tx.audit(act, "kit_app.create", "kit_app", app.ID, &merchantID, nil, kitAppAudit(app), "", "")
	})
	return app, secret, err
}

// UpdateKitApp saves an app credential's fields (version checked). A different
// production address is not applied: it becomes a change request for a reviewer, whose
// approval moves the app to it; the returned request is nil when the address stayed.
func (s *Store) UpdateKitApp(ctx context.Context, act Actor, merchantID, id uint, version int, in KitAppInput) (KitApp, *ChangeRequest, error) {
	bits, errs := checkKitAppInput(&in)
	if len(errs) > 0 {
		return KitApp{}, nil, errs[0]
	}
	var app KitApp
	var change *ChangeRequest
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &app); err != nil {
			return err
		}
		if app.Version != version {
			return ErrConflict
		}
		if err := tx.loginURLFree(in.LoginURL, app.ID); err != nil {
			return err
		}
		var addr ProductionAddress
		if in.AddressID != app.AddressID {
			var err error
			if addr, err = tx.kitAddress(merchantID, in.AddressID); err != nil {
				return err
			}
		}
		before := kitAppAudit(app)
		fields := map[string]any{"name": in.Name, "auth_mode": in.AuthMode, "login_type": in.LoginType, "login_url": in.LoginURL,
			"public_key": in.PublicKey, "key_bits": bits, "oaep_digest": in.OAEPDigest, "platforms": strings.Join(in.Platforms, ",")}
		if err := tx.saveVersioned(&KitApp{}, app.ID, app.Version, fields); err != nil {
			return duplicateLoginURL(err)
		}
		app.Name, app.AuthMode, app.LoginType, app.LoginURL = in.Name, in.AuthMode, in.LoginType, in.LoginURL
		app.PublicKey, app.KeyBits, app.OAEPDigest, app.Platforms = in.PublicKey, bits, in.OAEPDigest, strings.Join(in.Platforms, ",")
		app.Version++
		if err := tx.audit(act, "kit_app.update", "kit_app", app.ID, &merchantID, before, kitAppAudit(app), "", ""); err != nil {
			return err
		}
		if in.AddressID == app.AddressID {
			return nil
		}
		var cur ProductionAddress
		if err := first(tx.w.Where("id = ?", app.AddressID), &cur); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		r, err := tx.submitChangeTx(act, merchantID, ChangeKitAddress, app.ID,
			KitAddressChange{AppID: app.ID, AppName: app.Name, AddressID: cur.ID, AddressName: cur.Name, AddressURL: cur.URL},
			KitAddressChange{AppID: app.ID, AppName: app.Name, AddressID: addr.ID, AddressName: addr.Name, AddressURL: addr.URL})
		change = &r
		return err
	})
	return app, change, err
}

// RotateKitAppSecret gives the app a new secret (returned, shown once); the old one
// stops working at once.
func (s *Store) RotateKitAppSecret(ctx context.Context, act Actor, merchantID, id uint) (KitApp, string, error) {
	secret, err := newAppSecret()
	if err != nil {
		return KitApp{}, "", err
	}
	var app KitApp
	err = s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", id, merchantID)), &app); err != nil {
			return err
		}
		sealed, err := tx.box.Seal(secret)
		if err != nil {
			return err
		}
		before := kitAppAudit(app)
		if err := tx.saveVersioned(&KitApp{}, app.ID, app.Version, map[string]any{"secret_enc": sealed, "secret_masked": maskAppSecret(secret),
			"secret_generation": app.SecretGeneration + 1}); err != nil {
			return err
		}
		app.SecretEnc, app.SecretMasked, app.SecretGeneration, app.Version = sealed, maskAppSecret(secret), app.SecretGeneration+1, app.Version+1
		return tx.audit(act, "kit_app.rotate", "kit_app", app.ID, &merchantID, before, kitAppAudit(app), "", "")
	})
	return app, secret, err
}

// KitAppsOf lists the merchant's app credentials, newest first.
func (s *Store) KitAppsOf(ctx context.Context, merchantID uint) ([]KitApp, error) {
	var out []KitApp
	return out, s.r.WithContext(ctx).Where("merchant_id = ?", merchantID).Order("created_at DESC, id DESC").Find(&out).Error
}

// KitAppOf reads one of the merchant's app credentials.
func (s *Store) KitAppOf(ctx context.Context, merchantID, id uint) (KitApp, error) {
	var a KitApp
	return a, first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &a)
}

// KitAppByClientID reads the app credential with an app ID (the OAuth client).
func (s *Store) KitAppByClientID(ctx context.Context, clientID string) (KitApp, error) {
	var a KitApp
	if clientID == "" {
		return a, ErrNotFound
	}
	return a, first(s.r.WithContext(ctx).Where("client_id = ?", clientID), &a)
}

// KitAppByLoginURL reads the app credential with a login URL (they are unique).
func (s *Store) KitAppByLoginURL(ctx context.Context, loginURL string) (KitApp, error) {
	var a KitApp
	if loginURL == "" {
		return a, ErrNotFound
	}
	return a, first(s.r.WithContext(ctx).Where("login_url = ?", loginURL), &a)
}

// KitAppSecret unseals an app's secret (the kit sync sends it, encrypted with the
// merchant's public key; the OAuth server compares a client's secret with it).
func (s *Store) KitAppSecret(a KitApp) (string, error) { return s.box.Open(a.SecretEnc) }

// PendingKitAddresses are the merchant's app address changes waiting for a reviewer,
// by app.
func (s *Store) PendingKitAddresses(ctx context.Context, merchantID uint) (map[uint]KitAddressChange, error) {
	var rows []ChangeRequest
	if err := s.r.WithContext(ctx).Where("merchant_id = ? AND kind = ? AND status = ?", merchantID, ChangeKitAddress, ChangePending).
		Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[uint]KitAddressChange, len(rows))
	for _, r := range rows {
		var c KitAddressChange
		if err := json.Unmarshal([]byte(r.Payload), &c); err != nil {
			return nil, err
		}
		out[r.SubjectID] = c
	}
	return out, nil
}

// applyKitAddress moves an app to the address an approved change names; an address
// deleted or retyped meanwhile cannot be moved to.
func (s *Store) applyKitAddress(m Merchant, r ChangeRequest) error {
	var c KitAddressChange
	if err := json.Unmarshal([]byte(r.Payload), &c); err != nil {
		return err
	}
	var app KitApp
	if err := first(s.forUpdate(s.w.Where("id = ? AND merchant_id = ?", c.AppID, m.ID)), &app); err != nil {
		return err
	}
	if _, err := s.kitAddress(m.ID, c.AddressID); err != nil {
		return ErrIllegalTransition
	}
	return s.saveVersioned(&KitApp{}, app.ID, app.Version, map[string]any{"address_id": c.AddressID})
}
