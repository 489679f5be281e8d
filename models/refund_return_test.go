package models_test

import (
	"errors"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestHardwareReturnDeadlines(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	st := w.env.Store
	mid := *w.merchant.MerchantID
	day := 24 * time.Hour
	open := func(key string) models.Refund {
		t.Helper()
		o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductHardware, Status: models.OrderCompleted, PaidFen: 8800, NoSub: true, PeriodType: "one_time"})
		r, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 1, Reason: "屏幕有坏点", Key: key})
		if err != nil || r.AmountFen != 8800 || r.Kind != models.RefundReturn {
			t.Fatalf("return request: %v %+v", err, r)
		}
		r, err = st.ApproveRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "请寄回"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// 1. The buyer never ships: closed after 10 days, not before.
	r1 := open("r1")
	if _, err := st.ConfirmReturnReceipt(w.ctx, w.merchantAct(), mid, r1.RefundNo, r1.Version); !errors.Is(err, models.ErrReturnNotShipped) {
		t.Fatalf("receipt before shipping: %v", err)
	}
	w.env.Clock.Advance(models.ReturnShipDays*day - time.Second)
	must(t, st.CloseOverdueReturn(w.ctx, r1.ID))
	w.reload(t, &r1, r1.ID)
	if r1.Status != models.RefundApproved {
		t.Fatal("closed before the deadline")
	}
	w.env.Clock.Advance(2 * time.Second)
	if _, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r1.RefundNo, "SF1234567890"); !errors.Is(err, models.ErrReturnDeadlinePassed) {
		t.Fatalf("shipped late: %v", err)
	}
	must(t, st.CloseOverdueReturn(w.ctx, r1.ID))
	w.reload(t, &r1, r1.ID)
	if r1.Status != models.RefundRejected || !w.hasEvent(t, r1.ID, "aftersales.event.closed_no_logistics") {
		t.Fatalf("not closed: %s", r1.Status)
	}
	must(t, st.CloseOverdueReturn(w.ctx, r1.ID)) // again: nothing

	// 2. Shipped in time, never confirmed: closed after 15 days, and the buyer may dispute.
	r2 := open("r2")
	if _, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "bad number!"); err == nil {
		t.Fatal("malformed tracking number accepted")
	}
	r2, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "SF1234567890")
	if err != nil || r2.ShippedAt == nil {
		t.Fatal(err)
	}
	if _, err := st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "SF1234567890"); !errors.Is(err, models.ErrReturnAlreadyShipped) {
		t.Fatalf("shipped twice: %v", err)
	}
	if !w.hasNotice(t, w.merchant.ID, "refund.shipped") {
		t.Fatal("merchant not told of the shipment")
	}
	w.env.Clock.Advance(15*day + time.Second)
	if _, err := st.ConfirmReturnReceipt(w.ctx, w.merchantAct(), mid, r2.RefundNo, r2.Version); !errors.Is(err, models.ErrReturnDeadlinePassed) {
		t.Fatalf("receipt after the deadline: %v", err)
	}
	must(t, st.CloseOverdueReturn(w.ctx, r2.ID))
	w.reload(t, &r2, r2.ID)
	if r2.Status != models.RefundRejected || !w.hasEvent(t, r2.ID, "aftersales.event.closed_no_receipt") {
		t.Fatalf("not closed: %s", r2.Status)
	}
	if _, err := st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, r2.RefundNo, "已寄回，商家未确认"); err != nil {
		t.Fatal(err)
	}

	// 3. Shipped, received, refunded.
	r3 := open("r3")
	r3, err = st.ShipReturn(w.ctx, w.buyerAct(), w.buyer.ID, r3.RefundNo, "YT-99887766")
	if err != nil {
		t.Fatal(err)
	}
	w.env.Clock.Advance(3 * day)
	r3, err = st.ConfirmReturnReceipt(w.ctx, w.merchantAct(), mid, r3.RefundNo, r3.Version)
	if err != nil || r3.ReceivedAt == nil {
		t.Fatal(err)
	}
	must(t, st.PayRefund(w.ctx, r3.ID))
	w.reload(t, &r3, r3.ID)
	if r3.Status != models.RefundRefunded {
		t.Fatalf("return not refunded: %s", r3.Status)
	}
	// The deadline timers were queued with the cases.
	if n := w.count(t, &models.Job{}, "kind = ?", models.JobRefundDeadline); n != 5 {
		t.Fatalf("%d deadline jobs, want 5 (three approvals, two shipments)", n)
	}
}
