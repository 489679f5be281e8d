package saasproto

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const vkey = "9fa6c870-8bb0-4e9b-b71e-4c223300156f"

func TestBuildV1MatchesTheVectorMessage(t *testing.T) {
	v := loadVectors(t)
	p := map[string]string{"skuCode": "sku-1"}
	for k, val := range v.V1AuthToken.Params {
		if k != "activity" && k != "testFlag" && k != "timeStamp" {
			p[k] = val
		}
	}
	now := time.Date(2020, 7, 27, 7, 37, 11, 903e6, time.UTC)
	r, ferrs, err := Call{Version: V1, Activity: NewInstance, Address: "https://isv.example.com/saas?x=1", AccessKey: v.AccessKey, Params: p, Now: now}.Build()
	if err != nil || len(ferrs) > 0 {
		t.Fatal(err, ferrs)
	}
	// The vector's message with the two extra parameters in their sorted places.
	want := strings.Replace(v.V1AuthToken.Message, "&testFlag=", "&skuCode=sku-1&testFlag=", 1) + "&x=1"
	if r.Signed != want {
		t.Fatalf("signed\n got %s\nwant %s", r.Signed, want)
	}
	u, _ := url.Parse(r.URL)
	if u.Query().Get("authToken") != V1AuthToken(v.AccessKey, v.V1AuthToken.TimeStamp, want) || r.Method != http.MethodGet {
		t.Fatalf("URL %s", r.URL)
	}
	if err := VerifyV1Request(u.Query(), v.AccessKey, now.Add(time.Second), DefaultWindow); err != nil {
		t.Fatal(err)
	}
	if VerifyV1Request(u.Query(), "other-key", now, DefaultWindow) == nil {
		t.Fatal("another key verified")
	}
	if VerifyV1Request(u.Query(), v.AccessKey, now.Add(2*time.Minute), DefaultWindow) != ErrTimestamp {
		t.Fatal("a stale timeStamp verified")
	}
}

func TestBuildV1EncryptsAndFoldsComposites(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s, _ := Lookup(V1, NewInstance)
	p := Defaults(s, now)
	p["skuCode"], p["productId"] = "sku", "pid"
	p["mobilePhone"], p["email"] = "13812345678", "a+b@example.com"
	p["saasExtendParams.2.name"], p["saasExtendParams.2.value"] = "extendParamName", "v 2"
	r, ferrs, err := Call{Version: V1, Activity: NewInstance, Address: "http://127.0.0.1:9/x", AccessKey: vkey, EncryptType: EncryptAES128, Params: p, Now: now}.Build()
	if err != nil || len(ferrs) > 0 {
		t.Fatal(err, ferrs)
	}
	u, _ := url.Parse(r.URL)
	q := u.Query()
	if got, err := Decrypt(vkey, EncryptAES128, q.Get("email")); err != nil || got != "a+b@example.com" {
		t.Fatalf("email %q %v", got, err)
	}
	if got, err := Decrypt(vkey, EncryptAES128, q.Get("mobilePhone")); err != nil || got != "13812345678" {
		t.Fatalf("mobile %q %v", got, err)
	}
	if q.Get("testFlag") != "1" || q.Get("timeStamp") != "20260102030405000" || q.Get("activity") != NewInstance {
		t.Fatalf("query %v", q)
	}
	ext := decodeB64(t, q.Get("saasExtendParams"))
	if ext != `[{"name":"emailDomainName","value":"isvtest.example.com"},{"name":"extendParamName","value":"v 2"}]` {
		t.Fatalf("saasExtendParams %s", ext)
	}
	if pp := decodeB64(t, q.Get("platformParams")); pp != `{"tenantName":"isv测试企业","tennantId":"4CA08CF8F3E34566A07584D4C74D41ED","userId":"admin@isvtest"}` {
		t.Fatalf("platformParams %s", pp)
	}
	if VerifyV1Request(q, vkey, now, DefaultWindow) != nil {
		t.Fatal("own request does not verify")
	}
}

func TestBuildV2MatchesTheVector(t *testing.T) {
	v := loadVectors(t)
	s := v.V2Signature
	ms := int64(1680508066618)
	r, ferrs, err := Call{Version: V2, Activity: NewInstance, Address: "https://isv.example.com/v2", AccessKey: v.AccessKey,
		Params: map[string]string{"businessId": "87b94795-0603-4e24-8ae5-69420d60e3c8", "orderId": "CS2211181819B4LVS", "orderLineId": "CS2211181819B4LVS-000001"},
		Now:    time.UnixMilli(ms), Nonce: s.Nonce}.Build()
	if err != nil || len(ferrs) > 0 {
		t.Fatal(err, ferrs)
	}
	if string(r.Body) != s.Body {
		t.Fatalf("body\n got %s\nwant %s", r.Body, s.Body)
	}
	u, _ := url.Parse(r.URL)
	if u.Query().Get("signature") != s.Signature || u.Query().Get("timestamp") != s.Timestamp || u.Query().Get("nonce") != s.Nonce {
		t.Fatalf("URL %s", r.URL)
	}
	if r.Header.Get("Content-Type") != "application/json;charset=utf8" || r.Method != http.MethodPost {
		t.Fatal(r.Header)
	}
	nonces := &NonceCache{}
	now := time.UnixMilli(ms + 5000)
	if err := VerifyV2Request(u.Query(), r.Body, v.AccessKey, now, DefaultWindow, nonces); err != nil {
		t.Fatal(err)
	}
	if err := VerifyV2Request(u.Query(), r.Body, v.AccessKey, now, DefaultWindow, nonces); err != ErrNonce {
		t.Fatalf("replayed nonce: %v", err)
	}
	secs := url.Values{"signature": {V2Signature(v.AccessKey, s.Nonce+"X", "1680508066", r.Body)}, "timestamp": {"1680508066"}, "nonce": {s.Nonce + "X"}}
	if err := VerifyV2Request(secs, r.Body, v.AccessKey, now, DefaultWindow, nonces); err != nil {
		t.Fatalf("timestamp in seconds: %v", err)
	}
	if err := VerifyV2Request(u.Query(), append(r.Body, ' '), v.AccessKey, now, DefaultWindow, nil); err != ErrSignature {
		t.Fatalf("changed body: %v", err)
	}
}

func TestBuildKitMatchesTheVectorBody(t *testing.T) {
	v := loadVectors(t)
	k := v.KitV2XSign
	p := map[string]string{"instanceId": "huaiweitest123456", "orderId": "CS1906666666ABCDE", "tenantId": "68cbc86abc2018ab880d92f36422fa0e",
		"tenantCode": "huawei", "name": "huaiweitest", "domainName": "https://example.tenantaccount.com", "flag": "1"}
	now := time.Date(2022, 4, 13, 9, 35, 39, 534e6, time.UTC)
	r, ferrs, err := Call{Version: V2, Activity: TenantSync, Address: "https://isv.example.com/base/", AccessKey: v.AccessKey, Params: p, TestFlag: "0", Now: now, Nonce: k.Nonce}.Build()
	if err != nil || len(ferrs) > 0 {
		t.Fatal(err, ferrs)
	}
	if string(r.Body) != k.Body {
		t.Fatalf("body\n got %s\nwant %s", r.Body, k.Body)
	}
	if KitSign(v.AccessKey, k.Nonce, k.Timestamp, r.Body) != k.XSign {
		t.Fatal("the vector's x-sign does not cover the built body")
	}
	if r.URL != "https://isv.example.com/base/produceAPI/v2/tenantSync" {
		t.Fatal(r.URL)
	}
	if err := VerifyKitV2(r.Header, r.Body, v.AccessKey, now, DefaultWindow, &NonceCache{}); err != nil {
		t.Fatal(err)
	}
	r1, _, err := Call{Version: V1, Activity: TenantSync, Address: "https://isv.example.com", AccessKey: v.AccessKey, Params: p, Now: now}.Build()
	if err != nil || r1.URL != "https://isv.example.com/produceAPI/tenantSync" {
		t.Fatal(err, r1.URL)
	}
	if !strings.Contains(r1.Signed, "flag=1&instanceId=huaiweitest123456&") || !strings.HasSuffix(r1.Signed, "&testFlag=1&timeStamp=20220413093539534") {
		t.Fatalf("V1 kit message %s", r1.Signed)
	}
	if err := VerifyKitV1(r1.Header, r1.Body, v.AccessKey, now, DefaultWindow); err != nil {
		t.Fatal(err)
	}
}

func TestValidateNamesEachBadParameter(t *testing.T) {
	s, _ := Lookup(V1, NewInstance)
	p := Defaults(s, time.Now())
	p["customerId"], p["skuCode"], p["productId"] = "", "", " "
	p["orderId"] = strings.Repeat("x", 65)
	p["expireTime"] = "2026-01-01"
	p["orderAmount"] = "1.2345"
	p["periodType"] = "week"
	p["periodNumber"] = "1a"
	p["email"] = "not-an-email"
	p["mobilePhone"] = "12"
	p["userName"] = "a\x00b"
	p["saasExtendParams.3.name"] = "lonely"
	_, errs, err := Call{Version: V1, Activity: NewInstance, Params: p}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range errs {
		got[e.Field] = e.Problem
	}
	want := map[string]string{"customerId": "required", "orderId": "too_long", "expireTime": "time", "orderAmount": "amount",
		"periodType": "option", "periodNumber": "digits", "email": "email", "mobilePhone": "mobile", "userName": "control",
		"saasExtendParams.3.name": "ext_pair", "skuCode": "required", "productId": "required"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("errors %v", got)
	}
	ids := strings.TrimSuffix(strings.Repeat("i,", MaxQueryIDs+1), ",")
	_, errs, _ = Call{Version: V2, Activity: QueryInstance, Params: map[string]string{"instanceId": ids}}.Validate()
	if len(errs) != 1 || errs[0].Problem != "too_many_ids" {
		t.Fatal(errs)
	}
	if _, _, err := (Call{Version: V2, Activity: ExpireInstance}).Validate(); err != ErrUnknownActivity {
		t.Fatal("V1-only activity accepted in V2")
	}
	ok := Defaults(s, time.Now())
	ok["skuCode"], ok["productId"] = "sku", "pid"
	if _, _, err := (Call{Version: V1, Activity: NewInstance, Address: "ftp://x", AccessKey: "k", Params: ok}).Build(); err != ErrAddress {
		t.Fatal("ftp address accepted")
	}
}

func TestRequiredActivities(t *testing.T) {
	cases := []struct {
		v     Version
		modes []string
		want  string
	}{
		{V1, []string{BillingPeriod}, "newInstance refreshInstance expireInstance releaseInstance"},
		{V1, []string{BillingOneTime}, "newInstance releaseInstance"},
		{V1, []string{BillingOnDemand}, "newInstance instanceStatus releaseInstance"},
		{V1, []string{BillingOnDemand, BillingPeriod}, "newInstance refreshInstance expireInstance instanceStatus releaseInstance"},
		{V2, []string{BillingPeriod}, "newInstance queryInstance refreshInstance updateInstanceStatus releaseInstance"},
		{V2, []string{BillingPackage}, "newInstance queryInstance releaseInstance"},
	}
	for _, c := range cases {
		if got := strings.Join(RequiredActivities(c.v, c.modes), " "); got != c.want {
			t.Errorf("%s %v: %s, want %s", c.v, c.modes, got, c.want)
		}
	}
}

func decodeB64(t *testing.T, s string) string {
	t.Helper()
	out, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return string(out)
}
