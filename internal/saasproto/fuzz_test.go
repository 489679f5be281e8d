package saasproto

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func FuzzVerifyBodySign(f *testing.F) {
	f.Add(`sign_type="HMAC-SHA256", signature= "B0N+KSlMoUbe7Hr8xeJcA+pGIlbRcFyyoAHYIOmejfc="`, `{"resultCode":"000000","resultMsg":"success"}`)
	f.Add("", "")
	f.Add(`sign_type=,signature=,,=`, "x")
	f.Fuzz(func(t *testing.T, header, body string) {
		msg := VerifyBodySign(vkey, header, []byte(body))
		if msg == "" && header != BodySignHeader(vkey, []byte(body)) {
			st, sig := ParseBodySign(header)
			if st != "HMAC-SHA256" || sig != BodySignature(vkey, []byte(body)) {
				t.Fatalf("accepted %q for %q", header, body)
			}
		}
	})
}

func FuzzDecrypt(f *testing.F) {
	f.Add(aesAdmin, "1")
	f.Add("AbCdEfGh12345678B+Te//30dJs5x/iJJYeiog==", "2")
	f.Add("short", "3")
	f.Fuzz(func(t *testing.T, value, et string) {
		plain, err := Decrypt(vkey, et, value)
		if err == nil {
			again, err := Encrypt(vkey, et, value[:16], plain)
			if err != nil || again != value {
				t.Fatalf("decrypt/encrypt differ: %q -> %q -> %q", value, plain, again)
			}
		}
	})
}

func FuzzEvaluate(f *testing.F) {
	f.Add(`{"resultCode":"000000","resultMsg":"ok","instanceId":"x","appInfo":{"userName":"`+aesAdmin+`"}}`, "v1", "newInstance", 200)
	f.Add(`{"resultCode":"000000","resultMsg":"ok","info":[{"instanceId":"a","appInfo":null}]}`, "v2", "queryInstance", 200)
	f.Add(`{"info":7}`, "v2", "queryInstance", 200)
	f.Add(`null`, "v1", "upgrade", 302)
	f.Fuzz(func(t *testing.T, body, version, activity string, status int) {
		c := Call{Version: Version(version), Activity: activity, AccessKey: vkey}
		h := http.Header{}
		h.Set("Body-Sign", BodySignHeader(vkey, []byte(body)))
		o := Evaluate(c, status, h, []byte(body))
		if len(o.Checks) == 0 || o.Checks[0].Name != CheckTransport {
			t.Fatal("no checks")
		}
		for _, ch := range o.Checks {
			if ch.Message == "" || (ch.Status != Pass && ch.Status != Fail && ch.Status != Skip) {
				t.Fatalf("%+v", ch)
			}
		}
	})
}

func FuzzVerifyV2Request(f *testing.F) {
	f.Add("signature=AB&timestamp=1680508066618&nonce=50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA", `{"a":1}`)
	f.Add("timestamp=99999999999999999999", "")
	f.Fuzz(func(t *testing.T, rawQuery, body string) {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		now := time.UnixMilli(1680508066618)
		if VerifyV2Request(q, []byte(body), vkey, now, DefaultWindow, &NonceCache{}) == nil {
			if q.Get("signature") != V2Signature(vkey, q.Get("nonce"), q.Get("timestamp"), []byte(body)) {
				t.Fatal("accepted a wrong signature")
			}
		}
		_ = VerifyKitV2(http.Header{"X-Sign": q["signature"], "X-Timestamp": q["timestamp"], "X-Nonce": q["nonce"]}, []byte(body), vkey, now, DefaultWindow, nil)
		_ = VerifyV1Request(q, vkey, now, DefaultWindow)
	})
}

func FuzzKitV1Message(f *testing.F) {
	f.Add(`{"flag":1,"userList":[{"a":"b"}],"timeStamp":"20220413093539534"}`)
	f.Add(`{"x":1e400}`)
	f.Fuzz(func(t *testing.T, body string) {
		_, _ = KitV1Message([]byte(body))
		_ = VerifyKitV1(http.Header{"Authtoken": {"x"}}, []byte(body), vkey, time.Now(), DefaultWindow)
	})
}

func FuzzParseAPIGAuthorization(f *testing.F) {
	f.Add("SDK-HMAC-SHA256 Access=test, SignedHeaders=content-type;host;x-sdk-date, Signature=abc")
	f.Add("SDK-HMAC-SHA256 ,,,=")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAPIGAuthorization(h)
		if err == nil && (a.Access == "" || a.Signature == "" || len(a.SignedHeaders) == 0) {
			t.Fatalf("%+v", a)
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	f.Add("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")
	f.Add("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----")
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := ParsePublicKey(s); err == nil && k.N.BitLen() < MinRSABits {
			t.Fatal("small key accepted")
		}
	})
}

func FuzzParseV1Timestamp(f *testing.F) {
	f.Add("20200727073711903")
	f.Add("99999999999999999")
	f.Fuzz(func(t *testing.T, s string) {
		if tm, err := ParseV1Timestamp(s); err == nil && V1Timestamp(tm) != s {
			t.Fatalf("%q -> %v -> %q", s, tm, V1Timestamp(tm))
		}
	})
}
