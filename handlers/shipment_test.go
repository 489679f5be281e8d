package handlers

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// TestHardwareLogisticsThroughThePages: the merchant's logistics form refuses a bad
// tracking number (422, named) and saves a good one; the buyer signs for the shipment
// and accepts; the order completes; the merchant cannot complete it by hand; another
// buyer cannot sign for it.
func TestHardwareLogisticsThroughThePages(t *testing.T) {
	w := newBuyerWorld(t)
	mid := *w.merchant.MerchantID
	must(t, w.ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", mid).Update("activated_at", w.ta.env.Clock.Now()).Error)
	p, specs := testdb.ListedProduct(t, w.ta.env, mid, models.ProductContent{Type: models.ProductHardware, NameZh: "边缘网关", NameEn: "Edge Gateway",
		SalesObjects: models.SalesAll, Hardware: &models.HardwareFields{LogisticsRequired: true},
		Specs: []models.SpecContent{{Key: "eg", Name: "EG-200", BillingMode: models.BillingOneTime, OneTimeFen: fen64(458000)}}})
	ctx := context.Background()
	o, err := w.ta.Store.Purchase(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode,
		PeriodType: models.PeriodOneTime, Count: 1, Quantity: 1})
	must(t, err)
	_, err = w.ta.Store.Pay(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, o.OrderNo)
	must(t, err)
	mc := w.ta.loggedIn("m@example.com")
	page := mc.get("/seller/orders/" + o.OrderNo).want(http.StatusOK).Doc()
	if page.Find(`[data-testid="shipment-form"]`).Length() != 1 || page.Find(`[data-testid="order-complete"]`).Length() != 0 {
		t.Fatal("the hardware order offers no logistics form, or a manual completion")
	}
	mc.post("/seller/orders/"+o.OrderNo+"/complete", nil).want(http.StatusConflict)
	r := mc.post("/seller/orders/"+o.OrderNo+"/shipment", url.Values{"carrier": {"SF"}, "tracking_no": {"12"}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("tracking_no") == "" {
		t.Fatal("a bad tracking number: no message")
	}
	if mc.post("/seller/orders/"+o.OrderNo+"/shipment", url.Values{"carrier": {"ACME"}, "tracking_no": {"SF1234567890"}}).
		want(http.StatusUnprocessableEntity).fieldError("carrier") == "" {
		t.Fatal("an unknown carrier: no message")
	}
	mc.post("/seller/orders/"+o.OrderNo+"/shipment", url.Values{"carrier": {"SF"}, "tracking_no": {"SF1234567890"}}).want(http.StatusSeeOther)
	w.ta.user(models.RoleBuyer, "other-hw@example.com")
	w.ta.loggedIn("other-hw@example.com").post("/buyer/orders/"+o.OrderNo+"/receipt", nil).want(http.StatusNotFound)
	w.c.post("/buyer/orders/"+o.OrderNo+"/accept", nil).want(http.StatusConflict)
	w.c.post("/buyer/orders/"+o.OrderNo+"/receipt", nil).want(http.StatusSeeOther)
	if w.c.get("/buyer/orders/"+o.OrderNo).want(http.StatusOK).Doc().Find(`[data-testid="shipment-accept"]`).Length() != 1 {
		t.Fatal("no acceptance after the receipt")
	}
	w.c.post("/buyer/orders/"+o.OrderNo+"/accept", nil).want(http.StatusSeeOther)
	var got models.Order
	must(t, w.ta.env.DB.R.Where("order_no = ?", o.OrderNo).Take(&got).Error)
	if got.Status != models.OrderCompleted {
		t.Fatalf("the order is %s", got.Status)
	}
}
