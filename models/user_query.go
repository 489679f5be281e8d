package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// BcryptCost is the password hashing cost.
const BcryptCost = 11

// MaxPasswordBytes is bcrypt's input limit; longer passwords are refused, never truncated.
const MaxPasswordBytes = 72

// Token lifetimes.
const (
	VerifyTokenTTL = 72 * time.Hour
	ResetTokenTTL  = time.Hour
)

// passwordCost is the cost new hashes get: BcryptCost unless a test suite chose speed.
var passwordCost = BcryptCost

// dummyHash keeps the time of a login for an unknown email equal to a real one.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), passwordCost)

// UseFastPasswordHashing makes new hashes use bcrypt's minimum cost. Only test suites
// that create many accounts call it, before their first test (the model tests keep the
// production cost and check it); a server never does.
func UseFastPasswordHashing() {
	passwordCost = bcrypt.MinCost
	dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), passwordCost)
}

// HashPassword hashes a password (callers have checked its length).
func HashPassword(pw string) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", errors.New("password too long")
	}
	b, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	return string(b), err
}

// NormalizeEmail lower-cases and trims an address.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func newToken() (raw, hash string, err error) {
	b := make([]byte, 32)
	if _, err = rand.Read(b); err != nil {
		return "", "", err
	}
	raw = hex.EncodeToString(b)
	return raw, hashToken(raw), nil
}

func hashToken(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}

// NewAccount is what registration or the admin supplies.
type NewAccount struct {
	Email    string
	Password string
	Role     Role
	Name     string
	Locale   string
	IsAdmin  bool
	Verified bool // reviewers created by an admin or the command are verified
}

// CreateUser registers an account (with its merchant record for merchants) and queues
// the verification mail. A taken email is a FieldError on "email".
func (s *Store) CreateUser(ctx context.Context, a Actor, n NewAccount) (User, error) {
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		email := NormalizeEmail(n.Email)
		var count int64
		if err := tx.w.Model(&User{}).Where("email = ?", email).Count(&count).Error; err != nil {
			return err
		}
		if count > 0 {
			return &FieldError{Field: "email", Key: errEmailTaken}
		}
		u = User{Email: email, PasswordHash: hash, Role: n.Role, Name: strings.TrimSpace(n.Name), Locale: n.Locale,
			IsAdmin: n.IsAdmin && n.Role == RoleReviewer, Status: UserActive, CreatedAt: now, UpdatedAt: now}
		if a.UserID != 0 {
			u.CreatedByID = &a.UserID
		}
		if n.Verified {
			u.EmailVerifiedAt = &now
		}
		if err := tx.w.Create(&u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return &FieldError{Field: "email", Key: errEmailTaken}
			}
			return err
		}
		if n.Role == RoleMerchant {
			m := Merchant{OwnerUserID: u.ID, RealNameStatus: RealNameNotVerified, ApplicationStatus: ApplicationNone,
				CertificationStatus: CertNotCertified, CreatedAt: now, UpdatedAt: now, ContactEmail: email}
			if err := tx.w.Create(&m).Error; err != nil {
				return err
			}
			u.MerchantID = &m.ID
			if err := tx.w.Model(&u).Update("merchant_id", m.ID).Error; err != nil {
				return err
			}
		}
		actor := a
		if actor.UserID == 0 && actor.Email == "" { // signing up: the new user acts
			actor.UserID, actor.Email = u.ID, u.Email
		}
		if err := tx.audit(actor, "user.create", "user", u.ID, u.MerchantID, nil,
			map[string]any{"email": u.Email, "role": u.Role, "admin": u.IsAdmin}, "", ""); err != nil {
			return err
		}
		if !n.Verified {
			return tx.issueToken(u.ID, TokenVerifyEmail, VerifyTokenTTL)
		}
		return nil
	})
	return u, err
}

// Register is self-registration: it creates the account like CreateUser, except that an
// address already registered is not told apart: its owner is mailed instead, and the
// caller answers as for a new account.
func (s *Store) Register(ctx context.Context, a Actor, n NewAccount) error {
	_, err := s.CreateUser(ctx, a, n)
	if fe, ok := errors.AsType[*FieldError](err); !ok || fe.Key != errEmailTaken {
		return err
	}
	u, err := s.UserByEmail(ctx, n.Email)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.audit(a, "user.register_existing", "user", u.ID, u.MerchantID, nil, nil, "", ""); err != nil {
			return err
		}
		return tx.enqueue(JobAccountMail, AccountMailPayload{UserID: u.ID, Purpose: MailAccountExists}, tx.clock.Now(), "")
	})
}

// errEmailTaken is the message of an address already registered.
const errEmailTaken = "error.email_taken"

// issueToken stores a token hash and queues its mail.
func (s *Store) issueToken(userID uint, purpose string, ttl time.Duration) error {
	raw, hash, err := newToken()
	if err != nil {
		return err
	}
	now := s.clock.Now()
	if err := s.w.Create(&EmailToken{UserID: userID, Purpose: purpose, TokenHash: hash, ExpiresAt: now.Add(ttl), CreatedAt: now}).Error; err != nil {
		return err
	}
	return s.enqueue(JobAccountMail, AccountMailPayload{UserID: userID, Purpose: purpose, Token: raw}, now, "")
}

// UserByID reads a user.
func (s *Store) UserByID(ctx context.Context, id uint) (User, error) {
	var u User
	return u, first(s.r.WithContext(ctx).Where("id = ?", id), &u)
}

// UserByEmail reads a user by address.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	return u, first(s.r.WithContext(ctx).Where("email = ?", NormalizeEmail(email)), &u)
}

// MerchantByID reads a merchant.
func (s *Store) MerchantByID(ctx context.Context, id uint) (Merchant, error) {
	var m Merchant
	return m, first(s.r.WithContext(ctx).Where("id = ?", id), &m)
}

// Login throttling limits.
const (
	throttleWindow      = 15 * time.Minute
	maxAccountFailures  = 5
	maxAddressFailures  = 30
	throttleLockoutTime = 15 * time.Minute
)

// ErrThrottled: too many failed logins for the account or the address.
var ErrThrottled = errors.New("login throttled")

// ErrBadCredentials: unknown email or wrong password (never told apart).
var ErrBadCredentials = errors.New("bad credentials")

// ErrSuspended: the account or its merchant is suspended.
var ErrSuspended = errors.New("account suspended")

// Authenticate checks a login. It is throttled per account and per client address.
func (s *Store) Authenticate(ctx context.Context, email, password, ip, requestID string) (User, error) {
	email = NormalizeEmail(email)
	keys := []string{"acct:" + email, "ip:" + ip}
	now := s.clock.Now()
	var rows []LoginThrottle
	if err := s.r.WithContext(ctx).Where("key IN ?", keys).Find(&rows).Error; err != nil {
		return User{}, err
	}
	for _, r := range rows {
		if r.LockedUntil != nil && r.LockedUntil.After(now) {
			return User{}, ErrThrottled
		}
	}
	u, err := s.UserByEmail(ctx, email)
	hash := string(dummyHash)
	if err == nil {
		hash = u.PasswordHash
	} else if !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	tooLong := len(password) > MaxPasswordBytes
	cmp := bcrypt.CompareHashAndPassword([]byte(hash), []byte(truncate(password)))
	if err != nil || cmp != nil || tooLong {
		if ferr := s.recordLoginFailure(ctx, keys, ip, email, requestID); ferr != nil {
			return User{}, ferr
		}
		return User{}, ErrBadCredentials
	}
	if u.Status == UserSuspended {
		return User{}, ErrSuspended
	}
	if u.MerchantID != nil {
		m, err := s.MerchantByID(ctx, *u.MerchantID)
		if err != nil {
			return User{}, err
		}
		if m.Suspended() {
			return User{}, ErrSuspended
		}
	}
	err = s.Tx(ctx, func(tx *Store) error {
		if err := tx.w.Where("key = ?", keys[0]).Delete(&LoginThrottle{}).Error; err != nil {
			return err
		}
		if err := tx.w.Model(&User{}).Where("id = ?", u.ID).Update("last_login_at", now).Error; err != nil {
			return err
		}
		return tx.audit(Actor{UserID: u.ID, Email: u.Email, IP: ip, RequestID: requestID}, "user.login", "user", u.ID, u.MerchantID, nil, nil, "", "")
	})
	return u, err
}

// truncate keeps bcrypt from erroring on long input; such input is already refused.
func truncate(pw string) string {
	if len(pw) > MaxPasswordBytes {
		return pw[:MaxPasswordBytes]
	}
	return pw
}

func (s *Store) recordLoginFailure(ctx context.Context, keys []string, ip, email, requestID string) error {
	return s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		for i, k := range keys {
			limit := maxAccountFailures
			if i == 1 {
				limit = maxAddressFailures
			}
			var t LoginThrottle
			err := first(tx.forUpdate(tx.w.Where("key = ?", k)), &t)
			switch {
			case errors.Is(err, ErrNotFound):
				t = LoginThrottle{Key: k, Failures: 1, WindowStart: now}
				if err := tx.w.Create(&t).Error; err != nil {
					return err
				}
				continue
			case err != nil:
				return err
			}
			if now.Sub(t.WindowStart) > throttleWindow {
				t.Failures, t.WindowStart, t.LockedUntil = 0, now, nil
			}
			t.Failures++
			if t.Failures >= limit {
				until := now.Add(throttleLockoutTime)
				t.LockedUntil = &until
			}
			if err := tx.w.Save(&t).Error; err != nil {
				return err
			}
		}
		return tx.audit(Actor{Email: email, IP: ip, RequestID: requestID}, "user.login_failed", "user", 0, nil, nil, nil, "", "")
	})
}

// CheckPassword tells whether pw is the user's current password.
func CheckPassword(u User, pw string) bool {
	if len(pw) > MaxPasswordBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) == nil
}

// ChangePassword sets a new password after checking the current one, and ends every
// session of the user (the caller renews its own with the returned user's epoch).
func (s *Store) ChangePassword(ctx context.Context, a Actor, userID uint, current, next string) (User, error) {
	hash, err := HashPassword(next)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("id = ?", userID)), &u); err != nil {
			return err
		}
		if !CheckPassword(u, current) {
			return &FieldError{Field: "current", Key: "error.password_wrong"}
		}
		u.SessionEpoch++
		if err := tx.w.Model(&u).Updates(map[string]any{"password_hash": hash, "session_epoch": u.SessionEpoch, "updated_at": tx.clock.Now()}).Error; err != nil {
			return err
		}
		return tx.audit(a, "user.password_change", "user", u.ID, u.MerchantID, nil, nil, "", "")
	})
	return u, err
}

// RequestPasswordReset queues a reset mail when the address belongs to an account; it
// says nothing either way so addresses cannot be probed.
func (s *Store) RequestPasswordReset(ctx context.Context, a Actor, email string) error {
	u, err := s.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.issueToken(u.ID, TokenResetPassword, ResetTokenTTL); err != nil {
			return err
		}
		return tx.audit(a, "user.password_reset_requested", "user", u.ID, u.MerchantID, nil, nil, "", "")
	})
}

// ErrTokenInvalid: unknown, used or expired token.
var ErrTokenInvalid = errors.New("token invalid")

// consumeToken marks a valid token used and returns its user id.
func (s *Store) consumeToken(raw, purpose string) (uint, error) {
	var t EmailToken
	err := first(s.forUpdate(s.w.Where("token_hash = ? AND purpose = ?", hashToken(raw), purpose)), &t)
	if errors.Is(err, ErrNotFound) {
		return 0, ErrTokenInvalid
	}
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	if t.UsedAt != nil || now.After(t.ExpiresAt) || subtle.ConstantTimeCompare([]byte(t.TokenHash), []byte(hashToken(raw))) != 1 {
		return 0, ErrTokenInvalid
	}
	if err := s.w.Model(&t).Update("used_at", now).Error; err != nil {
		return 0, err
	}
	return t.UserID, nil
}

// VerifyEmail confirms an address with a token from the verification mail.
func (s *Store) VerifyEmail(ctx context.Context, a Actor, raw string) (User, error) {
	var u User
	err := s.Tx(ctx, func(tx *Store) error {
		id, err := tx.consumeToken(raw, TokenVerifyEmail)
		if err != nil {
			return err
		}
		if err := first(tx.w.Where("id = ?", id), &u); err != nil {
			return err
		}
		if u.EmailVerifiedAt == nil {
			now := tx.clock.Now()
			u.EmailVerifiedAt = &now
			if err := tx.w.Model(&u).Update("email_verified_at", now).Error; err != nil {
				return err
			}
		}
		a.UserID, a.Email = u.ID, u.Email
		return tx.audit(a, "user.email_verified", "user", u.ID, u.MerchantID, nil, nil, "", "")
	})
	return u, err
}

// ResendVerification queues a fresh verification mail for an unverified user.
func (s *Store) ResendVerification(ctx context.Context, userID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		var u User
		if err := first(tx.w.Where("id = ?", userID), &u); err != nil {
			return err
		}
		if u.EmailVerifiedAt != nil {
			return nil
		}
		return tx.issueToken(u.ID, TokenVerifyEmail, VerifyTokenTTL)
	})
}

// ResetTokenValid tells whether a reset link can still be used (to show the form).
func (s *Store) ResetTokenValid(ctx context.Context, raw string) bool {
	var t EmailToken
	if err := first(s.r.WithContext(ctx).Where("token_hash = ? AND purpose = ?", hashToken(raw), TokenResetPassword), &t); err != nil {
		return false
	}
	return t.UsedAt == nil && s.clock.Now().Before(t.ExpiresAt)
}

// ResetPassword sets a new password with a token from the reset mail; a reset also
// confirms the address, since the mail reached it.
func (s *Store) ResetPassword(ctx context.Context, a Actor, raw, next string) (User, error) {
	hash, err := HashPassword(next)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.Tx(ctx, func(tx *Store) error {
		id, err := tx.consumeToken(raw, TokenResetPassword)
		if err != nil {
			return err
		}
		if err := first(tx.w.Where("id = ?", id), &u); err != nil {
			return err
		}
		now := tx.clock.Now()
		u.SessionEpoch++ // every session of the user ends
		fields := map[string]any{"password_hash": hash, "session_epoch": u.SessionEpoch, "updated_at": now}
		if u.EmailVerifiedAt == nil {
			fields["email_verified_at"] = now
		}
		if err := tx.w.Model(&u).Updates(fields).Error; err != nil {
			return err
		}
		if err := tx.w.Where("key = ?", "acct:"+u.Email).Delete(&LoginThrottle{}).Error; err != nil {
			return err
		}
		a.UserID, a.Email = u.ID, u.Email
		return tx.audit(a, "user.password_reset", "user", u.ID, u.MerchantID, nil, nil, "", "")
	})
	return u, err
}

// SetLocale remembers the user's language.
func (s *Store) SetLocale(ctx context.Context, userID uint, locale string) error {
	return s.Tx(ctx, func(tx *Store) error {
		return tx.w.Model(&User{}).Where("id = ?", userID).Update("locale", locale).Error
	})
}
