package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/oauth2"

	"sellercenter/internal/testkeys"
	"sellercenter/models"
)

// kitLoginFixture is merchant A's app credential with its test tenant: the app is the
// OAuth client, the test tenant's administrator the user who signs in.
type kitLoginFixture struct {
	ta     *testApp
	app    models.KitApp
	secret string
	tt     models.KitTestTenant
	conf   *oauth2.Config
}

func newKitLoginFixture(t *testing.T) *kitLoginFixture {
	t.Helper()
	ta := newTestApp(t)
	rev := ta.admin("admin@example.com")
	a := onboarded(t, ta, "a@example.com", rev)
	must(t, ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", a.ID).Update("activated_at", ta.env.Clock.Now()).Error)
	ctx := context.Background()
	act := models.Actor{UserID: a.OwnerUserID}
	k, _, err := ta.Store.CreateAccessKey(ctx, act, a.ID, "kit key")
	must(t, err)
	addr, err := ta.Store.SaveProductionAddress(ctx, act, a.ID, 0, models.AddressInput{Name: "kit", InterfaceType: models.InterfaceKit,
		Protocol: models.ProtocolV2, URL: "https://a.example.com/produceAPI", KeyID: k.ID})
	must(t, err)
	app, secret, err := ta.Store.CreateKitApp(ctx, act, a.ID, models.KitAppInput{Name: "协同办公", AuthMode: models.KitAuthOAuth2, AddressID: addr.ID,
		LoginType: models.KitLoginOwn, LoginURL: "https://app.example.com/login", PublicKey: testkeys.Public3072()})
	must(t, err)
	tt, err := ta.Store.RequestTestTenant(ctx, act, a.ID, app.ID)
	must(t, err)
	conf := &oauth2.Config{ClientID: app.ClientID, ClientSecret: secret, RedirectURL: app.LoginURL,
		Endpoint: oauth2.Endpoint{AuthURL: ta.srv.URL + "/oauth2/authorize", TokenURL: ta.srv.URL + "/api/v1/oauth2/token"}}
	return &kitLoginFixture{ta: ta, app: app, secret: secret, tt: tt, conf: conf}
}

func (f *kitLoginFixture) account() string {
	return models.KitIdentity(models.TestTenantAdmin, f.tt.Tenant.TenantCode)
}

// signIn follows the authorize URL as the user's browser: the login page, then the form
// with the account and password; it returns the answer to the form.
func (f *kitLoginFixture) signIn(t *testing.T, authURL, account, password string) *resp {
	t.Helper()
	c := f.ta.client()
	u, _ := url.Parse(authURL)
	page := c.get(u.RequestURI())
	if page.Status != http.StatusOK {
		return page
	}
	form := url.Values{"account": {account}, "password": {password}}
	page.Doc().Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v, _ := s.Attr("value")
		if name != "_csrf" {
			form.Set(name, v)
		}
	})
	return c.post("/oauth2/authorize", form)
}

// codeFrom reads the code and state the platform sent the user back to the app with.
func codeFrom(t *testing.T, r *resp, loginURL string) (string, string) {
	t.Helper()
	if r.Status != http.StatusFound || !strings.HasPrefix(r.Location(), loginURL+"?") {
		t.Fatalf("sign-in: status %d location %q body %.300s", r.Status, r.Location(), r.Body)
	}
	u, _ := url.Parse(r.Location())
	return u.Query().Get("code"), u.Query().Get("state")
}

func (f *kitLoginFixture) userInfo(t *testing.T, tok *oauth2.Token) (int, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.ta.srv.URL+"/api/v1/oauth2/userinfo", nil)
	tok.SetAuthHeader(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]string
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// oauthError is the RFC 6749 §5.2 error code of a failed exchange.
func oauthError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// TestUnifiedLoginWithAStandardClient: golang.org/x/oauth2 as the merchant's app. The
// test tenant's administrator signs in (PKCE S256), the code is exchanged once for an
// access and a refresh token, userinfo names the kit identity; reuse, a wrong secret, a
// wrong redirect URI, a missing verifier and an expired code are refused with the
// documented errors; a refresh works; a switched-off user's tokens stop at once.
func TestUnifiedLoginWithAStandardClient(t *testing.T) {
	f := newKitLoginFixture(t)
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	authURL := f.conf.AuthCodeURL("st-123", oauth2.S256ChallengeOption(verifier))
	code, state := codeFrom(t, f.signIn(t, authURL, f.account(), f.tt.Password), f.app.LoginURL)
	if code == "" || state != "st-123" {
		t.Fatalf("code %q state %q", code, state)
	}
	// A missing verifier, a wrong secret and a wrong redirect URI do not spend the code.
	if _, err := f.conf.Exchange(ctx, code); oauthError(err) != "invalid_grant" {
		t.Fatalf("no verifier: %v", err)
	}
	code, _ = codeFrom(t, f.signIn(t, authURL, f.account(), f.tt.Password), f.app.LoginURL)
	bad := *f.conf
	bad.ClientSecret = "not-the-secret"
	if _, err := bad.Exchange(ctx, code, oauth2.VerifierOption(verifier)); oauthError(err) != "invalid_client" {
		t.Fatalf("wrong secret: %v", err)
	}
	other := *f.conf
	other.RedirectURL = "https://evil.example.com/login"
	if _, err := other.Exchange(ctx, code, oauth2.VerifierOption(verifier)); oauthError(err) != "invalid_grant" {
		t.Fatalf("wrong redirect URI: %v", err)
	}
	tok, err := f.conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
		t.Fatalf("token %+v", tok)
	}
	if _, err := f.conf.Exchange(ctx, code, oauth2.VerifierOption(verifier)); oauthError(err) != "invalid_grant" {
		t.Fatalf("code reused: %v", err)
	}
	status, info := f.userInfo(t, tok)
	if status != http.StatusOK || info["sub"] != f.account() || info["tenantId"] != f.tt.Tenant.TenantID || info["role"] != models.KitRoleAdmin {
		t.Fatalf("userinfo %d %v", status, info)
	}
	// Refresh: a new access token; the old one and the old refresh token stop.
	old := *tok
	old.Expiry = time.Now().Add(-time.Minute)
	fresh, err := f.conf.TokenSource(ctx, &old).Token()
	if err != nil || fresh.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %v", err)
	}
	if status, _ := f.userInfo(t, tok); status != http.StatusUnauthorized {
		t.Fatalf("the replaced access token: %d", status)
	}
	if _, err := f.conf.TokenSource(ctx, &old).Token(); oauthError(err) != "invalid_grant" {
		t.Fatalf("the replaced refresh token: %v", err)
	}
	// An expired code.
	code, _ = codeFrom(t, f.signIn(t, authURL, f.account(), f.tt.Password), f.app.LoginURL)
	f.ta.env.Clock.Advance(6 * time.Minute)
	if _, err := f.conf.Exchange(ctx, code, oauth2.VerifierOption(verifier)); oauthError(err) != "invalid_grant" {
		t.Fatalf("expired code: %v", err)
	}
	// The administrator switched off: the tokens stop, sign-in is refused with a page.
	if err := f.ta.env.DB.W.Model(&models.KitUser{}).Where("tenant_row_id = ?", f.tt.Tenant.ID).Update("enabled", false).Error; err != nil {
		t.Fatal(err)
	}
	if status, _ := f.userInfo(t, fresh); status != http.StatusUnauthorized {
		t.Fatalf("a switched-off user's token: %d", status)
	}
	if _, err := f.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken, Expiry: time.Now().Add(-time.Minute)}).Token(); oauthError(err) != "invalid_grant" {
		t.Fatalf("a switched-off user's refresh: %v", err)
	}
	r := f.signIn(t, authURL, f.account(), f.tt.Password)
	if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "kit-login-refused") {
		t.Fatalf("a switched-off user signs in: %d", r.Status)
	}
}

// TestUnifiedLoginRefusesBadRequests: an unknown app and a foreign redirect URI get a
// page (never a redirect); a wrong password stays on the login page; a malformed
// request goes back to the app with the OAuth error; the token endpoint answers RFC
// 6749 errors in JSON.
func TestUnifiedLoginRefusesBadRequests(t *testing.T) {
	f := newKitLoginFixture(t)
	c := f.ta.client()
	q := url.Values{"response_type": {"code"}, "client_id": {"unknown"}, "redirect_uri": {f.app.LoginURL}, "state": {"s"}}
	if r := c.get("/oauth2/authorize?" + q.Encode()); r.Status != http.StatusBadRequest || r.Location() != "" {
		t.Fatalf("unknown app: %d %q", r.Status, r.Location())
	}
	q.Set("client_id", f.app.ClientID)
	q.Set("redirect_uri", "https://evil.example.com/login")
	if r := c.get("/oauth2/authorize?" + q.Encode()); r.Status != http.StatusBadRequest || r.Location() != "" {
		t.Fatalf("foreign redirect: %d %q", r.Status, r.Location())
	}
	q.Set("redirect_uri", f.app.LoginURL)
	q.Set("response_type", "token")
	if r := c.get("/oauth2/authorize?" + q.Encode()); r.Status != http.StatusFound || !strings.Contains(r.Location(), "error=unsupported_response_type") {
		t.Fatalf("implicit flow: %d %q", r.Status, r.Location())
	}
	q.Set("response_type", "code")
	q.Set("code_challenge", "short")
	if r := c.get("/oauth2/authorize?" + q.Encode()); r.Status != http.StatusFound || !strings.Contains(r.Location(), "error=invalid_request") {
		t.Fatalf("bad challenge: %d %q", r.Status, r.Location())
	}
	authURL := f.conf.AuthCodeURL("s")
	if r := f.signIn(t, authURL, f.account(), "wrong-password"); r.Status != http.StatusUnauthorized || r.Location() != "" {
		t.Fatalf("wrong password: %d %q", r.Status, r.Location())
	}
	if r := f.signIn(t, authURL, "", ""); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: %d", r.Status)
	}
	for _, tc := range []struct {
		form url.Values
		code string
		want int
	}{
		{url.Values{"grant_type": {"password"}, "username": {"a"}, "password": {"b"}, "client_id": {f.app.ClientID}, "client_secret": {f.secret}}, "unsupported_grant_type", 400},
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {f.app.ClientID}, "client_secret": {f.secret}}, "unsupported_grant_type", 400},
		{url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "redirect_uri": {f.app.LoginURL}, "client_id": {f.app.ClientID}, "client_secret": {f.secret}}, "invalid_grant", 400},
		{url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "redirect_uri": {f.app.LoginURL}, "client_id": {"unknown"}, "client_secret": {"x"}}, "invalid_client", 401},
		{url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}, "client_id": {f.app.ClientID}, "client_secret": {f.secret}}, "invalid_grant", 400},
		{url.Values{"grant_type": {"authorization_code"}, "client_id": {f.app.ClientID}, "client_secret": {f.secret}}, "invalid_request", 400},
	} {
		res, err := http.PostForm(f.ta.srv.URL+"/api/v1/oauth2/token", tc.form)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != tc.want || body["error"] != tc.code {
			t.Errorf("%v: %d %v, want %d %s", tc.form, res.StatusCode, body, tc.want, tc.code)
		}
	}
}

// TestJointProductLinksAnAppCredential: the product editor offers 联营 with the
// merchant's own app credentials only; a product on WeLink cannot be submitted on
// public sale.
func TestJointProductLinksAnAppCredential(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "joint@example.com")
	_, om := activeSeller(t, ta, "other@example.com")
	ctx := context.Background()
	appOfMerchant := func(mid uint, login string) models.KitApp {
		k, _, err := ta.Store.CreateAccessKey(ctx, models.Actor{}, mid, "kit key")
		must(t, err)
		addr, err := ta.Store.SaveProductionAddress(ctx, models.Actor{}, mid, 0, models.AddressInput{Name: "kit", InterfaceType: models.InterfaceKit,
			Protocol: models.ProtocolV2, URL: "https://isv.example.com/produceAPI", KeyID: k.ID})
		must(t, err)
		app, _, err := ta.Store.CreateKitApp(ctx, models.Actor{}, mid, models.KitAppInput{Name: "协同办公", AuthMode: models.KitAuthOAuth2,
			AddressID: addr.ID, LoginType: models.KitLoginOwn, LoginURL: login, PublicKey: testkeys.Public3072()})
		must(t, err)
		return app
	}
	own := appOfMerchant(m.ID, "https://own.example.com/login")
	foreign := appOfMerchant(om.ID, "https://foreign.example.com/login")
	path := createDraft(t, c)
	if c.get(path).want(http.StatusOK).Doc().Find(`select[name="kit_app_id"] option[value="`+strconv.Itoa(int(foreign.ID))+`"]`).Length() != 0 {
		t.Fatal("another merchant's app is offered")
	}
	v := goodProductForm()
	v.Set("business_model", "joint")
	v.Set("kit_app_id", strconv.Itoa(int(foreign.ID)))
	if r := c.postMultipart(path, v).want(http.StatusUnprocessableEntity); r.fieldError("kit_app_id") == "" {
		t.Fatal("another merchant's app was accepted")
	}
	v.Set("kit_app_id", strconv.Itoa(int(own.ID)))
	v.Set("platforms", "welink")
	c.postMultipart(path, v).want(http.StatusSeeOther)
	content, err := appOf(t, ta, path).ContentOf()
	must(t, err)
	if content.BusinessModel != models.BusinessJoint || content.SaaS.KitAppID == nil || *content.SaaS.KitAppID != own.ID {
		t.Fatalf("saved %s %v", content.BusinessModel, content.SaaS.KitAppID)
	}
	r := c.post(path+"/submit", nil).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Hidden sale (public sale: no)") {
		t.Fatal("a WeLink product on public sale was not refused with its reason")
	}
}

// TestTryUnifiedLogin: the console's "try unified login" signs the test tenant's
// administrator in to the app, shows the code handed to the login URL, and exchanges it
// here for tokens and the kit identity; another merchant cannot try it.
func TestTryUnifiedLogin(t *testing.T) {
	f := newKitLoginFixture(t)
	c := f.ta.loggedIn("a@example.com")
	id := strconv.Itoa(int(f.app.ID))
	doc := c.post("/seller/saas/kit-apps/"+id+"/try-login", nil).want(http.StatusOK).Doc()
	redirect, _ := doc.Find(`[data-testid="try-redirect"]`).Attr("href")
	if !strings.HasPrefix(redirect, f.app.LoginURL+"?code=") {
		t.Fatalf("the code goes to %q", redirect)
	}
	if u := doc.Find(`[data-testid="try-authorize-url"]`).Text(); !strings.Contains(u, "code_challenge_method=S256") || !strings.Contains(u, "client_id="+f.app.ClientID) {
		t.Fatalf("authorize URL %q", u)
	}
	form := url.Values{}
	doc.Find(`form[action$="/exchange"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("name"); n != "_csrf" {
			form.Set(n, s.AttrOr("value", ""))
		}
	})
	ex := c.post("/seller/saas/kit-apps/"+id+"/try-login/exchange", form).want(http.StatusOK).Doc()
	if ex.Find(`[data-testid="try-token-body"]`).AttrOr("data-status", "") != "200" {
		t.Fatalf("token answer %s", ex.Find(`[data-testid="try-token-body"]`).Text())
	}
	if info := ex.Find(`[data-testid="try-userinfo"]`).Text(); !strings.Contains(info, f.account()) || strings.Contains(ex.Text(), f.secret) {
		t.Fatalf("userinfo %q (or the secret is shown)", info)
	}
	// The code worked once.
	again := c.post("/seller/saas/kit-apps/"+id+"/try-login/exchange", form).want(http.StatusOK).Doc()
	if again.Find(`[data-testid="try-token-body"]`).AttrOr("data-status", "") != "400" {
		t.Fatal("a used code was exchanged again")
	}
	other, _ := activeSeller(t, f.ta, "other@example.com")
	other.post("/seller/saas/kit-apps/"+id+"/try-login", nil).want(http.StatusNotFound)
}

// TestConsoleKitTabsUseTheAppCredential: a kit tab of the debugging console is filled
// from an app credential and its test tenant; sent with clientSecret left empty, the
// app's secret goes encrypted to the merchant's key (the reference endpoint decrypts
// it), and neither the page nor the history keeps it.
func TestConsoleKitTabsUseTheAppCredential(t *testing.T) {
	ta := devTestApp(t)
	ref := newReferenceEndpoint(t, ta)
	c, m := activeSeller(t, ta, "kitconsole@example.com")
	ctx := context.Background()
	secret := createKey(t, c, "k")
	ref.accept(secret)
	kid := strconv.Itoa(int(keyIDNamed(t, ta, m, "k")))
	c.post("/seller/saas/addresses", url.Values{"name": {"kit"}, "interface_type": {"kit"}, "protocol": {"v2"},
		"url": {ref.URL + "/"}, "key_id": {kid}}).want(http.StatusSeeOther)
	addrs, _ := ta.Store.ProductionAddressesOf(ctx, m.ID)
	res, err := http.Get(ref.URL + "/public-key.pem")
	must(t, err)
	pub, _ := io.ReadAll(res.Body)
	res.Body.Close()
	app, appSecret, err := ta.Store.CreateKitApp(ctx, models.Actor{}, m.ID, models.KitAppInput{Name: "协同办公", AuthMode: models.KitAuthOAuth2,
		AddressID: addrs[0].ID, LoginType: models.KitLoginOwn, LoginURL: "https://console-app.example.com/login", PublicKey: string(pub)})
	must(t, err)
	tt, err := ta.Store.RequestTestTenant(ctx, models.Actor{}, m.ID, app.ID)
	must(t, err)
	id := strconv.Itoa(int(app.ID))
	f := consoleForm(t, c, "version=v2&activity=applicationSync&app="+id)
	if f.Get("kit_app_id") != id || f.Get("p.appId") != app.ClientID || f.Get("p.tenantId") != tt.Tenant.TenantID ||
		f.Get("p.clientSecret") != "" || f.Get("address_id") != strconv.Itoa(int(app.AddressID)) {
		t.Fatalf("the tab is not filled from the app: %v", f)
	}
	page := c.get("/seller/saas/debug?version=v2&activity=applicationSync&app=" + id).Doc()
	if fa := page.Find(`[data-testid="console-try-login"]`).AttrOr("formaction", ""); fa != "/seller/saas/kit-apps/"+id+"/try-login" {
		t.Fatalf("the console's try-login button posts to %q", fa)
	}
	sent := c.post("/seller/saas/debug/send", f).want(http.StatusOK)
	if sent.Doc().Find(`[data-testid="result"]`).AttrOr("data-passed", "") != "true" {
		t.Fatalf("applicationSync with the app's secret failed: %s", sent.Doc().Find(`[data-testid="result"]`).Text())
	}
	if strings.Contains(sent.Body, appSecret) {
		t.Fatal("the page shows the app secret")
	}
	var calls []models.DebugCall
	must(t, ta.env.DB.R.Where("merchant_id = ?", m.ID).Find(&calls).Error)
	for _, dc := range calls {
		if strings.Contains(dc.Params, appSecret) || strings.Contains(dc.ReqBody, appSecret) {
			t.Fatal("the history keeps the app secret")
		}
	}
	// Another merchant's app fills nothing.
	other, _ := activeSeller(t, ta, "otherkit@example.com")
	other.get("/seller/saas/debug?version=v2&activity=applicationSync&app=" + id).want(http.StatusNotFound)
	f.Set("kit_app_id", "999999")
	if r := c.post("/seller/saas/debug/send", f); r.Status != http.StatusUnprocessableEntity || r.fieldError("kit_app_id") == "" {
		t.Fatalf("an unknown app: %d", r.Status)
	}
}
