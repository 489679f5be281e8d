package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// On-demand (按需) consumption: an on-demand resource prepays nothing; the time it gives
// service is metered as usage segments (a SaaS instance while ACTIVE, another resource
// from its delivery until it is unsubscribed), and each month's bill run charges the
// month's hours of each order line: the seconds of its segments inside the month, rounded
// up to whole hours, times the hourly price and the quantity.

// LineUsage is a bill line of a month's on-demand consumption.
const LineUsage = "usage"

// UsageSegment is one stretch of service of an on-demand resource; EndedAt is nil while
// it lasts.
type UsageSegment struct {
	ID             uint       `gorm:"primaryKey"`
	MerchantID     uint       `gorm:"not null;index:idx_usage_segments_merchant,priority:1"`
	Entity         string     `gorm:"size:20;not null;index:idx_usage_segments_merchant,priority:2"`
	SubscriptionID uint       `gorm:"not null;index"`
	OrderID        uint       `gorm:"not null;index"`
	OrderLineID    uint       `gorm:"not null"`
	ProductType    string     `gorm:"size:20;not null"`
	UnitFen        int64      `gorm:"not null"` // per hour and unit
	Quantity       int        `gorm:"not null;default:1"`
	StartedAt      time.Time  `gorm:"not null;index:idx_usage_segments_merchant,priority:3"`
	EndedAt        *time.Time // nil while the resource gives service
}

// UsageCharge is one order line's consumption of one month, charged in one bill.
type UsageCharge struct {
	ID          uint      `gorm:"primaryKey"`
	MerchantID  uint      `gorm:"not null;index"`
	OrderID     uint      `gorm:"not null;index"`
	OrderLineID uint      `gorm:"not null;uniqueIndex:idx_usage_charges_line_period,priority:1"`
	Period      string    `gorm:"size:6;not null;uniqueIndex:idx_usage_charges_line_period,priority:2"`
	Seconds     int64     `gorm:"not null"`
	Hours       int64     `gorm:"not null"`
	UnitFen     int64     `gorm:"not null"`
	Quantity    int       `gorm:"not null"`
	AmountFen   int64     `gorm:"not null"`
	BillID      uint      `gorm:"not null;index"`
	CreatedAt   time.Time `gorm:"not null"`
}

// UsageHours is the hours charged for seconds of service: every started hour counts.
func UsageHours(seconds int64) int64 { return (seconds + 3599) / 3600 }

// meterStart opens a usage segment of an on-demand subscription at the moment the
// resource starts (or resumes) giving service, unless one is open already.
func (s *Store) meterStart(subID uint, at time.Time) error {
	var open int64
	if err := s.w.Model(&UsageSegment{}).Where("subscription_id = ? AND ended_at IS NULL", subID).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		return nil
	}
	var sub Subscription
	if err := first(s.w.Where("id = ?", subID), &sub); err != nil {
		return err
	}
	var o Order
	if err := first(s.w.Where("id = ?", sub.OrderID), &o); err != nil {
		return err
	}
	var line OrderLine
	if err := first(s.w.Where("order_id = ?", o.ID).Order("id"), &line); err != nil {
		return err
	}
	if line.BillingMode != BillingOnDemand || o.Kind == OrderTrial {
		return nil
	}
	seg := UsageSegment{MerchantID: o.MerchantID, Entity: o.Entity, SubscriptionID: subID, OrderID: o.ID, OrderLineID: line.ID,
		ProductType: o.ProductType, UnitFen: line.UnitFen, Quantity: max(line.Quantity, 1), StartedAt: at}
	return s.w.Create(&seg).Error
}

// meterStop closes the open usage segment of a subscription, if any.
func (s *Store) meterStop(subID uint, at time.Time) error {
	return s.w.Model(&UsageSegment{}).Where("subscription_id = ? AND ended_at IS NULL", subID).Update("ended_at", at).Error
}

// meterOrder starts the metering of an on-demand resource delivered without a SaaS
// instance (an image, for example) as its order completes; subID is its subscription.
func (s *Store) meterOrder(o Order, subID *uint, at time.Time) error {
	if subID == nil || o.Kind != OrderNew || o.ProductType == ProductSaaS || o.AmountFen != 0 {
		return nil // what prepays something is not metered
	}
	var line OrderLine
	if err := first(s.w.Select("id", "billing_mode").Where("order_id = ?", o.ID).Order("id"), &line); err != nil {
		return err
	}
	if line.BillingMode != BillingOnDemand {
		return nil
	}
	return s.meterStart(*subID, at)
}

// billUsage charges the month's consumption of the merchant's on-demand order lines of
// the entity into bill b, in the bill's transaction.
func (s *Store) billUsage(b Bill, k billKey, start, end time.Time, fees map[string]int) error {
	var segs []UsageSegment
	if err := s.w.Where("merchant_id = ? AND entity = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)", k.MerchantID, k.Entity, end, start).
		Order("order_line_id, id").Find(&segs).Error; err != nil {
		return err
	}
	now := s.clock.Now()
	for i := 0; i < len(segs); {
		j, seconds := i, int64(0)
		for ; j < len(segs) && segs[j].OrderLineID == segs[i].OrderLineID; j++ {
			from, to := maxTime(segs[j].StartedAt, start), end
			if segs[j].EndedAt != nil && segs[j].EndedAt.Before(to) {
				to = *segs[j].EndedAt
			}
			if now.Before(to) {
				to = now
			}
			if to.After(from) {
				seconds += int64(to.Sub(from) / time.Second)
			}
		}
		seg := segs[i]
		i = j
		hours := UsageHours(seconds)
		if hours == 0 {
			continue
		}
		amount, err := mulFen(hours*seg.UnitFen, int64(seg.Quantity))
		if err != nil {
			return err
		}
		c := UsageCharge{MerchantID: k.MerchantID, OrderID: seg.OrderID, OrderLineID: seg.OrderLineID, Period: b.Period, Seconds: seconds,
			Hours: hours, UnitFen: seg.UnitFen, Quantity: seg.Quantity, AmountFen: amount, BillID: b.ID, CreatedAt: now}
		if err := s.w.Create(&c).Error; err != nil {
			return err
		}
		bp, ok := fees[seg.ProductType]
		if !ok {
			bp = DefaultFeeBP
		}
		line := BillLine{BillID: b.ID, MerchantID: k.MerchantID, Kind: LineUsage, OrderID: &seg.OrderID, UsageChargeID: &c.ID,
			ProductType: seg.ProductType, AmountFen: amount, FeeBP: bp, FeeFen: FeeFen(amount, bp), BillableAt: start}
		if err := s.w.Create(&line).Error; err != nil {
			return err
		}
	}
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// meteredSQL tells, over orders o, whether an order is on demand: its lines are billed
// by their consumption.
const meteredSQL = "EXISTS (SELECT 1 FROM order_lines ml WHERE ml.order_id = o.id AND ml.billing_mode = '" + BillingOnDemand + "')"

// IsOnDemand tells whether one of the merchant's orders is metered.
func (s *Store) IsOnDemand(ctx context.Context, merchantID, orderID uint) (bool, error) {
	var n int64
	err := s.r.WithContext(ctx).Table("orders o").Where("o.id = ? AND o.merchant_id = ? AND "+meteredSQL, orderID, merchantID).Count(&n).Error
	return n > 0, err
}

// migrateUsage adds metering: the segments and charges, the bill line's charge, and the
// segments of on-demand resources giving service now (from their start).
func migrateUsage(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&UsageSegment{}, &UsageCharge{}, &BillLine{}); err != nil {
		return err
	}
	// SaaS instances that are ACTIVE, from their activation.
	if err := tx.Exec(`INSERT INTO usage_segments (merchant_id, entity, subscription_id, order_id, order_line_id, product_type, unit_fen, quantity, started_at)
		SELECT o.merchant_id, o.entity, i.subscription_id, o.id, l.id, o.product_type, l.unit_fen, l.quantity, COALESCE(i.activated_at, i.created_at)
		FROM saas_instances i JOIN orders o ON o.id = i.order_id
		JOIN order_lines l ON l.id = (SELECT MIN(l2.id) FROM order_lines l2 WHERE l2.order_id = o.id)
		WHERE i.status = ? AND l.billing_mode = ? AND o.kind <> ?
		AND NOT EXISTS (SELECT 1 FROM usage_segments u WHERE u.subscription_id = i.subscription_id)`,
		InstanceActive, BillingOnDemand, OrderTrial).Error; err != nil {
		return err
	}
	// Other on-demand resources in service, from their order's completion.
	return tx.Exec(`INSERT INTO usage_segments (merchant_id, entity, subscription_id, order_id, order_line_id, product_type, unit_fen, quantity, started_at)
		SELECT o.merchant_id, o.entity, s.id, o.id, l.id, o.product_type, l.unit_fen, l.quantity, o.completed_at
		FROM subscriptions s JOIN orders o ON o.id = s.order_id
		JOIN order_lines l ON l.id = (SELECT MIN(l2.id) FROM order_lines l2 WHERE l2.order_id = o.id)
		WHERE s.status = ? AND o.status = ? AND o.completed_at IS NOT NULL AND o.product_type <> ? AND l.billing_mode = ? AND o.kind = ?
		AND NOT EXISTS (SELECT 1 FROM usage_segments u WHERE u.subscription_id = s.id)`,
		SubActive, OrderCompleted, ProductSaaS, BillingOnDemand, OrderNew).Error
}
