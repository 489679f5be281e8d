package models

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"
)

// Job kinds of the after-sales flows.
const (
	// JobRefundPayout pays an approved case (the simulated payout) and ends it REFUNDED.
	JobRefundPayout = "refund_payout"
	// JobRefundDeadline closes a hardware return that missed its shipping or receipt deadline.
	JobRefundDeadline = "refund_deadline"
)

// RefundJobPayload names the case a refund job works on.
type RefundJobPayload struct {
	RefundID uint `json:"refund_id"`
}

// refundRules reads the configured after-sales rules.
func (s *Store) refundRules(ctx context.Context) (RefundRules, error) {
	days, err := s.SettingInt(ctx, SettingNoReasonDays, DefaultNoReasonDays)
	if err != nil {
		return RefundRules{}, err
	}
	prorata, err := s.SettingInt(ctx, SettingProRata, DefaultProRata)
	if err != nil {
		return RefundRules{}, err
	}
	return RefundRules{NoReasonDays: days, ProRata: prorata == 1}, nil
}

// RefundOffer is a buyer's paid order with what the after-sales rules allow on it now.
type RefundOffer struct {
	Order        Order
	Quote        RefundQuote
	Subscription *Subscription
	OpenCase     *Refund
	Rules        RefundRules // the after-sales settings the quote was made with
}

// refundSubject loads what the rules look at besides the order: its first line, its
// subscription and its open case.
func (s *Store) refundSubject(ctx context.Context, o Order) (RefundOffer, *OrderLine, error) {
	off := RefundOffer{Order: o}
	db := s.r.WithContext(ctx)
	var line OrderLine
	var lp *OrderLine
	switch err := first(db.Where("order_id = ?", o.ID).Order("id"), &line); {
	case err == nil:
		lp = &line
	case !errors.Is(err, ErrNotFound):
		return off, nil, err
	}
	var sub Subscription
	q := db.Where("buyer_id = ? AND order_id = ?", o.BuyerID, o.ID)
	if o.SubscriptionID != nil {
		q = db.Where("buyer_id = ? AND id = ?", o.BuyerID, *o.SubscriptionID)
	}
	switch err := first(q, &sub); {
	case err == nil:
		off.Subscription = &sub
	case !errors.Is(err, ErrNotFound):
		return off, nil, err
	}
	var open Refund
	err := first(db.Where("order_id = ? AND (status IN ? OR (status = ? AND disputed = ? AND resolved_by_id IS NULL))",
		o.ID, OpenRefundStatuses, RefundRejected, true).Order("id DESC"), &open)
	switch {
	case err == nil:
		off.OpenCase = &open
	case !errors.Is(err, ErrNotFound):
		return off, nil, err
	}
	if off.Rules, err = s.refundRules(ctx); err != nil {
		return off, nil, err
	}
	off.Quote = QuoteRefund(o, lp, off.Subscription, off.OpenCase, off.Rules, s.clock.Now())
	return off, lp, nil
}

// RefundOfferFor reads a buyer's order by its number with what may be done about it.
func (s *Store) RefundOfferFor(ctx context.Context, buyerID uint, orderNo string) (RefundOffer, error) {
	var o Order
	if err := first(s.r.WithContext(ctx).Where("order_no = ? AND buyer_id = ?", orderNo, buyerID), &o); err != nil {
		return RefundOffer{}, err
	}
	off, _, err := s.refundSubject(ctx, o)
	return off, err
}

// lockBuyerOrder reads and locks a buyer's order by number inside a transaction. Every
// after-sales write locks the order before its case, so concurrent moves queue up.
func (s *Store) lockBuyerOrder(buyerID uint, orderNo string) (Order, error) {
	var o Order
	return o, first(s.forUpdate(s.w.Where("order_no = ? AND buyer_id = ?", orderNo, buyerID)), &o)
}

// refundByKey finds the case a buyer already created with this form's idempotency key.
func (s *Store) refundByKey(buyerID uint, key string) (Refund, bool, error) {
	if key == "" {
		return Refund{}, false, nil
	}
	var r Refund
	err := first(s.w.Where("buyer_id = ? AND idempotency_key = ?", buyerID, key), &r)
	if errors.Is(err, ErrNotFound) {
		return r, false, nil
	}
	return r, err == nil, err
}

// lockCase reads a case by where (a condition naming its owner), then locks its order and
// the case, in that order.
func (s *Store) lockCase(where string, args ...any) (Refund, Order, error) {
	var r Refund
	var o Order
	if err := first(s.w.Where(where, args...), &r); err != nil {
		return r, o, err
	}
	if err := first(s.forUpdate(s.w.Where("id = ?", r.OrderID)), &o); err != nil {
		return r, o, err
	}
	return r, o, first(s.forUpdate(s.w.Where("id = ?", r.ID)), &r)
}

// checkText validates a required free text of at most maxRunes characters.
func checkText(field, s string, maxRunes int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return s, &FieldError{Field: field, Key: "error.invalid_utf8"}
	case s == "":
		return s, &FieldError{Field: field, Key: "error.required"}
	case utf8.RuneCountInString(s) > maxRunes:
		return s, &FieldError{Field: field, Key: "aftersales.error.too_long"}
	}
	return s, nil
}

// Unsubscribe ends a non-supervised SaaS or image subscription at the buyer's request and
// refunds what the rules give (full inside the no-reason window, else pro rata or
// nothing), all in one transaction. The same key submitted twice returns the first case.
func (s *Store) Unsubscribe(ctx context.Context, a Actor, buyerID uint, orderNo, key string) (Refund, error) {
	var out Refund
	err := s.Tx(ctx, func(tx *Store) error {
		o, err := tx.lockBuyerOrder(buyerID, orderNo)
		if err != nil {
			return err
		}
		if r, ok, err := tx.refundByKey(buyerID, key); err != nil || ok {
			out = r
			return err
		}
		if RefundFlow(o) != RefundUnsubscribe {
			return ErrRefundWrongFlow
		}
		off, line, err := tx.refundSubject(ctx, o)
		if err != nil {
			return err
		}
		if off.Quote.Blocked != nil {
			return off.Quote.Blocked
		}
		now := tx.clock.Now()
		refundNo, err := tx.unusedNumber("RF", now, "refunds", "refund_no")
		if err != nil {
			return err
		}
		r := Refund{RefundNo: refundNo, OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: buyerID, SubscriptionID: &off.Subscription.ID,
			Kind: RefundUnsubscribe, Status: RefundRefunded, PaidFen: o.PaidFen, AmountFen: off.Quote.AmountFen, IdempotencyKey: keyOrNil(key),
			DecidedAt: &now, RefundedAt: &now, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&r).Error; err != nil {
			return err
		}
		if err := tx.settleRefund(a, &r, &o, line); err != nil {
			return err
		}
		if err := tx.caseEvent(a, r, "", RefundRefunded, "aftersales.event.unsubscribed_"+off.Quote.Basis, "", "refund.unsubscribe"); err != nil {
			return err
		}
		out = r
		return tx.notifyCase(r, o, "unsubscribed", true, true, nil)
	})
	return out, err
}

func keyOrNil(key string) *string {
	if key == "" {
		return nil
	}
	return &key
}

// settleRefund pays a case out: an UNSUBSCRIBE order carrying the refund as a negative
// amount, the original order's refunded total, the end of the subscription, and the
// close of the order if it was still in progress.
func (s *Store) settleRefund(a Actor, r *Refund, o *Order, line *OrderLine) error {
	return s.settle(a, r, o, line, true)
}

// settle pays a case out; end says whether the subscription ends with it (a failed
// upgrade is refunded while the subscription goes on with its former spec).
func (s *Store) settle(a Actor, r *Refund, o *Order, line *OrderLine, end bool) error {
	now := s.clock.Now()
	amount := min(r.AmountFen, max(o.PaidFen-o.RefundedFen, 0))
	r.AmountFen = amount
	u := Order{MerchantID: o.MerchantID, BuyerID: o.BuyerID, ProductID: o.ProductID, SpecID: o.SpecID, SubscriptionID: o.SubscriptionID,
		Kind: OrderUnsubscribe, Status: OrderCompleted, ProductType: o.ProductType, ProductNameZh: o.ProductNameZh, ProductNameEn: o.ProductNameEn,
		SpecName: o.SpecName, CustomerName: o.CustomerName, CustomerEmail: o.CustomerEmail, Region: o.Region, AmountFen: -amount,
		Supervised: o.Supervised, Entity: o.Entity, CompletedAt: &now}
	if u.SubscriptionID == nil {
		u.SubscriptionID = r.SubscriptionID
	}
	l := OrderLine{SpecID: o.SpecID, SpecName: o.SpecName, Quantity: 1, PeriodCount: 1, UnitFen: -amount, AmountFen: -amount}
	if line != nil {
		// The refund line names the purchase it pays back: its period and count.
		l.SKUCode, l.ProductCode, l.BillingMode, l.PeriodType, l.LinearAttr = line.SKUCode, line.ProductCode, line.BillingMode, line.PeriodType, line.LinearAttr
		l.PeriodCount = max(line.PeriodCount, 1)
	}
	lines := []OrderLine{l}
	if err := s.createOrder(a, &u, lines); err != nil {
		return err
	}
	l = lines[0]
	if err := s.saveVersioned(&Order{}, o.ID, o.Version, map[string]any{"refunded_fen": o.RefundedFen + amount}); err != nil {
		return err
	}
	o.RefundedFen += amount
	o.Version++
	if end {
		if err := s.endSubscription(*r, *o, u, l.LineNo); err != nil {
			return err
		}
	}
	// An order still in progress (supervision unfinished, service not yet delivered)
	// ends with the refund: its service is over.
	if o.Status == OrderProcessing {
		if err := s.moveOrder(a, o, OrderCompleted, "order.event.closed_by_refund", map[string]any{"completed_at": now}); err != nil {
			return err
		}
	}
	// The refund settles with the order it pays back, never before it: an order that
	// never became billable (failed) takes its refund out of settlement with it.
	if o.BillableAt != nil && amount > 0 {
		at := now
		if o.BillableAt.After(at) {
			at = *o.BillableAt
		}
		if err := s.w.Model(&Order{}).Where("id = ?", u.ID).Update("billable_at", at).Error; err != nil {
			return err
		}
		u.BillableAt = &at
	}
	r.UnsubscribeOrderID = &u.ID
	return s.w.Model(&Refund{}).Where("id = ?", r.ID).Updates(map[string]any{"unsubscribe_order_id": u.ID, "amount_fen": amount, "updated_at": now}).Error
}

// endSubscription marks the case's subscription unsubscribed, if it is still active.
func (s *Store) endSubscription(r Refund, o Order, by Order, byLine string) error {
	id := r.SubscriptionID
	if id == nil {
		id = o.SubscriptionID
	}
	var sub Subscription
	q := s.w.Where("buyer_id = ? AND order_id = ?", o.BuyerID, o.ID)
	if id != nil {
		q = s.w.Where("buyer_id = ? AND id = ?", o.BuyerID, *id)
	}
	switch err := first(s.forUpdate(q), &sub); {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if sub.Status != SubActive {
		return nil
	}
	if err := s.saveVersioned(&Subscription{}, sub.ID, sub.Version, map[string]any{"status": SubUnsubscribed}); err != nil {
		return err
	}
	if err := s.meterStop(sub.ID, s.clock.Now()); err != nil {
		return err
	}
	if err := s.closeSupervision(sub.OrderID); err != nil {
		return err
	}
	if err := s.releaseLicenses(context.Background(), sub.ID); err != nil {
		return err
	}
	return s.endSaaS(context.Background(), sub.ID, by, byLine)
}

// caseEvent writes a case's history entry and its audit row.
func (s *Store) caseEvent(a Actor, r Refund, from, to, action, comment, auditAction string) error {
	ev := RefundEvent{RefundID: r.ID, FromStatus: from, ToStatus: to, Action: action, Comment: comment, CreatedAt: s.clock.Now()}
	if a.UserID != 0 {
		ev.ActorID = ptr(a.UserID)
	}
	if err := s.w.Create(&ev).Error; err != nil {
		return err
	}
	var before any
	if from != "" {
		before = map[string]string{"status": from}
	}
	after := map[string]any{"status": to, "refund_no": r.RefundNo, "amount_fen": r.AmountFen}
	return s.audit(a, auditAction, "refund", r.ID, &r.MerchantID, before, after, "", comment)
}

// moveCase changes a case's status if the state machine allows it, with the optimistic
// version check, the history entry and the audit row.
func (s *Store) moveCase(a Actor, r *Refund, to, action, comment, auditAction string, fields map[string]any) error {
	if !RefundCanMove(r.Status, to) {
		return ErrIllegalTransition
	}
	if fields == nil {
		fields = map[string]any{}
	}
	fields["status"] = to
	if err := s.saveVersioned(&Refund{}, r.ID, r.Version, fields); err != nil {
		return err
	}
	from := r.Status
	r.Status = to
	r.Version++
	return s.caseEvent(a, *r, from, to, action, comment, auditAction)
}

// touchCase records a step that keeps the status (a shipment, a dispute).
func (s *Store) touchCase(a Actor, r *Refund, action, comment, auditAction string, fields map[string]any) error {
	if err := s.saveVersioned(&Refund{}, r.ID, r.Version, fields); err != nil {
		return err
	}
	r.Version++
	return s.caseEvent(a, *r, r.Status, r.Status, action, comment, auditAction)
}

// notifyCase tells the buyer and/or the merchant about a step of a case.
func (s *Store) notifyCase(r Refund, o Order, what string, toBuyer, toMerchant bool, extra map[string]any) error {
	args := map[string]any{"RefundNo": r.RefundNo, "OrderNo": o.OrderNo, "AmountFen": r.AmountFen}
	for k, v := range extra {
		args[k] = v
	}
	n := Notice{Kind: "refund." + what, TitleKey: "notify.refund_" + what + ".title", BodyKey: "notify.refund_" + what + ".body", Args: args}
	if toBuyer {
		n.UserID, n.To = r.BuyerID, Target{Kind: TargetBuyerCase, Ref: r.RefundNo}
		if err := s.notify(n); err != nil {
			return err
		}
	}
	if toMerchant {
		var m Merchant
		if err := first(s.w.Where("id = ?", r.MerchantID), &m); err != nil {
			return err
		}
		n.UserID, n.To = m.OwnerUserID, Target{Kind: TargetSellerCase, Ref: r.RefundNo}
		return s.notify(n)
	}
	return nil
}

// PayRefund is the simulated payout of an approved case: it refunds the buyer (the
// UNSUBSCRIBE order, the order's refunded total, the end of the subscription) and marks
// the case REFUNDED. Running it again, or on a case not payable, does nothing.
func (s *Store) PayRefund(ctx context.Context, refundID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("id = ?", refundID)
		if err != nil || !r.Payable() {
			return err
		}
		var line OrderLine
		var lp *OrderLine
		switch err := first(tx.w.Where("order_id = ?", o.ID).Order("id"), &line); {
		case err == nil:
			lp = &line
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if err := tx.settleRefund(Actor{}, &r, &o, lp); err != nil {
			return err
		}
		now := tx.clock.Now()
		if err := tx.moveCase(Actor{}, &r, RefundRefunded, "aftersales.event.refunded", "", "refund.refunded",
			map[string]any{"refunded_at": now}); err != nil {
			return err
		}
		r.RefundedAt = &now
		return tx.notifyCase(r, o, "refunded", true, true, nil)
	})
}
