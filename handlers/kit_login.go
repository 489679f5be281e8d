package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"sellercenter/internal/kitauth"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// Unified login (统一登录, saas-protocol.md §9): the platform is the OAuth 2.0
// authorization server of joint-operation apps. The app sends the user to the authorize
// page; an authorised user of an organisation the app is bound to signs in; the app
// exchanges the code at the token endpoint with its app ID and secret and reads the
// user's kit identity from the userinfo endpoint.

// kitAuthParams are the authorize request's parameters the login form carries on.
var kitAuthParams = []string{"response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"}

type kitLoginForm struct {
	Account  string `form:"account" validate:"required,max=200"`
	Password string `form:"password" trim:"no" validate:"required,max=200"`
}

func (a *App) kitServer() *kitauth.Server {
	a.kitOnce.Do(func() { a.kit = kitauth.New(a.Store) })
	return a.kit
}

// kitAuthorizeApp checks the request's app and redirect URI before anything else: an
// unknown app or a redirect URI that is not the app's login URL gets a page, never a
// redirect. It fills in the registered URI when none was given.
func (a *App) kitAuthorizeApp(c echo.Context) (models.KitApp, bool, error) {
	r := c.Request()
	app, err := a.Store.KitAppByClientID(r.Context(), r.FormValue("client_id"))
	if errors.Is(err, models.ErrNotFound) {
		return app, false, a.render(c, http.StatusBadRequest, pages.KitRefusedPage(a.page(c),
			pages.KitRefusedVM{Title: "kitlogin.refused_title", Body: "kitlogin.unknown_app"}), nil)
	}
	if err != nil {
		return app, false, err
	}
	redirect := r.FormValue("redirect_uri")
	if redirect != "" && !kitauth.SameURI(app.LoginURL, redirect) {
		return app, false, a.render(c, http.StatusBadRequest, pages.KitRefusedPage(a.page(c),
			pages.KitRefusedVM{Title: "kitlogin.refused_title", Body: "kitlogin.bad_redirect", AppName: app.Name}), nil)
	}
	return app, true, nil
}

// kitAuthorizeError sends a request the app made wrong back to the app, as OAuth says
// (RFC 6749 §4.1.2.1): error and state on the registered redirect URI.
func kitAuthorizeError(c echo.Context, app models.KitApp, code string) error {
	r := c.Request()
	target := r.FormValue("redirect_uri")
	if target == "" {
		target = app.LoginURL
	}
	u, err := url.Parse(target)
	if err != nil {
		return echo.ErrBadRequest
	}
	q := u.Query()
	q.Set("error", code)
	if s := r.FormValue("state"); s != "" {
		q.Set("state", s)
	}
	u.RawQuery = q.Encode()
	return c.Redirect(http.StatusFound, u.String())
}

// kitRequestError checks what the library will check of an authorize request: the
// response type and PKCE's challenge; "" when it is well formed.
func kitRequestError(r *http.Request) string {
	if r.FormValue("response_type") != "code" {
		return "unsupported_response_type"
	}
	cc, m := r.FormValue("code_challenge"), r.FormValue("code_challenge_method")
	if cc == "" && m != "" {
		return "invalid_request"
	}
	if cc != "" && (len(cc) < 43 || len(cc) > 128 || (m != "" && m != "S256" && m != "plain")) {
		return "invalid_request"
	}
	return ""
}

// kitLoginVM is the login page of an app with the request's parameters.
func kitLoginVM(c echo.Context, app models.KitApp, account string, errs view.Errors) pages.KitLoginVM {
	vm := pages.KitLoginVM{AppName: app.Name, Account: account, Errors: errs}
	for _, k := range kitAuthParams {
		if v := c.Request().FormValue(k); v != "" {
			vm.Params = append(vm.Params, [2]string{k, v})
		}
	}
	return vm
}

// allowFormTo lets the login form's answer redirect to the app: the page's form-action
// policy names the app's origin besides this site.
func allowFormTo(c echo.Context, loginURL string) {
	u, err := url.Parse(loginURL)
	if err != nil || u.Host == "" {
		return
	}
	h := c.Response().Header()
	csp := h.Get(echo.HeaderContentSecurityPolicy)
	h.Set(echo.HeaderContentSecurityPolicy, strings.Replace(csp, "form-action 'self'", "form-action 'self' "+u.Scheme+"://"+u.Host, 1))
}

// KitAuthorizeShow is GET /oauth2/authorize: the sign-in page of the app.
func (a *App) KitAuthorizeShow(c echo.Context) error {
	app, ok, err := a.kitAuthorizeApp(c)
	if !ok || err != nil {
		return err
	}
	if e := kitRequestError(c.Request()); e != "" {
		return kitAuthorizeError(c, app, e)
	}
	allowFormTo(c, app.LoginURL)
	return a.render(c, http.StatusOK, pages.KitLoginPage(a.page(c), kitLoginVM(c, app, "", nil)), nil)
}

// KitAuthorizeCreate is POST /oauth2/authorize: the user signs in; an authorised user
// goes back to the app with a code, anyone else gets a clear page.
func (a *App) KitAuthorizeCreate(c echo.Context) error {
	app, ok, err := a.kitAuthorizeApp(c)
	if !ok || err != nil {
		return err
	}
	if e := kitRequestError(c.Request()); e != "" {
		return kitAuthorizeError(c, app, e)
	}
	var f kitLoginForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	allowFormTo(c, app.LoginURL)
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.KitLoginPage(a.page(c), kitLoginVM(c, app, f.Account, errs)), nil)
	}
	r := c.Request()
	who, err := a.Store.KitAuthenticate(r.Context(), app.ClientID, f.Account, f.Password, c.RealIP())
	switch {
	case errors.Is(err, models.ErrThrottled):
		return a.render(c, http.StatusTooManyRequests, pages.KitLoginPage(a.page(c),
			kitLoginVM(c, app, f.Account, view.Errors{"_form": view.M("auth.throttled")})), nil)
	case errors.Is(err, models.ErrBadCredentials):
		return a.render(c, http.StatusUnauthorized, pages.KitLoginPage(a.page(c),
			kitLoginVM(c, app, f.Account, view.Errors{"_form": view.M("kitlogin.bad_credentials")})), nil)
	case errors.Is(err, models.ErrKitNotAuthorised):
		return a.render(c, http.StatusForbidden, pages.KitRefusedPage(a.page(c),
			pages.KitRefusedVM{Title: "kitlogin.refused_title", Body: "kitlogin.not_authorised", AppName: app.Name}), nil)
	case err != nil:
		return err
	}
	if r.FormValue("redirect_uri") == "" {
		r.Form.Set("redirect_uri", app.LoginURL)
	}
	return a.kitServer().Authorize(c.Response(), kitauth.WithUser(r, who.GrantID))
}

// KitTokenCreate is POST /api/v1/oauth2/token: the authorization_code and
// refresh_token grants; errors as RFC 6749 §5.2 JSON.
func (a *App) KitTokenCreate(c echo.Context) error {
	return a.kitServer().Token(c.Response(), c.Request())
}

// KitUserInfoShow is GET /api/v1/oauth2/userinfo: the kit identity of the access
// token's user; a user switched off or no longer authorised has no valid token.
func (a *App) KitUserInfoShow(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	clientID, grantID, err := a.kitServer().Bearer(c.Request())
	if err == nil {
		var who models.KitSignIn
		who, err = a.Store.KitSignInOf(c.Request().Context(), clientID, grantID)
		if err == nil {
			return c.JSON(http.StatusOK, kitUserInfo(who))
		}
		if !errors.Is(err, models.ErrKitNotAuthorised) {
			return err
		}
	}
	h.Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	return c.JSON(http.StatusUnauthorized, map[string]string{"error": "invalid_token",
		"error_description": "The access token is missing, expired, revoked, or its user may no longer use the app"})
}

// kitUserInfo is the userinfo answer: sub and userName are the kit identity
// (userName@tenantCode).
func kitUserInfo(k models.KitSignIn) json.RawMessage {
	b, _ := json.Marshal(struct {
		Sub        string `json:"sub"`
		UserName   string `json:"userName"`
		LoginName  string `json:"loginName"`
		Name       string `json:"name"`
		TenantID   string `json:"tenantId"`
		TenantCode string `json:"tenantCode"`
		TenantName string `json:"tenantName"`
		Role       string `json:"role"`
		OrgCode    string `json:"orgCode"`
		Email      string `json:"email"`
		Mobile     string `json:"mobile"`
	}{k.Identity(), k.Identity(), k.UserName, k.Name, k.TenantID, k.TenantCode, k.TenantName, k.Role, k.OrgCode, k.Email, k.Mobile})
	return b
}

// kitTryApp reads the merchant's app and its test tenant (requested now when missing).
func (a *App) kitTryApp(c echo.Context) (models.KitApp, models.KitTestTenant, error) {
	var tt models.KitTestTenant
	if err := requireActive(c); err != nil {
		return models.KitApp{}, tt, err
	}
	id, err := idParam(c)
	if err != nil {
		return models.KitApp{}, tt, err
	}
	ctx, m := c.Request().Context(), currentMerchant(c)
	app, err := a.Store.KitAppOf(ctx, m.ID, id)
	if err != nil {
		return app, tt, err
	}
	tt, err = a.Store.TestTenantOf(ctx, m.ID, app.ID)
	if errors.Is(err, models.ErrNotFound) {
		tt, err = a.Store.RequestTestTenant(ctx, actor(c), m.ID, app.ID)
	}
	return app, tt, err
}

// testGrant is the grant of the test tenant's administrator on its app.
func (a *App) testGrant(c echo.Context, app models.KitApp, tt models.KitTestTenant) (models.KitSignIn, error) {
	return a.Store.KitAuthenticateGrantOf(c.Request().Context(), app.ClientID, tt.Binding.ID, models.TestTenantAdmin)
}

// KitAppTryLogin is "try unified login": the test tenant's administrator is signed in to
// the app and each step of the flow is shown; the code goes to the app's login URL.
func (a *App) KitAppTryLogin(c echo.Context) error {
	app, tt, err := a.kitTryApp(c)
	if err != nil {
		return err
	}
	who, err := a.testGrant(c, app, tt)
	if err != nil {
		return err
	}
	verifier := oauth2.GenerateVerifier()
	state := randomState()
	conf := oauth2.Config{ClientID: app.ClientID, RedirectURL: app.LoginURL,
		Endpoint: oauth2.Endpoint{AuthURL: a.Cfg.BaseURL + web.KitAuthorize(), TokenURL: a.Cfg.BaseURL + web.KitToken()}}
	code, err := a.kitServer().IssueCode(c.Request(), app.ClientID, app.LoginURL, who.GrantID, oauth2.S256ChallengeFromVerifier(verifier))
	if err != nil {
		return err
	}
	back, err := url.Parse(app.LoginURL)
	if err != nil {
		return err
	}
	q := back.Query()
	q.Set("code", code)
	q.Set("state", state)
	back.RawQuery = q.Encode()
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, http.StatusOK, pages.KitTryLoginPage(a.page(c), pages.KitTryLoginVM{App: app, Test: tt,
		AuthorizeURL: conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), Account: who.Identity(),
		RedirectURL: back.String(), Code: code, State: state, Verifier: verifier}), nil)
}

// KitAppTryLoginExchange exchanges the tried code here, as the app would, and reads
// userinfo with the access token: the exact answers are shown (tokens shortened).
func (a *App) KitAppTryLoginExchange(c echo.Context) error {
	app, tt, err := a.kitTryApp(c)
	if err != nil {
		return err
	}
	secret, err := a.Store.KitAppSecret(app)
	if err != nil {
		return err
	}
	code, verifier, state := c.FormValue("code"), c.FormValue("verifier"), c.FormValue("state")
	if len(code) > 200 || len(verifier) > 200 || len(state) > 200 {
		return echo.ErrBadRequest
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {app.LoginURL}, "code_verifier": {verifier}}
	req := httptest.NewRequest(http.MethodPost, a.Cfg.BaseURL+web.KitToken(), strings.NewReader(form.Encode())).WithContext(c.Request().Context())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(app.ClientID), url.QueryEscape(secret))
	rec := httptest.NewRecorder()
	if err := a.kitServer().Token(rec, req); err != nil {
		return err
	}
	vm := pages.KitTryLoginVM{App: app, Test: tt, Account: models.KitIdentity(models.TestTenantAdmin, tt.Tenant.TenantCode), Code: code,
		State: state, Exchanged: true, TokenStatus: rec.Code,
		TokenRequest: "POST " + web.KitToken() + "\nAuthorization: Basic base64(" + app.ClientID + ":<app secret>)\nContent-Type: application/x-www-form-urlencoded\n\n" +
			strings.ReplaceAll(form.Encode(), "&", "\n&")}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body := rec.Body.Bytes()
	_ = json.Unmarshal(body, &tok)
	vm.TokenBody = shortenTokens(body)
	if rec.Code == http.StatusOK && tok.AccessToken != "" {
		info := httptest.NewRequest(http.MethodGet, a.Cfg.BaseURL+web.KitUserInfo(), nil).WithContext(c.Request().Context())
		info.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		vm.InfoStatus, vm.InfoBody = http.StatusUnauthorized, `{"error":"invalid_token"}`
		if clientID, grantID, err := a.kitServer().Bearer(info); err == nil {
			if who, err := a.Store.KitSignInOf(c.Request().Context(), clientID, grantID); err == nil {
				out, _ := json.MarshalIndent(kitUserInfo(who), "", "  ")
				vm.InfoStatus, vm.InfoBody = http.StatusOK, string(out)
			}
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return a.render(c, http.StatusOK, pages.KitTryLoginPage(a.page(c), vm), nil)
}

// shortenTokens shows a token answer with its tokens cut to their first 8 characters.
func shortenTokens(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return string(body)
	}
	for _, k := range []string{"access_token", "refresh_token"} {
		if s, ok := m[k].(string); ok && len(s) > 8 {
			m[k] = s[:8] + "…"
		}
	}
	out, _ := json.MarshalIndent(m, "", "  ")
	return string(out)
}

func randomState() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
