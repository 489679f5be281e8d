package models

import (
	"context"
	"errors"
	"slices"
	"time"
)

// Refusals of renewals, upgrades and trial conversions.
var (
	ErrPendingOrder  = &FieldError{Field: "_form", Key: "buyer.error_pending_order"}
	ErrNotRenewable  = &FieldError{Field: "_form", Key: "buyer.error_not_renewable"}
	ErrNotUpgradable = &FieldError{Field: "_form", Key: "buyer.error_not_upgradable"}
	ErrNotTrial      = &FieldError{Field: "_form", Key: "buyer.error_not_trial"}
)

// PeriodInput is a renewal or a trial conversion: the period type and count chosen.
type PeriodInput struct {
	PeriodType     string
	Count          int
	IdempotencyKey string
}

// UpgradeInput is a change to another spec of the same product.
type UpgradeInput struct {
	SKU            string
	IdempotencyKey string
}

// planResource starts the plan of an order on one of the buyer's resources: the buyer,
// the active subscription, its product still on sale, and no other unpaid order on it.
func (s *Store) planResource(ctx context.Context, buyerID, subID uint, kind string) (OrderPlan, error) {
	var plan OrderPlan
	u, profile, err := s.buyerAndProfile(ctx, buyerID)
	if err != nil {
		return plan, err
	}
	var sub Subscription
	db := s.reader(ctx)
	if err := first(db.Where("id = ? AND buyer_id = ?", subID, buyerID), &sub); err != nil {
		return plan, err
	}
	plan.Kind, plan.Sub, plan.Profile, plan.Email, plan.Region = kind, &sub, profile, u.Email, sub.Region
	if sub.Status != SubActive {
		return plan, ErrResourceGone
	}
	// A SaaS instance released (its freeze ended) or never provisioned is gone for good.
	var gone int64
	if err := db.Model(&SaaSInstance{}).Where("subscription_id = ? AND status IN ?", sub.ID, []string{InstanceReleased, InstanceFailed}).Count(&gone).Error; err != nil {
		return plan, err
	}
	if gone > 0 {
		return plan, ErrResourceGone
	}
	// No renewal, upgrade or conversion once the product is delisted or stopped.
	if plan.Product, plan.Content, err = s.onSaleProduct(ctx, sub.ProductID); err != nil {
		return plan, err
	}
	var pending int64
	if err := db.Model(&Order{}).Where("subscription_id = ? AND status = ?", sub.ID, OrderPendingPayment).Count(&pending).Error; err != nil {
		return plan, err
	}
	if pending > 0 {
		return plan, ErrPendingOrder
	}
	return plan, nil
}

// PlanRenew checks and prices a renewal of an active period subscription.
func (s *Store) PlanRenew(ctx context.Context, buyerID, subID uint, in PeriodInput) (OrderPlan, error) {
	plan, err := s.planResource(ctx, buyerID, subID, OrderRenew)
	if err != nil {
		return plan, err
	}
	if plan.Sub.Trial {
		return plan, ErrNotRenewable
	}
	if plan.Spec, plan.SpecContent, plan.Prices, err = s.liveSpec(ctx, plan.Product.ID, plan.Sub.SKUCode, false); err != nil {
		return plan, err
	}
	if plan.SpecContent.BillingMode != BillingPeriod {
		return plan, ErrNotRenewable
	}
	period := in.PeriodType
	if period == "" {
		period = plan.Sub.PeriodType
	}
	plan.Quote, err = Quote(plan.SpecContent, plan.Prices, QuoteInput{PeriodType: period, Count: in.Count, Quantity: plan.Sub.Quantity, held: true})
	return plan, err
}

// Renew places a RENEW order: paid, it extends the subscription from the later of now and
// its current expiry.
func (s *Store) Renew(ctx context.Context, a Actor, buyerID, subID uint, in PeriodInput) (Order, error) {
	return s.placeOrder(ctx, a, buyerID, in.IdempotencyKey, func(tx *Store) (OrderPlan, error) {
		return tx.PlanRenew(ctx, buyerID, subID, in)
	})
}

// PlanTrialToFormal checks and prices the conversion of a trial into a formal
// subscription: full price for the period chosen.
func (s *Store) PlanTrialToFormal(ctx context.Context, buyerID, subID uint, in PeriodInput) (OrderPlan, error) {
	plan, err := s.planResource(ctx, buyerID, subID, OrderTrialToFormal)
	if err != nil {
		return plan, err
	}
	if !plan.Sub.Trial {
		return plan, ErrNotTrial
	}
	if plan.Spec, plan.SpecContent, plan.Prices, err = s.liveSpec(ctx, plan.Product.ID, plan.Sub.SKUCode, false); err != nil {
		return plan, err
	}
	plan.Quote, err = Quote(plan.SpecContent, plan.Prices, QuoteInput{PeriodType: in.PeriodType, Count: in.Count, Quantity: plan.Sub.Quantity, held: true})
	return plan, err
}

// TrialToFormal places a TRIAL_TO_FORMAL order: paid, the trial becomes a formal
// subscription starting then.
func (s *Store) TrialToFormal(ctx context.Context, a Actor, buyerID, subID uint, in PeriodInput) (Order, error) {
	return s.placeOrder(ctx, a, buyerID, in.IdempotencyKey, func(tx *Store) (OrderPlan, error) {
		return tx.PlanTrialToFormal(ctx, buyerID, subID, in)
	})
}

// UpgradeAllowed tells whether the product's upgrade rules let a spec move to another.
func UpgradeAllowed(c ProductContent, from, to string) bool {
	return slices.Contains(c.UpgradeRules, UpgradeRule{From: from, To: to})
}

// PlanUpgrade checks and prices a CHANGE to a spec the upgrade rules allow: the period
// price difference times the quantity times the remaining share of the paid term.
func (s *Store) PlanUpgrade(ctx context.Context, buyerID, subID uint, in UpgradeInput) (OrderPlan, error) {
	plan, err := s.planResource(ctx, buyerID, subID, OrderChange)
	if err != nil {
		return plan, err
	}
	sub, now := plan.Sub, s.clock.Now()
	if sub.Trial || sub.ExpiresAt == nil || !sub.ActiveAt(now) {
		return plan, ErrNotUpgradable
	}
	if in.SKU == "" || in.SKU == sub.SKUCode || !UpgradeAllowed(plan.Content, sub.SKUCode, in.SKU) {
		return plan, ErrUpgradeNotAllowed
	}
	if plan.Spec, plan.SpecContent, plan.Prices, err = s.liveSpec(ctx, plan.Product.ID, in.SKU, true); err != nil {
		return plan, err
	}
	var current SpecPrice
	err = first(s.reader(ctx).Where("spec_id = ? AND period_type = ?", sub.SpecID, sub.PeriodType), &current)
	if errors.Is(err, ErrNotFound) {
		return plan, ErrNotUpgradable
	} else if err != nil {
		return plan, err
	}
	var target *SpecPrice
	for i := range plan.Prices {
		if plan.Prices[i].PeriodType == sub.PeriodType {
			target = &plan.Prices[i]
		}
	}
	if target == nil {
		return plan, ErrPeriodNotOffered
	}
	prev := addPeriods(*sub.ExpiresAt, sub.PeriodType, -1)
	if prev == nil {
		return plan, ErrNotUpgradable
	}
	amount, err := UpgradeFen(current.PriceFen, target.PriceFen, sub.Quantity, sub.ExpiresAt.Sub(now), sub.ExpiresAt.Sub(*prev))
	if err != nil {
		return plan, err
	}
	remaining := sub.ExpiresAt.Sub(now)
	plan.Quote = PriceQuote{PeriodType: sub.PeriodType, Count: 1, Quantity: sub.Quantity, UnitFen: target.PriceFen,
		AmountFen: amount, ProductCode: target.ProductCode, Change: true, FromUnitFen: current.PriceFen,
		RemainingDays: int((remaining + 24*time.Hour - 1) / (24 * time.Hour))}
	return plan, nil
}

// Upgrade places a CHANGE order: paid, the subscription moves to the target spec for the
// rest of its term.
func (s *Store) Upgrade(ctx context.Context, a Actor, buyerID, subID uint, in UpgradeInput) (Order, error) {
	return s.placeOrder(ctx, a, buyerID, in.IdempotencyKey, func(tx *Store) (OrderPlan, error) {
		return tx.PlanUpgrade(ctx, buyerID, subID, in)
	})
}

// CancelOrder is the buyer cancelling one of their unpaid orders.
func (s *Store) CancelOrder(ctx context.Context, a Actor, buyerID uint, orderNo string) (Order, error) {
	var o Order
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("order_no = ? AND buyer_id = ?", orderNo, buyerID)), &o); err != nil {
			return err
		}
		if o.Status != OrderPendingPayment {
			return ErrNotCancellable
		}
		return tx.moveOrder(a, &o, OrderCancelled, "order.event.cancelled", map[string]any{"cancelled_at": tx.clock.Now()})
	})
	return o, err
}

// expiryBatch bounds the orders one sweep cancels per transaction.
const expiryBatch = 100

// CancelExpiredOrders cancels unpaid orders whose payment deadline has passed, telling
// each buyer, and returns how many it cancelled. Each order moves in its own transaction
// so one conflict does not hold back the rest.
func (s *Store) CancelExpiredOrders(ctx context.Context) (int, error) {
	done := 0
	for {
		var ids []uint
		if err := s.r.WithContext(ctx).Model(&Order{}).Where("pay_by <= ? AND status = ?", s.clock.Now(), OrderPendingPayment).
			Order("pay_by, id").Limit(expiryBatch).Pluck("id", &ids).Error; err != nil {
			return done, err
		}
		moved := 0
		for _, id := range ids {
			err := s.Tx(ctx, func(tx *Store) error {
				var o Order
				if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &o); err != nil {
					return err
				}
				now := tx.clock.Now()
				if o.Status != OrderPendingPayment || o.PayBy == nil || o.PayBy.After(now) {
					return nil
				}
				if err := tx.moveOrder(Actor{RequestID: "job"}, &o, OrderCancelled, "order.event.expired", map[string]any{"cancelled_at": now}); err != nil {
					return err
				}
				moved++
				return tx.notify(Notice{UserID: o.BuyerID, Kind: "order.expired", TitleKey: "notify.order_expired.title",
					BodyKey: "notify.order_expired.body", Args: map[string]any{"OrderNo": o.OrderNo}, To: Target{Kind: TargetBuyerOrder, Ref: o.OrderNo}})
			})
			if err != nil && !errors.Is(err, ErrConflict) {
				return done + moved, err
			}
		}
		done += moved
		if len(ids) < expiryBatch || moved == 0 {
			return done, nil
		}
	}
}

// ScheduleExpirySweep queues the next unpaid-order sweep after d (one per minute).
func (s *Store) ScheduleExpirySweep(ctx context.Context, d time.Duration) error {
	at := s.clock.Now().Add(d).Truncate(time.Minute)
	return s.Enqueue(ctx, JobExpireOrders, struct{}{}, at, expirySweepKey(at))
}

// Completable tells whether the merchant may confirm delivery of the order: it is
// PROCESSING and not supervised (supervision completes those).
func (o Order) Completable() error {
	if o.Status != OrderProcessing {
		return ErrIllegalTransition
	}
	if o.Supervised {
		return ErrSupervisedOnly
	}
	return nil
}

// CompleteOrder is the merchant confirming delivery of one of their PROCESSING orders.
// Supervised orders complete with their supervision instead.
func (s *Store) CompleteOrder(ctx context.Context, a Actor, merchantID uint, orderNo string) (Order, error) {
	var o Order
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("order_no = ? AND merchant_id = ?", orderNo, merchantID)), &o); err != nil {
			return err
		}
		if err := o.Completable(); err != nil {
			return err
		}
		if logistics, err := shipsByLogistics(tx.w, o); err != nil || logistics {
			if err == nil {
				err = ErrShipmentFlow
			}
			return err
		}
		if variant, err := deliveryVariant(tx.w, o); err != nil || variant != "" {
			if err == nil {
				err = ErrByDelivery
			}
			return err
		}
		if o.ProductType == ProductSaaS && o.SubscriptionID != nil {
			var managed int64
			if err := tx.w.Model(&SaaSInstance{}).Where("subscription_id = ?", *o.SubscriptionID).Count(&managed).Error; err != nil {
				return err
			}
			if managed > 0 {
				return ErrProvisionedByCall
			}
		}
		if err := tx.moveOrder(a, &o, OrderCompleted, "order.event.delivered", map[string]any{"completed_at": tx.clock.Now()}); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: o.BuyerID, Kind: "order.completed", TitleKey: "notify.order_completed.title",
			BodyKey: "notify.order_completed.body", Args: map[string]any{"OrderNo": o.OrderNo}, To: Target{Kind: TargetBuyerOrder, Ref: o.OrderNo}})
	})
	return o, err
}
