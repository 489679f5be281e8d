package models

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"sellercenter/internal/money"
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
func (s *Store) refundRules(ctx context.Context) RefundRules {
	return RefundRules{
		NoReasonDays: s.SettingInt(ctx, SettingNoReasonDays, DefaultNoReasonDays),
		ProRata:      s.SettingInt(ctx, SettingProRata, DefaultProRata) == 1,
	}
}

// RefundOffer is a buyer's paid order with what the after-sales rules allow on it now.
type RefundOffer struct {
	Order        Order
	Quote        RefundQuote
	Subscription *Subscription
	OpenCase     *Refund
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
	off.Quote = QuoteRefund(o, lp, off.Subscription, off.OpenCase, s.refundRules(ctx), s.clock.Now())
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
		r := Refund{RefundNo: NewRefundNo(now), OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: buyerID, SubscriptionID: &off.Subscription.ID,
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
// amount, the original order's refunded total, and the end of the subscription.
func (s *Store) settleRefund(a Actor, r *Refund, o *Order, line *OrderLine) error {
	now := s.clock.Now()
	amount := min(r.AmountFen, max(o.PaidFen-o.RefundedFen, 0))
	r.AmountFen = amount
	u := Order{MerchantID: o.MerchantID, BuyerID: o.BuyerID, ProductID: o.ProductID, SpecID: o.SpecID, SubscriptionID: o.SubscriptionID,
		Kind: OrderUnsubscribe, Status: OrderCompleted, ProductType: o.ProductType, ProductNameZh: o.ProductNameZh, ProductNameEn: o.ProductNameEn,
		SpecName: o.SpecName, CustomerName: o.CustomerName, CustomerEmail: o.CustomerEmail, Region: o.Region, AmountFen: -amount,
		Supervised: o.Supervised, CompletedAt: &now}
	if u.SubscriptionID == nil {
		u.SubscriptionID = r.SubscriptionID
	}
	l := OrderLine{SpecID: o.SpecID, SpecName: o.SpecName, Quantity: 1, PeriodCount: 1, UnitFen: -amount, AmountFen: -amount}
	if line != nil {
		l.SKUCode, l.ProductCode, l.BillingMode, l.PeriodType, l.LinearAttr = line.SKUCode, line.ProductCode, line.BillingMode, line.PeriodType, line.LinearAttr
	}
	if err := s.createOrder(a, &u, []OrderLine{l}); err != nil {
		return err
	}
	if err := s.saveVersioned(&Order{}, o.ID, o.Version, map[string]any{"refunded_fen": o.RefundedFen + amount}); err != nil {
		return err
	}
	o.RefundedFen += amount
	o.Version++
	if err := s.endSubscription(*r, *o); err != nil {
		return err
	}
	r.UnsubscribeOrderID = &u.ID
	return s.w.Model(&Refund{}).Where("id = ?", r.ID).Updates(map[string]any{"unsubscribe_order_id": u.ID, "amount_fen": amount}).Error
}

// endSubscription marks the case's subscription unsubscribed, if it is still active.
func (s *Store) endSubscription(r Refund, o Order) error {
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
	return s.saveVersioned(&Subscription{}, sub.ID, sub.Version, map[string]any{"status": SubUnsubscribed})
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
	args := map[string]any{"RefundNo": r.RefundNo, "OrderNo": o.OrderNo, "Amount": money.FormatYuan(r.AmountFen)}
	for k, v := range extra {
		args[k] = v
	}
	n := Notice{Kind: "refund." + what, TitleKey: "notify.refund_" + what + ".title", BodyKey: "notify.refund_" + what + ".body", Args: args}
	if toBuyer {
		n.UserID, n.Link = r.BuyerID, "/buyer/after-sales/"+r.RefundNo
		if err := s.notify(n); err != nil {
			return err
		}
	}
	if toMerchant {
		var m Merchant
		if err := first(s.w.Where("id = ?", r.MerchantID), &m); err != nil {
			return err
		}
		n.UserID, n.Link = m.OwnerUserID, "/seller/after-sales/"+r.RefundNo
		return s.notify(n)
	}
	return nil
}

// RefundRequest is a buyer's negotiated refund or hardware return request.
type RefundRequest struct {
	OrderNo   string
	AmountFen int64 // ignored for returns: the whole refundable amount goes back
	Reason    string
	Key       string // the form's idempotency key
}

// RequestRefund opens a negotiated refund (during the guarantee period) or a hardware
// return for a paid order. The same key submitted twice returns the first case.
func (s *Store) RequestRefund(ctx context.Context, a Actor, buyerID uint, req RefundRequest) (Refund, error) {
	reason, err := checkText("reason", req.Reason, RefundReasonMax)
	if err != nil {
		return Refund{}, err
	}
	var out Refund
	err = s.Tx(ctx, func(tx *Store) error {
		o, err := tx.lockBuyerOrder(buyerID, req.OrderNo)
		if err != nil {
			return err
		}
		if r, ok, err := tx.refundByKey(buyerID, req.Key); err != nil || ok {
			out = r
			return err
		}
		flow := RefundFlow(o)
		if flow == RefundUnsubscribe {
			return ErrRefundWrongFlow
		}
		off, _, err := tx.refundSubject(ctx, o)
		if err != nil {
			return err
		}
		if off.Quote.Blocked != nil {
			return off.Quote.Blocked
		}
		amount := req.AmountFen
		switch {
		case flow == RefundReturn:
			amount = off.Quote.RefundableFen
		case amount <= 0:
			return &FieldError{Field: "amount", Key: "aftersales.error.amount_positive"}
		case amount > off.Quote.RefundableFen:
			return &FieldError{Field: "amount", Key: "aftersales.error.amount_above"}
		}
		now := tx.clock.Now()
		r := Refund{RefundNo: NewRefundNo(now), OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: buyerID, Kind: flow, Status: RefundRequested,
			PaidFen: o.PaidFen, AmountFen: amount, Reason: reason, IdempotencyKey: keyOrNil(req.Key), Version: 1, CreatedAt: now, UpdatedAt: now}
		if off.Subscription != nil {
			r.SubscriptionID = &off.Subscription.ID
		}
		if err := tx.w.Create(&r).Error; err != nil {
			return err
		}
		if err := tx.caseEvent(a, r, "", RefundRequested, "aftersales.event.requested", reason, "refund.request"); err != nil {
			return err
		}
		out = r
		return tx.notifyCase(r, o, "requested", false, true, nil)
	})
	return out, err
}

// RefundDecision is a merchant's approval or rejection of a request.
type RefundDecision struct {
	RefundNo     string
	Version      int // the version the merchant saw: a stale form is a conflict
	Comment      string
	AttachmentID *uint // the communication record, an upload of the merchant's
}

// ApproveRefund accepts a request. A negotiated refund is then paid by the payout job
// (the case shows APPROVED until it runs); a return waits for the goods.
func (s *Store) ApproveRefund(ctx context.Context, a Actor, merchantID uint, d RefundDecision) (Refund, error) {
	comment, err := checkText("comment", d.Comment, RefundCommentMax)
	if err != nil {
		return Refund{}, err
	}
	var out Refund
	err = s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("refund_no = ? AND merchant_id = ?", d.RefundNo, merchantID)
		if err != nil {
			return err
		}
		if d.Version != r.Version {
			return ErrConflict
		}
		if r.Status != RefundRequested {
			return ErrIllegalTransition
		}
		now := tx.clock.Now()
		fields := map[string]any{"decided_at": now, "merchant_comment": comment}
		if d.AttachmentID != nil {
			if err := tx.attachFiles(merchantID, "refund", r.ID, []uint{*d.AttachmentID}); err != nil {
				return err
			}
			fields["attachment_file_id"] = *d.AttachmentID
			r.AttachmentFileID = d.AttachmentID
		}
		if err := tx.moveCase(a, &r, RefundApproved, "aftersales.event.approved", comment, "refund.approve", fields); err != nil {
			return err
		}
		r.DecidedAt, r.MerchantComment = &now, comment
		if r.Kind == RefundReturn {
			err = tx.enqueue(JobRefundDeadline, RefundJobPayload{RefundID: r.ID}, *r.ShipBy(), "refund_deadline:ship:"+r.RefundNo)
		} else {
			err = tx.enqueuePayout(r)
		}
		if err != nil {
			return err
		}
		out = r
		return tx.notifyCase(r, o, "approved", true, false, map[string]any{"Comment": comment})
	})
	return out, err
}

// enqueuePayout queues the payout of an approved case; the key carries the version so a
// case approved again after a dispute gets its own job, while a repeat queues nothing.
func (s *Store) enqueuePayout(r Refund) error {
	return s.enqueue(JobRefundPayout, RefundJobPayload{RefundID: r.ID}, s.clock.Now(),
		"refund_payout:"+r.RefundNo+":"+strconv.Itoa(r.Version))
}

// RejectRefund refuses a request with the merchant's explanation.
func (s *Store) RejectRefund(ctx context.Context, a Actor, merchantID uint, d RefundDecision) (Refund, error) {
	comment, err := checkText("comment", d.Comment, RefundCommentMax)
	if err != nil {
		return Refund{}, err
	}
	var out Refund
	err = s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("refund_no = ? AND merchant_id = ?", d.RefundNo, merchantID)
		if err != nil {
			return err
		}
		if d.Version != r.Version {
			return ErrConflict
		}
		if r.Status != RefundRequested {
			return ErrIllegalTransition
		}
		now := tx.clock.Now()
		if err := tx.moveCase(a, &r, RefundRejected, "aftersales.event.rejected", comment, "refund.reject",
			map[string]any{"decided_at": now, "merchant_comment": comment}); err != nil {
			return err
		}
		r.DecidedAt, r.MerchantComment = &now, comment
		out = r
		return tx.notifyCase(r, o, "rejected", true, false, map[string]any{"Comment": comment})
	})
	return out, err
}

// WithdrawRefund takes a request back before the merchant decides.
func (s *Store) WithdrawRefund(ctx context.Context, a Actor, buyerID uint, refundNo string) (Refund, error) {
	var out Refund
	err := s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("refund_no = ? AND buyer_id = ?", refundNo, buyerID)
		if err != nil {
			return err
		}
		if r.Status != RefundRequested {
			return ErrIllegalTransition
		}
		if err := tx.moveCase(a, &r, RefundWithdrawn, "aftersales.event.withdrawn", "", "refund.withdraw", nil); err != nil {
			return err
		}
		out = r
		return tx.notifyCase(r, o, "withdrawn", false, true, nil)
	})
	return out, err
}

// DisputeRefund takes a rejected case to the platform with the buyer's reason.
func (s *Store) DisputeRefund(ctx context.Context, a Actor, buyerID uint, refundNo, reason string) (Refund, error) {
	reason, err := checkText("reason", reason, RefundReasonMax)
	if err != nil {
		return Refund{}, err
	}
	var out Refund
	err = s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("refund_no = ? AND buyer_id = ?", refundNo, buyerID)
		switch {
		case err != nil:
			return err
		case r.Status != RefundRejected:
			return ErrIllegalTransition
		case r.Disputed:
			return ErrRefundAlreadyDisputed
		}
		// A dispute may end in a refund, which reopens the case: not while another case of
		// the order is open.
		var open int64
		if err := tx.w.Model(&Refund{}).Where("order_id = ? AND id <> ? AND status IN ?", r.OrderID, r.ID, OpenRefundStatuses).Count(&open).Error; err != nil {
			return err
		}
		if open > 0 {
			return ErrRefundOpenCase
		}
		now := tx.clock.Now()
		if err := tx.touchCase(a, &r, "aftersales.event.disputed", reason, "refund.dispute",
			map[string]any{"disputed": true, "dispute_reason": reason, "disputed_at": now}); err != nil {
			return err
		}
		r.Disputed, r.DisputeReason, r.DisputedAt = true, reason, &now
		out = r
		return tx.notifyCase(r, o, "disputed", false, true, nil)
	})
	return out, err
}

// Dispute decisions.
const (
	DisputeRefund = "refund" // the platform refunds the buyer
	DisputeUphold = "uphold" // the merchant's rejection stands
)

// ResolveDispute is the platform's decision on a disputed case: refund (paid by the same
// payout) or uphold the rejection. A reviewer cannot decide a case of their own.
func (s *Store) ResolveDispute(ctx context.Context, a Actor, refundNo, decision, comment string) (Refund, error) {
	if decision != DisputeRefund && decision != DisputeUphold {
		return Refund{}, &FieldError{Field: "decision", Key: "error.choice"}
	}
	comment, err := checkText("comment", comment, RefundCommentMax)
	if err != nil {
		return Refund{}, err
	}
	var out Refund
	err = s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("refund_no = ?", refundNo)
		if err != nil {
			return err
		}
		if !r.DisputeOpen() {
			return ErrRefundDisputeNotOpen
		}
		if own, err := refundParty(tx.w, a.UserID, r); err != nil || own {
			if err == nil {
				err = ErrOwnSubmission
			}
			return err
		}
		fields := map[string]any{"resolved_by_id": a.UserID, "resolution_comment": comment}
		r.ResolvedByID, r.ResolutionComment = ptr(a.UserID), comment
		if decision == DisputeRefund {
			if err := tx.moveCase(a, &r, RefundApproved, "aftersales.event.resolved_refund", comment, "refund.resolve", fields); err != nil {
				return err
			}
			if err := tx.enqueuePayout(r); err != nil {
				return err
			}
		} else if err := tx.touchCase(a, &r, "aftersales.event.resolved_uphold", comment, "refund.resolve", fields); err != nil {
			return err
		}
		out = r
		return tx.notifyCase(r, o, "resolved_"+decision, true, true, map[string]any{"Comment": comment})
	})
	return out, err
}

// refundParty tells whether the user is a party to the case: its buyer, or the owner or a
// user of its merchant account.
func refundParty(db *gorm.DB, userID uint, r Refund) (bool, error) {
	if userID == r.BuyerID {
		return true, nil
	}
	var n int64
	err := db.Model(&Merchant{}).Where("id = ? AND owner_user_id = ?", r.MerchantID, userID).Count(&n).Error
	if err != nil || n > 0 {
		return n > 0, err
	}
	err = db.Model(&User{}).Where("id = ? AND merchant_id = ?", userID, r.MerchantID).Count(&n).Error
	return n > 0, err
}

// IsRefundParty tells whether the user is the case's buyer or acts for its merchant: such
// a reviewer may not resolve its dispute.
func (s *Store) IsRefundParty(ctx context.Context, userID uint, r Refund) (bool, error) {
	return refundParty(s.r.WithContext(ctx), userID, r)
}

// trackingNoOK accepts carrier waybill numbers: letters, digits and dashes.
func trackingNoOK(s string) bool {
	if len(s) < 4 || len(s) > TrackingNoMax {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// ShipReturn records the buyer's logistics for an approved hardware return, within the
// shipping deadline.
func (s *Store) ShipReturn(ctx context.Context, a Actor, buyerID uint, refundNo, trackingNo string) (Refund, error) {
	trackingNo = strings.TrimSpace(trackingNo)
	if !trackingNoOK(trackingNo) {
		return Refund{}, &FieldError{Field: "tracking_no", Key: "aftersales.error.tracking_no"}
	}
	var out Refund
	err := s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("refund_no = ? AND buyer_id = ?", refundNo, buyerID)
		now := tx.clock.Now()
		switch {
		case err != nil:
			return err
		case r.Kind != RefundReturn:
			return ErrRefundNotReturn
		case r.ShippedAt != nil:
			return ErrReturnAlreadyShipped
		case !r.AwaitsBuyerShipping():
			return ErrIllegalTransition
		case now.After(*r.ShipBy()):
			return ErrReturnDeadlinePassed
		}
		if err := tx.touchCase(a, &r, "aftersales.event.shipped", trackingNo, "refund.ship",
			map[string]any{"tracking_no": trackingNo, "shipped_at": now}); err != nil {
			return err
		}
		r.TrackingNo, r.ShippedAt = trackingNo, &now
		if err := tx.enqueue(JobRefundDeadline, RefundJobPayload{RefundID: r.ID}, *r.ReceiveBy(), "refund_deadline:receive:"+r.RefundNo); err != nil {
			return err
		}
		out = r
		return tx.notifyCase(r, o, "shipped", false, true, map[string]any{"TrackingNo": trackingNo})
	})
	return out, err
}

// ConfirmReturnReceipt records that the returned goods arrived, within the receipt
// deadline; the payout then refunds the buyer.
func (s *Store) ConfirmReturnReceipt(ctx context.Context, a Actor, merchantID uint, refundNo string, version int) (Refund, error) {
	var out Refund
	err := s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("refund_no = ? AND merchant_id = ?", refundNo, merchantID)
		now := tx.clock.Now()
		switch {
		case err != nil:
			return err
		case version != r.Version:
			return ErrConflict
		case r.Kind != RefundReturn:
			return ErrRefundNotReturn
		case r.Status == RefundApproved && r.ShippedAt == nil:
			return ErrReturnNotShipped
		case !r.AwaitsMerchant() || r.Status != RefundApproved:
			return ErrIllegalTransition
		case now.After(*r.ReceiveBy()):
			return ErrReturnDeadlinePassed
		}
		if err := tx.touchCase(a, &r, "aftersales.event.received", "", "refund.receive", map[string]any{"received_at": now}); err != nil {
			return err
		}
		r.ReceivedAt = &now
		if err := tx.enqueuePayout(r); err != nil {
			return err
		}
		out = r
		return tx.notifyCase(r, o, "received", true, false, nil)
	})
	return out, err
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

// CloseOverdueReturn closes a hardware return whose buyer did not ship within the
// shipping deadline, or whose merchant did not confirm receipt within the receipt
// deadline (the buyer may then dispute). A case not overdue is left alone.
func (s *Store) CloseOverdueReturn(ctx context.Context, refundID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		r, o, err := tx.lockCase("id = ?", refundID)
		if err != nil || r.Kind != RefundReturn || r.Status != RefundApproved || r.ResolvedByID != nil {
			return err
		}
		now := tx.clock.Now()
		var why string
		switch {
		case r.ShippedAt == nil && !now.Before(*r.ShipBy()):
			why = "aftersales.event.closed_no_logistics"
		case r.ShippedAt != nil && r.ReceivedAt == nil && !now.Before(*r.ReceiveBy()):
			why = "aftersales.event.closed_no_receipt"
		default:
			return nil
		}
		if err := tx.moveCase(Actor{}, &r, RefundRejected, why, "", "refund.close", nil); err != nil {
			return err
		}
		return tx.notifyCase(r, o, "closed", true, true, map[string]any{"WhyKey": why})
	})
}
