package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

// xssCorpus holds payloads that would run script if a page echoed them unencoded.
var xssCorpus = []string{
	`<script>alert("xss1")</script>`,
	`"><img src=x onerror=alert('xss2')>`,
	`<svg/onload=alert('xss3')>`,
	`' onmouseover='alert("xss4")`,
	`javascript:alert('xss5')`,
	`</textarea><script>alert('xss6')</script>`,
}

// assertRenderedSafely is the positive control of assertNoInjection: the payload is on
// the page (as text or an attribute's value, so it was really rendered), and it did not
// become markup.
func assertRenderedSafely(t *testing.T, page, payload string, r *resp) {
	t.Helper()
	assertNoInjection(t, page, r)
	doc := r.Doc()
	if strings.Contains(doc.Text(), payload) {
		return
	}
	found := false
	doc.Find("*").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		for _, a := range s.Nodes[0].Attr {
			if strings.Contains(a.Val, payload) {
				found = true
			}
		}
		return !found
	})
	if !found {
		t.Errorf("%s: the payload %q is not on the page, so the check proves nothing", page, payload)
	}
}

// assertNoInjection fails when the page contains a script, an event attribute or a
// javascript: URL that came from a payload.
func assertNoInjection(t *testing.T, page string, r *resp) {
	t.Helper()
	doc := r.Doc()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "xss") {
			t.Errorf("%s: a payload became a script: %q", page, s.Text())
		}
	})
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			k, v := strings.ToLower(a.Key), strings.ToLower(a.Val)
			if strings.HasPrefix(k, "on") && strings.Contains(v, "xss") {
				t.Errorf("%s: payload in event attribute %s=%q", page, a.Key, a.Val)
			}
			if (k == "href" || k == "src" || k == "action" || strings.HasPrefix(k, "hx-")) && strings.HasPrefix(strings.TrimSpace(v), "javascript:") {
				t.Errorf("%s: javascript URL in %s=%q", page, a.Key, a.Val)
			}
		}
	})
}

func TestXSSCorpusInEveryMerchantWritableField(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	ctx := context.Background()
	for i, p := range xssCorpus {
		email := "x" + itoa64(int64(i)) + "@example.com"
		ta.user(models.RoleMerchant, email)
		c := ta.loggedIn(email)
		rn := realNameValues()
		rn.Set("name", p)
		rn.Set("legal_rep_name", p)
		c.postMultipart("/seller/realname", rn, upload{"file_licence", p + ".png", pngBytes}).want(http.StatusSeeOther)
		m := merchantOf(t, ta, email)
		v, _ := ta.Store.CurrentRealName(ctx, m.ID)
		// A reviewer's comment is shown to the merchant: it is user text too.
		if err := ta.Store.DecideRealName(ctx, reviewerActor(rev), v.ID, models.Decision{Approve: true}); err != nil {
			t.Fatal(err)
		}
		app := applicationValues()
		for _, f := range []string{"intro", "contact_name", "address", "signer_name"} {
			app.Set(f, p+" 这是一段足够长的企业简介文字用于测试")
		}
		c.postMultipart("/seller/application", app, upload{"licence", p + ".png", pngBytes}).want(http.StatusSeeOther)
		a, _ := ta.Store.CurrentApplication(ctx, m.ID)
		if err := ta.Store.DecideApplication(ctx, reviewerActor(rev), a.ID, models.Decision{Reason: "reason.application.other", Comment: p}); err != nil {
			t.Fatal(err)
		}
		pages := map[string]string{
			"seller overview": "/seller", "seller realname": "/seller/realname", "seller application": "/seller/application",
			"seller inbox": "/inbox",
		}
		for name, path := range pages {
			assertRenderedSafely(t, name, p, c.get(path).want(http.StatusOK))
		}
		// The same merchant re-applies after rejection, and files a certification and a change.
		c.postMultipart("/seller/application", app, upload{"licence", "l.png", pngBytes}).want(http.StatusSeeOther)
		a, _ = ta.Store.CurrentApplication(ctx, m.ID)
		if err := ta.Store.DecideApplication(ctx, reviewerActor(rev), a.ID, models.Decision{Approve: true}); err != nil {
			t.Fatal(err)
		}
		c.post("/seller/certification/basics", url.Values{"credit_code": {testUSCC}, "taxpayer_type": {"general"}, "invoice_type": {"vat_special"},
			"registered_addr": {p}, "finance_name": {p}, "finance_phone": {"13900139000"}, "finance_email": {"fin@example.com"}}).want(http.StatusSeeOther)
		c.post("/seller/certification/bank", url.Values{"account_name": {p}, "bank_name": {p}, "bank_branch": {p},
			"bank_account": {"0200001234567890"}, "currency": {"CNY"}}).want(http.StatusSeeOther)
		c.post("/seller/certification/survey", url.Values{"has_related_supplier": {"yes"}, "related_suppliers": {p}}).want(http.StatusSeeOther)
		for _, step := range []string{"basics", "bank", "survey"} {
			assertRenderedSafely(t, "seller certification "+step, p, c.get("/seller/certification/"+step).want(http.StatusOK))
		}
		c.post("/seller/certification/transfer", nil).want(http.StatusSeeOther)
		ch := url.Values{"kind": {"profile"}, "website": {"https://ok.example.com"}, "intro": {p + " 新的企业简介，至少二十个字符。"},
			"contact_name": {p}, "contact_mobile": {"13700137000"}, "contact_email": {"new@example.com"},
			"service_email": {"svc@example.com"}, "service_phone": {"010-88886666"}, "address": {p}}
		r := c.postMultipart("/seller/changes", ch).want(http.StatusSeeOther)
		assertRenderedSafely(t, "seller change", p, c.get(r.Location()).want(http.StatusOK))
		assertRenderedSafely(t, "seller profile", p, c.get("/seller/profile").want(http.StatusOK))
		cert, _ := ta.Store.CertificationFor(ctx, m.ID)
		var cr models.ChangeRequest
		ta.env.DB.R.Where("merchant_id = ?", m.ID).First(&cr)

		admin := ta.loggedIn("rev@example.com")
		for name, path := range map[string]string{
			"admin realname":      "/admin/realname/" + itoa64(int64(v.ID)),
			"admin application":   "/admin/applications/" + itoa64(int64(a.ID)),
			"admin certification": "/admin/certifications/" + itoa64(int64(cert.ID)),
			"admin change":        "/admin/changes/" + itoa64(int64(cr.ID)),
			"admin change queue":  "/admin/changes",
			"admin realname list": "/admin/realname?status=all",
			"admin merchants":     "/admin/merchants",
			"admin merchant":      "/admin/merchants/" + itoa64(int64(m.ID)),
			"admin audit":         "/admin/audit",
		} {
			assertRenderedSafely(t, name, p, admin.get(path).want(http.StatusOK))
		}
	}
}

func TestWebsiteMustBeAWebURL(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	onboarded(t, ta, "m@example.com", rev)
	c := ta.loggedIn("m@example.com")
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,<script>", `https://x.example/"><script>`, "ftp://x.example"} {
		ch := url.Values{"kind": {"profile"}, "website": {bad}, "intro": {"一段足够长的企业简介，至少二十个字符。。。"},
			"contact_name": {"n"}, "contact_mobile": {"13700137000"}, "contact_email": {"new@example.com"},
			"service_email": {"svc@example.com"}, "service_phone": {"010-88886666"}, "address": {"addr"}}
		r := c.postMultipart("/seller/changes", ch).want(http.StatusUnprocessableEntity)
		if r.fieldError("website") == "" {
			t.Errorf("website %q accepted", bad)
		}
	}
}
