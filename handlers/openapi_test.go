package handlers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/saasproto"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// apiCall is an open-API request signed with APIG AK/SK at a moment.
func apiCall(t *testing.T, ta *testApp, ak, sk, pathAndQuery string, at time.Time) *http.Request {
	t.Helper()
	u, err := url.Parse(ta.srv.URL + pathAndQuery)
	must(t, err)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	saasproto.APIGSign(saasproto.APIGRequest{Method: http.MethodGet, URL: u, Header: h}, ak, sk, at)
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	must(t, err)
	req.Header = h
	return req
}

type apiAnswer struct {
	Status     int
	ResultCode string         `json:"resultCode"`
	ResultMsg  string         `json:"resultMsg"`
	OrderInfo  map[string]any `json:"orderInfo"`
}

func sendAPI(t *testing.T, req *http.Request) apiAnswer {
	t.Helper()
	resp, err := http.DefaultTransport.RoundTrip(req)
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a apiAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	a.Status = resp.StatusCode
	return a
}

func TestOpenAPIOrderQuery(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	_, ma := activeSeller(t, ta, "api-a@example.com")
	_, mb := activeSeller(t, ta, "api-b@example.com")
	buyer := ta.user(models.RoleBuyer, "api-buyer@example.com")
	ka, ska, err := ta.Store.CreateAccessKey(ctx, models.Actor{UserID: ma.OwnerUserID}, ma.ID, "api")
	must(t, err)
	kb, skb, err := ta.Store.CreateAccessKey(ctx, models.Actor{UserID: mb.OwnerUserID}, mb.ID, "api")
	must(t, err)
	order, _ := testdb.PaidOrder(t, ta.env, testdb.PaidOrderSpec{MerchantID: ma.ID, BuyerID: buyer.ID, ProductType: models.ProductSaaS,
		PaidFen: 9900, PeriodType: "year"})
	now := func() time.Time { return ta.env.Clock.Now() }
	q := func(orderID, lineID string) string {
		v := url.Values{"orderId": {orderID}}
		if lineID != "" {
			v.Set("orderLineId", lineID)
		}
		return OpenAPIOrderQueryPath + "?" + v.Encode()
	}
	line := order.OrderNo + "-000001"

	// The caller's own order, with its line.
	req := apiCall(t, ta, ka.AccessID, ska, q(order.OrderNo, line), now())
	a := sendAPI(t, req)
	if a.Status != 200 || a.ResultCode != "CBC.0000" || a.OrderInfo["orderId"] != order.OrderNo || a.OrderInfo["orderType"] != "NEW" {
		t.Fatalf("%+v", a)
	}
	lines := a.OrderInfo["orderLine"].([]any)
	l0 := lines[0].(map[string]any)
	if len(lines) != 1 || l0["orderLineId"] != line || l0["chargingMode"] != "1" || l0["periodType"] != "year" || l0["currencyAfterDiscount"] != "99.00" {
		t.Fatalf("lines %v", lines)
	}
	// The same signed request again is refused: signatures are single use.
	if a := sendAPI(t, req); a.Status != 403 || a.ResultCode != "CBC.0150" || !strings.Contains(a.ResultMsg, "already used") {
		t.Fatalf("replay: %+v", a)
	}
	// Another merchant's order, and an order that does not exist, are CBC.0150.
	for _, r := range []*http.Request{apiCall(t, ta, kb.AccessID, skb, q(order.OrderNo, ""), now()), apiCall(t, ta, ka.AccessID, ska, q("CS0000000000NONE", ""), now())} {
		if a := sendAPI(t, r); a.Status != 403 || a.ResultCode != "CBC.0150" || a.OrderInfo != nil {
			t.Fatalf("foreign or unknown order: %+v", a)
		}
	}
	// Malformed parameters are CBC.0101.
	for _, path := range []string{OpenAPIOrderQueryPath, q("a b", ""), q(order.OrderNo, "OTHER-000001"), q(strings.Repeat("9", 41), ""), q("MOCKPERIODYEARNEW", "MOCKPERIODYEARNEW-000002")} {
		if a := sendAPI(t, apiCall(t, ta, ka.AccessID, ska, path, now())); a.Status != 400 || a.ResultCode != "CBC.0101" {
			t.Fatalf("%s: %+v", path, a)
		}
	}
	// The documented mock orders answer any caller.
	for id, kind := range map[string]string{"MOCKPERIODYEARNEW": "NEW", "MOCKONETIMENEW": "NEW", "MOCKONDEMAND": "NEW", "MOCKONDEMANDPKG": "NEW",
		"MOCKPERIODDAYTRIAL": "TRIAL", "MOCKMONTYTRIALTOFORMAL": "TRIAL_TO_FORMAL", "MOCKMONTYUNSUBSCRIBE": "UNSUBSCRIBE", "MOCKMONTYRENEW": "RENEW", "MOCKMONTYCHANGE": "CHANGE"} {
		a := sendAPI(t, apiCall(t, ta, kb.AccessID, skb, q(id, id+"-000001"), now()))
		if a.Status != 200 || a.ResultCode != "CBC.0000" || a.OrderInfo["orderType"] != kind {
			t.Fatalf("%s: %+v", id, a)
		}
	}
	// Authentication: a stale or future date, a wrong secret, an unknown AK, a tampered
	// query, no signature at all.
	for name, r := range map[string]*http.Request{
		"stale":   apiCall(t, ta, ka.AccessID, ska, q(order.OrderNo, ""), now().Add(-16*time.Minute)),
		"future":  apiCall(t, ta, ka.AccessID, ska, q(order.OrderNo, ""), now().Add(16*time.Minute)),
		"wrongSK": apiCall(t, ta, ka.AccessID, skb, q(order.OrderNo, ""), now()),
		"unknown": apiCall(t, ta, "NOSUCHACCESSKEY12345", ska, q(order.OrderNo, ""), now()),
	} {
		if a := sendAPI(t, r); a.Status != 403 || a.ResultCode != "CBC.0150" {
			t.Errorf("%s: %+v", name, a)
		}
	}
	tampered := apiCall(t, ta, ka.AccessID, ska, q(order.OrderNo, ""), now())
	tampered.URL.RawQuery = url.Values{"orderId": {"MOCKPERIODYEARNEW"}}.Encode()
	if a := sendAPI(t, tampered); a.Status != 403 {
		t.Errorf("tampered query: %+v", a)
	}
	bare, _ := http.NewRequest(http.MethodGet, ta.srv.URL+q(order.OrderNo, ""), nil)
	if a := sendAPI(t, bare); a.Status != 403 || a.ResultCode != "CBC.0150" {
		t.Errorf("unsigned: %+v", a)
	}
	// A rotation: the old secret works during the grace period, not after it is retired;
	// a revoked key works no more.
	_, newSK, err := ta.Store.RotateAccessKey(ctx, models.Actor{UserID: ma.OwnerUserID}, ma.ID, ka.ID)
	must(t, err)
	for _, sk := range []string{ska, newSK} {
		if a := sendAPI(t, apiCall(t, ta, ka.AccessID, sk, q(order.OrderNo, ""), now())); a.Status != 200 {
			t.Fatalf("during the grace period: %+v", a)
		}
	}
	must(t, ta.Store.RetireOldSecret(ctx, models.Actor{UserID: ma.OwnerUserID}, ma.ID, ka.ID))
	if a := sendAPI(t, apiCall(t, ta, ka.AccessID, ska, q(order.OrderNo, ""), now())); a.Status != 403 {
		t.Fatalf("retired secret: %+v", a)
	}
	must(t, ta.Store.RevokeAccessKey(ctx, models.Actor{UserID: ma.OwnerUserID}, ma.ID, ka.ID))
	if a := sendAPI(t, apiCall(t, ta, ka.AccessID, newSK, q(order.OrderNo, ""), now())); a.Status != 403 || !strings.Contains(a.ResultMsg, "revoked") {
		t.Fatalf("revoked key: %+v", a)
	}
	if strings.Contains(ta.log.String(), ska) || strings.Contains(ta.log.String(), newSK) {
		t.Fatal("a secret reached the log")
	}
}

// TestOpenAPIDocsExampleWorks: the page's signed curl example, sent as shown, answers
// CBC.0000 once; the page never shows the secret.
func TestOpenAPIDocsExampleWorks(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "docs@example.com")
	if c.get("/seller/saas/api").want(http.StatusOK).Doc().Find(`[data-testid="api-no-key"]`).Length() != 1 {
		t.Fatal("no hint without a key")
	}
	secret := createKey(t, c, "docs")
	page := c.get("/seller/saas/api").want(http.StatusOK)
	if strings.Contains(page.Body, secret) {
		t.Fatal("the page shows the secret")
	}
	curl := page.Doc().Find(`[data-testid="curl"]`).Text()
	header := func(name string) string {
		i := strings.Index(curl, "-H '"+name+": ")
		if i < 0 {
			t.Fatalf("no %s in %q", name, curl)
		}
		rest := curl[i+len("-H '"+name+": "):]
		return rest[:strings.Index(rest, "'")]
	}
	target := curl[strings.LastIndex(curl[:len(curl)-1], "'")+1 : len(curl)-1]
	u, err := url.Parse(target)
	must(t, err)
	// The example names the server's public address; send it to the test server.
	req, _ := http.NewRequest(http.MethodGet, ta.srv.URL+u.RequestURI(), nil)
	req.Host = u.Host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Sdk-Date", header("X-Sdk-Date"))
	req.Header.Set("Authorization", header("Authorization"))
	if a := sendAPI(t, req); a.Status != 200 || a.ResultCode != "CBC.0000" || a.OrderInfo["orderId"] != "MOCKPERIODYEARNEW" {
		t.Fatalf("the example: %+v\n%s", a, curl)
	}
	if a := sendAPI(t, req); a.Status != 403 {
		t.Fatalf("the example twice: %+v", a)
	}
	other, _ := activeSeller(t, ta, "docs-other@example.com")
	keys, _ := ta.Store.AccessKeysOf(context.Background(), m.ID)
	other.get("/seller/saas/api?key=" + strconv.Itoa(int(keys[0].ID))).want(http.StatusNotFound)
}
