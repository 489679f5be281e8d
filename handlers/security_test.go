package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sellercenter/internal/config"
	"sellercenter/models"
)

// countingBody is a multipart body of a file field named field, size bytes of zeros
// behind a first part carrying token as _csrf (when token is set); sent counts what the
// server pulled.
type countingBody struct {
	r    io.Reader
	sent atomic.Int64
}

const testBoundary = "sellercenter-test-boundary"

func newCountingBody(token, field string, size int64) *countingBody {
	var head strings.Builder
	if token != "" {
		fmt.Fprintf(&head, "--%s\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n", testBoundary, token)
	}
	fmt.Fprintf(&head, "--%s\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nnobody@example.com\r\n", testBoundary)
	fmt.Fprintf(&head, "--%s\r\nContent-Disposition: form-data; name=%q; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n", testBoundary, field)
	tail := fmt.Sprintf("\r\n--%s--\r\n", testBoundary)
	return &countingBody{r: io.MultiReader(strings.NewReader(head.String()), io.LimitReader(zeros{}, size), strings.NewReader(tail))}
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.sent.Add(int64(n))
	return n, err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// postBig streams a large multipart body to path as client c and tells how it was
// answered and how much of the body left the client.
func (c *client) postBig(path, token string, size int64) (int, int64) {
	c.t.Helper()
	body := newCountingBody(token, "package", size)
	req, _ := http.NewRequest(http.MethodPost, c.ta.srv.URL+path, body)
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+testBoundary)
	res, err := c.http.Do(req)
	if err != nil {
		// The server answered and closed the connection while the client was still
		// writing: the body was refused unread.
		return 0, body.sent.Load()
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, body.sent.Load()
}

// TestLargeBodiesRefusedBeforeTheyAreRead: an upload nobody may make is answered before
// its body is read, whoever sends it (issue finding 1).
func TestLargeBodiesRefusedBeforeTheyAreRead(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	ta.user(models.RoleBuyer, "b@example.com")
	const size = 300 << 20
	const most = 16 << 20 // socket buffers take some; the body is not read

	anon := ta.client()
	anon.get("/login").want(http.StatusOK) // a session with a token of its own
	buyer := ta.loggedIn("b@example.com")
	buyer.ensureCSRF()
	merchant := ta.loggedIn("m@example.com")
	merchant.ensureCSRF()
	cases := []struct {
		name   string
		c      *client
		token  string
		status []int
	}{
		{"visitor without a session", ta.client(), "", []int{0, http.StatusForbidden, http.StatusSeeOther}},
		{"visitor with its own token", anon, anon.csrf, []int{0, http.StatusSeeOther}},
		{"buyer with a valid token", buyer, buyer.csrf, []int{0, http.StatusForbidden}},
		{"merchant without a token", merchant, "", []int{0, http.StatusForbidden}},
		{"merchant with another session's token", merchant, anon.csrf, []int{0, http.StatusForbidden}},
	}
	for _, tc := range cases {
		status, sent := tc.c.postBig("/seller/assets", tc.token, size)
		if !slices.Contains(tc.status, status) {
			t.Errorf("%s: status %d, want one of %v", tc.name, status, tc.status)
		}
		if sent > most {
			t.Errorf("%s: %d MB of the body were read before the answer", tc.name, sent>>20)
		}
	}
	var n int64
	ta.env.DB.R.Model(&models.File{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d files stored", n)
	}
	// The large limit belongs to the package upload alone: the same body elsewhere is
	// refused by the ordinary limit even with a valid token.
	status, sent := merchant.postBig("/seller/realname", merchant.csrf, size)
	if status != 0 && status != http.StatusRequestEntityTooLarge {
		t.Fatalf("300 MB to the real-name form: status %d", status)
	}
	if sent > 64<<20 {
		t.Fatalf("300 MB to the real-name form: %d MB read", sent>>20)
	}
}

// TestMultipartTempFilesRemoved: files the multipart parser spilled to disk are gone
// when the request ends, on a refused upload and on the login form (finding 1).
func TestMultipartTempFilesRemoved(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	merchant := ta.loggedIn("m@example.com")
	merchant.ensureCSRF()
	anon := ta.client()
	anon.get("/login").want(http.StatusOK)

	const size = 40 << 20 // above the parser's 32 MB in memory: it goes to a temp file
	for _, tc := range []struct {
		name, path string
		c          *client
		status     int
		effect     string // what shows that the form was read
	}{
		{"an oversized real-name document", "/seller/realname", merchant, http.StatusUnprocessableEntity, "at most 10 MB"},
		{"a login form carrying a file", "/login", anon, http.StatusUnprocessableEntity, `value="nobody@example.com"`},
	} {
		body := newCountingBody(tc.c.csrf, "file_licence", size)
		req := httptest.NewRequest(http.MethodPost, tc.path, body)
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+testBoundary)
		for _, ck := range tc.c.http.Jar.Cookies(mustURL(ta.srv.URL)) {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		// Served in this goroutine: when ServeHTTP returns, the request has ended.
		ta.e.ServeHTTP(rec, req)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.effect) {
			t.Fatalf("%s: status %d, want %d with %q", tc.name, rec.Code, tc.status, tc.effect)
		}
		left, _ := filepath.Glob(filepath.Join(tmp, "multipart-*"))
		if len(left) != 0 {
			t.Fatalf("%s: temp files left: %v", tc.name, left)
		}
	}
}

// TestEveryMultipartFormSendsItsTokenFirst: the token is read from a multipart body's
// first part only, so every multipart form starts with it.
func TestEveryMultipartFormSendsItsTokenFirst(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../web/pages/*.templ")
	form := regexp.MustCompile(`(?s)enctype="multipart/form-data"[^>]*>\s*(\S+)`)
	seen := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		must(t, err)
		for _, m := range form.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !strings.HasPrefix(m[1], "@components.CSRF(") {
				t.Errorf("%s: a multipart form starts with %s, not its CSRF token", filepath.Base(f), m[1])
			}
		}
	}
	if seen < 5 {
		t.Fatalf("only %d multipart forms found", seen)
	}
}

// TestCSRFTokenBelongsToItsSession: a token is good for the session it was issued to
// only; a forged _csrf cookie is worthless (finding 7). Each refusal is checked by its
// effect on more than one route.
func TestCSRFTokenBelongsToItsSession(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	ctx := context.Background()
	victim := ta.loggedIn("b@example.com")
	attacker := ta.client()
	attacker.get("/login").want(http.StatusOK)

	// The attacker's own token, and a cookie it minted, do not work for the victim.
	victim.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "_csrf", Value: "minted", Path: "/"}})
	for _, tok := range []string{attacker.csrf, "minted", ""} {
		victim.post("/locale", url.Values{"_csrf": {tok}, "locale": {"zh-CN"}}).want(http.StatusForbidden)
		victim.post("/buyer/profile", url.Values{"_csrf": {tok}, "subject_type": {"personal"}, "display_name": {"Forged"}}).want(http.StatusForbidden)
	}
	u, _ := ta.Store.UserByEmail(ctx, "b@example.com")
	if u.Locale == "zh-CN" {
		t.Fatal("a forged locale change was applied")
	}
	if _, err := ta.Store.BuyerProfileOf(ctx, u.ID); err == nil {
		t.Fatal("a forged profile was saved")
	}
	// The header htmx sends works like the form field.
	victim.ensureCSRF()
	victim.post("/locale", url.Values{"_csrf": {""}, "locale": {"zh-CN"}}, "X-CSRF-Token", victim.csrf).want(http.StatusSeeOther)
	if u, _ := ta.Store.UserByEmail(ctx, "b@example.com"); u.Locale != "zh-CN" {
		t.Fatalf("locale %q after a valid change", u.Locale)
	}
	// A new login gets a new token: one copied before it is dead.
	old := victim.csrf
	victim.login("b@example.com", testPassword)
	victim.post("/locale", url.Values{"_csrf": {old}, "locale": {"en"}}).want(http.StatusForbidden)
}

// TestPasswordChangeEndsOtherSessions: a changed password logs every other browser out
// and keeps the one that changed it (finding 3).
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	here := ta.loggedIn("m@example.com")
	other := ta.loggedIn("m@example.com")
	other.get("/seller").want(http.StatusOK)
	before := here.http.Jar.Cookies(mustURL(ta.srv.URL))
	here.post("/account/password", url.Values{"current": {testPassword}, "password": {"next-password-1"}, "confirm": {"next-password-1"}}).want(http.StatusSeeOther)
	here.get("/seller").want(http.StatusOK)
	if r := other.get("/seller").want(http.StatusSeeOther); !strings.HasPrefix(r.Location(), "/login") {
		t.Fatalf("the other session went on: %s", r.Location())
	}
	// The session token was renewed: the cookie from before the change is dead too.
	stale := ta.client()
	stale.http.Jar.SetCookies(mustURL(ta.srv.URL), before)
	stale.get("/seller").want(http.StatusSeeOther)
}

// TestPasswordResetEndsEverySession: a reset logs out every browser of the user.
func TestPasswordResetEndsEverySession(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	s1 := ta.loggedIn("b@example.com")
	s2 := ta.loggedIn("b@example.com")
	s1.get("/buyer").want(http.StatusOK)
	anon := ta.client()
	anon.post("/password/forgot", url.Values{"email": {"b@example.com"}}).want(http.StatusOK)
	tok := strings.TrimPrefix(lastMailLink(t, ta, "b@example.com", "/password/reset"), "/password/reset?token=")
	anon.post("/password/reset", url.Values{"token": {tok}, "password": {"brand-new-password"}, "confirm": {"brand-new-password"}}).want(http.StatusSeeOther)
	for i, c := range []*client{s1, s2} {
		if r := c.get("/buyer").want(http.StatusSeeOther); !strings.HasPrefix(r.Location(), "/login") {
			t.Fatalf("session %d went on after the reset: %s", i+1, r.Location())
		}
	}
	ta.client().login("b@example.com", "brand-new-password")
}

// TestPasswordsCountBytes: bcrypt takes 72 bytes; 25 Chinese characters are 75 and are
// refused with the message, not a 500 (finding 5), on every password form.
func TestPasswordsCountBytes(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	long, fits := strings.Repeat("密", 25), strings.Repeat("密", 24)
	for _, lang := range []string{"en", "zh-CN"} {
		want := map[string]string{"en": "At most 72 bytes", "zh-CN": "最多 72 字节"}[lang]
		c := ta.client()
		c.lang = lang
		r := c.post("/register", url.Values{"role": {"buyer"}, "email": {"long@example.com"}, "name": {"B"},
			"password": {long}, "confirm": {long}, "agree": {"1"}}).want(http.StatusUnprocessableEntity)
		if !strings.Contains(r.fieldError("password"), want) {
			t.Fatalf("%s register: %q", lang, r.fieldError("password"))
		}
		m := ta.loggedIn("m@example.com")
		m.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
		r = m.post("/account/password", url.Values{"current": {testPassword}, "password": {long}, "confirm": {long}}).want(http.StatusUnprocessableEntity)
		if !strings.Contains(r.fieldError("password"), want) {
			t.Fatalf("%s change: %q", lang, r.fieldError("password"))
		}
	}
	if _, err := ta.Store.UserByEmail(context.Background(), "long@example.com"); err == nil {
		t.Fatal("an account was created with a password bcrypt would cut")
	}
	// 24 characters are 72 bytes: taken, and the whole of it counts.
	m := ta.loggedIn("m@example.com")
	m.post("/account/password", url.Values{"current": {testPassword}, "password": {fits}, "confirm": {fits}}).want(http.StatusSeeOther)
	ta.client().login("m@example.com", fits)
	wrong := ta.client()
	wrong.ensureCSRF()
	wrong.post("/login", url.Values{"email": {"m@example.com"}, "password": {strings.Repeat("密", 23) + "码"}}).want(http.StatusUnprocessableEntity)
}

// TestRegistrationDoesNotRevealAccounts: a taken address is answered like a new one, and
// its owner is mailed instead (finding 6).
func TestRegistrationDoesNotRevealAccounts(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "taken@example.com")
	form := func(email string) url.Values {
		return url.Values{"role": {"merchant"}, "email": {email}, "name": {"N"}, "password": {"a-long-password"},
			"confirm": {"a-long-password"}, "agree": {"1"}}
	}
	answer := func(email string) (int, string, string) {
		c := ta.client()
		r := c.post("/register", form(email))
		page := c.get(r.Location())
		return r.Status, r.Location(), strings.TrimSpace(page.Doc().Find(`[data-testid="flash-success"]`).Text())
	}
	s1, l1, f1 := answer("fresh@example.com")
	s2, l2, f2 := answer("TAKEN@example.com")
	if s1 != http.StatusSeeOther || s1 != s2 || l1 != l2 || f1 != f2 || f1 == "" {
		t.Fatalf("new address: %d %s %q; taken: %d %s %q", s1, l1, f1, s2, l2, f2)
	}
	var n int64
	ta.env.DB.R.Model(&models.User{}).Where("email = ?", "taken@example.com").Count(&n)
	if n != 1 {
		t.Fatalf("%d accounts for the taken address", n)
	}
	u, _ := ta.Store.UserByEmail(context.Background(), "taken@example.com")
	if u.Role != models.RoleBuyer {
		t.Fatalf("the taken account changed: %+v", u)
	}
	ta.drainJobs()
	msgs, _ := ta.Store.OutboxMessages(context.Background(), 50)
	var told bool
	for _, m := range msgs {
		if m.To == "taken@example.com" && strings.Contains(m.Body, ta.Cfg.BaseURL+"/password/forgot") {
			told = true
		}
	}
	if !told {
		t.Fatal("the owner of the taken address was not mailed")
	}
	if lastMailLink(t, ta, "fresh@example.com", "/verify-email") == "" {
		t.Fatal("the new address got no verification link")
	}
}

// TestRequestIDsAreTheServers: a client's X-Request-Id is not taken, so a forged or huge
// one never reaches the audit log; a trusted proxy's short, plain one is (finding 4).
func TestRequestIDsAreTheServers(t *testing.T) {
	huge := strings.Repeat("A", 900_000)
	hexID := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, tc := range []struct {
		name    string
		proxies []string
		sent    string
		kept    bool
	}{
		{"a client's huge id", nil, huge[:60_000], false},
		{"a client's plain id", nil, "forged-id-1", false},
		{"a trusted proxy's plain id", []string{"127.0.0.1/32"}, "lb-7f3a.42", true},
		{"a trusted proxy's long id", []string{"127.0.0.1"}, strings.Repeat("b", 65), false},
		{"a trusted proxy's id with markup", []string{"127.0.0.1"}, "<script>", false},
	} {
		ta := newTestAppWith(t, func(c *config.Config) { c.TrustedProxies = tc.proxies })
		ta.user(models.RoleBuyer, "b@example.com")
		c := ta.client()
		c.ensureCSRF()
		r := c.post("/login", url.Values{"email": {"b@example.com"}, "password": {testPassword}}, "X-Request-Id", tc.sent)
		got := r.Header.Get("X-Request-Id")
		if tc.kept && got != tc.sent || !tc.kept && !hexID.MatchString(got) {
			t.Fatalf("%s: answered with request id %.80q", tc.name, got)
		}
		var row models.AuditLog
		if err := ta.env.DB.R.Where("action = ?", "user.login").Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.RequestID != got {
			t.Fatalf("%s: audit row has request id %.80q, the answer %.80q", tc.name, row.RequestID, got)
		}
	}
}

// TestDevOutboxOnlyWhereAllowed: /dev/outbox (reset links, SMS codes, deposit amounts)
// exists only when the configuration turned it on (finding 10).
func TestDevOutboxOnlyWhereAllowed(t *testing.T) {
	off := newTestAppWith(t, func(c *config.Config) { c.DevOutbox = false })
	off.client().get("/dev/outbox").want(http.StatusNotFound)
	on := newTestApp(t)
	on.client().get("/dev/outbox").want(http.StatusOK)
}

// TestPageContextErrorsAreNotSwallowed: when the inbox count cannot be read, the page
// is an error with a request id, not a page that says "no unread messages".
func TestPageContextErrorsAreNotSwallowed(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	c := ta.loggedIn("b@example.com")
	c.get("/account/password").want(http.StatusOK)
	must(t, ta.env.DB.W.Exec("DROP TABLE notifications").Error)
	r := c.get("/account/password").want(http.StatusInternalServerError)
	if id := r.Header.Get("X-Request-Id"); id == "" || !strings.Contains(r.Body, id) {
		t.Fatalf("no request id on the error page (%q)", id)
	}
	if !strings.Contains(ta.log.String(), "notifications") {
		t.Fatalf("the cause was not logged:\n%s", ta.log.String())
	}
}

// blobCount is how many blobs the app's store holds.
func (ta *testApp) blobCount() int {
	ta.t.Helper()
	n := 0
	must(ta.t, ta.Blobs.Walk(context.Background(), func(string, time.Time) error { n++; return nil }))
	return n
}

// TestRefusedSubmissionsLeaveNoFileBehind: uploads are recorded by the store call of the
// submission, in its transaction; when the store refuses it, neither a file row nor a blob
// is left (engineering item 1).
func TestRefusedSubmissionsLeaveNoFileBehind(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	count := func() (int64, int) {
		var n int64
		must(t, ta.env.DB.R.Model(&models.File{}).Count(&n).Error)
		return n, ta.blobCount()
	}
	rows, blobs := count()
	if rows != 1 || blobs != 1 {
		t.Fatalf("after an accepted submission: %d rows, %d blobs", rows, blobs)
	}
	// In review: the store refuses a second submission after its file was written.
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", "l.png", pngBytes}).want(http.StatusConflict)
	if r2, b2 := count(); r2 != 1 || b2 != 1 {
		t.Fatalf("a refused submission left files: %d rows, %d blobs", r2, b2)
	}
	// The daily limit is the store's refusal of a checked method (422 with the message).
	ta.user(models.RoleMerchant, "n@example.com")
	n := ta.loggedIn("n@example.com")
	f := realNameValues()
	f.Set("method", models.MethodLegalRepPhone)
	f.Set("phone", "13800138000")
	for i := 0; i < models.DefaultRealNameDailySubmissions; i++ {
		n.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
		n.post("/seller/realname/abandon", nil).want(http.StatusSeeOther)
	}
	rows, blobs = count()
	n.postMultipart("/seller/realname", f, upload{"file_licence", "l.png", pngBytes}).want(http.StatusUnprocessableEntity)
	if r2, b2 := count(); r2 != rows || b2 != blobs {
		t.Fatalf("a refused submission left files: rows %d → %d, blobs %d → %d", rows, r2, blobs, b2)
	}
	if r, b := count(); r != int64(b) {
		t.Fatalf("%d file rows for %d blobs", r, b)
	}
}

// TestBrowsingMakesNoSession: a visitor reading the catalog gets no session row (a
// crawler would otherwise write one per request); the pages whose forms a visitor
// submits make one with its token; the language switch works for a visitor without a
// session and needs the token once there is one.
func TestBrowsingMakesNoSession(t *testing.T) {
	ta := newTestApp(t)
	sessions := func() int64 {
		var n int64
		must(t, ta.env.DB.R.Table("sessions").Count(&n).Error)
		return n
	}
	for _, path := range []string{"/", "/catalog", "/catalog?q=x"} {
		ta.client().get(path).want(http.StatusOK)
	}
	if n := sessions(); n != 0 {
		t.Fatalf("browsing made %d sessions", n)
	}
	v := ta.client()
	v.get("/catalog").want(http.StatusOK)
	req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/locale", strings.NewReader("locale=zh-CN&next=%2Fcatalog"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	v.do(req).want(http.StatusSeeOther)
	if lang := v.get("/catalog").Doc().Find("html").AttrOr("lang", ""); lang != "zh-CN" {
		t.Fatalf("the switch without a session left the page in %q", lang)
	}
	for _, path := range []string{"/login", "/register", "/password/forgot"} {
		c := ta.client()
		c.get(path).want(http.StatusOK)
		if c.csrf == "" {
			t.Fatalf("%s has no token in its form", path)
		}
	}
	if n := sessions(); n != 3 {
		t.Fatalf("%d sessions for three form pages", n)
	}
	// Once the visitor has a session, the switch needs its token.
	v.get("/login").want(http.StatusOK)
	v.post("/locale", url.Values{"_csrf": {"forged"}, "locale": {"en"}}).want(http.StatusForbidden)
	v.post("/locale", url.Values{"locale": {"en"}}).want(http.StatusSeeOther)
}
