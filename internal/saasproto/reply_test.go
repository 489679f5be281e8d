package saasproto

import (
	"net/http"
	"strings"
	"testing"
)

// aesAdmin is "admin" encrypted with the vector key, AES-256 (from the shared vectors).
const aesAdmin = "AbCdEfGh12345678mKLIBeDrBU1Z9NVUOPEMhg=="

func signed(body string) http.Header {
	h := http.Header{}
	h.Set("Body-Sign", BodySignHeader(vkey, []byte(body)))
	return h
}

func verdicts(o Outcome) string {
	var b []string
	for _, c := range o.Checks {
		b = append(b, c.Name+"="+string(c.Status))
	}
	return strings.Join(b, " ")
}

func find(o Outcome, name string) Check {
	for _, c := range o.Checks {
		if c.Name == name {
			return c
		}
	}
	return Check{}
}

func TestEvaluateV1NewInstance(t *testing.T) {
	c := Call{Version: V1, Activity: NewInstance, AccessKey: vkey}
	good := `{"resultCode":"000000","resultMsg":"success","instanceId":"i-1","encryptType":"1","appInfo":{"frontEndUrl":"https://a.example.com","adminUrl":"https://b.example.com","userName":"` + aesAdmin + `","password":"` + aesAdmin + `","memo":"m"}}`
	o := Evaluate(c, 200, signed(good), []byte(good))
	if !o.Passed() || verdicts(o) != "transport=pass http_status=pass body_sign=pass json=pass fields=pass signature=pass result_code=pass app_info=pass" {
		t.Fatalf("%s %+v", verdicts(o), o.Checks)
	}
	if len(o.AppInfo) != 1 || o.AppInfo[0].UserName != "admin" || o.AppInfo[0].Password != "admin" || o.AppInfo[0].InstanceID != "i-1" {
		t.Fatalf("%+v", o.AppInfo)
	}

	// The three Body-Sign verdicts, word for word.
	o = Evaluate(c, 200, http.Header{}, []byte(good))
	if ch := find(o, CheckBodySign); ch.Status != Fail || ch.Message != "http header->bodySign is empty." {
		t.Fatalf("%+v", ch)
	}
	if find(o, CheckJSON).Status != Skip {
		t.Fatal("checks ran after a failed Body-Sign")
	}
	h := http.Header{}
	h.Set("Body-Sign", `sign_type="HMAC-SHA1", signature= "x"`)
	if ch := find(Evaluate(c, 200, h, []byte(good)), CheckBodySign); ch.Message != "http header->sign_type is not equals HMAC-SHA256 or signature is empty." {
		t.Fatalf("%+v", ch)
	}
	h.Set("Body-Sign", `sign_type="HMAC-SHA256", signature= "AAAA"`)
	want := "Failed to verify the HTTP Body signature. Expected signature value: " + BodySignature(vkey, []byte(good))
	if ch := find(Evaluate(c, 200, h, []byte(good)), CheckBodySign); ch.Message != want || ch.Problem != "body_sign_mismatch" {
		t.Fatalf("%+v", ch)
	}

	// appInfo encrypted with AES-128 but announced as AES-256.
	other, _ := Encrypt(vkey, EncryptAES128, "", "admin")
	bad := strings.ReplaceAll(good, aesAdmin, other)
	o = Evaluate(c, 200, signed(bad), []byte(bad))
	if ch := find(o, CheckAppInfo); ch.Status != Fail || !strings.Contains(ch.Message, "appInfo.userName cannot be decrypted") {
		t.Fatalf("%+v", ch)
	}

	// Missing instanceId on success.
	noID := `{"resultCode":"000000","resultMsg":"success"}`
	if ch := find(Evaluate(c, 200, signed(noID), []byte(noID)), CheckFields); ch.Status != Fail || ch.Message != "mandatory fields: instanceId is missing" {
		t.Fatalf("%+v", ch)
	}
}

func TestEvaluateCodesShapesAndStatus(t *testing.T) {
	c := Call{Version: V2, Activity: ReleaseInstance, AccessKey: vkey}
	cases := []struct {
		status      int
		body        string
		check, want string
	}{
		{500, `{"resultCode":"000000","resultMsg":"x"}`, CheckHTTPStatus, "HTTP status 500, expected 200"},
		{200, `<html>oops</html>`, CheckJSON, "the body is not a JSON object: <html>oops</html>"},
		{200, `{"a":1}{"b":2}`, CheckJSON, `the body is not a JSON object: {"a":1}{"b":2}`},
		{200, ``, CheckJSON, "the body is not a JSON object: (empty body)"},
		{200, `[1]`, CheckJSON, "the body is not a JSON object: [1]"},
		{200, `{"resultCode":0,"resultMsg":"x"}`, CheckFields, "mandatory fields: resultCode must be a string"},
		{200, `{"resultCode":"000000"}`, CheckFields, "mandatory fields: resultMsg is missing"},
		{200, `{"resultCode":"123456","resultMsg":"x"}`, CheckResultCode, `unknown resultCode "123456": not one of the protocol's codes`},
		{200, `{"resultCode":"000003","resultMsg":"gone"}`, CheckResultCode, "resultCode 000003 instance not found: resultMsg gone"},
		{200, `{"resultCode":"000001","resultMsg":"bad sign"}`, CheckSignature, "resultCode 000001 authentication failed: the merchant did not accept the request's signature; check that both sides use the same access key"},
		{200, `{"resultCode":"000004","resultMsg":"wait"}`, CheckResultCode, "resultCode 000004 processing: resultMsg wait"},
	}
	for _, k := range cases {
		o := Evaluate(c, k.status, http.Header{}, []byte(k.body))
		ch := find(o, k.check)
		if ch.Status != Fail || ch.Message != k.want || o.Passed() {
			t.Errorf("%d %s: %s %+v", k.status, k.body, verdicts(o), ch)
		}
	}
	ok := `{"resultCode":"000004","resultMsg":"processing","instanceId":"i-9"}`
	if o := Evaluate(Call{Version: V2, Activity: NewInstance, AccessKey: vkey}, 200, nil, []byte(ok)); !o.Passed() {
		t.Fatalf("V2 newInstance processing refused: %s", verdicts(o))
	}
	noID := `{"resultCode":"000000","resultMsg":"success"}`
	if o := Evaluate(Call{Version: V2, Activity: NewInstance, AccessKey: vkey}, 200, nil, []byte(noID)); !o.Passed() {
		t.Fatalf("V2 newInstance without instanceId refused: %s", verdicts(o))
	}
	numID := `{"resultCode":"000000","resultMsg":"success","instanceId":7}`
	if ch := find(Evaluate(Call{Version: V2, Activity: NewInstance, AccessKey: vkey}, 200, nil, []byte(numID)), CheckFields); ch.Message != "mandatory fields: instanceId must be a string" {
		t.Fatalf("V2 newInstance with a numeric instanceId: %+v", ch)
	}
	q := `{"resultCode":"000000","resultMsg":"ok","encryptType":"1","info":[{"instanceId":"a","appInfo":{"userName":"` + aesAdmin + `"}},{"instanceId":"b"}]}`
	o := Evaluate(Call{Version: V2, Activity: QueryInstance, AccessKey: vkey}, 200, nil, []byte(q))
	if !o.Passed() || strings.Join(o.InstanceIDs, ",") != "a,b" || o.AppInfo[0].UserName != "admin" {
		t.Fatalf("%s %+v", verdicts(o), o)
	}
	q = `{"resultCode":"000000","resultMsg":"ok","info":[{"appInfo":{}}]}`
	if ch := find(Evaluate(Call{Version: V2, Activity: QueryInstance, AccessKey: vkey}, 200, nil, []byte(q)), CheckFields); ch.Message != "mandatory fields: info[0].instanceId is missing" {
		t.Fatalf("%+v", ch)
	}
	tf := TransportFailure(Call{Version: V1, Activity: NewInstance}, "timeout", "5s")
	if tf.Passed() || verdicts(tf) != "transport=fail http_status=skip body_sign=skip json=skip fields=skip signature=skip result_code=skip app_info=skip" {
		t.Fatal(verdicts(tf))
	}
}
