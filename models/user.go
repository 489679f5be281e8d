package models

import (
	"time"
)

// Role is what a user account is for.
type Role string

// Roles.
const (
	RoleMerchant Role = "merchant"
	RoleBuyer    Role = "buyer"
	RoleReviewer Role = "reviewer"
)

// UserStatus says whether an account may log in.
type UserStatus string

// User statuses.
const (
	UserActive    UserStatus = "active"
	UserSuspended UserStatus = "suspended"
)

// User is a login: merchant, buyer or reviewer (an admin is a reviewer with IsAdmin).
type User struct {
	ID              uint       `gorm:"primaryKey"`
	Email           string     `gorm:"size:254;not null;uniqueIndex"`
	PasswordHash    string     `gorm:"size:100;not null"`
	Role            Role       `gorm:"size:16;not null;index:idx_users_role_created,priority:1"`
	IsAdmin         bool       `gorm:"not null;default:false"`
	Status          UserStatus `gorm:"size:16;not null;default:active"`
	Name            string     `gorm:"size:100;not null;default:''"`
	Locale          string     `gorm:"size:10;not null;default:''"`
	EmailVerifiedAt *time.Time
	MerchantID      *uint `gorm:"index"`
	LastLoginAt     *time.Time
	// SessionEpoch rises with every password change and reset; a session remembers the
	// epoch it was started in and ends when the user's has moved on.
	SessionEpoch int `gorm:"not null;default:0"`
	CreatedByID  *uint
	CreatedAt    time.Time `gorm:"not null;index:idx_users_role_created,priority:2"`
	UpdatedAt    time.Time `gorm:"not null"`
}

// IsReviewer tells whether the user works in the reviewer console.
func (u *User) IsReviewer() bool { return u.Role == RoleReviewer }

// Verified tells whether the email was confirmed.
func (u *User) Verified() bool { return u.EmailVerifiedAt != nil }

// Merchant is a seller's company account; its users act for it.
type Merchant struct {
	ID          uint   `gorm:"primaryKey"`
	OwnerUserID uint   `gorm:"not null;uniqueIndex"`
	CompanyName string `gorm:"size:200;not null;default:''"`
	// Live profile: changes go through change requests.
	Website       string `gorm:"size:300;not null;default:''"`
	Intro         string `gorm:"size:2000;not null;default:''"`
	LogoFileID    *uint
	ContactName   string `gorm:"size:100;not null;default:''"`
	ContactMobile string `gorm:"size:30;not null;default:''"`
	ContactEmail  string `gorm:"size:254;not null;default:''"`
	ServiceEmail  string `gorm:"size:254;not null;default:''"`
	ServicePhone  string `gorm:"size:30;not null;default:''"`
	Address       string `gorm:"size:300;not null;default:''"`
	// Onboarding milestones, denormalised from their records for lists and gates.
	RealNameStatus      string `gorm:"size:20;not null;default:NOT_VERIFIED;index"`
	RealNameSubject     string `gorm:"size:20;not null;default:''"`
	ApplicationStatus   string `gorm:"size:20;not null;default:NONE"`
	CertificationStatus string `gorm:"size:20;not null;default:NOT_CERTIFIED"`
	ActivatedAt         *time.Time
	SuspendedAt         *time.Time
	SuspendReason       string    `gorm:"size:500;not null;default:''"`
	Version             int       `gorm:"not null;default:1"`
	CreatedAt           time.Time `gorm:"not null;index"`
	UpdatedAt           time.Time `gorm:"not null"`
}

// Suspended tells whether the platform suspended the merchant.
func (m *Merchant) Suspended() bool { return m.SuspendedAt != nil }

// Active tells whether onboarding is complete: only then may the merchant publish.
func (m *Merchant) Active() bool { return m.ActivatedAt != nil && m.SuspendedAt == nil }
