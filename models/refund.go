package models

import (
	"math/big"
	"slices"
	"time"

	"gorm.io/gorm"
)

// refundMoves is the after-sales state machine: status → statuses it may move to.
// APPROVED → REJECTED only happens when a hardware return misses a deadline, and
// REJECTED → APPROVED only when the platform resolves a dispute for the buyer.
var refundMoves = map[string][]string{
	RefundRequested: {RefundApproved, RefundRejected, RefundWithdrawn},
	RefundApproved:  {RefundRefunded, RefundRejected},
	RefundRejected:  {RefundApproved},
}

// RefundCanMove tells whether an after-sales case may go from one status to another.
func RefundCanMove(from, to string) bool { return slices.Contains(refundMoves[from], to) }

// OpenRefundStatuses are the statuses of cases still waiting on someone; an order has at
// most one case in them (a unique partial index holds it).
var OpenRefundStatuses = []string{RefundRequested, RefundApproved}

// Hardware return deadlines (domain §5.2): the buyer ships within ReturnShipDays of the
// approval, the merchant confirms receipt within ReturnReceiveDays of the shipping.
const (
	ReturnShipDays    = 10
	ReturnReceiveDays = 15
)

// Limits of the after-sales texts, in characters.
const (
	RefundReasonMax  = 500
	RefundCommentMax = 1000
	TrackingNoMax    = 60
)

// Open tells whether the case still waits on the buyer, the merchant or the payout.
func (r Refund) Open() bool { return slices.Contains(OpenRefundStatuses, r.Status) }

// DisputeOpen tells whether the platform still has to resolve the buyer's dispute.
func (r Refund) DisputeOpen() bool {
	return r.Disputed && r.ResolvedByID == nil && r.Status == RefundRejected
}

// Payable tells whether the simulated payout may pay the case now: approved, and for a
// return the goods are back (or the platform decided to refund regardless).
func (r Refund) Payable() bool {
	return r.Status == RefundApproved && (r.Kind != RefundReturn || r.ReceivedAt != nil || r.ResolvedByID != nil)
}

// ShipBy is when a hardware return's logistics must be uploaded; nil before approval.
func (r Refund) ShipBy() *time.Time {
	if r.Kind != RefundReturn || r.DecidedAt == nil {
		return nil
	}
	return ptr(r.DecidedAt.Add(ReturnShipDays * 24 * time.Hour))
}

// ReceiveBy is when the merchant must confirm a return's receipt; nil before shipping.
func (r Refund) ReceiveBy() *time.Time {
	if r.Kind != RefundReturn || r.ShippedAt == nil {
		return nil
	}
	return ptr(r.ShippedAt.Add(ReturnReceiveDays * 24 * time.Hour))
}

// AwaitsMerchant tells whether the merchant has something to do: decide a request, or
// confirm that returned goods arrived.
func (r Refund) AwaitsMerchant() bool {
	return r.Status == RefundRequested ||
		(r.Status == RefundApproved && r.Kind == RefundReturn && r.ShippedAt != nil && r.ReceivedAt == nil && r.ResolvedByID == nil)
}

// AwaitsBuyerShipping tells whether an approved return waits for the buyer's logistics.
func (r Refund) AwaitsBuyerShipping() bool {
	return r.Status == RefundApproved && r.Kind == RefundReturn && r.ShippedAt == nil && r.ResolvedByID == nil
}

// RefundEvent is one entry of an after-sales case's history. Action is a message key;
// Comment is what the person wrote (or empty).
type RefundEvent struct {
	ID         uint      `gorm:"primaryKey"`
	RefundID   uint      `gorm:"not null;index:idx_refund_events_refund,priority:1"`
	FromStatus string    `gorm:"size:20;not null;default:''"`
	ToStatus   string    `gorm:"size:20;not null"`
	Action     string    `gorm:"size:60;not null"`
	ActorID    *uint     // nil: the platform
	Comment    string    `gorm:"size:2000;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null;index:idx_refund_events_refund,priority:2"`
}

// migrateRefundHistory adds the case history, the one-open-case-per-order rule, and the
// indexes of the merchant's queue (newest first over every status) and the dispute queue.
func migrateRefundHistory(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&RefundEvent{}); err != nil {
		return err
	}
	for _, stmt := range []string{
		`CREATE UNIQUE INDEX idx_refunds_open_order ON refunds (order_id) WHERE status IN ('REQUESTED', 'APPROVED')`,
		`CREATE INDEX idx_refunds_disputes ON refunds (disputed, disputed_at)`,
		`CREATE INDEX idx_refunds_merchant_created ON refunds (merchant_id, created_at)`,
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

// RuleError is an after-sales rule that refuses a move; it answers 409 like any illegal
// transition, with its own message key.
type RuleError struct{ Key string }

func (e *RuleError) Error() string { return e.Key }

// Unwrap makes a rule error an illegal transition.
func (e *RuleError) Unwrap() error { return ErrIllegalTransition }

// MessageKey is the message shown to the user.
func (e *RuleError) MessageKey() string { return e.Key }

// After-sales rules.
var (
	ErrRefundNotPaid          = &RuleError{"aftersales.error.not_paid"}
	ErrRefundCompleted        = &RuleError{"aftersales.error.completed"}
	ErrRefundOpenCase         = &RuleError{"aftersales.error.open_case"}
	ErrRefundWrongFlow        = &RuleError{"aftersales.error.wrong_flow"}
	ErrRefundNothingLeft      = &RuleError{"aftersales.error.nothing_left"}
	ErrAlreadyUnsubscribed    = &RuleError{"aftersales.error.already_unsubscribed"}
	ErrSubscriptionExpired    = &RuleError{"aftersales.error.expired"}
	ErrNoSubscription         = &RuleError{"aftersales.error.no_subscription"}
	ErrReturnDeadlinePassed   = &RuleError{"aftersales.error.deadline_passed"}
	ErrRefundDisputeNotOpen   = &RuleError{"aftersales.error.dispute_not_open"}
	ErrRefundAlreadyDisputed  = &RuleError{"aftersales.error.already_disputed"}
	ErrReturnNotShipped       = &RuleError{"aftersales.error.not_shipped"}
	ErrReturnAlreadyShipped   = &RuleError{"aftersales.error.already_shipped"}
	ErrRefundNotReturn        = &RuleError{"aftersales.error.not_return"}
	ErrRefundAlreadyCompleted = &RuleError{"aftersales.error.already_refunded"}
)

// RefundFlow is the after-sales flow of a paid order (domain §5.2): hardware goes back
// by post; supervised orders, License and professional service are negotiated with the
// merchant; the rest (non-supervised SaaS and image) unsubscribe automatically.
func RefundFlow(o Order) string {
	switch {
	case o.ProductType == ProductHardware:
		return RefundReturn
	case o.Supervised:
		return RefundNegotiated
	case o.ProductType == ProductSaaS || o.ProductType == ProductImage:
		return RefundUnsubscribe
	}
	return RefundNegotiated
}

// RefundRules are the configurable after-sales rules.
type RefundRules struct {
	NoReasonDays int  // the no-reason window, counted from payment
	ProRata      bool // after the window, refund the unused part of the period
}

// Refund bases: how an unsubscription's amount was found.
const (
	BasisFull    = "full"    // inside the no-reason window: everything paid
	BasisProRata = "prorata" // the unused part of the period
	BasisNone    = "none"    // nothing comes back
	BasisTrial   = "trial"   // a free trial: nothing was paid
	BasisAsked   = "asked"   // negotiated and returns: up to what is left
)

// RefundQuote is what a buyer may do about one order now: the flow, the amount an
// unsubscription would refund (or the most a request may ask), and, when nothing may be
// done, why.
type RefundQuote struct {
	Flow          string
	Basis         string
	AmountFen     int64 // unsubscribe: the refund now; negotiated and return: the most to ask
	RefundableFen int64 // paid − already refunded
	WindowEnds    *time.Time
	Blocked       error // a *RuleError when no request may be made now
}

// orderPaid tells whether the order was paid (a free trial counts once it is live).
func orderPaid(o Order) bool {
	if o.Kind == OrderUnsubscribe || (o.Status != OrderProcessing && o.Status != OrderCompleted) {
		return false
	}
	return o.PaidAt != nil || o.AmountFen == 0
}

// QuoteRefund applies the after-sales rules to an order, its first line (the period it
// paid for; may be nil), its subscription (may be nil) and its open case (may be nil).
func QuoteRefund(o Order, line *OrderLine, sub *Subscription, open *Refund, rules RefundRules, now time.Time) RefundQuote {
	q := RefundQuote{Flow: RefundFlow(o), RefundableFen: max(o.PaidFen-o.RefundedFen, 0)}
	if o.PaidAt != nil {
		q.WindowEnds = ptr(o.PaidAt.Add(time.Duration(rules.NoReasonDays) * 24 * time.Hour))
	}
	switch {
	case !orderPaid(o):
		q.Blocked = ErrRefundNotPaid
		return q
	case open != nil:
		q.Blocked = ErrRefundOpenCase
		return q
	}
	if q.Flow != RefundUnsubscribe {
		q.Basis, q.AmountFen = BasisAsked, q.RefundableFen
		switch {
		case sub != nil && sub.Status == SubUnsubscribed:
			// A settled refund ended the service (and closed the order): the order is
			// closed for after-sales.
			q.Blocked = ErrAlreadyUnsubscribed
		case q.Flow == RefundNegotiated && o.Status == OrderCompleted:
			// The guarantee period ends with supervision (or delivery): no refund after it.
			q.Blocked = ErrRefundCompleted
		case q.RefundableFen == 0 && o.RefundedFen > 0:
			q.Blocked = ErrRefundAlreadyCompleted
		case q.RefundableFen == 0:
			q.Blocked = ErrRefundNothingLeft
		}
		return q
	}
	switch {
	case sub == nil:
		q.Blocked = ErrNoSubscription
		return q
	case sub.Status == SubUnsubscribed:
		q.Blocked = ErrAlreadyUnsubscribed
		return q
	case o.PaidFen > 0 && q.RefundableFen == 0:
		q.Blocked = ErrRefundAlreadyCompleted
		return q
	case !sub.ActiveAt(now):
		q.Blocked = ErrSubscriptionExpired
		return q
	}
	switch {
	case o.PaidFen == 0:
		q.Basis = BasisTrial
	case q.WindowEnds != nil && now.Before(*q.WindowEnds):
		q.Basis, q.AmountFen = BasisFull, q.RefundableFen
	case !rules.ProRata:
		q.Basis = BasisNone
	default:
		// One-time, package and on-demand purchases have no period left to measure
		// after the window: a one-time licence or a package of uses is consumed when it is
		// delivered, and on-demand use is charged as it happens, so nothing comes back.
		start, end, ok := refundPeriod(line, sub)
		if !ok {
			q.Basis = BasisNone
			break
		}
		q.Basis, q.AmountFen = BasisProRata, min(ProRataFen(o.PaidFen, start, end, now), q.RefundableFen)
	}
	return q
}

// periodic tells whether a line's period type is bought by time (year or month).
func periodic(periodType string) bool { return periodType == "year" || periodType == "month" }

// refundPeriod is the period an order paid for: its line's dates, else the
// subscription's; ok is false for purchases without a period.
func refundPeriod(line *OrderLine, sub *Subscription) (start, end time.Time, ok bool) {
	if line != nil {
		if line.PeriodType != "" && !periodic(line.PeriodType) {
			return start, end, false
		}
		if line.StartsAt != nil && line.EndsAt != nil {
			return *line.StartsAt, *line.EndsAt, line.EndsAt.After(*line.StartsAt)
		}
	}
	if sub == nil || sub.ExpiresAt == nil || (sub.PeriodType != "" && !periodic(sub.PeriodType)) {
		return start, end, false
	}
	return sub.StartsAt, *sub.ExpiresAt, sub.ExpiresAt.After(sub.StartsAt)
}

// ProRataFen is the unused share of paid for the period [start, end) at now: unused
// seconds / period seconds × paid, rounded down to the fen. Big integers keep the
// product exact for any amount and period.
func ProRataFen(paid int64, start, end, now time.Time) int64 {
	period := int64(end.Sub(start) / time.Second)
	if paid <= 0 || period <= 0 {
		return 0
	}
	from := start
	if now.After(from) {
		from = now
	}
	unused := int64(end.Sub(from) / time.Second)
	if unused <= 0 {
		return 0
	}
	unused = min(unused, period)
	n := new(big.Int).Mul(big.NewInt(paid), big.NewInt(unused))
	return n.Quo(n, big.NewInt(period)).Int64()
}
