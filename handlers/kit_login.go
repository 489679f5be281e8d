package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/kitauth"
	"sellercenter/models"
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
