package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"sellercenter/models"
)

func lastMailLink(t *testing.T, ta *testApp, to, path string) string {
	t.Helper()
	ta.drainJobs()
	msgs, err := ta.Store.OutboxMessages(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(regexp.QuoteMeta(ta.Cfg.BaseURL+path) + `\?token=([0-9a-f]+)`)
	for _, m := range msgs {
		if m.To == to {
			if mm := re.FindStringSubmatch(m.Body); mm != nil {
				return path + "?token=" + mm[1]
			}
		}
	}
	t.Fatalf("no mail with %s to %s", path, to)
	return ""
}

func TestRegisterVerifyLoginLogout(t *testing.T) {
	ta := newTestApp(t)
	c := ta.client()
	c.get("/register").want(http.StatusOK)
	r := c.post("/register", url.Values{"role": {"merchant"}, "email": {"New@Example.com"}, "name": {"新商家"},
		"password": {"a-long-password"}, "confirm": {"a-long-password"}, "agree": {"1"}}).want(http.StatusSeeOther)
	// Registration sends the user to log in, whether the address was new or not.
	if r.Location() != "/login" {
		t.Fatalf("after register: %s", r.Location())
	}
	u, err := ta.Store.UserByEmail(context.Background(), "new@example.com")
	if err != nil || u.Role != models.RoleMerchant || u.MerchantID == nil || u.Verified() {
		t.Fatalf("user %+v, %v", u, err)
	}
	c.get("/seller").want(http.StatusSeeOther)
	c.login("new@example.com", "a-long-password")
	page := c.get("/seller").want(http.StatusOK)
	if page.Doc().Find(`[data-testid="verify-banner"]`).Length() != 1 {
		t.Fatal("no verify banner for unverified user")
	}
	link := lastMailLink(t, ta, "new@example.com", "/verify-email")
	c.get(link).want(http.StatusSeeOther)
	u, _ = ta.Store.UserByEmail(context.Background(), "new@example.com")
	if !u.Verified() {
		t.Fatal("email not verified after link")
	}
	// The link is single-use.
	c.get(link).want(http.StatusBadRequest)

	// Logout kills the session server-side: a copied cookie is dead.
	cookies := c.http.Jar.Cookies(mustURL(ta.srv.URL))
	c.post("/logout", nil).want(http.StatusSeeOther)
	thief := ta.client()
	thief.http.Jar.SetCookies(mustURL(ta.srv.URL), cookies)
	thief.get("/seller").want(http.StatusSeeOther)
}

func mustURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

func TestRegisterBadInput(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "taken@example.com")
	cases := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"empty email", url.Values{"email": {""}}, "email", "required"},
		{"bad email", url.Values{"email": {"not-an-email"}}, "email", "valid email"},
		{"too long name", url.Values{"name": {strings.Repeat("长", 101)}}, "name", "At most 100"},
		{"short password", url.Values{"password": {"short"}, "confirm": {"short"}}, "password", "At least 10"},
		{"password over 72 bytes", url.Values{"password": {strings.Repeat("x", 73)}, "confirm": {strings.Repeat("x", 73)}}, "password", "At most 72 bytes"},
		{"mismatch", url.Values{"confirm": {"something-else"}}, "confirm", "do not match"},
		{"invalid utf8", url.Values{"name": {"bad\xff\xfe"}}, "name", "invalid characters"},
		{"no terms", url.Values{"agree": {""}}, "agree", "accept the terms"},
		{"bad role", url.Values{"role": {"reviewer"}}, "role", "offered options"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"role": {"buyer"}, "email": {"fresh@example.com"}, "name": {"Buyer"},
				"password": {"a-long-password"}, "confirm": {"a-long-password"}, "agree": {"1"}}
			for k, v := range tc.form {
				form[k] = v
			}
			c := ta.client()
			r := c.post("/register", form).want(http.StatusUnprocessableEntity)
			if got := r.fieldError(tc.field); !strings.Contains(got, tc.want) {
				t.Fatalf("field %s error %q, want %q", tc.field, got, tc.want)
			}
			if v, _ := r.Doc().Find(`input[name="email"]`).Attr("value"); tc.field != "email" && v != "fresh@example.com" {
				t.Fatalf("typed email not kept: %q", v)
			}
			if _, err := ta.Store.UserByEmail(context.Background(), "fresh@example.com"); err == nil {
				t.Fatal("a user was created despite the error")
			}
		})
	}
}

func TestRegisterErrorsInChinese(t *testing.T) {
	ta := newTestApp(t)
	c := ta.client()
	c.lang = "zh-CN,zh;q=0.9"
	r := c.post("/register", url.Values{"role": {"buyer"}, "email": {"bad"}}).want(http.StatusUnprocessableEntity)
	if got := r.fieldError("email"); got != "请输入有效的邮箱地址。" {
		t.Fatalf("zh error %q", got)
	}
	if lang, _ := r.Doc().Find("html").Attr("lang"); lang != "zh-CN" {
		t.Fatalf("html lang %q", lang)
	}
}

func TestLoginThrottleAndNoEnumeration(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "victim@example.com")
	c := ta.client()
	unknown := c.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {"whatever-pass"}}).want(http.StatusUnprocessableEntity)
	wrong := c.post("/login", url.Values{"email": {"victim@example.com"}, "password": {"whatever-pass"}}).want(http.StatusUnprocessableEntity)
	msg := func(r *resp) string { return strings.TrimSpace(r.Doc().Find(`[data-testid="form-errors"]`).Text()) }
	if msg(unknown) != msg(wrong) {
		t.Fatalf("unknown and wrong password answer differently: %q vs %q", msg(unknown), msg(wrong))
	}
	for i := 0; i < 4; i++ {
		c.post("/login", url.Values{"email": {"victim@example.com"}, "password": {"nope-nope-nope"}}, "X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
	}
	// Locked now, even with the right password and a spoofed X-Forwarded-For.
	r := c.post("/login", url.Values{"email": {"victim@example.com"}, "password": {testPassword}}, "X-Forwarded-For", "203.0.113.9")
	r.want(http.StatusTooManyRequests)
	ta.env.Clock.Advance(16 * 60e9)
	c.post("/login", url.Values{"email": {"victim@example.com"}, "password": {testPassword}}).want(http.StatusSeeOther)
}

func TestSessionRenewedAtLogin(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	c := ta.client()
	c.get("/login")
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/login"}}).want(http.StatusSeeOther)
	before := sessionCookie(c, ta)
	c.login("b@example.com", testPassword)
	after := sessionCookie(c, ta)
	if after == "" || after == before {
		t.Fatalf("session token not renewed at login: %q → %q", before, after)
	}
}

func sessionCookie(c *client, ta *testApp) string {
	for _, ck := range c.http.Jar.Cookies(mustURL(ta.srv.URL)) {
		if ck.Name == "sc_session" {
			return ck.Value
		}
	}
	return ""
}

func TestPasswordResetFlow(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "reset@example.com")
	c := ta.client()
	r1 := c.post("/password/forgot", url.Values{"email": {"reset@example.com"}}).want(http.StatusOK)
	r2 := c.post("/password/forgot", url.Values{"email": {"unknown@example.com"}}).want(http.StatusOK)
	if r1.Doc().Find(`[data-testid="reset-sent"]`).Text() != r2.Doc().Find(`[data-testid="reset-sent"]`).Text() {
		t.Fatal("reset answers reveal whether the address exists")
	}
	link := lastMailLink(t, ta, "reset@example.com", "/password/reset")
	c.get(link).want(http.StatusOK)
	tok := strings.TrimPrefix(link, "/password/reset?token=")
	c.post("/password/reset", url.Values{"token": {tok}, "password": {"short"}, "confirm": {"short"}}).want(http.StatusUnprocessableEntity)
	c.post("/password/reset", url.Values{"token": {tok}, "password": {"brand-new-password"}, "confirm": {"brand-new-password"}}).want(http.StatusSeeOther)
	c.get("/login").want(http.StatusOK) // the reset ended the session; the login page starts a new one
	c.post("/password/reset", url.Values{"token": {tok}, "password": {"another-password"}, "confirm": {"another-password"}}).want(http.StatusBadRequest)
	c.login("reset@example.com", "brand-new-password")
	c.get("/password/reset?token=deadbeef").want(http.StatusBadRequest)
}

func TestChangePassword(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	c.get("/account/password").want(http.StatusOK)
	r := c.post("/account/password", url.Values{"current": {"wrong-password"}, "password": {"next-password-1"}, "confirm": {"next-password-1"}}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("current"), "not correct") {
		t.Fatalf("error %q", r.fieldError("current"))
	}
	c.post("/account/password", url.Values{"current": {testPassword}, "password": {"next-password-1"}, "confirm": {"next-password-1"}}).want(http.StatusSeeOther)
	ta.client().login("m@example.com", "next-password-1")
}

// TestCSRFRequired: a forged, missing or cross-site state change is refused and
// changes nothing; the same request with the session's token does.
func TestCSRFRequired(t *testing.T) {
	ta := newTestApp(t)
	u := ta.user(models.RoleBuyer, "b@example.com")
	for i := 0; i < 2; i++ {
		must(t, ta.env.DB.W.Create(&models.Notification{UserID: u.ID, Kind: "test", TitleKey: "inbox.title", BodyKey: "inbox.title",
			Args: "{}", CreatedAt: ta.Clock.Now()}).Error)
	}
	c := ta.loggedIn("b@example.com")
	c.get("/inbox").want(http.StatusOK)
	unread := func() int64 {
		n, err := ta.Store.UnreadCount(context.Background(), u.ID)
		must(t, err)
		return n
	}
	c.post("/inbox/read-all", url.Values{"_csrf": {"forged"}}).want(http.StatusForbidden)
	c.post("/inbox/read-all", url.Values{"_csrf": {""}}).want(http.StatusForbidden)
	c.post("/inbox/read-all", nil, "Sec-Fetch-Site", "cross-site").want(http.StatusForbidden)
	if n := unread(); n != 2 {
		t.Fatalf("refused requests marked messages read: %d unread", n)
	}
	c.post("/inbox/read-all", nil).want(http.StatusSeeOther)
	if n := unread(); n != 0 {
		t.Fatalf("%d unread after a valid request", n)
	}
}

func TestRoleGates(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	ta.user(models.RoleBuyer, "b@example.com")
	ta.admin("r@example.com")
	anon := ta.client()
	for _, p := range []string{"/seller", "/buyer", "/admin", "/inbox"} {
		if r := anon.get(p).want(http.StatusSeeOther); !strings.HasPrefix(r.Location(), "/login") {
			t.Fatalf("%s → %s", p, r.Location())
		}
	}
	m := ta.loggedIn("m@example.com")
	m.get("/admin").want(http.StatusForbidden)
	m.get("/buyer").want(http.StatusForbidden)
	b := ta.loggedIn("b@example.com")
	b.get("/seller").want(http.StatusForbidden)
	r := ta.loggedIn("r@example.com")
	r.get("/seller").want(http.StatusForbidden)
	r.get("/admin").want(http.StatusOK)
}

func TestUnknownURLIs404(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	ta.client().get("/no-such-page").want(http.StatusNotFound)
	ta.loggedIn("b@example.com").get("/no-such-page").want(http.StatusNotFound)
}

// The terms accepted at registration can be read, in both languages, from the form.
func TestRegisterLinksToTheTerms(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	c := ta.client()
	href, _ := c.get("/register").want(http.StatusOK).Doc().Find(`[data-testid="terms-link"]`).Attr("href")
	if href != "/terms" {
		t.Fatalf("terms link %q", href)
	}
	if got := c.get(href).want(http.StatusOK).Doc().Find(`[data-testid="terms"]`).Text(); !strings.Contains(got, "Privacy statement") {
		t.Fatalf("terms page: %q", got)
	}
	c.lang = "zh-CN"
	if got := c.get(href).want(http.StatusOK).Doc().Find(`[data-testid="terms"] h1`).Text(); got != "服务条款与隐私声明" {
		t.Fatalf("terms in Chinese: %q", got)
	}
}
