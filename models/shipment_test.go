package models_test

import (
	"errors"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// hardware lists a hardware product delivered by logistics.
func (s *shop) hardware(t *testing.T, supervised bool) (models.Product, []models.Spec) {
	t.Helper()
	return testdb.ListedProduct(t, s.env, s.mid, models.ProductContent{Type: models.ProductHardware, NameZh: "边缘网关", NameEn: "Edge Gateway",
		SalesObjects: models.SalesAll, Supervised: supervised, Hardware: &models.HardwareFields{LogisticsRequired: true},
		Specs: []models.SpecContent{{Key: "eg", Name: "EG-200", BillingMode: models.BillingOneTime, OneTimeFen: fen(458000)}}})
}

// TestHardwareShipsAndIsAccepted: the merchant enters the logistics (checked carrier and
// tracking number, correctable until the receipt), the buyer signs for it and accepts,
// or acceptance happens by itself the setting's days after the receipt; the merchant
// cannot complete the order by hand; out-of-order steps are refused.
func TestHardwareShipsAndIsAccepted(t *testing.T) {
	s := newShop(t)
	st := s.env.Store
	p, specs := s.hardware(t, false)
	buy := func() models.Order {
		return s.pay(t, s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: models.PeriodOneTime}))
	}
	ma := models.Actor{UserID: s.merchant.ID}
	o := buy()
	if _, err := st.CompleteOrder(s.ctx, ma, s.mid, o.OrderNo); !errors.Is(err, models.ErrShipmentFlow) {
		t.Fatalf("completed by hand: %v", err)
	}
	if _, err := st.ConfirmReceipt(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrNotShipped) {
		t.Fatalf("receipt before shipping: %v", err)
	}
	for _, bad := range []struct{ carrier, no string }{{"UPS-X", "SF1234567890"}, {"SF", "12"}, {"SF", "SF 123 456"}, {"SF", "顺丰123456"}} {
		if _, err := st.ShipOrder(s.ctx, ma, s.mid, o.OrderNo, bad.carrier, bad.no); err == nil {
			t.Fatalf("shipped with %q %q", bad.carrier, bad.no)
		}
	}
	other := activeMerchant(t, s.env, "other-hw@example.com")
	if _, err := st.ShipOrder(s.ctx, models.Actor{UserID: other.ID}, *other.MerchantID, o.OrderNo, "SF", "SF1234567890"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant shipped: %v", err)
	}
	if _, err := st.ShipOrder(s.ctx, ma, s.mid, o.OrderNo, "SF", "SF1234567890"); err != nil {
		t.Fatal(err)
	}
	if sh, err := st.ShipOrder(s.ctx, ma, s.mid, o.OrderNo, "JD", "JD0001234567"); err != nil || sh.Carrier != "JD" {
		t.Fatalf("correction: %+v %v", sh, err)
	}
	if _, err := st.AcceptShipment(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrNotReceived) {
		t.Fatalf("accepted before the receipt: %v", err)
	}
	if _, err := st.ConfirmReceipt(s.ctx, s.act, s.buyer.ID, o.OrderNo); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmReceipt(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrReceivedAlready) {
		t.Fatalf("signed twice: %v", err)
	}
	if _, err := st.ShipOrder(s.ctx, ma, s.mid, o.OrderNo, "SF", "SF0000000001"); !errors.Is(err, models.ErrReceivedAlready) {
		t.Fatalf("corrected after the receipt: %v", err)
	}
	s.env.Clock.Advance(9 * 24 * time.Hour)
	if n, err := st.AutoAcceptShipments(s.ctx); err != nil || n != 0 {
		t.Fatalf("auto-accepted after 9 days: %d %v", n, err)
	}
	s.env.Clock.Advance(25 * time.Hour)
	if n, err := st.AutoAcceptShipments(s.ctx); err != nil || n != 1 {
		t.Fatalf("auto-acceptance after 10 days: %d %v", n, err)
	}
	if got := s.order(t, o.OrderNo).Order.Status; got != models.OrderCompleted {
		t.Fatalf("the order is %s", got)
	}
	if _, err := st.AcceptShipment(s.ctx, s.act, s.buyer.ID, o.OrderNo); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("accepted twice: %v", err)
	}
	o2 := buy()
	if _, err := st.ShipOrder(s.ctx, ma, s.mid, o2.OrderNo, "EMS", "EA123456789CN"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmReceipt(s.ctx, s.act, s.buyer.ID, o2.OrderNo); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AcceptShipment(s.ctx, s.act, s.buyer.ID, o2.OrderNo); err != nil {
		t.Fatal(err)
	}
	if got := s.order(t, o2.OrderNo).Order.Status; got != models.OrderCompleted {
		t.Fatalf("the accepted order is %s", got)
	}
}

// TestSupervisedHardwareDeliversByLogistics: a supervised hardware order starts at the
// merchant's implementation; its delivery needs the shipment, its acceptance the
// receipt, and the timer accepts it the setting's days after the receipt.
func TestSupervisedHardwareDeliversByLogistics(t *testing.T) {
	s := newShop(t)
	st := s.env.Store
	p, specs := s.hardware(t, true)
	o := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: models.PeriodOneTime}))
	ma := models.Actor{UserID: s.merchant.ID}
	deliver := models.SupervisionStep{OrderNo: o.OrderNo, Action: models.ActDeliver, Comment: "已发货"}
	if _, err := st.MoveSupervision(s.ctx, ma, models.SupMerchant, s.mid, deliver); !errors.Is(err, models.ErrShipmentRequired) {
		t.Fatalf("delivered without logistics: %v", err)
	}
	if _, err := st.ShipOrder(s.ctx, ma, s.mid, o.OrderNo, "SF", "SF1234567890"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MoveSupervision(s.ctx, ma, models.SupMerchant, s.mid, deliver); err != nil {
		t.Fatal(err)
	}
	accept := models.SupervisionStep{OrderNo: o.OrderNo, Action: models.ActAccept}
	if _, err := st.MoveSupervision(s.ctx, s.act, models.SupBuyer, s.buyer.ID, accept); !errors.Is(err, models.ErrNotReceived) {
		t.Fatalf("accepted before the receipt: %v", err)
	}
	if _, err := st.AcceptShipment(s.ctx, s.act, s.buyer.ID, o.OrderNo); err == nil {
		t.Fatal("a supervised order accepted outside its supervision")
	}
	if _, err := st.ConfirmReceipt(s.ctx, s.act, s.buyer.ID, o.OrderNo); err != nil {
		t.Fatal(err)
	}
	s.env.Clock.Advance(11 * 24 * time.Hour)
	if n, err := st.AutoAcceptShipments(s.ctx); err != nil || n != 1 {
		t.Fatalf("auto-acceptance: %d %v", n, err)
	}
	sv, evs, _ := st.SupervisionOf(s.ctx, models.SupBuyer, s.buyer.ID, o.OrderNo)
	if sv.Node != models.NodeCompleted || evs[len(evs)-1].Action != "auto_accept" || s.order(t, o.OrderNo).Order.Status != models.OrderCompleted {
		t.Fatalf("after auto-acceptance: %+v", sv)
	}
}
