package models

import (
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Settlement (结算, domain §7): every month the bill run puts each order line that became
// billable in the month before, each refund paid in it and each adjustment made for it
// into one bill per merchant and signing entity; the bill then goes through the
// platform's review and sending, the countersign (会签), the merchant's invoice and the
// payment to the certified bank account, each step with its working-day service level.

// Bill statuses, in pipeline order.
const (
	BillGenerated     = "GENERATED"     // 已出账: waits for the platform to review and send it
	BillSent          = "SENT"          // 已发送: waits for the countersign
	BillCountersigned = "COUNTERSIGNED" // 已会签: the merchant's invoice is requested
	BillInvoiced      = "INVOICED"      // 发票待核对: the payment application waits for a reviewer
	BillReturned      = "RETURNED"      // 已退回: the payment application came back to the merchant
	BillPaying        = "PAYING"        // 付款中: the invoice is checked, payment is under way
	BillPaid          = "PAID"          // 已付款
	BillCarried       = "CARRIED"       // 已结转: nothing to pay; a negative payable moves to the next bill
)

// BillStatuses lists the statuses in pipeline order.
var BillStatuses = []string{BillGenerated, BillSent, BillCountersigned, BillInvoiced, BillReturned, BillPaying, BillPaid, BillCarried}

// Signing entities: whom the merchant contracts with, by the product's business model.
const (
	EntityGeneral = BusinessGeneral // 通用: the platform as the merchant's sales agent
	EntityJoint   = BusinessJoint   // 联营: the platform buys from the merchant
)

// SigningEntities lists them in display order.
var SigningEntities = []string{EntityGeneral, EntityJoint}

// EntityOf is the signing entity of a business model.
func EntityOf(businessModel string) string {
	if businessModel == BusinessJoint {
		return EntityJoint
	}
	return EntityGeneral
}

// Bill line kinds.
const (
	LineOrder      = "order"      // a paid order line that took effect
	LineRefund     = "refund"     // a refund paid (an UNSUBSCRIBE order line), negative
	LineAdjustment = "adjustment" // a reviewer's signed adjustment, no fee
)

// Bill is one merchant's statement for one signing entity and one month (账期 YYYYMM).
// Its totals are the sums of its lines: AmountFen of the amounts, FeeFen of the
// platform fees, PayableFen of what is left.
type Bill struct {
	ID         uint   `gorm:"primaryKey"`
	BillNo     string `gorm:"size:20;not null;uniqueIndex"`
	MerchantID uint   `gorm:"not null;uniqueIndex:idx_bills_period,priority:1;index:idx_bills_merchant,priority:1"`
	Entity     string `gorm:"size:20;not null;uniqueIndex:idx_bills_period,priority:3"`
	Period     string `gorm:"size:6;not null;uniqueIndex:idx_bills_period,priority:2;index:idx_bills_merchant,priority:2"` // YYYYMM
	Status     string `gorm:"size:20;not null;index:idx_bills_queue,priority:1"`
	Lines      int64  `gorm:"not null;default:0"`
	AmountFen  int64  `gorm:"not null;default:0"` // order lines and refunds, before the fee
	FeeFen     int64  `gorm:"not null;default:0"`
	AdjustFen  int64  `gorm:"not null;default:0"` // adjustments (part of PayableFen, no fee)
	PayableFen int64  `gorm:"not null;default:0"`
	// The step's start: when the bill entered its current status (queue ages and SLAs).
	StepSince       time.Time `gorm:"not null;index:idx_bills_queue,priority:2"`
	GeneratedAt     time.Time `gorm:"not null"`
	SentAt          *time.Time
	SentByID        *uint
	CountersignedAt *time.Time
	CountersignByID *uint
	InvoicedAt      *time.Time // the latest payment application (invoice recorded)
	PaymentFromAt   *time.Time // the invoice checked: the payment's working days start
	PaidAt          *time.Time
	ReturnedAt      *time.Time
	RejectReason    string `gorm:"size:60;not null;default:''"`
	RejectComment   string `gorm:"size:1000;not null;default:''"`
	DecidedAt       *time.Time
	DecidedByID     *uint
	Returns         int `gorm:"not null;default:0"` // payment applications returned
	// set by a review decision for its history entry and audit row
	decidedFrom string
	decidedBy   uint
	Version     int       `gorm:"not null;default:1"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

// BillLine is one item a bill settles. An order line or an adjustment is in at most one
// bill: the unique indexes make a second run, or a run resumed after a crash, add
// nothing twice.
type BillLine struct {
	ID           uint   `gorm:"primaryKey"`
	BillID       uint   `gorm:"not null;index:idx_bill_lines_bill,priority:1"`
	MerchantID   uint   `gorm:"not null"`
	Kind         string `gorm:"size:20;not null"`
	OrderID      *uint  `gorm:"index"`
	OrderLineID  *uint  `gorm:"uniqueIndex"`
	AdjustmentID *uint  `gorm:"uniqueIndex"`
	// UsageChargeID is the month's on-demand consumption the line charges.
	UsageChargeID *uint     `gorm:"uniqueIndex"`
	ProductType   string    `gorm:"size:20;not null;default:''"`
	AmountFen     int64     `gorm:"not null"`
	FeeBP         int       `gorm:"column:fee_bp;not null;default:0"` // the fee rate in basis points
	FeeFen        int64     `gorm:"not null;default:0"`
	BillableAt    time.Time `gorm:"not null"`
}

// PayableFen is what the line adds to the bill's payable amount.
func (l BillLine) PayableFen() int64 { return l.AmountFen - l.FeeFen }

// BillAdjustment is a reviewer's signed correction for a merchant and signing entity; it
// goes into the next bill the run makes for them.
type BillAdjustment struct {
	ID          uint      `gorm:"primaryKey"`
	MerchantID  uint      `gorm:"not null;index:idx_bill_adjustments_open,priority:1"`
	Entity      string    `gorm:"size:20;not null;index:idx_bill_adjustments_open,priority:2"`
	AmountFen   int64     `gorm:"not null"`
	Reason      string    `gorm:"size:500;not null"`
	FromBillID  *uint     // set when a bill's negative payable was carried forward
	BillID      *uint     `gorm:"index:idx_bill_adjustments_open,priority:3"` // the bill it went into
	CreatedByID *uint     // nil: the platform (a carried balance)
	CreatedAt   time.Time `gorm:"not null"`
}

// Invoice statuses.
const (
	InvoiceSubmitted = "SUBMITTED"
	InvoiceAccepted  = "ACCEPTED"
	InvoiceRejected  = "REJECTED"
)

// BillInvoice is an invoice the merchant recorded for a bill: each payment application
// is one; a returned application keeps its invoice as REJECTED and the next one is new.
type BillInvoice struct {
	ID          uint      `gorm:"primaryKey"`
	BillID      uint      `gorm:"not null;index"`
	MerchantID  uint      `gorm:"not null;index:idx_bill_invoices_number,priority:1"`
	Number      string    `gorm:"size:20;not null;index:idx_bill_invoices_number,priority:2"`
	IssuedOn    string    `gorm:"size:10;not null"` // YYYY-MM-DD
	AmountFen   int64     `gorm:"not null"`
	TaxRate     int       `gorm:"not null"` // percent
	FileID      uint      `gorm:"not null"`
	Status      string    `gorm:"size:20;not null"`
	CreatedByID uint      `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
}

// Payout is the payment of a bill to the merchant's certified bank account.
type Payout struct {
	ID            uint      `gorm:"primaryKey"`
	BillID        uint      `gorm:"not null;uniqueIndex"`
	MerchantID    uint      `gorm:"not null;index"`
	Reference     string    `gorm:"size:40;not null;uniqueIndex"`
	PaidOn        string    `gorm:"size:10;not null"` // YYYY-MM-DD
	AmountFen     int64     `gorm:"not null"`
	AccountMasked string    `gorm:"size:40;not null;default:''"`
	BankName      string    `gorm:"size:100;not null;default:''"`
	RecordedByID  uint      `gorm:"not null"`
	CreatedAt     time.Time `gorm:"not null"`
}

// BillEvent is one entry of a bill's history.
type BillEvent struct {
	ID         uint      `gorm:"primaryKey"`
	BillID     uint      `gorm:"not null;index:idx_bill_events_bill,priority:1"`
	Action     string    `gorm:"size:20;not null"`
	FromStatus string    `gorm:"size:20;not null;default:''"`
	ToStatus   string    `gorm:"size:20;not null"`
	ActorID    *uint     // nil: the platform
	Comment    string    `gorm:"size:1000;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null;index:idx_bill_events_bill,priority:2"`
}

// BillRun records one month's run: started, and finished with what it made.
type BillRun struct {
	ID         uint      `gorm:"primaryKey"`
	Period     string    `gorm:"size:6;not null;uniqueIndex"`
	Bills      int64     `gorm:"not null;default:0"`
	Lines      int64     `gorm:"not null;default:0"`
	StartedAt  time.Time `gorm:"not null"`
	FinishedAt *time.Time
}

// Settlement settings.
const (
	SettingBillDay         = "settle.bill_day"
	SettingBillSendDays    = "settle.send_workdays"
	SettingBillSignDays    = "settle.countersign_workdays"
	SettingBillPayDays     = "settle.payment_workdays"
	settingFeePrefix       = "settle.fee_bp."
	DefaultBillDay         = 3
	DefaultBillSendDays    = 2
	DefaultBillSignDays    = 8
	DefaultBillPayDays     = 6
	DefaultFeeBP           = 500 // 5 %
	billFeeMaxBP           = 10000
	billRunHour            = 2 // local time of the run on its day
	BillReasonMax          = 500
	InvoiceNumberMinDigits = 8
	InvoiceNumberMaxDigits = 20
	PaymentReferenceMaxLen = 40
)

// SettingFeeBP is the key of the platform fee of a product type, in basis points.
func SettingFeeBP(productType string) string { return settingFeePrefix + productType }

// InvoiceTaxRates are the VAT rates an invoice may carry, in percent.
var InvoiceTaxRates = []int{0, 1, 3, 6, 9, 13}

// FeeFen is the platform fee of an amount at a rate in basis points: amount × rate /
// 10000 rounded half away from zero to the fen, so a refund returns exactly the fee its
// purchase paid. The bill run computes the same in SQL (feeSQL); TestFeeRounding holds
// the two together.
func FeeFen(amount int64, bp int) int64 {
	if amount < 0 {
		return -FeeFen(-amount, bp)
	}
	return (amount*int64(bp) + 5000) / 10000
}

// feeSQL is FeeFen over a column and a rate placeholder, in integer arithmetic both
// engines evaluate alike (their integer division truncates toward zero).
const feeSQL = "CASE WHEN %[1]s >= 0 THEN (%[1]s * %[2]s + 5000) / 10000 ELSE -((-%[1]s * %[2]s + 5000) / 10000) END"

// BillPeriod is a month of the calendar: YYYYMM.
type BillPeriod struct {
	Year  int
	Month time.Month
}

// ParseBillPeriod reads YYYYMM.
func ParseBillPeriod(s string) (BillPeriod, bool) {
	if len(s) != 6 {
		return BillPeriod{}, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return BillPeriod{}, false
	}
	p := BillPeriod{Year: n / 100, Month: time.Month(n % 100)}
	if p.Year < 2000 || p.Year > 9999 || p.Month < 1 || p.Month > 12 {
		return BillPeriod{}, false
	}
	return p, true
}

// BillPeriodOf is the month t falls in, in loc.
func BillPeriodOf(t time.Time, loc *time.Location) BillPeriod {
	t = t.In(loc)
	return BillPeriod{Year: t.Year(), Month: t.Month()}
}

func (p BillPeriod) String() string { return fmt.Sprintf("%04d%02d", p.Year, int(p.Month)) }

// Start is the first moment of the month in loc.
func (p BillPeriod) Start(loc *time.Location) time.Time {
	return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, loc)
}

// End is the first moment of the next month in loc.
func (p BillPeriod) End(loc *time.Location) time.Time { return p.Start(loc).AddDate(0, 1, 0) }

// Next is the month after.
func (p BillPeriod) Next() BillPeriod {
	if p.Month == 12 {
		return BillPeriod{Year: p.Year + 1, Month: 1}
	}
	return BillPeriod{Year: p.Year, Month: p.Month + 1}
}

// Prev is the month before.
func (p BillPeriod) Prev() BillPeriod {
	if p.Month == 1 {
		return BillPeriod{Year: p.Year - 1, Month: 12}
	}
	return BillPeriod{Year: p.Year, Month: p.Month - 1}
}

// BillableAt is when an order becomes billable as it completes (nil: never): purchases
// that paid something when they complete (renewals not before their period starts), a
// refund no earlier than the order it pays back (set by settle). Trials and free orders
// settle nothing.
func BillableAt(o Order, paidFen int64, completedAt time.Time, lineStart *time.Time) *time.Time {
	if o.Kind == OrderTrial || o.Kind == OrderUnsubscribe || paidFen <= 0 {
		return nil
	}
	at := completedAt
	if o.Kind == OrderRenew && lineStart != nil && lineStart.After(at) {
		at = *lineStart
	}
	return &at
}

// markBillable sets an order's billable time as it completes; fields are the columns the
// completing move writes.
func (s *Store) markBillable(o *Order, fields map[string]any) error {
	completed, ok := fields["completed_at"].(time.Time)
	if !ok {
		completed = s.clock.Now()
	}
	paid := o.PaidFen
	if v, ok := fields["paid_fen"].(int64); ok {
		paid = v
	}
	var start *time.Time
	if o.Kind == OrderRenew {
		var line OrderLine
		if err := first(s.w.Select("id", "starts_at").Where("order_id = ?", o.ID).Order("id"), &line); err != nil {
			return err
		}
		start = line.StartsAt
	}
	if at := BillableAt(*o, paid, completed, start); at != nil {
		fields["billable_at"] = *at
		o.BillableAt = at
	}
	return nil
}

var defaultSettleSettings = map[string]int{
	SettingBillDay: DefaultBillDay, SettingBillSendDays: DefaultBillSendDays,
	SettingBillSignDays: DefaultBillSignDays, SettingBillPayDays: DefaultBillPayDays,
}

func migrateSettlement(tx *gorm.DB, _ Dialect) error {
	// A fresh database has the column and its index from the orders' own migration.
	if m := tx.Migrator(); !m.HasColumn(&Order{}, "BillableAt") {
		if err := m.AddColumn(&Order{}, "BillableAt"); err != nil {
			return err
		}
	}
	if m := tx.Migrator(); !m.HasColumn(&Order{}, "Entity") {
		if err := m.AddColumn(&Order{}, "Entity"); err != nil {
			return err
		}
		// Orders of joint-operation products settle with the joint entity.
		var joint []uint
		if err := tx.Model(&Product{}).Where("content LIKE ?", `%"business_model":"joint"%`).Pluck("id", &joint).Error; err != nil {
			return err
		}
		for len(joint) > 0 {
			n := min(len(joint), 500)
			if err := tx.Model(&Order{}).Where("product_id IN ?", joint[:n]).Update("entity", EntityJoint).Error; err != nil {
				return err
			}
			joint = joint[n:]
		}
	}
	if m := tx.Migrator(); !m.HasIndex(&Order{}, "idx_orders_merchant_billable") {
		if err := m.CreateIndex(&Order{}, "idx_orders_merchant_billable"); err != nil {
			return err
		}
	}
	if err := tx.AutoMigrate(&Bill{}, &BillLine{}, &BillAdjustment{}, &BillInvoice{}, &Payout{}, &BillEvent{}, &BillRun{}); err != nil {
		return err
	}
	// Orders that completed before settlement existed become billable as they would have.
	if err := tx.Exec(`UPDATE orders SET billable_at = completed_at
		WHERE status = ? AND completed_at IS NOT NULL AND paid_fen > 0 AND kind NOT IN ?`,
		OrderCompleted, []string{OrderTrial, OrderUnsubscribe}).Error; err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE orders SET billable_at = (SELECT l.starts_at FROM order_lines l WHERE l.order_id = orders.id ORDER BY l.id LIMIT 1)
		WHERE kind = ? AND billable_at IS NOT NULL
		AND (SELECT l.starts_at FROM order_lines l WHERE l.order_id = orders.id ORDER BY l.id LIMIT 1) > billable_at`, OrderRenew).Error; err != nil {
		return err
	}
	if err := tx.Exec(`UPDATE orders SET billable_at = completed_at
		WHERE kind = ? AND status = ? AND completed_at IS NOT NULL AND amount_fen < 0
		AND NOT EXISTS (SELECT 1 FROM refunds r JOIN orders p ON p.id = r.order_id
			WHERE r.unsubscribe_order_id = orders.id AND p.billable_at IS NULL)`, OrderUnsubscribe, OrderCompleted).Error; err != nil {
		return err
	}
	now := time.Now().UTC()
	var rows []Setting
	for k, v := range defaultSettleSettings {
		rows = append(rows, Setting{Key: k, Value: strconv.Itoa(v), UpdatedAt: now})
	}
	for _, t := range ProductTypes {
		rows = append(rows, Setting{Key: SettingFeeBP(t), Value: strconv.Itoa(DefaultFeeBP), UpdatedAt: now})
	}
	for _, r := range rows {
		var n int64
		if err := tx.Model(&Setting{}).Where("key = ?", r.Key).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
		}
	}
	return nil
}
