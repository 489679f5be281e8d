package handlers

// The page shell: the language switch, the brand of each center, the dev outbox.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

// TestLanguageSwitchKeepsTheWholeAddress: switching the language comes back to the same
// page with its query (a chooser's type, a filtered list), and after a form came back
// with errors, to the page the form was on.
func TestLanguageSwitchKeepsTheWholeAddress(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	c := ta.loggedIn("b@example.com")
	for _, address := range []string{"/buyer/orders?status=COMPLETED&kind=NEW", "/catalog?q=%E5%8D%8F%E5%90%8C", "/buyer/profile?next=%2Fbuyer%2Forders"} {
		page := c.get(address).want(http.StatusOK)
		next, _ := page.Doc().Find(`input[name="next"][data-locale-next]`).Attr("value")
		if next != address {
			t.Fatalf("the switch on %s comes back to %q", address, next)
		}
		r := c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {next}}).want(http.StatusSeeOther)
		if r.Location() != address {
			t.Fatalf("switching on %s went to %s", address, r.Location())
		}
	}
	// A form shown again with its errors: back to the page the form was on.
	c.ensureCSRF()
	form := url.Values{"_csrf": {c.csrf}, "subject_type": {"nonsense"}}
	req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/buyer/profile", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", ta.srv.URL+"/buyer/profile?next=%2Fbuyer")
	page := c.do(req).want(http.StatusUnprocessableEntity)
	if next, _ := page.Doc().Find(`input[name="next"][data-locale-next]`).Attr("value"); next != "/buyer/profile?next=%2Fbuyer" {
		t.Fatalf("after a refused form the switch comes back to %q", next)
	}
	// Another site's address is never taken.
	req, _ = http.NewRequest(http.MethodPost, ta.srv.URL+"/buyer/profile", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "https://evil.example/phish")
	page = c.do(req).want(http.StatusUnprocessableEntity)
	if next, _ := page.Doc().Find(`input[name="next"][data-locale-next]`).Attr("value"); next != "/buyer/profile" {
		t.Fatalf("a foreign referer became %q", next)
	}
}

// TestBuyerCenterIsBrandedAsSuch: buyers are in the buyer center, merchants in the
// seller center, in both languages.
func TestBuyerCenterIsBrandedAsSuch(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	ta.user(models.RoleMerchant, "m@example.com")
	for _, tc := range []struct{ email, path, lang, want string }{
		{"b@example.com", "/buyer", "en", "Buyer Center"},
		{"b@example.com", "/buyer", "zh-CN", "云商店买家中心"},
		{"m@example.com", "/seller", "en", "Seller Center"},
		{"m@example.com", "/seller", "zh-CN", "云商店卖家中心"},
	} {
		c := ta.loggedIn(tc.email)
		c.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "lang", Value: tc.lang, Path: "/"}})
		doc := c.get(tc.path).want(http.StatusOK).Doc()
		if title := doc.Find("title").Text(); !strings.HasSuffix(title, "· "+tc.want) {
			t.Errorf("%s %s: title %q", tc.email, tc.lang, title)
		}
		if !strings.Contains(doc.Find("aside").Text(), tc.want) {
			t.Errorf("%s %s: the sidebar does not say %q", tc.email, tc.lang, tc.want)
		}
	}
}

// TestDevOutboxShowsLinksAsLinks: a mailed link can be followed from the outbox page;
// only web addresses become links.
func TestDevOutboxShowsLinksAsLinks(t *testing.T) {
	ta := newTestApp(t)
	c := ta.client()
	c.post("/register", url.Values{"role": {"buyer"}, "email": {"new@example.com"}, "name": {"N"},
		"password": {"a-long-password"}, "confirm": {"a-long-password"}, "agree": {"1"}}).want(http.StatusSeeOther)
	ta.drainJobs()
	doc := c.get("/dev/outbox").want(http.StatusOK).Doc()
	href, ok := doc.Find(`[data-testid="outbox-body"] a`).Attr("href")
	if !ok || !strings.HasPrefix(href, ta.Cfg.BaseURL+"/verify-email?token=") {
		t.Fatalf("the verification link is not a link: %q", href)
	}
}
