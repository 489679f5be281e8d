package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sellercenter/handlers"
	"sellercenter/internal/saasproto"
	"sellercenter/internal/seed"
	"sellercenter/models"
	"sellercenter/web"
)

// activateLicense is the merchant's system calling the activate open API, APIG-signed.
func activateLicense(t *testing.T, srv *server, ak, sk, code string, at time.Time) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"license": code})
	u, err := url.Parse(srv.URL + handlers.OpenAPILicenseActivatePath)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	saasproto.APIGSign(saasproto.APIGRequest{Method: http.MethodPost, URL: u, Header: h, Body: body}, ak, sk, at)
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("activate answered %s", raw)
	}
	return out
}

// TestLicenseCodeJourney: the buyer buys the demo License (delivered by online codes) in
// the browser and pays; the merchant's activation through the open API is refused before
// the buyer claims the code (92020004); the buyer claims it on the order page; the same
// activation then succeeds and the order is delivered.
func TestLicenseCodeJourney(t *testing.T) {
	srv, pw := startDemoServer(t)
	ctx := context.Background()
	var product models.Product
	if err := srv.env.DB.R.Where("type = ? AND listing = ? AND content LIKE ?", models.ProductLicense, models.ListingOnSale, `%"delivery":"online_code"%`).
		Order("id").Take(&product).Error; err != nil {
		t.Fatal(err)
	}
	specs, err := srv.Store.LiveSpecs(ctx, product.ID)
	if err != nil || len(specs) == 0 {
		t.Fatalf("specs: %v", err)
	}
	merchant, err := srv.Store.UserByEmail(ctx, seed.DemoMerchantEmail)
	if err != nil {
		t.Fatal(err)
	}
	key, sk, err := srv.Store.CreateAccessKey(ctx, models.Actor{UserID: merchant.ID}, *merchant.MerchantID, "license integration")
	if err != nil {
		t.Fatal(err)
	}

	buyer := newBrowser(t, srv, "zh-CN")
	buyer.login(seed.DemoBuyerEmail, pw[seed.DemoBuyerEmail])
	buyer.open(web.CatalogProduct(product.ID))
	buyer.submit(`[data-testid="product-spec"][data-sku="` + specs[0].SKUCode + `"] [data-testid="buy-link"]`)
	buyer.submit(`[data-testid="buy-continue"]`)
	buyer.submit(`[data-testid="place-order"]`)
	orderNo := strings.TrimPrefix(buyer.path(), "/buyer/orders/")
	buyer.submit(`[data-testid="pay-button"]`)
	if buyer.count(`[data-testid="license-hidden"]`) != 1 || buyer.count(`[data-testid="license-value"]`) != 0 {
		t.Fatal("the paid order does not show a hidden code to claim")
	}
	var lc models.LicenseCode
	if err := srv.env.DB.R.Where("order_no = ?", orderNo).Take(&lc).Error; err != nil {
		t.Fatal(err)
	}
	if out := activateLicense(t, srv, key.AccessID, sk, lc.Code, srv.Store.Now()); out["error_code"] != models.LicenseNotClaimed {
		t.Fatalf("activation before the claim: %v", out)
	}
	buyer.submit(`[data-testid="license-claim"]`)
	if got := buyer.text(`[data-testid="license-value"]`); got != lc.Code {
		t.Fatalf("the claimed code shows as %q", got)
	}
	buyer.screenshot("75-license-claimed")
	// Signed for the next second: a request signed anew (the same one would be a replay).
	out := activateLicense(t, srv, key.AccessID, sk, lc.Code, srv.Store.Now().Add(time.Second))
	if out["error_code"] != models.LicenseOK {
		t.Fatalf("activation after the claim: %v", out)
	}
	buyer.open(web.BuyerOrder(orderNo))
	if !strings.Contains(buyer.text(`[data-testid="license-code"]`), "激活") {
		t.Fatalf("the order page does not show the activation: %q", buyer.text(`[data-testid="license-code"]`))
	}
	var o models.Order
	if err := srv.env.DB.R.Where("order_no = ?", orderNo).Take(&o).Error; err != nil || o.Status != models.OrderCompleted {
		t.Fatalf("the order is %s (%v)", o.Status, err)
	}
}
