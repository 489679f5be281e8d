package models

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// The buyer's organisation as the joint-operation kit knows it: the tenant (租户) with
// its departments and users, the apps bound to it (one per 联营 subscription) and the
// users authorised on each. The platform tells the merchant's app about all of it with
// kit sync calls, and signs the authorised users in to the app (unified login).

// KitTenant is a buyer's organisation, or a merchant's test tenant (Test: no buyer, one
// app, an administrator account the merchant signs in with to try the whole flow).
type KitTenant struct {
	ID         uint   `gorm:"primaryKey"`
	BuyerID    uint   `gorm:"not null;default:0;index"` // 0 for a test tenant
	MerchantID uint   `gorm:"not null;default:0;index"` // a test tenant's merchant; 0 otherwise
	KitAppID   uint   `gorm:"not null;default:0;index"` // a test tenant's app; 0 otherwise
	TenantID   string `gorm:"size:32;not null;uniqueIndex:idx_kit_tenants_tenant_id"`
	TenantCode string `gorm:"size:32;not null;uniqueIndex:idx_kit_tenants_code"`
	Name       string `gorm:"size:200;not null"`
	DomainName string `gorm:"size:300;not null;default:''"`
	Test       bool   `gorm:"not null;default:false"`
	// TestPasswordEnc is a test tenant administrator's password, sealed, for the
	// merchant to read again.
	TestPasswordEnc string    `gorm:"type:text;not null;default:''"`
	Version         int       `gorm:"not null;default:1"`
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
}

// KitDept is a department of an organisation (the kit's org): its code, name and
// parent ("" at the top).
type KitDept struct {
	ID          uint      `gorm:"primaryKey"`
	TenantRowID uint      `gorm:"not null;uniqueIndex:idx_kit_depts_code,priority:1"`
	OrgCode     string    `gorm:"size:64;not null;uniqueIndex:idx_kit_depts_code,priority:2"`
	Name        string    `gorm:"size:200;not null"`
	ParentCode  string    `gorm:"size:64;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

// KitUser is a user of an organisation. The password is what the user signs in with
// through unified login; Enabled false stops every app's login and token at once.
type KitUser struct {
	ID           uint      `gorm:"primaryKey"`
	TenantRowID  uint      `gorm:"not null;uniqueIndex:idx_kit_users_name,priority:1"`
	UserName     string    `gorm:"size:64;not null;uniqueIndex:idx_kit_users_name,priority:2"`
	Name         string    `gorm:"size:200;not null"`
	Position     string    `gorm:"size:200;not null;default:''"`
	OrgCode      string    `gorm:"size:64;not null;default:''"`
	EmployeeCode string    `gorm:"size:64;not null;default:''"`
	Mobile       string    `gorm:"size:30;not null;default:''"`
	Email        string    `gorm:"size:254;not null;default:''"`
	PasswordHash string    `gorm:"size:100;not null"`
	Enabled      bool      `gorm:"not null;default:true"`
	Version      int       `gorm:"not null;default:1"`
	CreatedAt    time.Time `gorm:"not null"`
	UpdatedAt    time.Time `gorm:"not null"`
}

// Binding statuses.
const (
	BindingBound   = "BOUND"
	BindingUnbound = "UNBOUND"
)

// KitBinding is a joint-operation app bound to an organisation: for a buyer, one per
// 联营 subscription; for a test tenant, its app. Its sync calls run in order.
type KitBinding struct {
	ID             uint   `gorm:"primaryKey"`
	TenantRowID    uint   `gorm:"not null;index"`
	KitAppID       uint   `gorm:"not null;index"`
	MerchantID     uint   `gorm:"not null;index"`
	BuyerID        uint   `gorm:"not null;default:0;index"`
	SubscriptionID uint   `gorm:"not null;default:0;index"`
	InstanceRowID  uint   `gorm:"not null;default:0"`
	OrderID        uint   `gorm:"not null;default:0"`
	OrderNo        string `gorm:"size:20;not null;default:''"`
	ProductID      uint   `gorm:"not null;default:0"`
	// InstanceID is the merchant's instance id the calls name (a test tenant's is
	// "test-" and its tenant ID).
	InstanceID string     `gorm:"size:100;not null;default:''"`
	Status     string     `gorm:"size:10;not null"`
	BoundAt    time.Time  `gorm:"not null"`
	UnboundAt  *time.Time `gorm:""`
	Version    int        `gorm:"not null;default:1"`
	CreatedAt  time.Time  `gorm:"not null"`
	UpdatedAt  time.Time  `gorm:"not null"`
}

// Roles an authorised user has in an app.
const (
	KitRoleUser  = "user"
	KitRoleAdmin = "admin"
)

// KitRoles lists them in display order.
var KitRoles = []string{KitRoleUser, KitRoleAdmin}

// KitGrant is a user authorised on a bound app, with the role the app gives them.
type KitGrant struct {
	ID        uint      `gorm:"primaryKey"`
	BindingID uint      `gorm:"not null;uniqueIndex:idx_kit_grants_user,priority:1"`
	UserID    uint      `gorm:"not null;uniqueIndex:idx_kit_grants_user,priority:2;index"`
	Role      string    `gorm:"size:10;not null"`
	Enabled   bool      `gorm:"not null;default:true"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// KitToken is an OAuth 2.0 authorization code, or the access and refresh tokens it was
// exchanged for, of unified login. Only SHA-256 hashes of the codes and tokens are
// kept. GrantID names the authorised user (the token's subject).
type KitToken struct {
	ID                  uint       `gorm:"primaryKey"`
	ClientID            string     `gorm:"size:40;not null;index"`
	GrantID             uint       `gorm:"not null;index"`
	RedirectURI         string     `gorm:"size:600;not null;default:''"`
	Scope               string     `gorm:"size:200;not null;default:''"`
	CodeHash            string     `gorm:"size:64;index"`
	CodeChallenge       string     `gorm:"size:128;not null;default:''"`
	CodeChallengeMethod string     `gorm:"size:10;not null;default:''"`
	CodeCreatedAt       *time.Time `gorm:""`
	CodeExpiresIn       int64      `gorm:"not null;default:0"` // nanoseconds
	AccessHash          string     `gorm:"size:64;index"`
	AccessCreatedAt     *time.Time `gorm:""`
	AccessExpiresIn     int64      `gorm:"not null;default:0"`
	RefreshHash         string     `gorm:"size:64;index"`
	RefreshCreatedAt    *time.Time `gorm:""`
	RefreshExpiresIn    int64      `gorm:"not null;default:0"`
	CreatedAt           time.Time  `gorm:"not null"`
}

// Limits of the organisation.
const (
	MaxKitUsers        = 5000 // users of one organisation
	MaxKitDepts        = 1000
	MaxKitAuthPerCall  = 500 // users in one authSync call; more are sent in batches
	MinKitPasswordLen  = 8
	kitTenantNameMax   = 100
	kitDomainMax       = 256
	kitUserFieldMax    = 64
	kitUserNameFullMax = 100
)

var (
	tenantCodeRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,30}[a-z0-9]$`)
	kitNameRE    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	kitMobileRE  = regexp.MustCompile(`^\+?[0-9]{5,20}$`)
)

// KitOrgInput is the organisation a buyer sets up.
type KitOrgInput struct {
	TenantCode string // only when created: it is part of every user's identity
	Name       string
	DomainName string
}

func checkKitOrg(in KitOrgInput, creating bool) (KitOrgInput, []*FieldError) {
	var errs []*FieldError
	in.TenantCode = strings.ToLower(strings.TrimSpace(in.TenantCode))
	in.Name = strings.TrimSpace(in.Name)
	in.DomainName = strings.TrimSpace(in.DomainName)
	if creating && !tenantCodeRE.MatchString(in.TenantCode) {
		errs = append(errs, &FieldError{Field: "tenant_code", Key: "kitorg.error.tenant_code"})
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs = append(errs, &FieldError{Field: "name", Key: "kitorg.error.name_required"})
	case n > kitTenantNameMax || hasControl(in.Name):
		errs = append(errs, &FieldError{Field: "name", Key: "kitorg.error.name_long", Args: []any{"N", kitTenantNameMax}})
	}
	if in.DomainName != "" {
		u, err := url.Parse(in.DomainName)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.DomainName) > kitDomainMax || hasControl(in.DomainName) {
			errs = append(errs, &FieldError{Field: "domain_name", Key: "kitorg.error.domain"})
		}
	}
	return in, errs
}

// KitDeptInput is a department the buyer adds or edits.
type KitDeptInput struct {
	OrgCode    string // only when added
	Name       string
	ParentCode string
}

func checkKitDept(in KitDeptInput, adding bool) (KitDeptInput, []*FieldError) {
	var errs []*FieldError
	in.OrgCode, in.Name, in.ParentCode = strings.TrimSpace(in.OrgCode), strings.TrimSpace(in.Name), strings.TrimSpace(in.ParentCode)
	if adding && !kitNameRE.MatchString(in.OrgCode) {
		errs = append(errs, &FieldError{Field: "org_code", Key: "kitorg.error.org_code"})
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs = append(errs, &FieldError{Field: "name", Key: "kitorg.error.dept_name_required"})
	case n > kitTenantNameMax || hasControl(in.Name):
		errs = append(errs, &FieldError{Field: "name", Key: "kitorg.error.name_long", Args: []any{"N", kitTenantNameMax}})
	}
	return in, errs
}

// KitUserInput is a user the buyer adds or edits; Password "" keeps the current one on
// an edit.
type KitUserInput struct {
	UserName     string // only when added
	Name         string
	Position     string
	OrgCode      string
	EmployeeCode string
	Mobile       string
	Email        string
	Password     string
	Enabled      bool
}

func checkKitUser(in KitUserInput, adding bool) (KitUserInput, []*FieldError) {
	var errs []*FieldError
	trim := strings.TrimSpace
	in.UserName, in.Name, in.Position, in.OrgCode = trim(in.UserName), trim(in.Name), trim(in.Position), trim(in.OrgCode)
	in.EmployeeCode, in.Mobile, in.Email = trim(in.EmployeeCode), trim(in.Mobile), NormalizeEmail(in.Email)
	if adding && !kitNameRE.MatchString(in.UserName) {
		errs = append(errs, &FieldError{Field: "user_name", Key: "kitorg.error.user_name"})
	}
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		errs = append(errs, &FieldError{Field: "name", Key: "kitorg.error.user_full_name"})
	case n > kitUserNameFullMax || hasControl(in.Name):
		errs = append(errs, &FieldError{Field: "name", Key: "kitorg.error.name_long", Args: []any{"N", kitUserNameFullMax}})
	}
	for _, f := range []struct {
		field, v string
	}{{"position", in.Position}, {"employee_code", in.EmployeeCode}} {
		if utf8.RuneCountInString(f.v) > kitUserFieldMax || hasControl(f.v) {
			errs = append(errs, &FieldError{Field: f.field, Key: "kitorg.error.field_long", Args: []any{"N", kitUserFieldMax}})
		}
	}
	if in.Mobile != "" && !kitMobileRE.MatchString(in.Mobile) {
		errs = append(errs, &FieldError{Field: "mobile", Key: "kitorg.error.mobile"})
	}
	if in.Email != "" && !validKitEmail(in.Email) {
		errs = append(errs, &FieldError{Field: "email", Key: "kitorg.error.email"})
	}
	switch {
	case adding && in.Password == "":
		errs = append(errs, &FieldError{Field: "password", Key: "kitorg.error.password_required"})
	case in.Password != "" && utf8.RuneCountInString(in.Password) < MinKitPasswordLen:
		errs = append(errs, &FieldError{Field: "password", Key: "kitorg.error.password_short", Args: []any{"N", MinKitPasswordLen}})
	case len(in.Password) > MaxPasswordBytes:
		errs = append(errs, &FieldError{Field: "password", Key: "kitorg.error.password_long", Args: []any{"N", MaxPasswordBytes}})
	}
	return in, errs
}

// validKitEmail is the shape the kit's userList takes (one @, no separators).
func validKitEmail(v string) bool {
	at := strings.IndexByte(v, '@')
	return at > 0 && at < len(v)-1 && strings.Count(v, "@") == 1 && !strings.ContainsAny(v, " ,;<>") && len(v) <= 128 &&
		strings.Contains(v[at:], ".")
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// newTenantID makes a tenant ID: 32 upper-case hexadecimal characters.
func newTenantID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return strings.ToUpper(hex.EncodeToString(b)), nil
}

// KitIdentity is the kit's unique user key: userName@tenantCode.
func KitIdentity(userName, tenantCode string) string { return userName + "@" + tenantCode }

// ValidKitRole tells whether r is a role of KitRoles.
func ValidKitRole(r string) bool { return slices.Contains(KitRoles, r) }

func migrateKitOrgs(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&KitTenant{}, &KitDept{}, &KitUser{}, &KitBinding{}, &KitGrant{}, &KitToken{}); err != nil {
		return err
	}
	m := tx.Migrator()
	if !m.HasColumn(&SaaSCall{}, "KitBindingID") {
		if err := m.AddColumn(&SaaSCall{}, "KitBindingID"); err != nil {
			return err
		}
	}
	for _, q := range []string{
		// One organisation per buyer; one binding per subscription.
		`CREATE UNIQUE INDEX IF NOT EXISTS idx_kit_tenants_buyer ON kit_tenants (buyer_id) WHERE buyer_id > 0`,
		`CREATE UNIQUE INDEX IF NOT EXISTS idx_kit_tenants_test_app ON kit_tenants (kit_app_id) WHERE kit_app_id > 0`,
		`CREATE UNIQUE INDEX IF NOT EXISTS idx_kit_bindings_sub ON kit_bindings (subscription_id) WHERE subscription_id > 0`,
		`CREATE INDEX IF NOT EXISTS idx_saas_calls_kit_binding ON saas_calls (kit_binding_id, status) WHERE kit_binding_id > 0`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}
