package models

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"
)

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
		refundNo, err := tx.unusedNumber("RF", now, "refunds", "refund_no")
		if err != nil {
			return err
		}
		r := Refund{RefundNo: refundNo, OrderID: o.ID, MerchantID: o.MerchantID, BuyerID: buyerID, Kind: flow, Status: RefundRequested,
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
	RefundNo   string
	Version    int // the version the merchant saw: a stale form is a conflict
	Comment    string
	Attachment *Upload // the communication record, recorded with the approval
}

// Decidable tells whether the merchant may still decide the case as it was shown at
// version: ErrConflict when it changed since, ErrIllegalTransition when it is no longer
// a request.
func (r Refund) Decidable(version int) error {
	if version != r.Version {
		return ErrConflict
	}
	if r.Status != RefundRequested {
		return ErrIllegalTransition
	}
	return nil
}

// decideCase runs a merchant's decision on a request in one transaction: the comment
// checked, the case locked and still decidable at the version the merchant saw, then
// decide with the checked comment and the time.
func (s *Store) decideCase(ctx context.Context, merchantID uint, d RefundDecision,
	decide func(tx *Store, r *Refund, o Order, comment string, now time.Time) error) (Refund, error) {
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
		if err := r.Decidable(d.Version); err != nil {
			return err
		}
		if err := decide(tx, &r, o, comment, tx.clock.Now()); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// ApproveRefund accepts a request. A negotiated refund is then paid by the payout job
// (the case shows APPROVED until it runs); a return waits for the goods.
func (s *Store) ApproveRefund(ctx context.Context, a Actor, merchantID uint, d RefundDecision) (Refund, error) {
	return s.decideCase(ctx, merchantID, d, func(tx *Store, r *Refund, o Order, comment string, now time.Time) error {
		fields := map[string]any{"decided_at": now, "merchant_comment": comment}
		if d.Attachment != nil {
			ids, err := tx.recordUploadsFor(a, merchantID, "refund", r.ID, Uploads{*d.Attachment})
			if err != nil {
				return err
			}
			r.AttachmentFileID = one(ids, d.Attachment.Purpose)
			fields["attachment_file_id"] = *r.AttachmentFileID
		}
		if err := tx.moveCase(a, r, RefundApproved, "aftersales.event.approved", comment, "refund.approve", fields); err != nil {
			return err
		}
		r.DecidedAt, r.MerchantComment = &now, comment
		var err error
		if r.Kind == RefundReturn {
			err = tx.enqueue(JobRefundDeadline, RefundJobPayload{RefundID: r.ID}, *r.ShipBy(), "refund_deadline:ship:"+r.RefundNo)
		} else {
			err = tx.enqueuePayout(*r)
		}
		if err != nil {
			return err
		}
		return tx.notifyCase(*r, o, "approved", true, false, map[string]any{"Comment": comment})
	})
}

// enqueuePayout queues the payout of an approved case; the key carries the version so a
// case approved again after a dispute gets its own job, while a repeat queues nothing.
func (s *Store) enqueuePayout(r Refund) error {
	return s.enqueue(JobRefundPayout, RefundJobPayload{RefundID: r.ID}, s.clock.Now(),
		"refund_payout:"+r.RefundNo+":"+strconv.Itoa(r.Version))
}

// RejectRefund refuses a request with the merchant's explanation.
func (s *Store) RejectRefund(ctx context.Context, a Actor, merchantID uint, d RefundDecision) (Refund, error) {
	return s.decideCase(ctx, merchantID, d, func(tx *Store, r *Refund, o Order, comment string, now time.Time) error {
		if err := tx.moveCase(a, r, RefundRejected, "aftersales.event.rejected", comment, "refund.reject",
			map[string]any{"decided_at": now, "merchant_comment": comment}); err != nil {
			return err
		}
		r.DecidedAt, r.MerchantComment = &now, comment
		return tx.notifyCase(*r, o, "rejected", true, false, map[string]any{"Comment": comment})
	})
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
