package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Unified login (统一登录): the platform signs an organisation's authorised users in to a
// joint-operation app. The OAuth 2.0 protocol itself is served by a library; the store
// keeps who may sign in to which app, and the codes and tokens (hashed).

// ErrKitNotAuthorised: the user signed in correctly but may not use this app (not
// authorised on it, switched off, or the app is not bound to the organisation).
var ErrKitNotAuthorised = errors.New("user not authorised on the app")

// KitSignIn is an authorised user of an app, as unified login knows them.
type KitSignIn struct {
	GrantID    uint
	UserName   string
	Name       string
	TenantID   string
	TenantCode string
	TenantName string
	Role       string
	Email      string
	Mobile     string
	OrgCode    string
	Test       bool
}

// Identity is the kit's unique user key, userName@tenantCode.
func (k KitSignIn) Identity() string { return KitIdentity(k.UserName, k.TenantCode) }

// KitAuthenticate checks a user's sign-in to an app: the account is userName@tenantCode.
// Failures are throttled per account and per client address like the platform's own
// login; a correct password of a user who may not use the app is ErrKitNotAuthorised.
func (s *Store) KitAuthenticate(ctx context.Context, clientID, account, password, ip string) (KitSignIn, error) {
	account = strings.TrimSpace(account)
	keys := []string{"kit:" + strings.ToLower(account), "ip:" + ip}
	now := s.clock.Now()
	var rows []LoginThrottle
	if err := s.r.WithContext(ctx).Where("key IN ?", keys).Find(&rows).Error; err != nil {
		return KitSignIn{}, err
	}
	for _, r := range rows {
		if r.LockedUntil != nil && r.LockedUntil.After(now) {
			return KitSignIn{}, ErrThrottled
		}
	}
	userName, code, _ := strings.Cut(account, "@")
	db := s.r.WithContext(ctx)
	var t KitTenant
	var u KitUser
	hash := string(dummyHash)
	err := first(db.Where("tenant_code = ?", strings.ToLower(code)), &t)
	if err == nil {
		err = first(db.Where("tenant_row_id = ? AND user_name = ?", t.ID, userName), &u)
	}
	if err == nil {
		hash = u.PasswordHash
	} else if !errors.Is(err, ErrNotFound) {
		return KitSignIn{}, err
	}
	cmp := bcrypt.CompareHashAndPassword([]byte(hash), []byte(truncate(password)))
	if err != nil || cmp != nil || len(password) > MaxPasswordBytes || userName == "" || code == "" {
		if ferr := s.recordLoginFailure(ctx, keys, ip, account, ""); ferr != nil {
			return KitSignIn{}, ferr
		}
		return KitSignIn{}, ErrBadCredentials
	}
	if err := s.w.WithContext(ctx).Where("key = ?", keys[0]).Delete(&LoginThrottle{}).Error; err != nil {
		return KitSignIn{}, err
	}
	var grant KitGrant
	err = first(db.Table("kit_grants").Select("kit_grants.*").
		Joins("JOIN kit_bindings ON kit_bindings.id = kit_grants.binding_id").
		Joins("JOIN kit_apps ON kit_apps.id = kit_bindings.kit_app_id").
		Where("kit_grants.user_id = ? AND kit_bindings.tenant_row_id = ? AND kit_bindings.status = ? AND kit_apps.client_id = ?",
			u.ID, t.ID, BindingBound, clientID), &grant)
	switch {
	case errors.Is(err, ErrNotFound):
		return KitSignIn{}, ErrKitNotAuthorised
	case err != nil:
		return KitSignIn{}, err
	case !u.Enabled || !grant.Enabled:
		return KitSignIn{}, ErrKitNotAuthorised
	}
	return kitSignInOf(t, u, grant), nil
}

func kitSignInOf(t KitTenant, u KitUser, g KitGrant) KitSignIn {
	return KitSignIn{GrantID: g.ID, UserName: u.UserName, Name: u.Name, TenantID: t.TenantID, TenantCode: t.TenantCode,
		TenantName: t.Name, Role: g.Role, Email: u.Email, Mobile: u.Mobile, OrgCode: u.OrgCode, Test: t.Test}
}

// KitSignInOf reads a grant's identity for the userinfo endpoint and a refresh: the
// user, the grant and the binding must all still allow the app (ErrKitNotAuthorised
// otherwise).
func (s *Store) KitSignInOf(ctx context.Context, clientID string, grantID uint) (KitSignIn, error) {
	db := s.r.WithContext(ctx)
	var g KitGrant
	if err := first(db.Where("id = ?", grantID), &g); err != nil {
		return KitSignIn{}, ErrKitNotAuthorised
	}
	var b KitBinding
	if err := first(db.Where("id = ? AND status = ?", g.BindingID, BindingBound), &b); err != nil {
		return KitSignIn{}, ErrKitNotAuthorised
	}
	var app KitApp
	if err := first(db.Where("id = ? AND client_id = ?", b.KitAppID, clientID), &app); err != nil {
		return KitSignIn{}, ErrKitNotAuthorised
	}
	var u KitUser
	if err := first(db.Where("id = ? AND tenant_row_id = ?", g.UserID, b.TenantRowID), &u); err != nil {
		return KitSignIn{}, ErrKitNotAuthorised
	}
	var t KitTenant
	if err := first(db.Where("id = ?", b.TenantRowID), &t); err != nil {
		return KitSignIn{}, ErrKitNotAuthorised
	}
	if !u.Enabled || !g.Enabled {
		return KitSignIn{}, ErrKitNotAuthorised
	}
	return kitSignInOf(t, u, g), nil
}

// KitTokenHash is how a code or token is kept: hex SHA-256.
func KitTokenHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// SaveKitToken keeps a code or token set.
func (s *Store) SaveKitToken(ctx context.Context, t *KitToken) error {
	t.CreatedAt = s.clock.Now()
	return s.w.WithContext(ctx).Create(t).Error
}

// Kinds of value a KitToken is found by.
const (
	KitByCode    = "code_hash"
	KitByAccess  = "access_hash"
	KitByRefresh = "refresh_hash"
)

// KitTokenBy finds a token set by one of its values (kind: KitByCode, KitByAccess,
// KitByRefresh), ErrNotFound when there is none or that value expired on the store's
// clock; a token whose user may no longer use the app is not found either.
func (s *Store) KitTokenBy(ctx context.Context, kind, value string) (KitToken, error) {
	var t KitToken
	if value == "" || (kind != KitByCode && kind != KitByAccess && kind != KitByRefresh) {
		return t, ErrNotFound
	}
	if err := first(s.r.WithContext(ctx).Where(kind+" = ?", KitTokenHash(value)), &t); err != nil {
		return t, err
	}
	now := s.clock.Now()
	expired := func(at *time.Time, in int64) bool {
		return at == nil || (in > 0 && !now.Before(at.Add(time.Duration(in))))
	}
	switch kind {
	case KitByCode:
		if expired(t.CodeCreatedAt, t.CodeExpiresIn) {
			return t, ErrNotFound
		}
	case KitByAccess:
		if expired(t.AccessCreatedAt, t.AccessExpiresIn) {
			return t, ErrNotFound
		}
	case KitByRefresh:
		if expired(t.RefreshCreatedAt, t.RefreshExpiresIn) {
			return t, ErrNotFound
		}
	}
	if _, err := s.KitSignInOf(ctx, t.ClientID, t.GrantID); err != nil {
		return t, ErrNotFound
	}
	return t, nil
}

// DeleteKitTokenBy deletes the token set a value names; ErrNotFound when none was (a
// code used twice at the same moment is exchanged once).
func (s *Store) DeleteKitTokenBy(ctx context.Context, kind, value string) error {
	if value == "" || (kind != KitByCode && kind != KitByAccess && kind != KitByRefresh) {
		return ErrNotFound
	}
	res := s.w.WithContext(ctx).Where(kind+" = ?", KitTokenHash(value)).Delete(&KitToken{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// KitAuthenticateGrantOf reads the identity of a binding's user by user name (the
// console's "try unified login" signs the test tenant's administrator in without a
// password: the merchant owns the test tenant).
func (s *Store) KitAuthenticateGrantOf(ctx context.Context, clientID string, bindingID uint, userName string) (KitSignIn, error) {
	db := s.r.WithContext(ctx)
	var b KitBinding
	if err := first(db.Where("id = ?", bindingID), &b); err != nil {
		return KitSignIn{}, err
	}
	var u KitUser
	if err := first(db.Where("tenant_row_id = ? AND user_name = ?", b.TenantRowID, userName), &u); err != nil {
		return KitSignIn{}, err
	}
	var g KitGrant
	if err := first(db.Where("binding_id = ? AND user_id = ?", b.ID, u.ID), &g); err != nil {
		return KitSignIn{}, err
	}
	return s.KitSignInOf(ctx, clientID, g.ID)
}
