package models

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Purchase refusals. Field errors name the form field (or "_form" for the whole form);
// rule errors are illegal moves (409) with their own message.
var (
	// ErrNoBuyerProfile: the buyer has not said who they are yet; purchases need it.
	ErrNoBuyerProfile   = errors.New("buyer profile missing")
	ErrNotOnSale        = &FieldError{Field: "_form", Key: "buyer.error_not_on_sale"}
	ErrSpecUnavailable  = &FieldError{Field: "sku", Key: "buyer.error_spec"}
	ErrNotForBuyer      = &FieldError{Field: "_form", Key: "buyer.error_sales_object"}
	ErrRegionNotOffered = &FieldError{Field: "region", Key: "buyer.error_region"}
	ErrPurchaseLimit    = &FieldError{Field: "_form", Key: "buyer.error_purchase_limit"}
	ErrTrialUsed        = &FieldError{Field: "trial", Key: "buyer.error_trial_used"}
	ErrSubjectType      = &FieldError{Field: "subject_type", Key: "error.choice"}
	ErrIdempotencyKey   = &FieldError{Field: "_form", Key: "buyer.error_key"}

	ErrAlreadyPaid    = &RuleError{Key: "buyer.error_already_paid"}
	ErrNotPayable     = &RuleError{Key: "buyer.error_not_payable"}
	ErrPaymentExpired = &RuleError{Key: "buyer.error_pay_expired"}
	ErrNotCancellable = &RuleError{Key: "buyer.error_not_cancellable"}
	ErrResourceGone   = &RuleError{Key: "buyer.error_resource_gone"}
	ErrSupervisedOnly = &RuleError{Key: "order.error_supervised"}
)

// JobExpireOrders sweeps unpaid orders past their payment deadline.
const JobExpireOrders = "expire_orders"

// BuyerProfileInput is what a buyer says about themselves.
type BuyerProfileInput struct {
	SubjectType string // enterprise | personal
	DisplayName string
	Mobile      string
}

// reader is the handle for reads: the transaction inside one, else the read pool.
func (s *Store) reader(ctx context.Context) *gorm.DB {
	if s.inTx {
		return s.r
	}
	return s.r.WithContext(ctx)
}

// BuyerProfileOf reads a buyer's profile; ErrNoBuyerProfile when they have none yet.
func (s *Store) BuyerProfileOf(ctx context.Context, userID uint) (BuyerProfile, error) {
	var p BuyerProfile
	err := first(s.reader(ctx).Where("user_id = ?", userID), &p)
	if errors.Is(err, ErrNotFound) {
		return p, ErrNoBuyerProfile
	}
	return p, err
}

// SaveBuyerProfile creates or updates the buyer's profile. Orders keep the customer name
// they were placed with.
func (s *Store) SaveBuyerProfile(ctx context.Context, a Actor, userID uint, in BuyerProfileInput) (BuyerProfile, error) {
	var p BuyerProfile
	if in.SubjectType != BuyerEnterprise && in.SubjectType != BuyerPersonal {
		return p, ErrSubjectType
	}
	err := s.Tx(ctx, func(tx *Store) error {
		var u User
		if err := first(tx.w.Where("id = ? AND role = ?", userID, RoleBuyer), &u); err != nil {
			return err
		}
		now := tx.clock.Now()
		err := first(tx.forUpdate(tx.w.Where("user_id = ?", userID)), &p)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		before := p
		p.UserID, p.SubjectType, p.DisplayName, p.Mobile, p.UpdatedAt = userID, in.SubjectType, in.DisplayName, in.Mobile, now
		if p.ID == 0 {
			p.CreatedAt = now
		}
		if err := tx.w.Save(&p).Error; err != nil {
			return err
		}
		return tx.audit(a, "buyer_profile.save", "buyer_profile", p.ID, nil,
			map[string]string{"subject_type": before.SubjectType, "display_name": before.DisplayName},
			map[string]string{"subject_type": p.SubjectType, "display_name": p.DisplayName}, "", "")
	})
	return p, err
}

// PurchaseInput is a buyer's order of one spec of a product.
type PurchaseInput struct {
	ProductID      uint
	SKU            string
	PeriodType     string
	Count          int
	Quantity       int
	Trial          bool
	Region         string
	IdempotencyKey string
}

// OrderPlan is a checked order before it is written: what it buys, from whom, for how
// much. The buy confirmation and the resource forms show it; placing the order
// re-checks it inside the transaction.
type OrderPlan struct {
	Kind        string
	Product     Product
	Content     ProductContent
	Spec        Spec
	SpecContent SpecContent
	Prices      []SpecPrice
	Quote       PriceQuote
	Region      string
	Profile     BuyerProfile
	Email       string
	Sub         *Subscription // the resource a renewal, change or conversion acts on
}

// PlanPurchase checks a purchase without writing anything (the confirm step).
func (s *Store) PlanPurchase(ctx context.Context, buyerID uint, in PurchaseInput) (OrderPlan, error) {
	return s.planPurchase(ctx, buyerID, in)
}

// buyerAndProfile reads the buyer's account and profile.
func (s *Store) buyerAndProfile(ctx context.Context, buyerID uint) (User, BuyerProfile, error) {
	var u User
	if err := first(s.reader(ctx).Where("id = ? AND role = ?", buyerID, RoleBuyer), &u); err != nil {
		return u, BuyerProfile{}, err
	}
	p, err := s.BuyerProfileOf(ctx, buyerID)
	return u, p, err
}

// liveSpec reads a product's spec by SKU code with its prices; removed specs are
// unavailable, and so are hidden ones when offered is set (new purchases).
func (s *Store) liveSpec(ctx context.Context, productID uint, sku string, offered bool) (Spec, SpecContent, []SpecPrice, error) {
	var sp Spec
	var sc SpecContent
	db := s.reader(ctx)
	err := first(db.Where("product_id = ? AND sku_code = ?", productID, sku), &sp)
	switch {
	case errors.Is(err, ErrNotFound):
		return sp, sc, nil, ErrSpecUnavailable
	case err != nil:
		return sp, sc, nil, err
	case sp.Removed || (offered && sp.Hidden):
		return sp, sc, nil, ErrSpecUnavailable
	}
	if err := json.Unmarshal([]byte(sp.Content), &sc); err != nil {
		return sp, sc, nil, err
	}
	var prices []SpecPrice
	err = db.Where("spec_id = ?", sp.ID).Order("period_type").Find(&prices).Error
	return sp, sc, prices, err
}

// onSaleProduct reads a product that may still be sold: ON_SALE (hidden products too, they
// stay buyable by link). Unknown ids are ErrNotFound.
func (s *Store) onSaleProduct(ctx context.Context, productID uint) (Product, ProductContent, error) {
	var p Product
	var c ProductContent
	if err := first(s.reader(ctx).Where("id = ?", productID), &p); err != nil {
		return p, c, err
	}
	if p.Listing != ListingOnSale {
		return p, c, ErrNotOnSale
	}
	c, err := p.LiveContent()
	return p, c, err
}

// salesObjectFits tells whether the product's sales objects include the buyer.
func salesObjectFits(c ProductContent, profile BuyerProfile, email string) bool {
	switch c.SalesObjects {
	case "", SalesAll:
		return true
	case SalesEnterprise:
		return profile.SubjectType == BuyerEnterprise
	case SalesPersonal:
		return profile.SubjectType == BuyerPersonal
	case SalesNamed:
		return slices.ContainsFunc(c.NamedBuyers, func(n string) bool { return strings.EqualFold(strings.TrimSpace(n), email) })
	}
	return false
}

// OfferedRegions is where a spec of the product may be bought: the spec's own regions
// (image specs) within the product's sales regions. Empty means no region is chosen.
func OfferedRegions(c ProductContent, sc SpecContent) []string {
	switch {
	case len(sc.Regions) == 0:
		return c.SalesRegions
	case len(c.SalesRegions) == 0:
		return sc.Regions
	}
	var out []string
	for _, r := range sc.Regions {
		if slices.Contains(c.SalesRegions, r) {
			out = append(out, r)
		}
	}
	return out
}

// planPurchase checks every purchase rule (domain §4.5, §5.1) and prices the order.
func (s *Store) planPurchase(ctx context.Context, buyerID uint, in PurchaseInput) (OrderPlan, error) {
	var plan OrderPlan
	u, profile, err := s.buyerAndProfile(ctx, buyerID)
	if err != nil {
		return plan, err
	}
	plan.Profile, plan.Email, plan.Kind = profile, u.Email, OrderNew
	if in.Trial {
		plan.Kind = OrderTrial
	}
	if plan.Product, plan.Content, err = s.onSaleProduct(ctx, in.ProductID); err != nil {
		return plan, err
	}
	if plan.Spec, plan.SpecContent, plan.Prices, err = s.liveSpec(ctx, in.ProductID, in.SKU, true); err != nil {
		return plan, err
	}
	if !salesObjectFits(plan.Content, profile, u.Email) {
		return plan, ErrNotForBuyer
	}
	if regions := OfferedRegions(plan.Content, plan.SpecContent); len(regions) > 0 || in.Region != "" {
		if !slices.Contains(regions, in.Region) {
			return plan, ErrRegionNotOffered
		}
	}
	plan.Region = in.Region
	if plan.Quote, err = Quote(plan.SpecContent, plan.Prices, QuoteInput{PeriodType: in.PeriodType, Count: in.Count, Quantity: in.Quantity, Trial: in.Trial}); err != nil {
		return plan, err
	}
	db := s.reader(ctx)
	if in.Trial {
		var n int64
		if err := db.Model(&Order{}).Where("buyer_id = ? AND spec_id = ? AND kind = ? AND status <> ?", buyerID, plan.Spec.ID, OrderTrial, OrderCancelled).
			Count(&n).Error; err != nil {
			return plan, err
		}
		if n > 0 {
			return plan, ErrTrialUsed
		}
	}
	if limit := plan.Content.PurchaseLimit; limit > 0 {
		live, err := s.livePurchases(db, buyerID, plan.Product.ID)
		if err != nil {
			return plan, err
		}
		if live >= int64(limit) {
			return plan, ErrPurchaseLimit
		}
	}
	return plan, nil
}

// livePurchases counts what a buyer holds of a product against its purchase limit: active
// unexpired subscriptions plus unpaid orders that would create one.
func (s *Store) livePurchases(db *gorm.DB, buyerID, productID uint) (int64, error) {
	var subs, orders int64
	if err := db.Model(&Subscription{}).Where("buyer_id = ? AND product_id = ? AND status = ? AND (expires_at IS NULL OR expires_at > ?)",
		buyerID, productID, SubActive, s.clock.Now()).Count(&subs).Error; err != nil {
		return 0, err
	}
	if err := db.Model(&Order{}).Where("buyer_id = ? AND product_id = ? AND status = ? AND kind IN ?",
		buyerID, productID, OrderPendingPayment, []string{OrderNew, OrderTrial}).Count(&orders).Error; err != nil {
		return 0, err
	}
	return subs + orders, nil
}

// Purchase places a NEW or TRIAL order in one transaction, with the prices, names and
// customer frozen into it. The order waits for payment until the configured deadline;
// an order that costs nothing (a trial, an on-demand spec) is settled at once. The same
// idempotency key from the same buyer returns the order placed first.
func (s *Store) Purchase(ctx context.Context, a Actor, buyerID uint, in PurchaseInput) (Order, error) {
	return s.placeOrder(ctx, a, buyerID, in.IdempotencyKey, func(tx *Store) (OrderPlan, error) {
		return tx.planPurchase(ctx, buyerID, in)
	})
}

// placeOrder writes the order a plan describes, in one transaction with its checks.
func (s *Store) placeOrder(ctx context.Context, a Actor, buyerID uint, key string, plan func(tx *Store) (OrderPlan, error)) (Order, error) {
	var o Order
	key = strings.TrimSpace(key)
	if len(key) > 64 {
		return o, ErrIdempotencyKey
	}
	err := s.batched(ctx, func(tx *Store) error {
		if key != "" {
			found, err := tx.orderByKey(ctx, buyerID, key)
			if err == nil {
				o = found
				return nil
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		p, err := plan(tx)
		if err != nil {
			return err
		}
		o, err = tx.writeOrder(ctx, a, buyerID, key, p)
		return err
	})
	if err != nil && key != "" && !isRefusal(err) {
		// A concurrent twin with the same key won the unique index: one order, one effect.
		if found, ferr := s.orderByKey(ctx, buyerID, key); ferr == nil {
			return found, nil
		}
	}
	return o, err
}

// isRefusal tells a business refusal from a database failure.
func isRefusal(err error) bool {
	var fe *FieldError
	return errors.As(err, &fe) || errors.Is(err, ErrIllegalTransition) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrNoBuyerProfile)
}

// orderByKey reads the buyer's order placed with an idempotency key.
func (s *Store) orderByKey(ctx context.Context, buyerID uint, key string) (Order, error) {
	var o Order
	return o, first(s.reader(ctx).Where("buyer_id = ? AND idempotency_key = ?", buyerID, key), &o)
}

// writeOrder creates the order and its line from a checked plan, and settles it at once
// when it costs nothing.
func (s *Store) writeOrder(ctx context.Context, a Actor, buyerID uint, key string, p OrderPlan) (Order, error) {
	now := s.clock.Now()
	minutes, err := s.SettingInt(ctx, SettingPayTimeout, DefaultPayTimeoutMinutes)
	if err != nil {
		return Order{}, err
	}
	payBy := now.Add(time.Duration(minutes) * time.Minute)
	q := p.Quote
	o := Order{MerchantID: p.Product.MerchantID, BuyerID: buyerID, ProductID: p.Product.ID, SpecID: p.Spec.ID,
		Kind: p.Kind, Status: OrderPendingPayment, ProductType: p.Product.Type,
		ProductNameZh: p.Product.NameZh, ProductNameEn: p.Product.NameEn, SpecName: p.Spec.Name,
		CustomerName: p.Profile.DisplayName, CustomerEmail: p.Email, Region: p.Region,
		AmountFen: q.AmountFen, Supervised: p.Content.Supervised, Entity: EntityOf(p.Content.BusinessModel), PayBy: &payBy}
	if p.Sub != nil {
		o.SubscriptionID = &p.Sub.ID
	}
	if key != "" {
		o.IdempotencyKey = &key
	}
	line := OrderLine{SpecID: p.Spec.ID, SKUCode: p.Spec.SKUCode, SpecName: p.Spec.Name, ProductCode: q.ProductCode,
		BillingMode: p.Spec.BillingMode, PeriodType: q.PeriodType, PeriodCount: q.Count, LinearAttr: p.SpecContent.LinearAttr,
		Quantity: q.Quantity, UnitFen: q.UnitFen, AmountFen: q.AmountFen, TrialDays: q.TrialDays}
	if err := s.createOrder(a, &o, []OrderLine{line}); err != nil {
		return o, err
	}
	if o.AmountFen == 0 {
		return o, s.activate(a, &o, nil)
	}
	// A sweep at the deadline's minute cancels the order if it is still unpaid.
	at := payBy.Truncate(time.Minute).Add(time.Minute)
	return o, s.enqueue(JobExpireOrders, struct{}{}, at, expirySweepKey(at))
}

// expirySweepKey makes one unpaid-order sweep per minute, whoever asks for it.
func expirySweepKey(at time.Time) string { return "expire_orders:" + at.UTC().Format("200601021504") }

// Pay records the platform's simulated payment of an unpaid order and delivers what it
// bought. Paying twice never makes a second payment: the second call is ErrAlreadyPaid
// (and the unique order id of payments stops a concurrent twin).
func (s *Store) Pay(ctx context.Context, a Actor, buyerID uint, orderNo string) (Order, error) {
	var o Order
	err := s.batched(ctx, func(tx *Store) error {
		if err := first(tx.forUpdate(tx.w.Where("order_no = ? AND buyer_id = ?", orderNo, buyerID)), &o); err != nil {
			return err
		}
		now := tx.clock.Now()
		switch {
		case o.PaidAt != nil:
			return ErrAlreadyPaid
		case o.Status != OrderPendingPayment:
			return ErrNotPayable
		case o.PayBy != nil && !now.Before(*o.PayBy):
			return ErrPaymentExpired
		}
		ref, err := tx.unusedNumber("PY", now, "payments", "reference")
		if err != nil {
			return err
		}
		pay := Payment{OrderID: o.ID, BuyerID: buyerID, AmountFen: o.AmountFen, Reference: ref, PaidAt: now}
		if err := tx.w.Create(&pay).Error; err != nil {
			return err
		}
		return tx.activate(a, &o, &pay)
	})
	return o, err
}

// deliveredAtOnce tells whether a paid order is complete on payment: images and other
// products the platform delivers itself. SaaS waits for provisioning, supervised orders
// for their supervision, License, professional services and hardware for the merchant.
func deliveredAtOnce(productType string, supervised bool) bool {
	if supervised {
		return false
	}
	switch productType {
	case ProductSaaS, ProductLicense, ProductService, ProductHardware:
		return false
	}
	return true
}

// activate gives the buyer what a paid (or free) order bought: the subscription created
// or changed, the line's service dates, the order's next status and the merchant's
// notice. pay is nil for orders that cost nothing.
func (s *Store) activate(a Actor, o *Order, pay *Payment) error {
	now := s.clock.Now()
	var line OrderLine
	if err := first(s.w.Where("order_id = ?", o.ID).Order("id"), &line); err != nil {
		return err
	}
	// The subscription as it was: an upgrade that fails goes back to its spec.
	var before Subscription
	if o.SubscriptionID != nil {
		if err := first(s.w.Where("id = ?", *o.SubscriptionID), &before); err != nil {
			return err
		}
	}
	subID, start, end, err := s.applySubscription(o, line, now)
	if err != nil {
		return err
	}
	if err := s.w.Model(&OrderLine{}).Where("id = ?", line.ID).Updates(map[string]any{"starts_at": start, "ends_at": end}).Error; err != nil {
		return err
	}
	before.ID, before.ExpiresAt = subID, end
	if err := s.startSaaS(context.Background(), o, line, before); err != nil {
		return err
	}
	if o.ProductType == ProductLicense {
		line.StartsAt, line.EndsAt = &start, end
		if err := s.startLicense(o, line, subID, end); err != nil {
			return err
		}
	}
	to, note, title := OrderProcessing, "order.event.paid", "notify.order_paid.title"
	if deliveredAtOnce(o.ProductType, o.Supervised) {
		to = OrderCompleted
	}
	extra := map[string]any{"paid_at": now, "subscription_id": subID}
	if pay != nil {
		extra["paid_fen"] = pay.AmountFen
	} else {
		note, title = "order.event.settled", "notify.order_placed.title"
	}
	if to == OrderCompleted {
		extra["completed_at"] = now
	}
	if err := s.moveOrder(a, o, to, note, extra); err != nil {
		return err
	}
	o.PaidAt, o.SubscriptionID = &now, &subID
	if pay != nil {
		o.PaidFen = pay.AmountFen
	}
	if o.Supervised && o.Kind == OrderNew {
		if err := s.startSupervision(o, s.supervisionScenario(o.ProductID)); err != nil {
			return err
		}
	}
	var m Merchant
	if err := first(s.w.Where("id = ?", o.MerchantID), &m); err != nil {
		return err
	}
	return s.notify(Notice{UserID: m.OwnerUserID, Kind: "order.paid", TitleKey: title, BodyKey: "notify.order_paid.body",
		Args: map[string]any{"OrderNo": o.OrderNo, "AmountFen": o.AmountFen, "KindKey": "order.kind." + o.Kind},
		To:   Target{Kind: TargetSellerOrder, Ref: o.OrderNo}})
}

// applySubscription creates or changes the subscription an order acts on and returns it
// with the line's service period.
func (s *Store) applySubscription(o *Order, line OrderLine, now time.Time) (uint, time.Time, *time.Time, error) {
	if o.Kind == OrderNew || o.Kind == OrderTrial {
		sub := Subscription{BuyerID: o.BuyerID, MerchantID: o.MerchantID, ProductID: o.ProductID, SpecID: o.SpecID, SKUCode: line.SKUCode,
			PeriodType: line.PeriodType, Quantity: line.Quantity, Region: o.Region, Trial: o.Kind == OrderTrial, Status: SubActive,
			StartsAt: now, OrderID: o.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
		if sub.Trial {
			end := now.AddDate(0, 0, line.TrialDays)
			sub.ExpiresAt = &end
		} else {
			sub.ExpiresAt = addPeriods(now, line.PeriodType, line.PeriodCount)
		}
		if err := s.w.Create(&sub).Error; err != nil {
			return 0, now, nil, err
		}
		return sub.ID, now, sub.ExpiresAt, nil
	}
	if o.SubscriptionID == nil {
		return 0, now, nil, ErrResourceGone
	}
	var sub Subscription
	if err := first(s.forUpdate(s.w.Where("id = ? AND buyer_id = ?", *o.SubscriptionID, o.BuyerID)), &sub); err != nil {
		return 0, now, nil, err
	}
	if sub.Status != SubActive {
		return 0, now, nil, ErrResourceGone
	}
	fields := map[string]any{}
	start, end := now, sub.ExpiresAt
	switch o.Kind {
	case OrderRenew:
		if sub.Trial {
			return 0, now, nil, ErrResourceGone
		}
		if sub.ExpiresAt != nil && sub.ExpiresAt.After(now) {
			start = *sub.ExpiresAt
		}
		end = addPeriods(start, line.PeriodType, line.PeriodCount)
		fields["expires_at"], fields["period_type"] = end, line.PeriodType
	case OrderChange:
		if sub.Trial || !sub.ActiveAt(now) {
			return 0, now, nil, ErrResourceGone
		}
		fields["spec_id"], fields["sku_code"] = line.SpecID, line.SKUCode
	case OrderTrialToFormal:
		if !sub.Trial {
			return 0, now, nil, ErrResourceGone
		}
		end = addPeriods(now, line.PeriodType, line.PeriodCount)
		fields["trial"], fields["period_type"], fields["starts_at"], fields["expires_at"] = false, line.PeriodType, now, end
	default:
		return 0, now, nil, ErrIllegalTransition
	}
	if err := s.saveVersioned(&Subscription{}, sub.ID, sub.Version, fields); err != nil {
		return 0, now, nil, err
	}
	return sub.ID, start, end, nil
}
