package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

// TestSellerFormsRefuseBadInput sends empty, over-long, malformed and invalid-UTF-8 values
// to every merchant form field: each answer is 422 with the field's message, never 500.
func TestSellerFormsRefuseBadInput(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	onboarded(t, ta, "m@example.com", rev)
	c := ta.loggedIn("m@example.com")
	long := strings.Repeat("长", 2001)
	basics := url.Values{"credit_code": {testUSCC}, "taxpayer_type": {"general"}, "invoice_type": {"vat_special"},
		"registered_addr": {"北京"}, "finance_name": {"赵六"}, "finance_phone": {"13900139000"}, "finance_email": {"fin@example.com"}}
	profile := url.Values{"kind": {"profile"}, "website": {"https://ok.example.com"}, "intro": {"一段足够长的企业简介，至少二十个字符。。。"},
		"contact_name": {"n"}, "contact_mobile": {"13700137000"}, "contact_email": {"new@example.com"},
		"service_email": {"svc@example.com"}, "service_phone": {"010-88886666"}, "address": {"addr"}}
	cases := []struct {
		path  string
		base  url.Values
		field string
		value string
	}{
		{"/seller/certification/basics", basics, "credit_code", ""},
		{"/seller/certification/basics", basics, "credit_code", "91350100M000100Y4X"},
		{"/seller/certification/basics", basics, "taxpayer_type", "billionaire"},
		{"/seller/certification/basics", basics, "registered_addr", long},
		{"/seller/certification/basics", basics, "finance_phone", "12345"},
		{"/seller/certification/basics", basics, "finance_email", "not-mail"},
		{"/seller/certification/basics", basics, "finance_name", "bad\xc3\x28"},
		{"/seller/changes", profile, "website", ""},
		{"/seller/changes", profile, "intro", "short"},
		{"/seller/changes", profile, "intro", long},
		{"/seller/changes", profile, "contact_mobile", "021-1234"},
		{"/seller/changes", profile, "service_phone", "phone"},
		{"/seller/changes", profile, "contact_email", "x@"},
		{"/seller/changes", profile, "address", "\xff\xfe"},
	}
	for _, tc := range cases {
		form := url.Values{}
		for k, v := range tc.base {
			form[k] = v
		}
		form.Set(tc.field, tc.value)
		var r *resp
		if tc.path == "/seller/changes" {
			r = c.postMultipart(tc.path, form)
		} else {
			r = c.post(tc.path, form)
		}
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s %s=%.20q: status %d, want 422", tc.path, tc.field, tc.value, r.Status)
			continue
		}
		if r.fieldError(tc.field) == "" {
			t.Errorf("%s %s=%.20q: no message on the field", tc.path, tc.field, tc.value)
		}
	}
	var n int64
	ta.env.DB.R.Model(&models.ChangeRequest{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d change requests saved from bad input", n)
	}
	if cert, _ := ta.Store.CertificationFor(t.Context(), merchantOf(t, ta, "m@example.com").ID); cert.BasicsDone {
		t.Fatal("certification basics saved from bad input")
	}
}

// TestGarbageRequestsAreRefused: a broken body is a 400 that saves nothing, and a
// malformed id or step a 404 (or the role's 403), never a 500.
func TestGarbageRequestsAreRefused(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	onboarded(t, ta, "m@example.com", rev)
	c := ta.loggedIn("m@example.com")
	c.ensureCSRF()
	rows := func() string {
		var counts []int64
		for _, m := range []any{&models.RealNameVerification{}, &models.OnboardingApplication{}, &models.ChangeRequest{}, &models.User{}, &models.File{}, &models.AuditLog{}} {
			var n int64
			must(t, ta.env.DB.R.Model(m).Count(&n).Error)
			counts = append(counts, n)
		}
		return fmt.Sprint(counts)
	}
	before := rows()
	// The application was approved long ago: its form is refused (409) before any body.
	for path, want := range map[string]int{"/seller/realname": 400, "/seller/application": 409, "/seller/changes": 400,
		"/seller/certification/basics": 400, "/login": 400, "/register": 400} {
		req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+path, strings.NewReader("--garbage\r\n\x00\x01"))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=garbage")
		req.Header.Set("X-CSRF-Token", c.csrf)
		if r := c.do(req); r.Status != want {
			t.Errorf("%s with a broken multipart body: %d, want %d", path, r.Status, want)
		}
	}
	if after := rows(); after != before {
		t.Fatalf("broken bodies changed rows: %s → %s", before, after)
	}
	for path, want := range map[string]int{"/seller/changes/abc": 404, "/seller/changes/99999999999999999999": 404, "/files/-1": 404,
		"/seller/certification/nope": 404, "/admin/realname/x": 403} {
		if r := c.get(path); r.Status != want {
			t.Errorf("GET %s: %d, want %d", path, r.Status, want)
		}
	}
}
