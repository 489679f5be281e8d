package models

import "time"

// Real-name verification (实名认证) states.
const (
	RealNameNotVerified = "NOT_VERIFIED"
	// RealNameAwaitingCheck: submitted details wait for the merchant to confirm a transfer
	// amount or an SMS code before they reach a reviewer.
	RealNameAwaitingCheck = "AWAITING_CHECK"
	RealNameInReview      = "IN_REVIEW"
	RealNameVerified      = "VERIFIED"
	RealNameRejected      = "REJECTED"
	// RealNameAbandoned: the merchant started over while a check was pending.
	RealNameAbandoned = "ABANDONED"
	// RealNameLocked: the third wrong amount or code locked the check until a reviewer
	// unlocks it (the rule of the business certification's transfer check).
	RealNameLocked = "LOCKED"
)

// Subjects.
const (
	SubjectEnterprise = "enterprise"
	SubjectPersonal   = "personal"
)

// Verification methods, per subject.
const (
	MethodCorporateTransfer = "corporate_transfer" // 对公账户打款认证
	MethodLegalRepPhone     = "legal_rep_phone"    // 法定代表人手机号
	MethodCertificate       = "certificate"        // 企业证件认证
	MethodFace              = "face"               // 人脸识别
	MethodBankCard          = "bank_card"          // 个人银行卡
	MethodIDDocument        = "id_document"        // 个人证件
)

// Challenge kinds a method may need before review.
const (
	ChallengeNone     = ""
	ChallengeTransfer = "transfer"
	ChallengeSMS      = "sms"
)

// MaxChallengeAttempts is how many wrong answers lock a real-name check, as
// MaxTransferFailures locks the certification.
const MaxChallengeAttempts = MaxTransferFailures

// DefaultRealNameDailySubmissions is how many submissions with a check (a deposit or an
// SMS code) a merchant may make in 24 hours when the setting is absent: each one is a
// fresh secret to guess.
const DefaultRealNameDailySubmissions = 3

// RealNameMethod describes one verification method.
type RealNameMethod struct {
	Code      string
	Subject   string
	Challenge string
	// Files the method needs: purposes required, and optional ones.
	RequiredFiles []string
	OptionalFiles []string
	NeedsBank     bool
	NeedsPhone    bool
	NeedsLegalRep bool
}

// File purposes for real-name uploads.
const (
	FileLicence      = "licence"
	FileIDFront      = "id_front"
	FileIDBack       = "id_back"
	FileSelfieWithID = "selfie_with_id"
)

// RealNameMethods lists every method in display order.
var RealNameMethods = []RealNameMethod{
	{Code: MethodCorporateTransfer, Subject: SubjectEnterprise, Challenge: ChallengeTransfer, RequiredFiles: []string{FileLicence}, NeedsBank: true, NeedsLegalRep: true},
	{Code: MethodLegalRepPhone, Subject: SubjectEnterprise, Challenge: ChallengeSMS, RequiredFiles: []string{FileLicence}, NeedsPhone: true, NeedsLegalRep: true},
	{Code: MethodCertificate, Subject: SubjectEnterprise, RequiredFiles: []string{FileLicence}, OptionalFiles: []string{FileIDFront, FileIDBack}, NeedsLegalRep: true},
	{Code: MethodFace, Subject: SubjectPersonal, RequiredFiles: []string{FileIDFront, FileIDBack, FileSelfieWithID}},
	{Code: MethodBankCard, Subject: SubjectPersonal, Challenge: ChallengeTransfer, NeedsBank: true, NeedsPhone: true},
	{Code: MethodIDDocument, Subject: SubjectPersonal, RequiredFiles: []string{FileIDFront, FileIDBack}},
}

// RealNameMethodByCode finds a method; ok is false for an unknown code.
func RealNameMethodByCode(code string) (RealNameMethod, bool) {
	for _, m := range RealNameMethods {
		if m.Code == code {
			return m, true
		}
	}
	return RealNameMethod{}, false
}

// Certificate types.
const (
	CertUSCC       = "uscc"        // 统一社会信用代码
	CertResidentID = "resident_id" // 居民身份证
	CertPassport   = "passport"
	CertHKMOPass   = "hkmo_pass" // 港澳居民来往内地通行证
)

// RealNameVerification is one submission of real-name details; the latest row is the
// merchant's current state, earlier rows are history.
type RealNameVerification struct {
	ID                uint   `gorm:"primaryKey"`
	MerchantID        uint   `gorm:"not null;index:idx_realname_merchant,priority:1"`
	SubmittedByID     uint   `gorm:"not null"`
	Subject           string `gorm:"size:20;not null"`
	Method            string `gorm:"size:30;not null"`
	Name              string `gorm:"size:200;not null"`
	CertType          string `gorm:"size:20;not null"`
	CertNumberEnc     string `gorm:"size:200;not null"`
	CertNumberMasked  string `gorm:"size:40;not null"`
	LegalRepName      string `gorm:"size:100;not null;default:''"`
	Phone             string `gorm:"size:30;not null;default:''"`
	BankName          string `gorm:"size:100;not null;default:''"`
	BankAccountEnc    string `gorm:"size:200;not null;default:''"`
	BankAccountMasked string `gorm:"size:40;not null;default:''"`
	ChallengeKind     string `gorm:"size:20;not null;default:''"`
	ChallengeEnc      string `gorm:"size:200;not null;default:''"`
	ChallengeAttempts int    `gorm:"not null;default:0"`
	ChallengeSentAt   *time.Time
	ChallengePassedAt *time.Time
	LockedAt          *time.Time
	Status            string     `gorm:"size:20;not null;index:idx_realname_status,priority:1"`
	RejectReason      string     `gorm:"size:60;not null;default:''"`
	RejectComment     string     `gorm:"size:1000;not null;default:''"`
	SubmittedAt       *time.Time `gorm:"index:idx_realname_status,priority:2"`
	DecidedAt         *time.Time
	DecidedByID       *uint
	Version           int       `gorm:"not null;default:1"`
	CreatedAt         time.Time `gorm:"not null;index:idx_realname_merchant,priority:2"`
	UpdatedAt         time.Time `gorm:"not null"`
}

// PassChallenge moves an awaiting submission to review once its check is answered.
func (v *RealNameVerification) PassChallenge(now time.Time) error {
	if v.Status != RealNameAwaitingCheck {
		return ErrIllegalTransition
	}
	v.ChallengePassedAt = &now
	v.Status = RealNameInReview
	v.SubmittedAt = &now
	return nil
}

// FailChallenge counts a wrong answer; the third locks the check until a reviewer
// unlocks it.
func (v *RealNameVerification) FailChallenge(now time.Time) error {
	if v.Status != RealNameAwaitingCheck {
		return ErrIllegalTransition
	}
	v.ChallengeAttempts++
	if v.ChallengeAttempts >= MaxChallengeAttempts {
		v.Status, v.LockedAt = RealNameLocked, &now
	}
	return nil
}

// Unlock lets a reviewer release a locked check; a fresh amount or code follows.
func (v *RealNameVerification) Unlock(now time.Time) error {
	if v.Status != RealNameLocked {
		return ErrIllegalTransition
	}
	v.Status, v.LockedAt, v.ChallengeAttempts, v.ChallengeSentAt = RealNameAwaitingCheck, nil, 0, &now
	return nil
}

// Abandon lets the merchant start over while a check is pending.
func (v *RealNameVerification) Abandon() error {
	if v.Status != RealNameAwaitingCheck {
		return ErrIllegalTransition
	}
	v.Status = RealNameAbandoned
	return nil
}

// Approve verifies the submission.
func (v *RealNameVerification) Approve(reviewerID uint, now time.Time) error {
	if v.Status != RealNameInReview {
		return ErrIllegalTransition
	}
	if v.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	v.Status, v.DecidedAt, v.DecidedByID = RealNameVerified, &now, &reviewerID
	return nil
}

// Reject refuses the submission with a reason.
func (v *RealNameVerification) Reject(reviewerID uint, now time.Time, reason, comment string) error {
	if v.Status != RealNameInReview {
		return ErrIllegalTransition
	}
	if v.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	v.Status, v.DecidedAt, v.DecidedByID = RealNameRejected, &now, &reviewerID
	v.RejectReason, v.RejectComment = reason, comment
	return nil
}
