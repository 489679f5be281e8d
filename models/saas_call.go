package models

import (
	"slices"
	"time"

	"gorm.io/gorm"
)

// Instance statuses: the merchant's resource instance (资源实例) behind a SaaS
// subscription, as the platform knows it.
const (
	InstanceAwaiting     = "AWAITING"     // provision after acceptance: waits for the merchant to accept the order
	InstanceProvisioning = "PROVISIONING" // newInstance under way
	InstanceActive       = "ACTIVE"
	InstanceFrozen       = "FROZEN"   // expired: kept for the freeze period, then released
	InstanceReleased     = "RELEASED" // unsubscribed, or the freeze period ended
	InstanceFailed       = "FAILED"   // provisioning failed for the whole retry window; the order was refunded
)

// InstanceStatuses lists them in display order.
var InstanceStatuses = []string{InstanceAwaiting, InstanceProvisioning, InstanceActive, InstanceFrozen, InstanceReleased, InstanceFailed}

// instanceMoves is the instance state machine.
var instanceMoves = map[string][]string{
	InstanceAwaiting:     {InstanceProvisioning, InstanceFailed, InstanceReleased},
	InstanceProvisioning: {InstanceActive, InstanceFailed, InstanceReleased},
	InstanceActive:       {InstanceFrozen, InstanceReleased},
	InstanceFrozen:       {InstanceActive, InstanceReleased},
}

// InstanceCanMove tells whether an instance may go from one status to another.
func InstanceCanMove(from, to string) bool { return slices.Contains(instanceMoves[from], to) }

// SaaSInstance is the instance a merchant's system provisioned for one SaaS subscription:
// its id, the addresses and login the merchant returned (the login sealed), and when its
// next lifecycle step is due.
type SaaSInstance struct {
	ID             uint   `gorm:"primaryKey"`
	SubscriptionID uint   `gorm:"not null;uniqueIndex"`
	MerchantID     uint   `gorm:"not null;index"`
	BuyerID        uint   `gorm:"not null"`
	ProductID      uint   `gorm:"not null"`
	OrderID        uint   `gorm:"not null"` // the order that created it
	AddressID      uint   `gorm:"not null"` // the production address its calls go to
	Protocol       string `gorm:"size:5;not null"`
	BillingMode    string `gorm:"size:20;not null;default:''"`
	InstanceID     string `gorm:"size:100;not null;default:''"`
	Status         string `gorm:"size:20;not null;index:idx_saas_instances_due,priority:1"`
	// DueAt is when the next lifecycle step is due: for an ACTIVE instance its expiry
	// (then it is frozen), for a FROZEN one the end of the freeze period (then released).
	DueAt        *time.Time `gorm:"index:idx_saas_instances_due,priority:2"`
	FrontEndURL  string     `gorm:"size:1000;not null;default:''"`
	AdminURL     string     `gorm:"size:1000;not null;default:''"`
	LoginUserEnc string     `gorm:"size:700;not null;default:''"`
	LoginPassEnc string     `gorm:"size:700;not null;default:''"`
	Memo         string     `gorm:"size:1000;not null;default:''"`
	ActivatedAt  *time.Time
	FrozenAt     *time.Time
	ReleasedAt   *time.Time
	Version      int       `gorm:"not null;default:1"`
	CreatedAt    time.Time `gorm:"not null"`
	UpdatedAt    time.Time `gorm:"not null"`
}

// TableName keeps SaaS in one word.
func (SaaSInstance) TableName() string { return "saas_instances" }

// What a production call does for the order (its purpose), whatever the protocol's
// activity name for it.
const (
	PurposeNew           = "new"             // newInstance (V2 then queryInstance)
	PurposeRenew         = "renew"           // refreshInstance, scene RENEWAL
	PurposeTrialToFormal = "trial_to_formal" // refreshInstance, scene TRIAL_TO_FORMAL
	PurposeFreeze        = "freeze"          // expireInstance (V1), instanceStatus FREEZE (V1 on demand), updateInstanceStatus FREEZE (V2)
	PurposeUnfreeze      = "unfreeze"        // updateInstanceStatus UNFREEZE (V2), instanceStatus NORMAL (V1 on demand)
	PurposeRelease       = "release"         // releaseInstance
	PurposeUpgrade       = "upgrade"         // upgrade (V1), upgradeInstance (V2)
	PurposeNotify        = "notify"          // orderNotify (V2)
	// Kit sync calls of joint-operation (联营) apps.
	PurposeTenantSync = "tenant_sync"  // tenantSync
	PurposeAppSync    = "app_sync"     // applicationSync
	PurposeAuthSync   = "auth_sync"    // authSync
	PurposeOrgSync    = "org_sync"     // singleOrgSync
	PurposeAllOrgSync = "all_org_sync" // allOrgSync
)

// KitPurposes are the kit sync calls' purposes.
var KitPurposes = []string{PurposeTenantSync, PurposeAppSync, PurposeAuthSync, PurposeOrgSync, PurposeAllOrgSync}

// kitPurpose tells whether a purpose is a kit sync call.
func kitPurpose(p string) bool { return slices.Contains(KitPurposes, p) }

// CallPurposes lists them in display order.
var CallPurposes = []string{PurposeNew, PurposeRenew, PurposeTrialToFormal, PurposeUpgrade, PurposeFreeze, PurposeUnfreeze, PurposeRelease, PurposeNotify,
	PurposeTenantSync, PurposeAppSync, PurposeAuthSync, PurposeOrgSync, PurposeAllOrgSync,
	PurposeLicenseRefresh, PurposeLicenseFreeze, PurposeLicenseUnfreeze, PurposeLicenseRelease}

// provisioning tells whether a purpose's failure fails the order (new purchase and
// upgrade: retried hourly for hours, then the order is refunded); the others are retried
// for an hour and then wait for the merchant's restart.
func provisioning(purpose string) bool { return purpose == PurposeNew || purpose == PurposeUpgrade }

// Production call statuses (生产接口消息).
const (
	CallWaiting    = "WAITING"    // behind an earlier call of the same instance
	CallQueued     = "QUEUED"     // its next attempt is scheduled
	CallProcessing = "PROCESSING" // the merchant is preparing the instance (000004): polled
	CallSucceeded  = "SUCCEEDED"
	CallFailed     = "FAILED"    // the retry window ended; restartable unless it failed an order
	CallCancelled  = "CANCELLED" // the subscription ended before the call could be made
)

// CallStatuses lists them in display order.
var CallStatuses = []string{CallWaiting, CallQueued, CallProcessing, CallSucceeded, CallFailed, CallCancelled}

// OpenCallStatuses are the statuses of calls not yet finished.
var OpenCallStatuses = []string{CallWaiting, CallQueued, CallProcessing}

// callMoves is the call state machine.
var callMoves = map[string][]string{
	CallWaiting:    {CallQueued, CallCancelled},
	CallQueued:     {CallQueued, CallProcessing, CallSucceeded, CallFailed, CallCancelled},
	CallProcessing: {CallProcessing, CallQueued, CallSucceeded, CallFailed, CallCancelled},
	CallFailed:     {CallQueued},
}

// CallCanMove tells whether a call may go from one status to another.
func CallCanMove(from, to string) bool { return slices.Contains(callMoves[from], to) }

// SaaSCall is one production call (生产接口消息) of a merchant's product for one order:
// what it does, its fixed parameters (a resend sends the same ids, so the merchant
// answers with the same instance), its attempts and retry window, and its outcome.
type SaaSCall struct {
	ID             uint   `gorm:"primaryKey;index:idx_saas_calls_merchant,priority:2"`
	MerchantID     uint   `gorm:"not null;index:idx_saas_calls_merchant,priority:1;index:idx_saas_calls_merchant_status,priority:1;index:idx_saas_calls_merchant_order,priority:1"`
	ProductID      uint   `gorm:"not null"`
	SubscriptionID uint   `gorm:"not null;index:idx_saas_calls_subscription,priority:1"`
	InstanceRowID  uint   `gorm:"not null"` // the SaaSInstance row
	OrderID        uint   `gorm:"not null"`
	OrderNo        string `gorm:"size:20;not null;index:idx_saas_calls_merchant_order,priority:2"`
	OrderLineNo    string `gorm:"size:30;not null"`
	AddressID      uint   `gorm:"not null"`
	Protocol       string `gorm:"size:5;not null"`
	Purpose        string `gorm:"size:20;not null"`
	Activity       string `gorm:"size:40;not null"` // the protocol's activity of the call (V2 polls ask queryInstance)
	Status         string `gorm:"size:20;not null;index:idx_saas_calls_merchant_status,priority:2"`
	Params         string `gorm:"type:text;not null"` // JSON, fixed when the call was made
	Attempts       int    `gorm:"not null;default:0"`
	Failures       int    `gorm:"not null;default:0"` // failed attempts in the current retry window
	Polls          int    `gorm:"not null;default:0"` // "processing" answers in a row
	Restarts       int    `gorm:"not null;default:0"`
	RetryFrom      time.Time
	Deadline       time.Time // the end of the retry window
	NextAt         *time.Time
	LastAttemptAt  *time.Time
	FinishedAt     *time.Time
	InstanceID     string `gorm:"size:100;not null;default:''"`
	ResultCode     string `gorm:"size:10;not null;default:''"`
	FailedCheck    string `gorm:"size:40;not null;default:''"`
	Problem        string `gorm:"size:40;not null;default:''"`
	// KitBindingID names the app binding a kit sync call is about (0 for instance
	// calls): kit calls of one binding run in order, apart from the instance's calls.
	KitBindingID uint `gorm:"not null;default:0"`
	// OrderFailed marks a provisioning call whose failure failed and refunded the order:
	// it cannot be restarted.
	OrderFailed bool `gorm:"not null;default:false"`
	// LicenseCodeID names the License code a push is about (0 otherwise): pushes of one
	// code run in order.
	LicenseCodeID uint      `gorm:"not null;default:0;index"`
	Version       int       `gorm:"not null;default:1"`
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// TableName keeps SaaS in one word.
func (SaaSCall) TableName() string { return "saas_calls" }

// AboutInstance tells whether the call is about a SaaS instance (not a kit sync or a
// License push).
func (c SaaSCall) AboutInstance() bool { return c.KitBindingID == 0 && c.LicenseCodeID == 0 }

// Restartable tells whether the merchant may restart the call (重新启动).
func (c SaaSCall) Restartable() bool { return c.Status == CallFailed && !c.OrderFailed }

// SaaSAttempt is one attempt of a production call, exactly as it went.
type SaaSAttempt struct {
	ID            uint   `gorm:"primaryKey"`
	CallID        uint   `gorm:"not null;uniqueIndex:idx_saas_attempts_call,priority:1"`
	No            int    `gorm:"not null;uniqueIndex:idx_saas_attempts_call,priority:2"`
	KeyID         uint   `gorm:"not null;default:0"`
	KeyGeneration int    `gorm:"not null;default:0"`
	ResultCode    string `gorm:"size:10;not null;default:''"`
	Exchange      `gorm:"embedded"`
	CreatedAt     time.Time `gorm:"not null"`
}

// TableName keeps SaaS in one word.
func (SaaSAttempt) TableName() string { return "saas_attempts" }

// JobSaaSCall runs one attempt of a production call; its group is the merchant.
const JobSaaSCall = "saas_call"

// JobSaaSLifecycle freezes expired instances and releases those whose freeze ended.
const JobSaaSLifecycle = "saas_lifecycle"

// SaaSCallPayload names the call and the attempt a job makes.
type SaaSCallPayload struct {
	CallID  uint `json:"call_id"`
	Attempt int  `json:"attempt"`
}

// Settings of provisioning (defaults as the protocol says).
const (
	SettingProvisionRetryHours      = "saas.provision_retry_hours"
	SettingProvisionRetryMinutes    = "saas.provision_retry_interval_minutes"
	SettingLifecycleRetryMinutes    = "saas.lifecycle_retry_minutes"
	SettingLifecycleIntervalMinutes = "saas.lifecycle_retry_interval_minutes"
	SettingFreezeDays               = "saas.freeze_days"
	SettingMonthlyFailureLimit      = "saas.monthly_failure_limit"
	DefaultProvisionRetryHours      = 3
	DefaultProvisionRetryMinutes    = 60
	DefaultLifecycleRetryMinutes    = 60
	DefaultLifecycleIntervalMinutes = 10
	DefaultFreezeDays               = 15
	DefaultMonthlyFailureLimit      = 5
	maxPollInterval                 = 5 * time.Minute
	firstPollInterval               = time.Second
	saasLifecyclePeriod             = time.Minute
	saasLifecycleBatch              = 200
	saasCallGroupPrefix             = "merchant:"
	saasCallDedupPrefix             = "saas_call:"
	saasLifecycleDedupPrefix        = "saas_lifecycle:"
	saasFailureFlagReason           = "provision_failures"
)

// ProductFlag marks a product for reviewers (e.g. more provisioning failures in a month
// than the limit: a candidate for delisting). One open flag per product and reason.
type ProductFlag struct {
	ID         uint       `gorm:"primaryKey"`
	ProductID  uint       `gorm:"not null;uniqueIndex:idx_product_flags_open,priority:1"`
	MerchantID uint       `gorm:"not null;index"`
	Reason     string     `gorm:"size:40;not null;uniqueIndex:idx_product_flags_open,priority:2"`
	Month      string     `gorm:"size:7;not null;uniqueIndex:idx_product_flags_open,priority:3"` // YYYY-MM it was raised for
	Count      int        `gorm:"not null;default:0"`
	ClosedAt   *time.Time `gorm:"index"`
	ClosedByID *uint
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
}

func migrateSaaSCalls(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&SaaSInstance{}, &SaaSCall{}, &SaaSAttempt{}, &ProductFlag{}); err != nil {
		return err
	}
	if err := migrateProductStops(tx); err != nil {
		return err
	}
	m := tx.Migrator()
	if !m.HasColumn(&Job{}, "Pooled") {
		if err := m.AddColumn(&Job{}, "Pooled"); err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE jobs SET pooled = ? WHERE job_group <> ''`, true).Error; err != nil {
			return err
		}
	}
	if !m.HasIndex(&Job{}, "idx_jobs_claim") {
		if err := tx.Exec(`CREATE INDEX idx_jobs_claim ON jobs (status, pooled, run_at)`).Error; err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	return tx.Create([]Setting{
		{Key: SettingProvisionRetryHours, Value: "3", UpdatedAt: now},
		{Key: SettingProvisionRetryMinutes, Value: "60", UpdatedAt: now},
		{Key: SettingLifecycleRetryMinutes, Value: "60", UpdatedAt: now},
		{Key: SettingLifecycleIntervalMinutes, Value: "10", UpdatedAt: now},
		{Key: SettingFreezeDays, Value: "15", UpdatedAt: now},
		{Key: SettingMonthlyFailureLimit, Value: "5", UpdatedAt: now},
	}).Error
}
