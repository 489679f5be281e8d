package models

import "time"

// File is an uploaded file's record; the bytes live in the blob store under BlobKey.
// OwnerMerchantID or OwnerUserID says who may see it (besides reviewers).
type File struct {
	ID              uint      `gorm:"primaryKey"`
	OwnerUserID     uint      `gorm:"not null;index"`
	OwnerMerchantID *uint     `gorm:"index"`
	Purpose         string    `gorm:"size:30;not null"`
	RefType         string    `gorm:"size:30;not null;default:'';index:idx_files_ref,priority:1"`
	RefID           uint      `gorm:"not null;default:0;index:idx_files_ref,priority:2"`
	BlobKey         string    `gorm:"size:64;not null;uniqueIndex"`
	Filename        string    `gorm:"size:255;not null"`
	ContentType     string    `gorm:"size:100;not null"`
	Size            int64     `gorm:"not null"`
	CreatedAt       time.Time `gorm:"not null"`
}

// IsImage tells whether the file can be shown inline as an image.
func (f *File) IsImage() bool {
	switch f.ContentType {
	case "image/png", "image/jpeg", "image/gif", "image/bmp":
		return true
	}
	return false
}

// AuditLog is one append-only record of something that happened.
type AuditLog struct {
	ID         uint      `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index:idx_audit_at"`
	ActorID    *uint     `gorm:"index:idx_audit_actor,priority:1"`
	ActorEmail string    `gorm:"size:254;not null;default:''"`
	Action     string    `gorm:"size:60;not null;index:idx_audit_action,priority:1"`
	ObjectType string    `gorm:"size:40;not null;default:'';index:idx_audit_object,priority:1"`
	ObjectID   uint      `gorm:"not null;default:0;index:idx_audit_object,priority:2"`
	MerchantID *uint     `gorm:"index:idx_audit_merchant,priority:1"`
	Before     string    `gorm:"type:text;not null;default:''"`
	After      string    `gorm:"type:text;not null;default:''"`
	Reason     string    `gorm:"size:60;not null;default:''"`
	Comment    string    `gorm:"size:1000;not null;default:''"`
	RequestID  string    `gorm:"size:40;not null;default:''"`
	IP         string    `gorm:"size:64;not null;default:''"`
}

// Notification is an inbox message (站内信). Title and body are message keys with
// arguments, so each reader sees them in their own language.
type Notification struct {
	ID       uint   `gorm:"primaryKey"`
	UserID   uint   `gorm:"not null;index:idx_notif_user,priority:1"`
	Kind     string `gorm:"size:40;not null"`
	TitleKey string `gorm:"size:100;not null"`
	BodyKey  string `gorm:"size:100;not null"`
	Args     string `gorm:"type:text;not null;default:'{}'"`
	// What the notice points at (a kind of page and the object's number); the address
	// comes from the web layer's URL helpers when the notice is shown or mailed.
	Target    string `gorm:"size:30;not null;default:''"`
	TargetRef string `gorm:"size:60;not null;default:''"`
	ReadAt    *time.Time
	CreatedAt time.Time `gorm:"not null;index:idx_notif_user,priority:2"`
}

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job is a unit of background work.
type Job struct {
	ID   uint   `gorm:"primaryKey"`
	Kind string `gorm:"size:40;not null"`
	// Group names whose jobs share a concurrency bound (a merchant's calls): a pool runs
	// at most a few of one group at once, so one slow group never holds back the others.
	Group string `gorm:"column:job_group;size:40;not null;default:''"`
	// Pooled marks a job of a group (a pool's): idx_jobs_claim serves the sequential
	// worker and the pool alike, each reading its own due jobs in run_at order straight
	// from the index, whatever backlog the other has.
	Pooled      bool      `gorm:"not null;default:false;index:idx_jobs_claim,priority:2"`
	Payload     string    `gorm:"type:text;not null"`
	DedupKey    *string   `gorm:"size:120;uniqueIndex"`
	Status      string    `gorm:"size:16;not null;index:idx_jobs_due,priority:1;index:idx_jobs_claim,priority:1"`
	RunAt       time.Time `gorm:"not null;index:idx_jobs_due,priority:2;index:idx_jobs_claim,priority:3"`
	Attempts    int       `gorm:"not null;default:0"`
	MaxAttempts int       `gorm:"not null;default:8"`
	LastError   string    `gorm:"size:2000;not null;default:''"`
	LockedBy    string    `gorm:"size:64;not null;default:''"`
	LockedUntil *time.Time
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

// Outbox message channels and states.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
	// ChannelBank is the simulated bank statement line for platform test deposits.
	ChannelBank = "bank"

	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxKept    = "kept" // no gateway configured: kept for the dev outbox only
	OutboxFailed  = "failed"
)

// OutboxMessage is a mail, SMS or bank notice the platform sent (or would send).
type OutboxMessage struct {
	ID        uint   `gorm:"primaryKey"`
	Channel   string `gorm:"size:10;not null"`
	To        string `gorm:"column:to_addr;size:254;not null"`
	Subject   string `gorm:"size:300;not null"`
	Body      string `gorm:"type:text;not null"`
	Status    string `gorm:"size:10;not null"`
	LastError string `gorm:"size:1000;not null;default:''"`
	Source    string `gorm:"size:60;not null;default:'';index"`
	SentAt    *time.Time
	CreatedAt time.Time `gorm:"not null;index"`
}

// Token purposes.
const (
	TokenVerifyEmail   = "verify_email"
	TokenResetPassword = "reset_password"
	// MailAccountExists tells an account's owner that someone tried to register their
	// address again (a mail without a token).
	MailAccountExists = "account_exists"
)

// EmailToken is a single-use link token; only its hash is stored.
type EmailToken struct {
	ID        uint      `gorm:"primaryKey"`
	UserID    uint      `gorm:"not null;index"`
	Purpose   string    `gorm:"size:20;not null"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
	CreatedAt time.Time `gorm:"not null"`
}

// LoginThrottle counts recent failed logins for one key (an account or an address).
type LoginThrottle struct {
	Key         string    `gorm:"primaryKey;size:300"`
	Failures    int       `gorm:"not null"`
	WindowStart time.Time `gorm:"not null"`
	LockedUntil *time.Time
}

// Setting is one configurable rule value (the (config) rules of the domain).
type Setting struct {
	Key         string    `gorm:"primaryKey;size:60"`
	Value       string    `gorm:"size:1000;not null"`
	UpdatedAt   time.Time `gorm:"not null"`
	UpdatedByID *uint
}

// Holiday is a date of the working-day calendar: a holiday, or a weekend that is worked.
type Holiday struct {
	Date      string `gorm:"primaryKey;size:10"`
	Name      string `gorm:"size:100;not null"`
	IsWorkday bool   `gorm:"not null;default:false"`
}
