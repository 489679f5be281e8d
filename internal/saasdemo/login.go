package saasdemo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"sellercenter/internal/saasproto"
)

// The reference app's unified login (统一登录): /login sends the user to the platform's
// authorize page (authorization code with PKCE and state) and, back with a code,
// exchanges it with the app ID and secret and shows who signed in, read from the
// platform's userinfo endpoint. It is the merchant side of saas-protocol.md §9, written
// as a merchant's app would write it with golang.org/x/oauth2.

// LoginOptions is the app credential the reference app signs users in with.
type LoginOptions struct {
	// Platform is the platform's base URL (its authorize, token and userinfo endpoints
	// hang off it), read at each sign-in.
	Platform func() string
	// Client returns the app ID and secret of the app whose login URL is loginURL (the
	// address this page is served at); ok false when none is registered.
	Client func(ctx context.Context, loginURL string) (clientID, secret string, ok bool)
	// PublicURL is this app's own base URL as the platform's users reach it (nil or ""
	// reads it from the request).
	PublicURL func() string
	// HTTPClient makes the token and userinfo calls: the guarded outbound client's.
	HTTPClient *http.Client
}

const (
	loginStateCookie    = "saasdemo_state"
	loginVerifierCookie = "saasdemo_verifier"
)

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reference app · unified login</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="{{.CSS}}"></head>
<body>
<main>
<h1>Reference app</h1>
{{if .User}}
<p role="status" data-testid="demo-signed-in">Signed in as <strong>{{.User.Sub}}</strong> through the platform's unified login.</p>
<dl>
<dt>Name</dt><dd>{{.User.Name}}</dd>
<dt>Tenant</dt><dd>{{.User.TenantName}} ({{.User.TenantCode}}, {{.User.TenantID}})</dd>
<dt>Role</dt><dd data-testid="demo-role">{{.User.Role}}</dd>
</dl>
<p><a href="{{.Start}}">Sign in again</a></p>
{{else if .Error}}
<p role="alert" data-testid="demo-login-error">Unified login did not complete: {{.Error}}</p>
<p><a href="{{.Start}}">Try again</a></p>
{{else}}
<p>This is the merchant's app. Its users are the platform's organisation users: they sign in on the platform.</p>
<p><a href="{{.Start}}" data-testid="demo-login-start">Sign in with the platform (unified login)</a></p>
{{end}}
</main></body></html>`))

// userInfo is what the platform's userinfo endpoint answers.
type userInfo struct {
	Sub        string `json:"sub"`
	Name       string `json:"name"`
	TenantID   string `json:"tenantId"`
	TenantCode string `json:"tenantCode"`
	TenantName string `json:"tenantName"`
	Role       string `json:"role"`
}

type loginView struct {
	User  *userInfo
	Error string
	Start string
	CSS   string
}

// loginCSS styles the page (served as a file: the platform's content policy refuses
// inline styles).
const loginCSS = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#0f172a}
h1{font-size:1.5rem}dt{color:#64748b;font-size:.875rem}dd{margin:0 0 .75rem}a{color:#2563eb}
[role=alert]{background:#fef2f2;color:#7f1d1d;padding:.75rem;border-radius:.5rem}
[role=status]{background:#f0fdf4;color:#14532d;padding:.75rem;border-radius:.5rem}`

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// loginURL is the address the page is served at, as registered with the platform.
func (s *Server) loginURL(r *http.Request, prefix string) string {
	base := ""
	if s.o.Login.PublicURL != nil {
		base = strings.TrimRight(s.o.Login.PublicURL(), "/")
	}
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host + prefix
	}
	return base + "/login"
}

// serveLogin is GET /login.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request, prefix string) {
	w.Header().Set("Cache-Control", "no-store")
	render := func(status int, v loginView) {
		v.CSS = strings.TrimSuffix(s.loginURL(r, prefix), "/login") + "/login.css"
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_ = loginPage.Execute(w, v)
	}
	lo := s.o.Login
	self := s.loginURL(r, prefix)
	if lo == nil || lo.Client == nil || lo.Platform == nil || lo.HTTPClient == nil {
		render(http.StatusNotFound, loginView{Error: "no unified login is configured for this endpoint", Start: self})
		return
	}
	id, secret, ok := lo.Client(r.Context(), self)
	if !ok {
		render(http.StatusNotFound, loginView{Error: "no app credential has the login URL " + self, Start: self})
		return
	}
	platform := strings.TrimRight(lo.Platform(), "/")
	conf := &oauth2.Config{ClientID: id, ClientSecret: secret, RedirectURL: self,
		Endpoint: oauth2.Endpoint{AuthURL: platform + saasproto.OAuthAuthorizePath, TokenURL: platform + saasproto.OAuthTokenPath, AuthStyle: oauth2.AuthStyleInHeader}}
	q := r.URL.Query()
	start := self + "?start=1"
	switch {
	case q.Get("error") != "":
		render(http.StatusBadRequest, loginView{Error: q.Get("error"), Start: start})
		return
	case q.Get("code") == "":
		if q.Get("start") == "" {
			render(http.StatusOK, loginView{Start: start})
			return
		}
		state, verifier := randomHex(16), oauth2.GenerateVerifier()
		for name, v := range map[string]string{loginStateCookie: state, loginVerifierCookie: verifier} {
			http.SetCookie(w, &http.Cookie{Name: name, Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 600})
		}
		http.Redirect(w, r, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), http.StatusFound)
		return
	}
	st, err1 := r.Cookie(loginStateCookie)
	ver, err2 := r.Cookie(loginVerifierCookie)
	if err1 != nil || err2 != nil || st.Value != q.Get("state") {
		render(http.StatusBadRequest, loginView{Error: "the state does not match this browser's sign-in", Start: start})
		return
	}
	ctx := r.Context()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, lo.HTTPClient)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(ver.Value))
	if err != nil {
		render(http.StatusBadGateway, loginView{Error: "the code exchange failed: " + err.Error(), Start: start})
		return
	}
	res, err := conf.Client(ctx, tok).Get(platform + saasproto.OAuthUserInfoPath)
	if err != nil {
		render(http.StatusBadGateway, loginView{Error: "userinfo: " + err.Error(), Start: start})
		return
	}
	defer res.Body.Close()
	var u userInfo
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&u) != nil || u.Sub == "" {
		render(http.StatusBadGateway, loginView{Error: fmt.Sprintf("userinfo answered %d", res.StatusCode), Start: start})
		return
	}
	render(http.StatusOK, loginView{User: &u, Start: start})
}
