package models

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
)

// Order types (domain §5.1).
const (
	OrderNew           = "NEW"             // 新购
	OrderTrial         = "TRIAL"           // 试用
	OrderTrialToFormal = "TRIAL_TO_FORMAL" // 试用转正
	OrderRenew         = "RENEW"           // 续费
	OrderChange        = "CHANGE"          // 变更/升级
	OrderUnsubscribe   = "UNSUBSCRIBE"     // 退订
)

// OrderKinds lists the order types in display order.
var OrderKinds = []string{OrderNew, OrderTrial, OrderTrialToFormal, OrderRenew, OrderChange, OrderUnsubscribe}

// Order statuses.
const (
	OrderPendingPayment = "PENDING_PAYMENT" // 待支付
	OrderCancelled      = "CANCELLED"       // 已取消
	OrderProcessing     = "PROCESSING"      // 处理中: not yet delivered, or supervision unfinished
	OrderCompleted      = "COMPLETED"       // 已完成
	OrderFailed         = "FAILED"          // 失败
)

// OrderStatuses lists the order statuses in display order.
var OrderStatuses = []string{OrderPendingPayment, OrderProcessing, OrderCompleted, OrderCancelled, OrderFailed}

// orderMoves is the order state machine: status → statuses it may move to.
var orderMoves = map[string][]string{
	OrderPendingPayment: {OrderProcessing, OrderCompleted, OrderCancelled},
	OrderProcessing:     {OrderCompleted, OrderFailed},
}

// OrderCanMove tells whether an order may go from one status to another.
func OrderCanMove(from, to string) bool {
	for _, s := range orderMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// OpenOrderStatuses are the statuses of orders not yet finished.
var OpenOrderStatuses = []string{OrderPendingPayment, OrderProcessing}

// Order is one purchase, renewal, change or unsubscription of a buyer. Names, prices and
// the customer are frozen at purchase: later product edits never change an order.
// AmountFen is what the order costs (negative for UNSUBSCRIBE: the refund).
type Order struct {
	ID             uint   `gorm:"primaryKey"`
	OrderNo        string `gorm:"size:20;not null;uniqueIndex"`
	MerchantID     uint   `gorm:"not null;index:idx_orders_merchant_created,priority:1;index:idx_orders_merchant_status,priority:1;index:idx_orders_merchant_kind,priority:1;index:idx_orders_merchant_product,priority:1;index:idx_orders_merchant_billable,priority:1"`
	BuyerID        uint   `gorm:"not null;index:idx_orders_buyer_created,priority:1;uniqueIndex:idx_orders_idempotency,priority:1"`
	ProductID      uint   `gorm:"not null;index:idx_orders_merchant_product,priority:2;index:idx_orders_product_status,priority:1"`
	SpecID         uint   `gorm:"not null"`
	SubscriptionID *uint  `gorm:"index"`
	Kind           string `gorm:"size:20;not null;index:idx_orders_merchant_kind,priority:2"`
	Status         string `gorm:"size:20;not null;index:idx_orders_merchant_status,priority:2;index:idx_orders_product_status,priority:2"`
	ProductType    string `gorm:"size:20;not null"`
	ProductNameZh  string `gorm:"size:100;not null;default:''"`
	ProductNameEn  string `gorm:"size:100;not null;default:''"`
	SpecName       string `gorm:"size:100;not null;default:''"`
	CustomerName   string `gorm:"size:200;not null;default:''"`
	CustomerEmail  string `gorm:"size:254;not null;default:''"`
	Region         string `gorm:"size:40;not null;default:''"`
	AmountFen      int64  `gorm:"not null"`
	PaidFen        int64  `gorm:"not null;default:0"`
	RefundedFen    int64  `gorm:"not null;default:0"`
	Supervised     bool   `gorm:"not null;default:false"`
	// Entity is the signing entity the order settles with: the product's business model
	// at purchase (general or joint).
	Entity string `gorm:"size:20;not null;default:general"`
	// IdempotencyKey makes a double-submitted purchase one order (R3); NULL for orders the
	// platform creates itself.
	IdempotencyKey *string    `gorm:"size:64;uniqueIndex:idx_orders_idempotency,priority:2"`
	PayBy          *time.Time `gorm:"index"` // unpaid orders cancel after this
	PaidAt         *time.Time
	CancelledAt    *time.Time
	CompletedAt    *time.Time
	// BillableAt is when the order settles (domain §7): set as it completes for what paid
	// something, for a refund once the order it pays back is billable; nil: not (yet).
	BillableAt *time.Time `gorm:"index:idx_orders_merchant_billable,priority:2"`
	Version    int        `gorm:"not null;default:1"`
	CreatedAt  time.Time  `gorm:"not null;index:idx_orders_merchant_created,priority:2;index:idx_orders_merchant_status,priority:3;index:idx_orders_merchant_kind,priority:3;index:idx_orders_merchant_product,priority:3;index:idx_orders_buyer_created,priority:2"`
	UpdatedAt  time.Time  `gorm:"not null"`
}

// ProductName is the order's product name in the user's language.
func (o Order) ProductName(lang string) string {
	if lang == "en" && o.ProductNameEn != "" {
		return o.ProductNameEn
	}
	if o.ProductNameZh != "" {
		return o.ProductNameZh
	}
	return o.ProductNameEn
}

// OrderLine is one priced item of an order; LineNo is `<OrderNo>-000001`.
type OrderLine struct {
	ID          uint   `gorm:"primaryKey"`
	OrderID     uint   `gorm:"not null;index"`
	LineNo      string `gorm:"size:30;not null;uniqueIndex"`
	SpecID      uint   `gorm:"not null"`
	SKUCode     string `gorm:"size:40;not null"`
	SpecName    string `gorm:"size:100;not null;default:''"`
	ProductCode string `gorm:"size:40;not null;default:''"` // the protocol's productId of (spec × period type)
	BillingMode string `gorm:"size:20;not null"`
	PeriodType  string `gorm:"size:20;not null;default:''"` // year, month, one_time, hour, package
	PeriodCount int    `gorm:"not null;default:1"`
	LinearAttr  string `gorm:"size:20;not null;default:''"`
	Quantity    int    `gorm:"not null;default:1"` // linear quantity; 1 without a linear attribute
	UnitFen     int64  `gorm:"not null"`           // price of one period of one unit, frozen
	AmountFen   int64  `gorm:"not null"`
	TrialDays   int    `gorm:"not null;default:0"`
	StartsAt    *time.Time
	EndsAt      *time.Time
}

// OrderEvent is one entry of an order's status history.
type OrderEvent struct {
	ID         uint      `gorm:"primaryKey"`
	OrderID    uint      `gorm:"not null;index:idx_order_events_order,priority:1"`
	FromStatus string    `gorm:"size:20;not null;default:''"`
	ToStatus   string    `gorm:"size:20;not null"`
	ActorID    *uint     // nil: the platform
	Note       string    `gorm:"size:200;not null;default:''"` // a message key
	CreatedAt  time.Time `gorm:"not null;index:idx_order_events_order,priority:2"`
}

// Subscription statuses (已购资源).
const (
	SubActive       = "ACTIVE"
	SubUnsubscribed = "UNSUBSCRIBED"
	SubFailed       = "FAILED"
)

// Subscription is a purchased resource: what a buyer holds of a spec and until when. An
// ACTIVE subscription whose ExpiresAt has passed is expired; nil ExpiresAt never expires
// (one-time, package and on-demand purchases).
type Subscription struct {
	ID         uint       `gorm:"primaryKey"`
	BuyerID    uint       `gorm:"not null;index:idx_subs_buyer,priority:1"`
	MerchantID uint       `gorm:"not null;index:idx_subs_merchant_product,priority:1"`
	ProductID  uint       `gorm:"not null;index:idx_subs_merchant_product,priority:2;index:idx_subs_product_spec,priority:1"`
	SpecID     uint       `gorm:"not null;index:idx_subs_product_spec,priority:2"`
	SKUCode    string     `gorm:"size:40;not null"`
	PeriodType string     `gorm:"size:20;not null;default:''"`
	Quantity   int        `gorm:"not null;default:1"`
	Region     string     `gorm:"size:40;not null;default:''"`
	Trial      bool       `gorm:"not null;default:false"`
	Status     string     `gorm:"size:20;not null;index:idx_subs_merchant_product,priority:3"`
	StartsAt   time.Time  `gorm:"not null"`
	ExpiresAt  *time.Time `gorm:"index"`
	OrderID    uint       `gorm:"not null"` // the order that created it
	Version    int        `gorm:"not null;default:1"`
	CreatedAt  time.Time  `gorm:"not null;index:idx_subs_buyer,priority:2"`
	UpdatedAt  time.Time  `gorm:"not null"`
}

// ActiveAt tells whether the subscription gives service at t.
func (s Subscription) ActiveAt(t time.Time) bool {
	return s.Status == SubActive && (s.ExpiresAt == nil || s.ExpiresAt.After(t))
}

// Payment is the platform's record of a simulated payment; one per order.
type Payment struct {
	ID        uint      `gorm:"primaryKey"`
	OrderID   uint      `gorm:"not null;uniqueIndex"`
	BuyerID   uint      `gorm:"not null;index"`
	AmountFen int64     `gorm:"not null"`
	Reference string    `gorm:"size:40;not null;uniqueIndex"`
	PaidAt    time.Time `gorm:"not null"`
}

// Refund kinds (domain §5.2).
const (
	RefundUnsubscribe = "unsubscribe" // non-supervised SaaS and image: no-reason window, then pro rata
	RefundNegotiated  = "negotiated"  // supervised, License, professional service: 协商退订
	RefundReturn      = "return"      // hardware: goods shipped back, then refunded
)

// Refund statuses.
const (
	RefundRequested = "REQUESTED" // 商家待审核
	RefundApproved  = "APPROVED"
	RefundRefunded  = "REFUNDED"
	RefundRejected  = "REJECTED"
	RefundWithdrawn = "WITHDRAWN"
)

// RefundStatuses lists refund statuses in display order.
var RefundStatuses = []string{RefundRequested, RefundApproved, RefundRefunded, RefundRejected, RefundWithdrawn}

// Refund is an after-sales case (售后): a buyer's unsubscription or refund request of one
// paid order. Disputed marks a rejected case the buyer took to the platform.
type Refund struct {
	ID                 uint   `gorm:"primaryKey"`
	RefundNo           string `gorm:"size:20;not null;uniqueIndex"`
	OrderID            uint   `gorm:"not null;index"`
	MerchantID         uint   `gorm:"not null;index:idx_refunds_merchant,priority:1"`
	BuyerID            uint   `gorm:"not null;index:idx_refunds_buyer,priority:1;uniqueIndex:idx_refunds_idempotency,priority:1"`
	SubscriptionID     *uint
	Kind               string `gorm:"size:20;not null"`
	Status             string `gorm:"size:20;not null;index:idx_refunds_merchant,priority:2"`
	PaidFen            int64  `gorm:"not null"` // what the order paid, frozen
	AmountFen          int64  `gorm:"not null"` // what is refunded (asked, for negotiated)
	Reason             string `gorm:"size:1000;not null;default:''"`
	MerchantComment    string `gorm:"size:2000;not null;default:''"`
	AttachmentFileID   *uint
	TrackingNo         string `gorm:"size:60;not null;default:''"` // hardware returns
	ShippedAt          *time.Time
	ReceivedAt         *time.Time
	Disputed           bool   `gorm:"not null;default:false;index"`
	DisputeReason      string `gorm:"size:1000;not null;default:''"`
	DisputedAt         *time.Time
	ResolvedByID       *uint
	ResolutionComment  string `gorm:"size:2000;not null;default:''"`
	UnsubscribeOrderID *uint
	IdempotencyKey     *string `gorm:"size:64;uniqueIndex:idx_refunds_idempotency,priority:2"`
	DecidedAt          *time.Time
	RefundedAt         *time.Time
	Version            int       `gorm:"not null;default:1"`
	CreatedAt          time.Time `gorm:"not null;index:idx_refunds_merchant,priority:3;index:idx_refunds_buyer,priority:2"`
	UpdatedAt          time.Time `gorm:"not null"`
}

// Export statuses.
const (
	ExportQueued  = "QUEUED"
	ExportRunning = "RUNNING"
	ExportDone    = "DONE"
	ExportFailed  = "FAILED"
)

// ExportJob is one export of a filtered order list (导出记录); the file lives in the blob
// store until ExpiresAt.
type ExportJob struct {
	ID         uint       `gorm:"primaryKey"`
	MerchantID uint       `gorm:"not null;index:idx_exports_merchant,priority:1"`
	UserID     uint       `gorm:"not null"`
	Format     string     `gorm:"size:10;not null"` // csv | xlsx
	Filter     string     `gorm:"type:text;not null;default:'{}'"`
	Status     string     `gorm:"size:20;not null"`
	Total      int64      `gorm:"not null;default:0"`
	Done       int64      `gorm:"not null;default:0"`
	BlobKey    string     `gorm:"size:200;not null;default:''"`
	FileName   string     `gorm:"size:200;not null;default:''"`
	Bytes      int64      `gorm:"not null;default:0"`
	Error      string     `gorm:"size:500;not null;default:''"`
	ExpiresAt  *time.Time `gorm:"index"`
	FinishedAt *time.Time
	// DownloadedAt is the first download: until then a finished export waits on the
	// merchant as a to-do.
	DownloadedAt *time.Time
	CreatedAt    time.Time `gorm:"not null;index:idx_exports_merchant,priority:2"`
	UpdatedAt    time.Time `gorm:"not null"`
}

// ProductView counts catalog views of a product per UTC day.
type ProductView struct {
	ID         uint   `gorm:"primaryKey"`
	ProductID  uint   `gorm:"not null;uniqueIndex:idx_product_views_day,priority:1"`
	MerchantID uint   `gorm:"not null;index:idx_product_views_merchant,priority:1"`
	Day        string `gorm:"size:10;not null;uniqueIndex:idx_product_views_day,priority:2;index:idx_product_views_merchant,priority:2"` // YYYY-MM-DD
	Views      int64  `gorm:"not null;default:0"`
}

// Buyer subject types, matched against a product's sales objects.
const (
	BuyerEnterprise = "enterprise"
	BuyerPersonal   = "personal"
)

// BuyerProfile is what the platform knows of a buyer account for selling to it: the subject
// type (enterprise or personal) and the name shown to merchants as the customer.
type BuyerProfile struct {
	ID          uint      `gorm:"primaryKey"`
	UserID      uint      `gorm:"not null;uniqueIndex"`
	SubjectType string    `gorm:"size:20;not null"`
	DisplayName string    `gorm:"size:200;not null;default:''"`
	Mobile      string    `gorm:"size:30;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

func migrateOrders(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&Order{}, &OrderLine{}, &OrderEvent{}, &Subscription{}, &Payment{},
		&Refund{}, &ExportJob{}, &ProductView{}, &BuyerProfile{}); err != nil {
		return err
	}
	now := time.Now().UTC()
	return tx.Create(&[]Setting{
		{Key: SettingPayTimeout, Value: strconv.Itoa(DefaultPayTimeoutMinutes), UpdatedAt: now},
		{Key: SettingNoReasonDays, Value: strconv.Itoa(DefaultNoReasonDays), UpdatedAt: now},
		{Key: SettingProRata, Value: strconv.Itoa(DefaultProRata), UpdatedAt: now},
		{Key: SettingExportRetention, Value: strconv.Itoa(DefaultExportRetention), UpdatedAt: now},
		{Key: SettingExportSyncRows, Value: strconv.Itoa(DefaultExportSyncRows), UpdatedAt: now},
	}).Error
}

// NumberAlphabet is what the random part of order and refund numbers is drawn from.
const NumberAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// NumberZone is the zone order numbers carry their minute in.
var NumberZone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// newNumber builds prefix + yyMMddHHmm (Beijing time) + 5 random uppercase letters/digits.
func newNumber(prefix string, t time.Time) string {
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = NumberAlphabet[int(b[i])%len(NumberAlphabet)]
	}
	return prefix + t.In(NumberZone).Format("0601021504") + string(b[:])
}

// NewOrderNo is a fresh order id: CS + yyMMddHHmm + 5 random uppercase letters/digits.
func NewOrderNo(t time.Time) string { return newNumber("CS", t) }

// NewRefundNo is a fresh after-sales case number: RF + yyMMddHHmm + 5 random characters.
func NewRefundNo(t time.Time) string { return newNumber("RF", t) }

// unusedNumber draws a number (newNumber) not yet in table's column: five random
// characters make a clash within one minute rare but not impossible at thousands of
// orders a minute, and a unique index refusing it would fail the whole transaction.
func (s *Store) unusedNumber(prefix string, t time.Time, table, column string) (string, error) {
	for range 8 {
		n := newNumber(prefix, t)
		var used int64
		if err := s.w.Table(table).Where(column+" = ?", n).Limit(1).Count(&used).Error; err != nil {
			return "", err
		}
		if used == 0 {
			return n, nil
		}
	}
	return "", fmt.Errorf("no unused %s number after 8 draws", prefix)
}

// LineNo is the id of an order's n-th line (1-based).
func LineNo(orderNo string, n int) string { return fmt.Sprintf("%s-%06d", orderNo, n) }

// moveOrder changes an order's status if the state machine allows it, with the optimistic
// version check, the history entry and the audit row, inside the current transaction.
// extra holds more columns to write with the move.
func (s *Store) moveOrder(a Actor, o *Order, to, note string, extra map[string]any) error {
	if !OrderCanMove(o.Status, to) {
		return ErrIllegalTransition
	}
	fields := map[string]any{"status": to}
	for k, v := range extra {
		fields[k] = v
	}
	if to == OrderCompleted {
		if err := s.markBillable(o, fields); err != nil {
			return err
		}
		sub := o.SubscriptionID
		if v, ok := fields["subscription_id"].(uint); ok {
			sub = &v
		}
		if err := s.meterOrder(*o, sub, s.clock.Now()); err != nil {
			return err
		}
	}
	if err := s.saveVersioned(&Order{}, o.ID, o.Version, fields); err != nil {
		return err
	}
	ev := OrderEvent{OrderID: o.ID, FromStatus: o.Status, ToStatus: to, Note: note, CreatedAt: s.clock.Now()}
	if a.UserID != 0 {
		ev.ActorID = ptr(a.UserID)
	}
	if err := s.w.Create(&ev).Error; err != nil {
		return err
	}
	mid := o.MerchantID
	if err := s.audit(a, "order."+lowerStatus(to), "order", o.ID, &mid, map[string]string{"status": o.Status}, map[string]string{"status": to}, note, ""); err != nil {
		return err
	}
	o.Status = to
	o.Version++
	return nil
}

// lowerStatus turns PENDING_PAYMENT into pending_payment for audit action names.
func lowerStatus(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// createOrder inserts a new order with its lines, numbering both, with the first history
// entry and the audit row, inside the current transaction. o.Status must be set.
func (s *Store) createOrder(a Actor, o *Order, lines []OrderLine) error {
	now := s.clock.Now()
	no, err := s.unusedNumber("CS", now, "orders", "order_no")
	if err != nil {
		return err
	}
	o.OrderNo = no
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	if err := s.w.Create(o).Error; err != nil {
		return err
	}
	for i := range lines {
		lines[i].OrderID = o.ID
		lines[i].LineNo = LineNo(o.OrderNo, i+1)
	}
	if len(lines) > 0 {
		if err := s.w.Create(&lines).Error; err != nil {
			return err
		}
	}
	ev := OrderEvent{OrderID: o.ID, ToStatus: o.Status, Note: "order.event.created", CreatedAt: now}
	if a.UserID != 0 {
		ev.ActorID = ptr(a.UserID)
	}
	if err := s.w.Create(&ev).Error; err != nil {
		return err
	}
	mid := o.MerchantID
	return s.audit(a, "order.create", "order", o.ID, &mid, nil,
		map[string]any{"order_no": o.OrderNo, "kind": o.Kind, "status": o.Status, "amount_fen": o.AmountFen}, "", "")
}

// migrateOrderKindLabels moves notifications already sent to the one set of order type
// labels (order.kind.*): they name their type by message key, translated when shown, and
// the buyers' set of the same labels is gone.
func migrateOrderKindLabels(tx *gorm.DB, _ Dialect) error {
	return tx.Exec(`UPDATE notifications SET args = REPLACE(args, '"buyer.order_kind.', '"order.kind.') WHERE args LIKE ?`,
		`%"buyer.order_kind.%`).Error
}
