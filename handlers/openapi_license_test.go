package handlers

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

	"sellercenter/internal/saasproto"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// licenseCall is a License open-API POST of body, APIG-signed with ak/sk (unsigned when
// ak is empty).
func licenseCall(t *testing.T, ta *testApp, ak, sk, path string, body []byte) (int, map[string]any) {
	t.Helper()
	u, err := url.Parse(ta.srv.URL + path)
	must(t, err)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	if ak != "" {
		saasproto.APIGSign(saasproto.APIGRequest{Method: http.MethodPost, URL: u, Header: h, Body: body}, ak, sk, ta.env.Clock.Now())
	}
	req, err := http.NewRequest(http.MethodPost, u.String(), bytes.NewReader(body))
	must(t, err)
	req.Header = h
	resp, err := http.DefaultTransport.RoundTrip(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return resp.StatusCode, out
}

// TestLicenseOpenAPI: activate and heartbeat answer {error_code, error_msg, data} with
// the documented codes: unsigned 92020001, malformed 92020002, activating twice or a
// released code 92020003, not claimed 92020004, unknown or another merchant's code
// 92020005; license_code_info is a JSON string inside the JSON.
func TestLicenseOpenAPI(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	_, ma := activeSeller(t, ta, "lic-a@example.com")
	_, mb := activeSeller(t, ta, "lic-b@example.com")
	ka, ska, err := ta.Store.CreateAccessKey(ctx, models.Actor{UserID: ma.OwnerUserID}, ma.ID, "api")
	must(t, err)
	kb, skb, err := ta.Store.CreateAccessKey(ctx, models.Actor{UserID: mb.OwnerUserID}, mb.ID, "api")
	must(t, err)
	now := ta.env.Clock.Now()
	end := now.AddDate(0, 1, 0)
	code := func(c string, claimed bool, status string) models.LicenseCode {
		lc := models.LicenseCode{Code: c, MerchantID: ma.ID, BuyerID: 1, ProductID: 1, ProductCode: "OFFI000000001", OrderNo: "CS2612071200ABCDE",
			Amount: 3, Status: status, ExpiresAt: &end, Version: 1, CreatedAt: now, UpdatedAt: now}
		if claimed {
			lc.ClaimedAt = &now
		}
		must(t, ta.env.DB.W.Create(&lc).Error)
		return lc
	}
	unclaimed := code("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", false, models.LicenseAlive)
	claimed := code("BBBBB-BBBBB-BBBBB-BBBBB-BBBBB", true, models.LicenseAlive)
	released := code("CCCCC-CCCCC-CCCCC-CCCCC-CCCCC", true, models.LicenseReleased)
	body := func(v map[string]any) []byte { b, _ := json.Marshal(v); return b }
	activate, heartbeat := OpenAPILicenseActivatePath, OpenAPILicenseHeartbeatPath
	cases := []struct {
		name   string
		ak, sk string
		path   string
		body   []byte
		status int
		code   string
	}{
		{"unsigned", "", "", activate, body(map[string]any{"license": claimed.Code}), 401, models.LicenseUnauthorized},
		{"not JSON", ka.AccessID, ska, activate, []byte("license="), 400, models.LicenseInvalid},
		{"no license", ka.AccessID, ska, activate, body(map[string]any{}), 400, models.LicenseInvalid},
		{"malformed effect time", ka.AccessID, ska, activate, body(map[string]any{"license": claimed.Code, "real_effect_time": "2026-12-07"}), 400, models.LicenseInvalid},
		{"effect before the order", ka.AccessID, ska, activate, body(map[string]any{"license": claimed.Code, "real_effect_time": now.Add(-48 * time.Hour).UTC().Format("20060102150405")}), 400, models.LicenseInvalid},
		{"unknown code", ka.AccessID, ska, activate, body(map[string]any{"license": "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ"}), 200, models.LicenseNoSuchCode},
		{"another merchant's code", kb.AccessID, skb, activate, body(map[string]any{"license": claimed.Code}), 200, models.LicenseNoSuchCode},
		{"not claimed", ka.AccessID, ska, activate, body(map[string]any{"license": unclaimed.Code}), 200, models.LicenseNotClaimed},
		{"released", ka.AccessID, ska, activate, body(map[string]any{"license": released.Code}), 200, models.LicenseIllegalState},
		{"heartbeat before the claim", ka.AccessID, ska, heartbeat, body(map[string]any{"license": unclaimed.Code}), 200, models.LicenseNotClaimed},
		{"heartbeat of a released code", ka.AccessID, ska, heartbeat, body(map[string]any{"license": released.Code}), 200, models.LicenseIllegalState},
	}
	for _, c := range cases {
		status, out := licenseCall(t, ta, c.ak, c.sk, c.path, c.body)
		if status != c.status || out["error_code"] != c.code || out["error_msg"] == "" {
			t.Errorf("%s: %d %v, want %d %s", c.name, status, out, c.status, c.code)
		}
	}
	status, out := licenseCall(t, ta, ka.AccessID, ska, activate, body(map[string]any{"license": claimed.Code,
		"real_effect_time": now.Add(time.Hour).UTC().Format("20060102150405")}))
	data, _ := out["data"].(map[string]any)
	infoText, _ := data["license_code_info"].(string)
	var info map[string]any
	if status != 200 || out["error_code"] != models.LicenseOK || json.Unmarshal([]byte(infoText), &info) != nil {
		t.Fatalf("activation: %d %v", status, out)
	}
	if info["status"] != models.LicenseAlive || info["order_id"] != "CS2612071200ABCDE" || info["product_id"] != "OFFI000000001" || info["amount"] != float64(3) ||
		info["expire_time"] != end.UTC().Format("20060102150405") {
		t.Fatalf("license_code_info %v", info)
	}
	if status, out := licenseCall(t, ta, ka.AccessID, ska, activate, body(map[string]any{"license": claimed.Code})); status != 200 || out["error_code"] != models.LicenseIllegalState {
		t.Fatalf("activated twice: %d %v", status, out)
	}
	status, out = licenseCall(t, ta, ka.AccessID, ska, heartbeat, body(map[string]any{"license": claimed.Code}))
	data, _ = out["data"].(map[string]any)
	if status != 200 || out["error_code"] != models.LicenseOK || data["status"] != models.LicenseAlive || data["license_code"] != claimed.Code || data["activate_time"] == "" {
		t.Fatalf("heartbeat: %d %v", status, out)
	}
	ta.env.Clock.Advance(time.Second) // the same request signed in the same second is a replay
	_, out = licenseCall(t, ta, ka.AccessID, ska, heartbeat, body(map[string]any{"license": released.Code}))
	if data, _ := out["data"].(map[string]any); data["status"] != models.LicenseReleased {
		t.Fatalf("a released code's heartbeat does not tell its status: %v", out)
	}
}

// TestLicensePages: the buyer sees the code hidden until claiming it (once; another
// buyer cannot); the merchant's list shows order codes masked and test codes in full;
// a test code is refused for a product not delivered by code.
func TestLicensePages(t *testing.T) {
	w := newBuyerWorld(t)
	mid := *w.merchant.MerchantID
	must(t, w.ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", mid).Update("activated_at", w.ta.env.Clock.Now()).Error)
	p, specs := testdb.ListedProduct(t, w.ta.env, mid, models.ProductContent{Type: models.ProductLicense, NameZh: "文档加密", NameEn: "DocGuard",
		SalesObjects: models.SalesAll, License: &models.LicenseFields{Delivery: models.LicenseOnlineCode},
		Specs: []models.SpecContent{{Key: "p", Name: "永久", BillingMode: models.BillingOneTime, OneTimeFen: fen64(680000)}}})
	ctx := context.Background()
	o, err := w.ta.Store.Purchase(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode,
		PeriodType: models.PeriodOneTime, Count: 1, Quantity: 1})
	must(t, err)
	_, err = w.ta.Store.Pay(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, o.OrderNo)
	must(t, err)
	var lc models.LicenseCode
	must(t, w.ta.env.DB.R.Where("order_no = ?", o.OrderNo).Take(&lc).Error)
	page := w.c.get("/buyer/orders/" + o.OrderNo).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="license-hidden"]`).Length() != 1 || strings.Contains(page.Body, lc.Code) {
		t.Fatal("the code shows before the claim")
	}
	claim := "/buyer/orders/" + o.OrderNo + "/licenses/" + itoa64(int64(lc.ID)) + "/claim"
	w.ta.user(models.RoleBuyer, "other-lic@example.com")
	w.ta.loggedIn("other-lic@example.com").post(claim, nil).want(http.StatusNotFound)
	w.c.post(claim, nil).want(http.StatusSeeOther)
	if got := w.c.get("/buyer/orders/" + o.OrderNo).want(http.StatusOK).Doc().Find(`[data-testid="license-value"]`).Text(); got != lc.Code {
		t.Fatalf("after the claim the page shows %q", got)
	}
	w.c.post(claim, nil).want(http.StatusConflict)
	mc := w.ta.loggedIn("m@example.com")
	list := mc.get("/seller/licenses").want(http.StatusOK)
	if strings.Contains(list.Body, lc.Code) || list.Doc().Find(`[data-testid="license-row"]`).Length() != 1 {
		t.Fatal("the merchant's list shows the order's code in full, or not at all")
	}
	if mc.post("/seller/licenses/test-codes", url.Values{"product_id": {itoa64(int64(w.saas.ID))}}).want(http.StatusUnprocessableEntity).fieldError("product_id") == "" {
		t.Fatal("a test code of a SaaS product: no message")
	}
	mc.post("/seller/licenses/test-codes", url.Values{"product_id": {itoa64(int64(p.ID))}}).want(http.StatusSeeOther)
	if mc.get("/seller/licenses?kind=test").want(http.StatusOK).Doc().Find(`[data-testid="license-value"]`).Length() != 1 {
		t.Fatal("the test code is not shown in full")
	}
	mc.get("/seller/licenses?status=NOPE").want(http.StatusBadRequest)
}
