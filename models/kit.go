package models

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"sellercenter/internal/saasproto"
)

// App credentials (应用凭证) of joint-operation (联营) apps: the app the platform tells
// about tenants, apps, departments and users (kit sync calls), and signs users in to
// (unified login, with the app ID and secret as its OAuth 2.0 client credentials).
const (
	KitAuthOAuth2 = "oauth2" // unified login through the platform's OAuth 2.0 server
	KitAuthSDK    = "sdk"    // unified login through the kit SDK

	KitLoginShared = "shared" // the app signs in on the platform's shared login domain
	KitLoginOwn    = "own"    // the app signs in on its own domain

	MaxKitApps       = 20
	MaxKitAppNameLen = 60
)

// KitAuthModes and KitLoginTypes list the choices in display order.
var (
	KitAuthModes  = []string{KitAuthOAuth2, KitAuthSDK}
	KitLoginTypes = []string{KitLoginShared, KitLoginOwn}
	KitDigests    = []string{saasproto.OAEPSHA256, saasproto.OAEPSHA1}
)

// ChangeKitAddress is the change request that moves an app credential to another
// production address: a reviewer approves it before the platform calls the new address.
const ChangeKitAddress = "kit_address"

// KitApp is a merchant's app credential. The app ID (ClientID) and its secret are
// generated on submission; the secret is sealed at rest, shown once and rotatable. The
// production address in use (AddressID) changes only through a reviewed change request.
type KitApp struct {
	ID           uint   `gorm:"primaryKey"`
	MerchantID   uint   `gorm:"not null;index:idx_kit_apps_merchant,priority:1"`
	Name         string `gorm:"size:100;not null"`
	AuthMode     string `gorm:"size:10;not null"`
	AddressID    uint   `gorm:"not null;index"`
	LoginType    string `gorm:"size:10;not null"`
	LoginURL     string `gorm:"size:600;not null;uniqueIndex:idx_kit_apps_login_url"`
	PublicKey    string `gorm:"type:text;not null"`
	KeyBits      int    `gorm:"not null"`
	OAEPDigest   string `gorm:"size:10;not null"`
	Platforms    string `gorm:"size:60;not null;default:''"` // comma-separated Platforms
	ClientID     string `gorm:"size:40;not null;uniqueIndex:idx_kit_apps_client"`
	SecretEnc    string `gorm:"type:text;not null"`
	SecretMasked string `gorm:"size:80;not null"`
	// SecretGeneration counts the secrets the app has had: a rotation makes the old one
	// stop working at once (an app's login token exchange has no grace period).
	SecretGeneration int       `gorm:"not null;default:1"`
	Version          int       `gorm:"not null;default:1"`
	CreatedAt        time.Time `gorm:"not null;index:idx_kit_apps_merchant,priority:2"`
	UpdatedAt        time.Time `gorm:"not null"`
}

// PlatformList is the app's platforms.
func (a KitApp) PlatformList() []string {
	if a.Platforms == "" {
		return nil
	}
	return strings.Split(a.Platforms, ",")
}

// KitAppInput is what the merchant submits for an app credential.
type KitAppInput struct {
	Name       string
	AuthMode   string
	AddressID  uint
	LoginType  string
	LoginURL   string
	PublicKey  string
	OAEPDigest string
	Platforms  []string
	AllowDev   bool // a development server may use loopback login URLs
}

// KitAddressChange is what a change request of kind ChangeKitAddress carries, before
// and after.
type KitAddressChange struct {
	AppID       uint   `json:"app_id"`
	AppName     string `json:"app_name"`
	AddressID   uint   `json:"address_id"`
	AddressName string `json:"address_name"`
	AddressURL  string `json:"address_url"`
}

// Errors of the app credentials.
var (
	ErrTooManyKitApps = &FieldError{Field: "name", Key: "kit.error.too_many", Args: []any{"N", MaxKitApps}}
)

// checkKitApp checks and normalises an app credential's fields; the address is checked
// against the merchant's addresses by the store. It returns every problem at once.
func checkKitApp(in KitAppInput) (KitAppInput, int, []*FieldError) {
	var errs []*FieldError
	name, fe := checkToolName(in.Name)
	if fe != nil {
		errs = append(errs, fe)
	}
	in.Name = name
	if !slices.Contains(KitAuthModes, in.AuthMode) {
		errs = append(errs, &FieldError{Field: "auth_mode", Key: "kit.error.auth_mode"})
	}
	if !slices.Contains(KitLoginTypes, in.LoginType) {
		errs = append(errs, &FieldError{Field: "login_type", Key: "kit.error.login_type"})
	}
	if u, fe := CheckAddressURL(in.LoginURL, in.AllowDev); fe != nil {
		// The same rules as a production address, said of the login URL.
		fe.Field, fe.Key = "login_url", "kit.login_error."+strings.TrimPrefix(fe.Key, "saas.address_error.")
		errs = append(errs, fe)
	} else {
		in.LoginURL = u
	}
	if in.OAEPDigest == "" {
		in.OAEPDigest = saasproto.OAEPSHA256
	}
	if !slices.Contains(KitDigests, in.OAEPDigest) {
		errs = append(errs, &FieldError{Field: "oaep_digest", Key: "kit.error.digest"})
	}
	var platforms []string
	for _, p := range Platforms { // in display order, each once
		if slices.Contains(in.Platforms, p) {
			platforms = append(platforms, p)
		}
	}
	for _, p := range in.Platforms {
		if !slices.Contains(Platforms, p) {
			errs = append(errs, &FieldError{Field: "platforms", Key: "kit.error.platform"})
			break
		}
	}
	in.Platforms = platforms
	in.PublicKey = strings.TrimSpace(in.PublicKey)
	bits := 0
	if key, err := saasproto.ParsePublicKey(in.PublicKey); err != nil {
		errs = append(errs, publicKeyError(in.PublicKey, err))
		in.PublicKey = "" // a private key pasted by mistake is never kept, not even to refill the form
	} else {
		bits = key.N.BitLen()
	}
	return in, bits, errs
}

// publicKeyError says what is wrong with a pasted public key.
func publicKeyError(text string, err error) *FieldError {
	fe := &FieldError{Field: "public_key"}
	switch {
	case strings.TrimSpace(text) == "":
		fe.Key = "kit.error.key_required"
	case errors.Is(err, saasproto.ErrPrivateKey):
		fe.Key = "kit.error.key_private"
	case strings.Contains(text, "BEGIN CERTIFICATE"):
		fe.Key = "kit.error.key_certificate"
	case errors.Is(err, saasproto.ErrNotRSA):
		fe.Key = "kit.error.key_not_rsa"
	case errors.Is(err, saasproto.ErrRSATooSmall):
		fe.Key, fe.Args = "kit.error.key_small", []any{"N", saasproto.MinRSABits}
	default:
		fe.Key = "kit.error.key_pem"
	}
	return fe
}

// newClientID makes an app ID: 32 hexadecimal characters.
func newClientID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func migrateKitApps(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&KitApp{}); err != nil {
		return err
	}
	m := tx.Migrator()
	if !m.HasColumn(&ChangeRequest{}, "SubjectID") {
		if err := m.AddColumn(&ChangeRequest{}, "SubjectID"); err != nil {
			return err
		}
	}
	return nil
}
