package models

import "time"

// Onboarding application (入驻申请) states; NONE means never applied.
const (
	ApplicationNone     = "NONE"
	ApplicationPending  = "PENDING"
	ApplicationApproved = "APPROVED"
	ApplicationRejected = "REJECTED"
)

// Product types a merchant may intend to sell.
var ProductTypes = []string{"saas", "license", "image", "service", "hardware"}

// Agreement is the merchant cooperation agreement version a new application signs.
const (
	AgreementCode    = "KOO-MCA"
	AgreementVersion = "2026.1"
)

// OnboardingApplication is one submission of the onboarding application.
type OnboardingApplication struct {
	ID                uint      `gorm:"primaryKey"`
	MerchantID        uint      `gorm:"not null;index:idx_app_merchant,priority:1"`
	SubmittedByID     uint      `gorm:"not null"`
	CompanyName       string    `gorm:"size:200;not null"`
	Website           string    `gorm:"size:300;not null"`
	Employees         int       `gorm:"not null"`
	YearsInBusiness   int       `gorm:"not null"`
	RegisteredCapital int64     `gorm:"not null"` // fen
	LicenceFileID     uint      `gorm:"not null"`
	Intro             string    `gorm:"size:2000;not null"`
	ContactName       string    `gorm:"size:100;not null"`
	ContactMobile     string    `gorm:"size:30;not null"`
	ContactEmail      string    `gorm:"size:254;not null"`
	ServiceEmail      string    `gorm:"size:254;not null"`
	ServicePhone      string    `gorm:"size:30;not null"`
	Address           string    `gorm:"size:300;not null"`
	ProductTypes      string    `gorm:"size:100;not null"` // comma-separated codes
	AgreementCode     string    `gorm:"size:30;not null"`
	AgreementVersion  string    `gorm:"size:20;not null"`
	AgreedAt          time.Time `gorm:"not null"`
	SignerName        string    `gorm:"size:100;not null"`
	Status            string    `gorm:"size:20;not null;index:idx_app_status,priority:1"`
	RejectReason      string    `gorm:"size:60;not null;default:''"`
	RejectComment     string    `gorm:"size:1000;not null;default:''"`
	SubmittedAt       time.Time `gorm:"not null;index:idx_app_status,priority:2"`
	DecidedAt         *time.Time
	DecidedByID       *uint
	Version           int       `gorm:"not null;default:1"`
	CreatedAt         time.Time `gorm:"not null;index:idx_app_merchant,priority:2"`
	UpdatedAt         time.Time `gorm:"not null"`
}

// Approve accepts the application.
func (a *OnboardingApplication) Approve(reviewerID uint, now time.Time) error {
	if a.Status != ApplicationPending {
		return ErrIllegalTransition
	}
	if a.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	a.Status, a.DecidedAt, a.DecidedByID = ApplicationApproved, &now, &reviewerID
	return nil
}

// Reject refuses the application with a reason.
func (a *OnboardingApplication) Reject(reviewerID uint, now time.Time, reason, comment string) error {
	if a.Status != ApplicationPending {
		return ErrIllegalTransition
	}
	if a.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	a.Status, a.DecidedAt, a.DecidedByID = ApplicationRejected, &now, &reviewerID
	a.RejectReason, a.RejectComment = reason, comment
	return nil
}

// Business information certification (商业信息认证) states.
const (
	CertNotCertified     = "NOT_CERTIFIED"
	CertAwaitingTransfer = "AWAITING_TRANSFER"
	CertInReview         = "IN_REVIEW"
	CertCertified        = "CERTIFIED"
	CertRejected         = "REJECTED"
	CertLocked           = "LOCKED"
)

// MaxTransferFailures locks the certification.
const MaxTransferFailures = 3

// Taxpayer and invoice types.
var (
	TaxpayerTypes = []string{"general", "small_scale"}
	InvoiceTypes  = []string{"vat_special", "vat_general"}
	Currencies    = []string{"CNY"}
)

// BusinessCertification is the merchant's settlement identity, filled in by a wizard.
type BusinessCertification struct {
	ID         uint `gorm:"primaryKey"`
	MerchantID uint `gorm:"not null;uniqueIndex"`
	// (a) company basics and tax
	CompanyName    string `gorm:"size:200;not null;default:''"`
	CreditCode     string `gorm:"size:18;not null;default:''"`
	TaxpayerType   string `gorm:"size:20;not null;default:''"`
	InvoiceType    string `gorm:"size:20;not null;default:''"`
	RegisteredAddr string `gorm:"size:300;not null;default:''"`
	FinanceName    string `gorm:"size:100;not null;default:''"`
	FinancePhone   string `gorm:"size:30;not null;default:''"`
	FinanceEmail   string `gorm:"size:254;not null;default:''"`
	BasicsDone     bool   `gorm:"not null;default:false"`
	// (b) bank
	AccountName       string `gorm:"size:200;not null;default:''"`
	BankName          string `gorm:"size:100;not null;default:''"`
	BankBranch        string `gorm:"size:200;not null;default:''"`
	BankAccountEnc    string `gorm:"size:200;not null;default:''"`
	BankAccountMasked string `gorm:"size:40;not null;default:''"`
	Currency          string `gorm:"size:3;not null;default:''"`
	BankDone          bool   `gorm:"not null;default:false"`
	// (c) related-supplier survey
	HasRelatedSupplier bool   `gorm:"not null;default:false"`
	RelatedSuppliers   string `gorm:"size:1000;not null;default:''"`
	SurveyDone         bool   `gorm:"not null;default:false"`
	// (d) transfer verification
	TransferEnc        string `gorm:"size:200;not null;default:''"`
	TransferSentAt     *time.Time
	TransferFailures   int `gorm:"not null;default:0"`
	TransferVerifiedAt *time.Time
	// state
	Status        string `gorm:"size:20;not null;index:idx_cert_status,priority:1"`
	SubmittedByID *uint
	SubmittedAt   *time.Time `gorm:"index:idx_cert_status,priority:2"`
	LockedAt      *time.Time
	RejectReason  string `gorm:"size:60;not null;default:''"`
	RejectComment string `gorm:"size:1000;not null;default:''"`
	DecidedAt     *time.Time
	DecidedByID   *uint
	Version       int       `gorm:"not null;default:1"`
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// Editable tells whether the wizard's data may still change.
func (c *BusinessCertification) Editable() bool {
	return c.Status == CertNotCertified || c.Status == CertRejected
}

// StartTransfer moves a complete draft to waiting for the deposit check.
func (c *BusinessCertification) StartTransfer(now time.Time) error {
	if !c.Editable() || !c.BasicsDone || !c.BankDone || !c.SurveyDone {
		return ErrIllegalTransition
	}
	c.Status, c.TransferSentAt, c.TransferVerifiedAt = CertAwaitingTransfer, &now, nil
	c.TransferFailures = 0
	return nil
}

// CheckTransfer records the merchant's answer; a third wrong answer locks.
func (c *BusinessCertification) CheckTransfer(correct bool, now time.Time) error {
	if c.Status != CertAwaitingTransfer || c.TransferVerifiedAt != nil {
		return ErrIllegalTransition
	}
	if correct {
		c.TransferVerifiedAt = &now
		return nil
	}
	c.TransferFailures++
	if c.TransferFailures >= MaxTransferFailures {
		c.Status, c.LockedAt = CertLocked, &now
	}
	return nil
}

// Submit sends a verified certification to review.
func (c *BusinessCertification) Submit(userID uint, now time.Time) error {
	if c.Status != CertAwaitingTransfer || c.TransferVerifiedAt == nil {
		return ErrIllegalTransition
	}
	c.Status, c.SubmittedAt, c.SubmittedByID = CertInReview, &now, &userID
	return nil
}

// Unlock lets a reviewer release a locked certification; a fresh deposit follows.
func (c *BusinessCertification) Unlock(now time.Time) error {
	if c.Status != CertLocked {
		return ErrIllegalTransition
	}
	c.Status, c.LockedAt, c.TransferFailures = CertAwaitingTransfer, nil, 0
	c.TransferSentAt, c.TransferVerifiedAt = &now, nil
	return nil
}

// Approve certifies.
func (c *BusinessCertification) Approve(reviewerID uint, now time.Time) error {
	if c.Status != CertInReview {
		return ErrIllegalTransition
	}
	if c.SubmittedByID != nil && *c.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	c.Status, c.DecidedAt, c.DecidedByID = CertCertified, &now, &reviewerID
	return nil
}

// Reject sends it back to the merchant to fix and restart.
func (c *BusinessCertification) Reject(reviewerID uint, now time.Time, reason, comment string) error {
	if c.Status != CertInReview {
		return ErrIllegalTransition
	}
	if c.SubmittedByID != nil && *c.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	c.Status, c.DecidedAt, c.DecidedByID = CertRejected, &now, &reviewerID
	c.RejectReason, c.RejectComment = reason, comment
	c.TransferVerifiedAt = nil
	return nil
}

// Change request kinds and states (商家信息变更).
const (
	ChangeProfile       = "profile"
	ChangeCertification = "certification"

	ChangePending   = "PENDING"
	ChangeApproved  = "APPROVED"
	ChangeRejected  = "REJECTED"
	ChangeWithdrawn = "WITHDRAWN"
)

// ChangeRequest asks to change live merchant information; the live values stay until
// a reviewer approves. Payload is the JSON of the proposed values.
type ChangeRequest struct {
	ID            uint      `gorm:"primaryKey"`
	MerchantID    uint      `gorm:"not null;index:idx_change_merchant,priority:1"`
	Kind          string    `gorm:"size:20;not null"`
	SubjectID     uint      `gorm:"not null;default:0"` // what of the merchant's it changes (an app credential), 0: the merchant
	Payload       string    `gorm:"type:text;not null"`
	Before        string    `gorm:"type:text;not null"`
	Status        string    `gorm:"size:20;not null;index:idx_change_status,priority:1"`
	SubmittedByID uint      `gorm:"not null"`
	SubmittedAt   time.Time `gorm:"not null;index:idx_change_status,priority:2"`
	RejectReason  string    `gorm:"size:60;not null;default:''"`
	RejectComment string    `gorm:"size:1000;not null;default:''"`
	DecidedAt     *time.Time
	DecidedByID   *uint
	Version       int       `gorm:"not null;default:1"`
	CreatedAt     time.Time `gorm:"not null;index:idx_change_merchant,priority:2"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// Approve applies nothing by itself; the store copies the payload to the live record.
func (r *ChangeRequest) Approve(reviewerID uint, now time.Time) error {
	if r.Status != ChangePending {
		return ErrIllegalTransition
	}
	if r.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	r.Status, r.DecidedAt, r.DecidedByID = ChangeApproved, &now, &reviewerID
	return nil
}

// Reject refuses the change.
func (r *ChangeRequest) Reject(reviewerID uint, now time.Time, reason, comment string) error {
	if r.Status != ChangePending {
		return ErrIllegalTransition
	}
	if r.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	r.Status, r.DecidedAt, r.DecidedByID = ChangeRejected, &now, &reviewerID
	r.RejectReason, r.RejectComment = reason, comment
	return nil
}

// Withdraw lets the merchant take a pending request back.
func (r *ChangeRequest) Withdraw() error {
	if r.Status != ChangePending {
		return ErrIllegalTransition
	}
	r.Status = ChangeWithdrawn
	return nil
}
