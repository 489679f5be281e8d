package models

import (
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"sellercenter/internal/secretbox"
)

// Interface types of a production address (生产地址).
const (
	InterfaceSaaS    = "saas"    // basic SaaS interface: newInstance, refresh, expire, release, …
	InterfaceKit     = "kit"     // joint-operation kit sync: tenant, app, authorization, org
	InterfaceLicense = "license" // License delivery: refresh, status and release of codes
)

// InterfaceTypes lists them in display order.
var InterfaceTypes = []string{InterfaceSaaS, InterfaceKit, InterfaceLicense}

// Protocol versions an address speaks.
const (
	ProtocolV1 = "v1"
	ProtocolV2 = "v2"
)

// Access key states.
const (
	KeyActive  = "ACTIVE"
	KeyRevoked = "REVOKED"
)

// Limits of the application tools.
const (
	MaxAccessKeys          = 20
	MaxAddresses           = 30
	MaxAddressURL          = 512
	MaxToolNameRunes       = 60
	DefaultKeyGraceHours   = 72 // hours the old secret keeps working after a rotation
	DefaultSaaSCallSeconds = 5  // seconds a call to a merchant may take
)

// Settings of the SaaS integration.
const (
	SettingKeyGraceHours   = "saas.key_grace_hours"
	SettingSaaSCallTimeout = "saas.call_timeout_seconds"
)

// AccessKey is a merchant's access key (密钥): the shared secret that signs the
// platform's calls to the merchant and the merchant's replies and API calls. The secret
// is sealed at rest and shown in full once; after a rotation the previous secret keeps
// working until PreviousUntil, and production calls keep using it until then.
type AccessKey struct {
	ID         uint   `gorm:"primaryKey"`
	MerchantID uint   `gorm:"not null;index:idx_access_keys_merchant,priority:1"`
	Name       string `gorm:"size:100;not null"`
	// AccessID is the key's public identifier (the AK of the open APIs' AK/SK signing);
	// the secret is the SK.
	AccessID      string `gorm:"size:40;not null;uniqueIndex"`
	Status        string `gorm:"size:20;not null"`
	SecretEnc     string `gorm:"size:200;not null"`
	SecretMasked  string `gorm:"size:60;not null"`
	Generation    int    `gorm:"not null;default:1"` // bumps on every rotation
	PreviousEnc   string `gorm:"size:200;not null;default:''"`
	PreviousMask  string `gorm:"size:60;not null;default:''"`
	PreviousUntil *time.Time
	RotatedAt     *time.Time
	RevokedAt     *time.Time
	CreatedByID   *uint
	Version       int       `gorm:"not null;default:1"`
	CreatedAt     time.Time `gorm:"not null;index:idx_access_keys_merchant,priority:2"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// PreviousLive tells whether the secret before the last rotation still works at now.
func (k AccessKey) PreviousLive(now time.Time) bool {
	return k.PreviousEnc != "" && k.PreviousUntil != nil && now.Before(*k.PreviousUntil)
}

// rotate moves the current secret to previous for grace and installs a new one.
func (k *AccessKey) rotate(sealed, masked string, now time.Time, grace time.Duration) error {
	if k.Status != KeyActive {
		return ErrKeyRevoked
	}
	until := now.Add(grace)
	k.PreviousEnc, k.PreviousMask, k.PreviousUntil = k.SecretEnc, k.SecretMasked, &until
	k.SecretEnc, k.SecretMasked = sealed, masked
	k.Generation++
	k.RotatedAt = &now
	return nil
}

// retirePrevious ends the grace period now.
func (k *AccessKey) retirePrevious(now time.Time) error {
	if k.Status != KeyActive {
		return ErrKeyRevoked
	}
	if !k.PreviousLive(now) {
		return ErrIllegalTransition
	}
	k.PreviousEnc, k.PreviousMask, k.PreviousUntil = "", "", nil
	return nil
}

// revoke ends the key for good.
func (k *AccessKey) revoke(now time.Time) error {
	if k.Status != KeyActive {
		return ErrIllegalTransition
	}
	k.Status, k.RevokedAt = KeyRevoked, &now
	k.PreviousEnc, k.PreviousMask, k.PreviousUntil = "", "", nil
	return nil
}

// newSecret makes a fresh access key secret in the protocol's UUID shape.
func newSecret() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

func maskSecret(s string) string { return secretbox.Mask(s, 4) }

// newAccessID makes a key's public identifier: 20 characters A–Z and 2–9.
func newAccessID() (string, error) {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

// ProductionAddress (生产地址) is where the platform calls a merchant's system for one
// interface type, signed with the bound key.
type ProductionAddress struct {
	ID            uint      `gorm:"primaryKey"`
	MerchantID    uint      `gorm:"not null;index:idx_prod_addresses_merchant,priority:1"`
	Name          string    `gorm:"size:100;not null"`
	InterfaceType string    `gorm:"size:20;not null"`
	Protocol      string    `gorm:"size:5;not null"`
	URL           string    `gorm:"size:600;not null"`
	KeyID         uint      `gorm:"not null;index"`
	Version       int       `gorm:"not null;default:1"`
	CreatedAt     time.Time `gorm:"not null;index:idx_prod_addresses_merchant,priority:2"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// SaaSSettings are a merchant's integration switches.
type SaaSSettings struct {
	MerchantID  uint      `gorm:"primaryKey;autoIncrement:false"`
	OrderNotify bool      `gorm:"not null;default:false"` // V2 orderNotify on new, renewed, changed and unsubscribed orders
	UpdatedAt   time.Time `gorm:"not null"`
}

// TableName keeps the plural the other tables use.
func (SaaSSettings) TableName() string { return "saas_settings" }

// Exchange is one signed call to a merchant's system as it went: the exact request, the
// answer (capped at MaxStoredBody), the time it took and every check. Debug calls and the
// attempts of production calls keep one each; never the key.
type Exchange struct {
	Protocol      string `gorm:"size:5;not null"`
	Activity      string `gorm:"size:40;not null"`
	EncryptType   string `gorm:"size:2;not null;default:'1'"`
	Params        string `gorm:"type:text;not null"`            // the parameters, JSON, for replays
	Address       string `gorm:"type:text;not null;default:''"` // the production address called (base URL)
	Method        string `gorm:"size:10;not null"`
	URL           string `gorm:"type:text;not null"`
	ReqHeaders    string `gorm:"type:text;not null"`
	ReqBody       string `gorm:"type:text;not null"`
	Status        int    `gorm:"not null;default:0"` // 0: no answer
	RespHeaders   string `gorm:"type:text;not null"`
	RespBody      string `gorm:"type:text;not null"`
	RespTruncated bool   `gorm:"not null;default:false"`
	ElapsedMS     int64  `gorm:"column:elapsed_ms;not null"`
	Checks        string `gorm:"type:text;not null"` // []saasproto.Check, JSON
	Passed        bool   `gorm:"not null"`
	FailedCheck   string `gorm:"size:40;not null;default:''"`
}

// DebugCall is one call of the debugging console (应用接入调试), kept as it went.
type DebugCall struct {
	ID            uint  `gorm:"primaryKey"`
	MerchantID    uint  `gorm:"not null;index:idx_debug_calls_merchant,priority:1"`
	UserID        uint  `gorm:"not null"`
	ProductID     *uint // indexed with the activity: idx_debug_calls_product (migration 17)
	AddressID     *uint // a saved address, or nil when the URL was typed
	KeyID         *uint // a saved key, or nil when the key was typed (never stored)
	KeyGeneration int   `gorm:"not null;default:0"`
	Exchange      `gorm:"embedded"`
	CreatedAt     time.Time `gorm:"not null"`
}

// MaxStoredBody is how much of a reply a debug call keeps.
const MaxStoredBody = 64 << 10

// DebugCase (调试用例) is the latest passing debug call of one activity for one product,
// made with a saved address and its bound key; the cases a product's billing modes need
// gate its submission, and probing replays them.
type DebugCase struct {
	ID            uint      `gorm:"primaryKey"`
	MerchantID    uint      `gorm:"not null;index"`
	ProductID     uint      `gorm:"not null;uniqueIndex:idx_debug_cases_product,priority:1"`
	Protocol      string    `gorm:"size:5;not null;uniqueIndex:idx_debug_cases_product,priority:2"`
	Activity      string    `gorm:"size:40;not null;uniqueIndex:idx_debug_cases_product,priority:3"`
	CallID        uint      `gorm:"not null"`
	AddressID     uint      `gorm:"not null"`
	AddressURL    string    `gorm:"type:text;not null"`
	KeyID         uint      `gorm:"not null"`
	KeyGeneration int       `gorm:"not null"`
	PassedAt      time.Time `gorm:"not null"`
}

// Address validation problems (message keys saas.address_error.*).
var (
	errAddrMalformed = "saas.address_error.malformed"
	errAddrHTTPS     = "saas.address_error.https"
	errAddrIP        = "saas.address_error.ip"
	errAddrPrivate   = "saas.address_error.private"
	errAddrLong      = "saas.address_error.too_long"
	errAddrRequired  = "saas.address_error.required"
)

// CheckAddressURL validates a production address: HTTPS on a public domain name, not an
// IP address, not a local or internal name, no credentials or fragment, at most
// MaxAddressURL characters. allowDev (development only) also admits http:// and
// loopback hosts, so the reference endpoint on this machine can be used.
func CheckAddressURL(raw string, allowDev bool) (string, *FieldError) {
	raw = strings.TrimSpace(raw)
	fe := func(key string) (string, *FieldError) {
		return "", &FieldError{Field: "url", Key: key, Args: []any{"N", MaxAddressURL}}
	}
	if raw == "" {
		return fe(errAddrRequired)
	}
	if len(raw) > MaxAddressURL {
		return fe(errAddrLong)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" || strings.ContainsAny(raw, " \t\r\n") {
		return fe(errAddrMalformed)
	}
	host := strings.ToLower(u.Hostname())
	if allowDev && (u.Scheme == "http" || u.Scheme == "https") && isLoopbackHost(host) {
		return u.String(), nil
	}
	if u.Scheme != "https" {
		return fe(errAddrHTTPS)
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return fe(errAddrIP)
	}
	if !strings.Contains(strings.TrimSuffix(host, "."), ".") {
		return fe(errAddrPrivate) // a single-label name only resolves inside a network
	}
	for _, suffix := range []string{"localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp", ".localdomain"} {
		if host == strings.TrimPrefix(suffix, ".") || strings.HasSuffix(host, suffix) {
			return fe(errAddrPrivate)
		}
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return fe(errAddrMalformed)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fe(errAddrMalformed)
			}
		}
	}
	return u.String(), nil
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}
