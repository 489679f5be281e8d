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

// TestLicenseDeliveryThroughThePages: the buyer's hardware code is checked (422 named)
// and saved; the merchant delivers a key through the form and the buyer reads it; an
// offline delivery without its proof is refused (422 named).
func TestLicenseDeliveryThroughThePages(t *testing.T) {
	w := newBuyerWorld(t)
	mid := *w.merchant.MerchantID
	must(t, w.ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", mid).Update("activated_at", w.ta.env.Clock.Now()).Error)
	ctx := context.Background()
	buy := func(variant string) models.Order {
		p, specs := testdb.ListedProduct(t, w.ta.env, mid, models.ProductContent{Type: models.ProductLicense, NameZh: "设计软件", NameEn: "CAD",
			SalesObjects: models.SalesAll, License: &models.LicenseFields{Delivery: variant},
			Specs: []models.SpecContent{{Key: "p", Name: "永久", BillingMode: models.BillingOneTime, OneTimeFen: fen64(100000)}}})
		o, err := w.ta.Store.Purchase(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode,
			PeriodType: models.PeriodOneTime, Count: 1, Quantity: 1})
		must(t, err)
		_, err = w.ta.Store.Pay(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, o.OrderNo)
		must(t, err)
		return o
	}
	mc := w.ta.loggedIn("m@example.com")
	hw := buy(models.LicenseHardwareCode)
	if mc.get("/seller/orders/"+hw.OrderNo).want(http.StatusOK).Doc().Find(`[data-testid="license-delivery-form"]`).Length() != 0 {
		t.Fatal("the merchant may deliver before the hardware code")
	}
	if w.c.post("/buyer/orders/"+hw.OrderNo+"/hardware-code", url.Values{"hardware_code": {"bad code"}}).want(http.StatusUnprocessableEntity).
		fieldError("hardware_code") == "" {
		t.Fatal("a malformed hardware code: no message")
	}
	w.c.post("/buyer/orders/"+hw.OrderNo+"/hardware-code", url.Values{"hardware_code": {"00:1A:2B:3C:4D:5E"}}).want(http.StatusSeeOther)
	mc.postMultipart("/seller/orders/"+hw.OrderNo+"/license-delivery", url.Values{"license_key": {"LIC-KEY-0001"}}).want(http.StatusSeeOther)
	if got := w.c.get("/buyer/orders/" + hw.OrderNo).want(http.StatusOK).Doc().Find(`[data-testid="license-key"]`).Text(); got != "LIC-KEY-0001" {
		t.Fatalf("the buyer reads the key as %q", got)
	}
	off := buy(models.LicenseOffline)
	if mc.postMultipart("/seller/orders/"+off.OrderNo+"/license-delivery", url.Values{"note": {"现场安装"}}).want(http.StatusUnprocessableEntity).
		fieldError("proof") == "" {
		t.Fatal("an offline delivery without proof: no message")
	}
	mc.postMultipart("/seller/orders/"+off.OrderNo+"/license-delivery", url.Values{"note": {"现场安装"}}, upload{Field: "proof", Name: "p.pdf", Data: pdfBytes}).
		want(http.StatusSeeOther)
	w.c.get("/buyer/orders/" + off.OrderNo + "/license-file").want(http.StatusOK)
}
