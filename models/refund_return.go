package models

import (
	"context"
	"strings"
)

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
