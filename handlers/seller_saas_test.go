package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/internal/config"
	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// devTestApp is a test app that, like a development server, may call this machine.
func devTestApp(t *testing.T) *testApp {
	return newTestAppWith(t, func(c *config.Config) { c.OutboundAllowPrivate = true })
}

// referenceEndpoint serves the reference merchant endpoint on loopback; it accepts the
// keys put into it and reads the test app's clock.
type referenceEndpoint struct {
	URL  string
	mu   sync.Mutex
	keys []string
}

func newReferenceEndpoint(t *testing.T, ta *testApp) *referenceEndpoint {
	r := &referenceEndpoint{}
	srv := httptest.NewServer(saasdemo.New(saasdemo.Options{Now: ta.env.Clock.Now, Keys: func() []string {
		r.mu.Lock()
		defer r.mu.Unlock()
		return append([]string(nil), r.keys...)
	}}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (r *referenceEndpoint) accept(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = append(r.keys, key)
}

// createKey makes a key through the page and returns the secret it showed once.
func createKey(t *testing.T, c *client, name string) string {
	t.Helper()
	doc := c.post("/seller/saas/keys", url.Values{"name": {name}}).want(http.StatusOK).Doc()
	secret, _ := doc.Find(`[data-testid="secret-value"]`).Attr("value")
	if len(secret) != 36 {
		t.Fatalf("secret %q not shown", secret)
	}
	return secret
}

func keyIDNamed(t *testing.T, ta *testApp, m models.Merchant, name string) uint {
	t.Helper()
	keys, err := ta.Store.AccessKeysOf(context.Background(), m.ID)
	must(t, err)
	for _, k := range keys {
		if k.Name == name {
			return k.ID
		}
	}
	t.Fatalf("no key %q", name)
	return 0
}

func TestSaaSKeysOverHTTP(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "keys@example.com")
	other, _ := activeSeller(t, ta, "other@example.com")

	r := c.post("/seller/saas/keys", url.Values{"name": {"  "}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("name") != "Enter a name." {
		t.Fatalf("blank name: %q", r.fieldError("name"))
	}
	secret := createKey(t, c, "生产密钥")
	if c.get("/seller/saas/keys").want(http.StatusOK); strings.Contains(c.get("/seller/saas/keys").Body, secret) {
		t.Fatal("the secret was shown a second time")
	}
	page := c.get("/seller/saas/keys").Doc()
	if got := page.Find(`[data-testid="key-masked"]`).Text(); !strings.HasPrefix(got, secret[:4]) || !strings.HasSuffix(got, secret[32:]) || strings.Contains(got, secret[4:32]) {
		t.Fatalf("masked %q", got)
	}
	id := keyIDNamed(t, ta, m, "生产密钥")
	idPath := strconv.Itoa(int(id))
	other.post("/seller/saas/keys/"+idPath+"/rotate", nil).want(http.StatusNotFound)
	other.post("/seller/saas/keys/"+idPath+"/revoke", nil).want(http.StatusNotFound)

	doc := c.post("/seller/saas/keys/"+idPath+"/rotate", nil).want(http.StatusOK).Doc()
	rotated, _ := doc.Find(`[data-testid="secret-value"]`).Attr("value")
	if rotated == secret || len(rotated) != 36 || doc.Find(`[data-testid="grace"]`).Length() != 1 {
		t.Fatal("rotation did not show a new secret and the grace period")
	}
	c.post("/seller/saas/keys/"+idPath+"/retire", nil).want(http.StatusSeeOther)
	c.post("/seller/saas/keys/"+idPath+"/retire", nil).want(http.StatusConflict)

	// A bound key cannot be revoked: the page names the address.
	c.post("/seller/saas/addresses", url.Values{"name": {"主地址"}, "interface_type": {"saas"}, "protocol": {"v2"},
		"url": {"https://isv.example.com/saas"}, "key_id": {idPath}}).want(http.StatusSeeOther)
	r = c.post("/seller/saas/keys/"+idPath+"/revoke", nil).want(http.StatusConflict)
	if !strings.Contains(r.Doc().Find(`[data-testid="key-in-use"]`).Text(), "主地址") {
		t.Fatal("the address in the way is not named")
	}
	spare := createKey(t, c, "备用")
	_ = spare
	// The secrets are never kept in clear: not in the database, not in the log.
	for _, s := range []string{secret, rotated, spare} {
		assertNowhere(t, ta, s)
	}
	// Before onboarding is complete the tools are closed.
	halfway := ta.loggedIn("keys@example.com")
	must(t, ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", m.ID).Update("activated_at", nil).Error)
	halfway.post("/seller/saas/keys", url.Values{"name": {"x"}}).want(http.StatusConflict)
	if halfway.get("/seller/saas/keys").want(http.StatusOK).Doc().Find(`[data-testid="not-active"]`).Length() != 1 {
		t.Fatal("no explanation before onboarding is complete")
	}
}

// assertNowhere fails when s is in the database (tables read back, and the SQLite file
// with its WAL when the test runs on SQLite) or in the server's log.
func assertNowhere(t *testing.T, ta *testApp, s string) {
	t.Helper()
	if strings.Contains(ta.log.String(), s) {
		t.Fatal("a secret reached the log")
	}
	for _, table := range []string{"access_keys", "audit_logs", "debug_calls", "sessions", "production_addresses", "kit_apps"} {
		var n int64
		col := map[string]string{"access_keys": "secret_enc || previous_enc || secret_masked", "audit_logs": "before || after",
			"kit_apps":    "secret_enc || secret_masked || public_key",
			"debug_calls": "params || url || req_headers || req_body", "sessions": "CAST(data AS TEXT)", "production_addresses": "url"}[table]
		if ta.env.DB.Dialect == models.Postgres && table == "sessions" {
			col = "encode(data, 'escape')"
		}
		must(t, ta.env.DB.R.Table(table).Where(col+" LIKE ?", "%"+s+"%").Count(&n).Error)
		if n > 0 {
			t.Fatalf("a secret is stored in clear in %s", table)
		}
	}
	if ta.env.DB.Dialect != models.Postgres {
		var file string
		must(t, ta.env.DB.R.Raw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file).Error)
		for _, f := range []string{file, file + "-wal"} {
			b, err := os.ReadFile(filepath.Clean(f))
			if err == nil && strings.Contains(string(b), s) {
				t.Fatalf("a secret is in %s", f)
			}
		}
	}
}

func TestSaaSAddressesOverHTTP(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "addr@example.com")
	other, _ := activeSeller(t, ta, "other@example.com")
	createKey(t, c, "k")
	kid := strconv.Itoa(int(keyIDNamed(t, ta, m, "k")))
	form := func(u string) url.Values {
		return url.Values{"name": {"生产"}, "interface_type": {"saas"}, "protocol": {"v2"}, "url": {u}, "key_id": {kid}}
	}
	for u, want := range map[string]string{
		"http://isv.example.com/saas": "Production addresses must use HTTPS.",
		"https://203.0.113.9/saas":    "Use a domain name, not an IP address.",
		"https://intranet/saas":       "This name only resolves inside a private network; use a public domain name.",
		"http://127.0.0.1:9100/":      "Production addresses must use HTTPS.",
		"not a url":                   "This is not a valid web address: use the form https://api.example.com/saas.",
		"":                            "Enter the production address.",
	} {
		if got := c.post("/seller/saas/addresses", form(u)).want(http.StatusUnprocessableEntity).fieldError("url"); got != want {
			t.Errorf("%q: %q", u, got)
		}
	}
	zh := ta.loggedIn("addr@example.com")
	zh.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	if got := zh.post("/seller/saas/addresses", form("https://10.0.0.1/x")).want(http.StatusUnprocessableEntity).fieldError("url"); got != "请使用域名，不能使用 IP 地址。" {
		t.Errorf("zh: %q", got)
	}
	zh.post("/locale", url.Values{"locale": {"en"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	bad := form("https://isv.example.com/saas")
	bad.Set("key_id", "999999")
	c.post("/seller/saas/addresses", bad).want(http.StatusUnprocessableEntity)
	bad = form("https://isv.example.com/saas")
	bad.Set("interface_type", "ftp")
	c.post("/seller/saas/addresses", bad).want(http.StatusUnprocessableEntity)
	if addrs, _ := ta.Store.ProductionAddressesOf(context.Background(), m.ID); len(addrs) != 0 {
		t.Fatal("a refused address was saved")
	}
	c.post("/seller/saas/addresses", form("https://isv.example.com/saas")).want(http.StatusSeeOther)
	addrs, _ := ta.Store.ProductionAddressesOf(context.Background(), m.ID)
	a := addrs[0]
	ap := "/seller/saas/addresses/" + strconv.Itoa(int(a.ID))
	other.get(ap + "/edit").want(http.StatusNotFound)
	other.post(ap, form("https://evil.example.com/")).want(http.StatusNotFound)
	other.post(ap+"/delete", nil).want(http.StatusNotFound)

	// An on-sale product uses it: the change is shown with the product and waits for a yes.
	p, _ := testdb.ListedProduct(t, ta.env, m.ID, models.ProductContent{Type: models.ProductSaaS, NameZh: "在售商品", NameEn: "Live product",
		SaaS: &models.SaaSFields{AddressID: &a.ID}, Specs: []models.SpecContent{{Key: "a", Name: "基础", BillingMode: models.BillingOneTime, OneTimeFen: new(int64)}}})
	must(t, ta.env.DB.W.Model(&models.Product{}).Where("id = ?", p.ID).Update("saas_address_id", a.ID).Error)
	r := c.post(ap, form("https://new.example.com/saas")).want(http.StatusConflict)
	if got := r.Doc().Find(`[data-testid="affected-product"]`).Text(); got != "Live product" {
		t.Fatalf("affected %q", got)
	}
	if got, _ := ta.Store.ProductionAddressOf(context.Background(), m.ID, a.ID); got.URL != a.URL {
		t.Fatal("changed before confirmation")
	}
	confirmed := form("https://new.example.com/saas")
	confirmed.Set("confirmed", "yes")
	c.post(ap, confirmed).want(http.StatusSeeOther)
	if got, _ := ta.Store.ProductionAddressOf(context.Background(), m.ID, a.ID); got.URL != "https://new.example.com/saas" {
		t.Fatal("not changed after confirmation")
	}
	if !strings.Contains(c.post(ap+"/delete", nil).want(http.StatusConflict).Doc().Find(`[data-testid="address-in-use"]`).Text(), "在售商品") {
		t.Fatal("the product in the way is not named")
	}
	if got := c.get("/seller/saas/addresses").want(http.StatusOK).Doc().Find(`[data-testid="address-row"]`).Length(); got != 1 {
		t.Fatalf("%d rows", got)
	}
	// Order notification.
	c.post("/seller/saas/order-notify", url.Values{"order_notify": {"maybe"}}).want(http.StatusUnprocessableEntity)
	c.post("/seller/saas/order-notify", url.Values{"order_notify": {"on"}}).want(http.StatusSeeOther)
	if st, _ := ta.Store.SaaSSettingsOf(context.Background(), m.ID); !st.OrderNotify {
		t.Fatal("order notification not on")
	}
	if c.get("/seller/saas").want(http.StatusOK).Doc().Find(`[data-testid="notify-state"]`).Text() != "Order notification is on" {
		t.Fatal("overview does not show the switch")
	}
}

// consoleForm is the console's form on one tab as a browser would send it: every field
// with its prefilled value.
func consoleForm(t *testing.T, c *client, query string) url.Values {
	t.Helper()
	doc := c.get("/seller/saas/debug?" + query).want(http.StatusOK).Doc()
	v := url.Values{}
	form := doc.Find(`[data-testid="debug-form"]`)
	form.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "checkbox" || typ == "radio" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	form.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) { v.Set(s.AttrOr("name", ""), s.Text()) })
	form.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		opt := s.Find("option[selected]")
		if opt.Length() == 0 {
			opt = s.Find("option").First()
		}
		v.Set(s.AttrOr("name", ""), opt.AttrOr("value", ""))
	})
	v.Del("_csrf") // the client sends its own
	return v
}

func checksOf(doc *goquery.Document) map[string]string {
	out := map[string]string{}
	doc.Find(`[data-testid="result"] [data-testid="check"]`).Each(func(_ int, s *goquery.Selection) {
		out[s.AttrOr("data-check", "")] = s.AttrOr("data-status", "") + ": " + strings.TrimSpace(s.Find(`[data-testid="check-message"]`).Text())
	})
	return out
}

// TestDebugConsoleGatesSubmission is the merchant's path: a key, an address at the
// reference endpoint, the product naming it; submission is refused until every case
// its billing modes need has passed from the console; a call that fails shows the
// protocol's exact message; the history lists and replays calls; other merchants see
// none of it; reviewers see the cases.
func TestDebugConsoleGatesSubmission(t *testing.T) {
	t.Parallel()
	ta := devTestApp(t)
	ref := newReferenceEndpoint(t, ta)
	c, m := activeSeller(t, ta, "console@example.com")
	other, _ := activeSeller(t, ta, "other@example.com")
	ctx := context.Background()
	secret := createKey(t, c, "k")
	ref.accept(secret)
	kid := strconv.Itoa(int(keyIDNamed(t, ta, m, "k")))
	c.post("/seller/saas/addresses", url.Values{"name": {"参考端点"}, "interface_type": {"saas"}, "protocol": {"v2"},
		"url": {ref.URL + "/"}, "key_id": {kid}}).want(http.StatusSeeOther)
	addrs, _ := ta.Store.ProductionAddressesOf(ctx, m.ID)
	aid := strconv.Itoa(int(addrs[0].ID))

	// A complete SaaS draft naming the address; its submission waits for the cases.
	assetID := approvedSaaSAsset(t, ta, m)
	path := createDraft(t, c)
	v := goodProductForm()
	v.Set("asset_id", strconv.Itoa(int(assetID)))
	v.Set("saas_address_id", aid)
	c.postMultipart(path, v, upload{"logo", "logo.png", pngOf(200, 200)}, upload{"media", "a.png", pngOf(800, 450)},
		upload{"eula", "eula.pdf", pdfBytes}).want(http.StatusSeeOther)
	app := appOf(t, ta, path)
	pid := strconv.Itoa(int(app.ProductID))
	c.post(path+"/submit", nil).want(http.StatusUnprocessableEntity)

	for _, act := range saasproto.RequiredActivities(saasproto.V2, []string{saasproto.BillingPeriod}) {
		f := consoleForm(t, c, "version=v2&activity="+act+"&product="+pid)
		if f.Get("address_id") != aid {
			t.Fatalf("%s: the product's address is not preselected: %v", act, f)
		}
		sent := c.post("/seller/saas/debug/send", f)
		if sent.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", act, sent.Status, sent.Doc().Find(`[data-testid="field-error"]`).Text())
		}
		doc := sent.Doc()
		if doc.Find(`[data-testid="result"]`).AttrOr("data-passed", "") != "true" {
			t.Fatalf("%s failed: %v", act, checksOf(doc))
		}
		if doc.Find(`[data-testid="case-saved"]`).Length() != 1 {
			t.Fatalf("%s: not saved as a case", act)
		}
	}
	if got := c.get("/seller/saas/debug?product=" + pid).Doc().Find(`[data-testid="provision-mode"]`).Text(); got != "Provisioning of this product: On purchase" {
		t.Errorf("provisioning mode %q", got)
	}
	c.post(path+"/submit", nil).want(http.StatusSeeOther)
	if a := appOf(t, ta, path); a.Status != models.PAPending {
		t.Fatalf("status %s", a.Status)
	}
	// Reviewers see the cases with their exchange.
	ta.user(models.RoleReviewer, "cases@example.com")
	adm := ta.loggedIn("cases@example.com")
	rd := adm.get("/admin/product-applications/" + strconv.Itoa(int(app.ID))).want(http.StatusOK).Doc()
	if n := rd.Find(`[data-testid="review-case"]`).Length(); n != 5 {
		t.Fatalf("reviewer sees %d cases", n)
	}

	// A misbehaving endpoint, typed in with the saved key: the exact Body-Sign verdict in
	// both languages (V1 replies are signed).
	f := consoleForm(t, c, "version=v1&activity=newInstance")
	f.Set("address_id", "")
	f.Set("url", ref.URL+"/misbehave/no-body-sign")
	f.Set("key_id", kid)
	doc := c.post("/seller/saas/debug/send", f).want(http.StatusOK).Doc()
	if got := checksOf(doc)["body_sign"]; got != "fail: http header->bodySign is empty." {
		t.Fatalf("body_sign %q", got)
	}
	zh := ta.loggedIn("console@example.com")
	zh.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	f.Set("url", ref.URL+"/misbehave/wrong-body-sign")
	f.Del("_csrf") // c's token; zh has its own
	doc = zh.post("/seller/saas/debug/send", f).want(http.StatusOK).Doc()
	if got := checksOf(doc)["body_sign"]; !strings.HasPrefix(got, "fail: Failed to verify the HTTP Body signature. Expected signature value: ") ||
		!strings.Contains(doc.Find(`[data-check="body_sign"]`).Text(), "Body-Sign 签名与应答内容和密钥不匹配") {
		t.Fatalf("zh body_sign %q", got)
	}
	zh.post("/locale", url.Values{"locale": {"en"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	// A typed key is used once and never stored.
	f = consoleForm(t, c, "version=v2&activity=queryInstance")
	f.Set("address_id", "")
	f.Set("url", ref.URL)
	f.Set("key_id", "")
	f.Set("key", "typed-key-0123456789-abcdefghij")
	doc = c.post("/seller/saas/debug/send", f).want(http.StatusOK).Doc()
	if got := checksOf(doc)["signature"]; !strings.HasPrefix(got, "fail: resultCode 000001 authentication failed") {
		t.Fatalf("wrong key: %q", got)
	}
	assertNowhere(t, ta, "typed-key-0123456789-abcdefghij")
	assertNowhere(t, ta, secret)

	// Bad input: parameters of the wrong type or length, no target, a revoked key.
	f = consoleForm(t, c, "version=v1&activity=newInstance")
	f.Set("p.expireTime", "tomorrow")
	f.Set("p.orderId", strings.Repeat("x", 65))
	f.Set("p.email", "nope")
	r := c.post("/seller/saas/debug/send", f).want(http.StatusUnprocessableEntity)
	if r.fieldError("p.expireTime") == "" || r.fieldError("p.orderId") != "At most 64 characters." || r.fieldError("p.email") == "" {
		t.Fatalf("param errors %q %q %q", r.fieldError("p.expireTime"), r.fieldError("p.orderId"), r.fieldError("p.email"))
	}
	f = consoleForm(t, c, "version=v2&activity=newInstance")
	f.Set("address_id", "")
	if c.post("/seller/saas/debug/send", f).want(http.StatusUnprocessableEntity).fieldError("address_id") == "" {
		t.Fatal("no target accepted")
	}
	f.Set("address_id", strconv.Itoa(int(addrs[0].ID)+1000))
	c.post("/seller/saas/debug/send", f).want(http.StatusUnprocessableEntity)
	f.Set("version", "v3")
	c.post("/seller/saas/debug/send", f).want(http.StatusBadRequest)
	c.get("/seller/saas/debug?version=v2&activity=expireInstance").want(http.StatusNotFound)

	// A revoked key signs nothing.
	spare := createKey(t, c, "spare")
	spareID := strconv.Itoa(int(keyIDNamed(t, ta, m, "spare")))
	c.post("/seller/saas/keys/"+spareID+"/revoke", nil).want(http.StatusSeeOther)
	f = consoleForm(t, c, "version=v2&activity=newInstance")
	f.Set("address_id", "")
	f.Set("url", ref.URL)
	f.Set("key_id", spareID)
	if got := c.post("/seller/saas/debug/send", f).want(http.StatusUnprocessableEntity).fieldError("key_id"); !strings.Contains(got, "revoked") {
		t.Fatalf("revoked key: %q", got)
	}
	assertNowhere(t, ta, spare)
	// A merchant system that does not answer: the page answers when the timeout (a
	// setting) runs out, saying so.
	must(t, ta.env.DB.W.Model(&models.Setting{}).Where("key = ?", models.SettingSaaSCallTimeout).Update("value", "1").Error)
	f.Set("key_id", kid)
	f.Set("url", ref.URL+"/misbehave/slow")
	f.Set("p.notAParameter", "junk")
	if got := checksOf(c.post("/seller/saas/debug/send", f).want(http.StatusOK).Doc())["transport"]; got != "fail: no answer within the timeout: 1s" {
		t.Fatalf("slow endpoint: %q", got)
	}

	// Generate link: the signed V1 URL, not sent.
	before, _ := ta.Store.DebugCallCount(ctx, m.ID)
	f = consoleForm(t, c, "version=v1&activity=newInstance&address="+aid)
	doc = c.post("/seller/saas/debug/link", f).want(http.StatusOK).Doc()
	if link := doc.Find(`[data-testid="built"] [data-testid="request"]`).Text(); !strings.Contains(link, "GET "+ref.URL+"/?") || !strings.Contains(link, "authToken=") {
		t.Fatalf("link %q", link)
	}
	if after, _ := ta.Store.DebugCallCount(ctx, m.ID); after != before {
		t.Fatal("generating a link sent the call")
	}

	// History: filters, detail, replay; another merchant sees none of it.
	list := c.get("/seller/saas/debug/calls?outcome=failed").want(http.StatusOK).Doc()
	if n := list.Find(`[data-testid="call-row"]`).Length(); n != 4 {
		t.Fatalf("%d failed calls listed", n)
	}
	c.get("/seller/saas/debug/calls?outcome=bogus").want(http.StatusUnprocessableEntity)
	c.get("/seller/saas/debug/calls?from=yesterday").want(http.StatusUnprocessableEntity)
	var junk int64
	must(t, ta.env.DB.R.Model(&models.DebugCall{}).Where("params LIKE ?", "%notAParameter%").Count(&junk).Error)
	if junk != 0 {
		t.Fatal("a parameter the tab does not have was kept")
	}
	calls, _, _ := ta.Store.DebugCallsOf(ctx, m.ID, models.DebugCallFilter{Activity: "newInstance", Outcome: "passed"})
	cp := "/seller/saas/debug/calls/" + strconv.Itoa(int(calls[len(calls)-1].ID))
	if c.get(cp).want(http.StatusOK).Doc().Find(`[data-testid="check"]`).Length() == 0 {
		t.Fatal("call detail without checks")
	}
	other.get(cp).want(http.StatusNotFound)
	other.post(cp+"/replay", nil).want(http.StatusNotFound)
	if other.get("/seller/saas/debug/calls").Doc().Find(`[data-testid="call-row"]`).Length() != 0 {
		t.Fatal("another merchant sees the history")
	}
	doc = c.post(cp+"/replay", nil).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="result"]`).AttrOr("data-passed", "") != "true" {
		t.Fatalf("replay: %v", checksOf(doc))
	}
	// A call made with a typed key comes back for the key to be typed again.
	typed, _, _ := ta.Store.DebugCallsOf(ctx, m.ID, models.DebugCallFilter{Activity: "queryInstance", Outcome: "failed"})
	doc = c.post("/seller/saas/debug/calls/"+strconv.Itoa(int(typed[0].ID))+"/replay", nil).want(http.StatusOK).Doc()
	if doc.Find(`[data-testid="notice"]`).Length() != 1 || doc.Find(`[data-testid="result"]`).Length() != 0 {
		t.Fatal("a typed-key call was replayed without its key")
	}
}
