package saasdebug

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
)

const key = "demo-key-0123456789abcdef0123456789"

func demo(t *testing.T, o saasdemo.Options) (*saasdemo.Server, string) {
	t.Helper()
	if o.Keys == nil {
		o.Keys = func() []string { return []string{"another-key-first", key} }
	}
	s := saasdemo.New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

func client() *outbound.Client {
	return outbound.New(outbound.Options{AllowPrivate: true})
}

func send(t *testing.T, c saasproto.Call, timeout time.Duration) *Result {
	t.Helper()
	res, err := Send(context.Background(), client(), c, timeout)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("%s %s: %v", c.Version, c.Activity, res.Problems)
	}
	return res
}

func failing(r *Result) string {
	if ch, ok := r.Outcome.Failed(); ok {
		return ch.Name + ": " + ch.Message
	}
	return ""
}

// TestEveryActivityPassesAgainstTheReferenceEndpoint runs each tab of the console, both
// versions, against the reference merchant endpoint.
func TestEveryActivityPassesAgainstTheReferenceEndpoint(t *testing.T) {
	srv, url := demo(t, saasdemo.Options{})
	pub, err := srv.PublicKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []saasproto.Version{saasproto.V1, saasproto.V2} {
		var instance string
		for _, s := range saasproto.Specs(v) {
			p := saasproto.Defaults(s, time.Now())
			p["publicKey"] = pub
			if instance != "" {
				p["instanceId"] = instance
			}
			for _, et := range []string{"1", "2"} {
				if et == "2" && s.Activity != saasproto.NewInstance {
					continue
				}
				res := send(t, saasproto.Call{Version: v, Activity: s.Activity, Address: url, AccessKey: key, EncryptType: et, Params: p}, 5*time.Second)
				if !res.Passed() {
					t.Errorf("%s %s (encryptType %s): %s\n%s", v, s.Activity, et, failing(res), res.Body)
				}
				if s.Activity == saasproto.NewInstance {
					instance = res.Outcome.InstanceIDs[0]
				}
				if s.Activity == saasproto.QueryInstance && v == saasproto.V2 {
					if len(res.Outcome.AppInfo) != 1 || res.Outcome.AppInfo[0].UserName != "admin" {
						t.Fatalf("V2 query appInfo %+v", res.Outcome.AppInfo)
					}
				}
				if s.Activity == saasproto.NewInstance && v == saasproto.V1 {
					if len(res.Outcome.AppInfo) != 1 || res.Outcome.AppInfo[0].UserName != "admin" || !strings.HasPrefix(res.Outcome.AppInfo[0].Password, "Pw-") {
						t.Fatalf("appInfo %+v", res.Outcome.AppInfo)
					}
				}
			}
			if s.Activity == saasproto.NewInstance && v == saasproto.V2 {
				// V2 provisions asynchronously: find the instance through queryInstance
				// after a resend of the same order, which must not make a second one.
				res := send(t, saasproto.Call{Version: v, Activity: s.Activity, Address: url, AccessKey: key, Params: p}, 5*time.Second)
				if !res.Passed() || res.Outcome.InstanceIDs[0] != instance {
					t.Fatal(failing(res), res.Outcome.InstanceIDs, instance)
				}
			}
		}
	}
}

func TestV1ResendGetsTheSameInstance(t *testing.T) {
	_, url := demo(t, saasdemo.Options{})
	s, _ := saasproto.Lookup(saasproto.V1, saasproto.NewInstance)
	p := saasproto.Defaults(s, time.Now())
	a := send(t, saasproto.Call{Version: saasproto.V1, Activity: saasproto.NewInstance, Address: url, AccessKey: key, Params: p}, time.Second)
	b := send(t, saasproto.Call{Version: saasproto.V1, Activity: saasproto.NewInstance, Address: url, AccessKey: key, Params: p}, time.Second)
	if !a.Passed() || !b.Passed() || a.Outcome.InstanceIDs[0] != b.Outcome.InstanceIDs[0] {
		t.Fatalf("%v %v", a.Outcome.InstanceIDs, b.Outcome.InstanceIDs)
	}
}

// TestMisbehavingEndpointsAreReportedExactly covers R6: each broken merchant answer is
// reported with its exact message, and nothing waits past the timeout.
func TestMisbehavingEndpointsAreReportedExactly(t *testing.T) {
	_, url := demo(t, saasdemo.Options{Slow: 5 * time.Second})
	cases := []struct {
		mode    string
		version saasproto.Version
		want    string // prefix of the first failing check
	}{
		{saasdemo.ModeNoBodySign, saasproto.V1, "body_sign: http header->bodySign is empty."},
		{saasdemo.ModeWrongBodySign, saasproto.V1, "body_sign: Failed to verify the HTTP Body signature. Expected signature value: "},
		{saasdemo.ModeErrorCode, saasproto.V2, "result_code: resultCode 000005 internal error: resultMsg demo error: internal error"},
		{saasdemo.ModeNonJSON, saasproto.V2, "json: the body is not a JSON object: <html><body><h1>502 Bad Gateway</h1></body></html>"},
		{saasdemo.ModeHuge, saasproto.V2, "transport: the answer is larger than allowed: limit 1048576 bytes"},
		{saasdemo.ModeSlow, saasproto.V2, "transport: no answer within the timeout: 300ms"},
		{saasdemo.ModeRedirect, saasproto.V2, `transport: the merchant answered with a redirect, which is not followed: 302 to "http://169.254.169.254/latest/meta-data/"`},
	}
	for _, c := range cases {
		s, _ := saasproto.Lookup(c.version, saasproto.NewInstance)
		// Only the slow endpoint meets the short timeout: the others answer at once, but a
		// busy machine may take longer than 300 ms to read a megabyte.
		timeout := 5 * time.Second
		if c.mode == saasdemo.ModeSlow {
			timeout = 300 * time.Millisecond
		}
		start := time.Now()
		res := send(t, saasproto.Call{Version: c.version, Activity: saasproto.NewInstance, Address: url + "/misbehave/" + c.mode, AccessKey: key, Params: saasproto.Defaults(s, time.Now())}, timeout)
		if took := time.Since(start); took > timeout+time.Second {
			t.Errorf("%s: took %s", c.mode, took)
		}
		if got := failing(res); !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want %q", c.mode, got, c.want)
		}
	}
	s, _ := saasproto.Lookup(saasproto.V2, saasproto.ReleaseInstance)
	p := saasproto.Defaults(s, time.Now())
	p["instanceId"] = "i-1"
	res := send(t, saasproto.Call{Version: saasproto.V2, Activity: saasproto.ReleaseInstance, Address: url + "/misbehave/reset", AccessKey: key, Params: p}, time.Second)
	if got := failing(res); !strings.HasPrefix(got, "transport: the call failed: ") {
		t.Errorf("reset: %q", got)
	}
}

func TestWrongKeyIsReported(t *testing.T) {
	_, url := demo(t, saasdemo.Options{Keys: func() []string { return []string{key} }})
	s, _ := saasproto.Lookup(saasproto.V2, saasproto.NewInstance)
	res := send(t, saasproto.Call{Version: saasproto.V2, Activity: saasproto.NewInstance, Address: url, AccessKey: "not-the-key", Params: saasproto.Defaults(s, time.Now())}, time.Second)
	if got := failing(res); !strings.HasPrefix(got, "signature: resultCode 000001 authentication failed") {
		t.Fatalf("%q", got)
	}
	s, _ = saasproto.Lookup(saasproto.V1, saasproto.NewInstance)
	res = send(t, saasproto.Call{Version: saasproto.V1, Activity: saasproto.NewInstance, Address: url, AccessKey: "not-the-key", Params: saasproto.Defaults(s, time.Now())}, time.Second)
	if got := failing(res); !strings.HasPrefix(got, "body_sign: Failed to verify the HTTP Body signature.") {
		t.Fatalf("%q", got)
	}
}

func TestPrivateAddressRefusedWithoutTheSetting(t *testing.T) {
	_, url := demo(t, saasdemo.Options{})
	s, _ := saasproto.Lookup(saasproto.V2, saasproto.NewInstance)
	res, err := Send(context.Background(), outbound.New(outbound.Options{}), saasproto.Call{Version: saasproto.V2, Activity: saasproto.NewInstance, Address: url, AccessKey: key, Params: saasproto.Defaults(s, time.Now())}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := failing(res); got != "transport: the address is not allowed: 127.0.0.1" {
		t.Fatalf("%q", got)
	}
}

func TestCommandLine(t *testing.T) {
	_, url := demo(t, saasdemo.Options{})
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := RunCLI(context.Background(), args, &out, &errb)
		return code, out.String(), errb.String()
	}
	code, out, _ := run("--activity", "newInstance", "--version", "v1", "--url", url, "--key", key, "--param", "customerName=ACME Ltd")
	if code != ExitPassed || !strings.Contains(out, "PASS body_sign\n") || !strings.Contains(out, "> GET "+url+"?") || !strings.Contains(out, "appInfo demo-") {
		t.Fatalf("%d\n%s", code, out)
	}
	code, out, _ = run("--activity", "newInstance", "--version", "v1", "--url", url+"/misbehave/no-body-sign", "--key", key)
	if code != ExitFailed || !strings.Contains(out, "FAIL body_sign: http header->bodySign is empty.\n") || !strings.Contains(out, "SKIP json\n") {
		t.Fatalf("%d\n%s", code, out)
	}
	code, out, _ = run("--activity", "queryInstance", "--url", url, "--key", key, "--param", "instanceId=nope", "--json")
	var j JSONResult
	if err := json.Unmarshal([]byte(out), &j); err != nil || code != ExitFailed || j.Passed || j.Response.Status != http.StatusOK || j.Request.Method != "POST" {
		t.Fatalf("%d %v\n%s", code, err, out)
	}
	for _, bad := range [][]string{
		{"--url", url, "--key", key},
		{"--activity", "newInstance", "--key", key},
		{"--activity", "expireInstance", "--version", "v2", "--url", url, "--key", key},
		{"--activity", "newInstance", "--url", url, "--key", key, "--param", "noSuch=1"},
		{"--activity", "newInstance", "--url", url, "--key", key, "--param", "orderId="},
		{"--activity", "newInstance", "--url", "ftp://x", "--key", key},
		{"--activity", "newInstance", "--url", url, "--key", key, "--timeout", "-1s"},
		{"--bogus"},
	} {
		if code, _, errOut := run(bad...); code != ExitUsage || !strings.Contains(errOut, "usage:") {
			t.Errorf("%v: %d %s", bad, code, errOut)
		}
	}
}
