// Package kitauth is the platform's OAuth 2.0 authorization server for unified login
// (统一登录) of joint-operation apps: the authorization-code grant with PKCE and the
// refresh grant, served by github.com/go-oauth2/oauth2 over the store's app
// credentials (the clients: app ID and secret) and its hashed codes and tokens.
package kitauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-oauth2/oauth2/v4"
	oerrors "github.com/go-oauth2/oauth2/v4/errors"
	"github.com/go-oauth2/oauth2/v4/generates"
	"github.com/go-oauth2/oauth2/v4/manage"
	omodels "github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"

	"sellercenter/models"
)

// Lifetimes of unified login.
const (
	CodeTTL    = 5 * time.Minute
	AccessTTL  = 2 * time.Hour
	RefreshTTL = 30 * 24 * time.Hour
)

// Server is the authorization server.
type Server struct {
	Store *models.Store
	srv   *server.Server
}

// userKey carries the signed-in grant from the authorize page into the library.
type userKey struct{}

// WithUser marks a request as signed in as the grant (its id is the token subject).
func WithUser(r *http.Request, grantID uint) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), userKey{}, strconv.FormatUint(uint64(grantID), 10)))
}

// New builds the server over the store.
func New(store *models.Store) *Server {
	m := manage.NewManager()
	m.MapAuthorizeGenerate(generates.NewAuthorizeGenerate())
	m.MapAccessGenerate(generates.NewAccessGenerate())
	m.SetAuthorizeCodeExp(CodeTTL)
	m.SetAuthorizeCodeTokenCfg(&manage.Config{AccessTokenExp: AccessTTL, RefreshTokenExp: RefreshTTL, IsGenerateRefresh: true})
	m.SetRefreshTokenCfg(&manage.RefreshingConfig{AccessTokenExp: AccessTTL, RefreshTokenExp: RefreshTTL, IsGenerateRefresh: true,
		IsRemoveAccess: true, IsRemoveRefreshing: true, IsResetRefreshTime: true})
	// The redirect URI must be the app's registered login URL, exactly.
	m.SetValidateURIHandler(func(base, redirect string) error {
		if !SameURI(base, redirect) {
			return oerrors.ErrInvalidRedirectURI
		}
		return nil
	})
	m.MapClientStorage(clients{store})
	m.MapTokenStorage(tokens{store})

	cfg := &server.Config{
		TokenType:                   "Bearer",
		AllowedResponseTypes:        []oauth2.ResponseType{oauth2.Code},
		AllowedGrantTypes:           []oauth2.GrantType{oauth2.AuthorizationCode, oauth2.Refreshing},
		AllowedCodeChallengeMethods: []oauth2.CodeChallengeMethod{oauth2.CodeChallengeS256, oauth2.CodeChallengePlain},
	}
	srv := server.NewServer(cfg, m)
	srv.ClientInfoHandler = clientInfo
	srv.UserAuthorizationHandler = func(_ http.ResponseWriter, r *http.Request) (string, error) {
		id, _ := r.Context().Value(userKey{}).(string)
		if id == "" {
			return "", oerrors.ErrAccessDenied
		}
		return id, nil
	}
	srv.InternalErrorHandler = func(err error) *oerrors.Response {
		switch {
		case errors.Is(err, oerrors.ErrInvalidRedirectURI), errors.Is(err, oerrors.ErrMissingCodeVerifier),
			errors.Is(err, oerrors.ErrInvalidAuthorizeCode), errors.Is(err, oerrors.ErrInvalidRefreshToken),
			errors.Is(err, oerrors.ErrExpiredRefreshToken), errors.Is(err, oerrors.ErrInvalidCodeChallenge):
			return &oerrors.Response{Error: oerrors.ErrInvalidGrant, Description: oerrors.Descriptions[oerrors.ErrInvalidGrant]}
		}
		return nil
	}
	// RFC 6749 §5.2: 400 for every error but a failed client authentication (401).
	srv.ResponseErrorHandler = func(re *oerrors.Response) {
		switch re.Error {
		case oerrors.ErrInvalidClient:
			re.StatusCode = http.StatusUnauthorized
			re.SetHeader("WWW-Authenticate", `Basic realm="unified-login"`)
		case oerrors.ErrServerError:
			re.StatusCode = http.StatusInternalServerError
		case oerrors.ErrTemporarilyUnavailable:
			re.StatusCode = http.StatusServiceUnavailable
		default:
			re.StatusCode = http.StatusBadRequest
		}
	}
	return &Server{Store: store, srv: srv}
}

// SameURI tells whether a redirect URI is the registered one: scheme, host and path
// equal (the query may carry the app's own parameters; a fragment is never allowed).
func SameURI(registered, redirect string) bool {
	a, err1 := url.Parse(registered)
	b, err2 := url.Parse(redirect)
	if err1 != nil || err2 != nil || b.Fragment != "" || b.User != nil {
		return false
	}
	path := func(p string) string {
		if p == "" {
			return "/"
		}
		return p
	}
	return a.Scheme == b.Scheme && a.Host == b.Host && path(a.Path) == path(b.Path)
}

// Authorize answers a signed-in user's authorize request: a redirect to the app with
// the code (or the OAuth error). The caller has checked the client and the redirect URI.
func (s *Server) Authorize(w http.ResponseWriter, r *http.Request) error {
	return s.srv.HandleAuthorizeRequest(w, r)
}

// Token answers POST /api/v1/oauth2/token.
func (s *Server) Token(w http.ResponseWriter, r *http.Request) error {
	switch oauth2.GrantType(r.PostFormValue("grant_type")) {
	case oauth2.AuthorizationCode, oauth2.Refreshing:
		return s.srv.HandleTokenRequest(w, r)
	}
	// Only the two grants of unified login exist (no password or client grant).
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_, err := w.Write([]byte(`{"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported by the authorization server"}` + "\n"))
	return err
}

// Bearer reads the access token of a request: the app's client ID and the grant.
func (s *Server) Bearer(r *http.Request) (clientID string, grantID uint, err error) {
	ti, err := s.srv.ValidationBearerToken(r)
	if err != nil {
		return "", 0, err
	}
	id, err := strconv.ParseUint(ti.GetUserID(), 10, 64)
	if err != nil {
		return "", 0, oerrors.ErrInvalidAccessToken
	}
	return ti.GetClientID(), uint(id), nil
}

// clientInfo reads the client's credentials: HTTP Basic (client_secret_basic) or the
// form (client_secret_post).
func clientInfo(r *http.Request) (string, string, error) {
	if id, secret, ok := r.BasicAuth(); ok {
		if uid, err := url.QueryUnescape(id); err == nil {
			id = uid
		}
		if us, err := url.QueryUnescape(secret); err == nil {
			secret = us
		}
		return id, secret, nil
	}
	id := r.PostFormValue("client_id")
	if id == "" {
		return "", "", oerrors.ErrInvalidClient
	}
	return id, r.PostFormValue("client_secret"), nil
}

// clients is the client store: the app credentials.
type clients struct{ store *models.Store }

func (c clients) GetByID(ctx context.Context, id string) (oauth2.ClientInfo, error) {
	app, err := c.store.KitAppByClientID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, oerrors.ErrInvalidClient
	}
	if err != nil {
		return nil, err
	}
	secret, err := c.store.KitAppSecret(app)
	if err != nil {
		return nil, err
	}
	return client{id: app.ClientID, secret: secret, domain: app.LoginURL}, nil
}

// client is an app credential as the library sees it; the secret is compared in
// constant time.
type client struct{ id, secret, domain string }

func (c client) GetID() string     { return c.id }
func (c client) GetSecret() string { return c.secret }
func (c client) GetDomain() string { return c.domain }
func (c client) IsPublic() bool    { return false }
func (c client) GetUserID() string { return "" }
func (c client) VerifyPassword(secret string) bool {
	return secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) == 1
}

// tokens is the token store: hashed codes and tokens, expiry on the store's clock.
type tokens struct{ store *models.Store }

func (t tokens) Create(ctx context.Context, info oauth2.TokenInfo) error {
	grant, err := strconv.ParseUint(info.GetUserID(), 10, 64)
	if err != nil {
		return err
	}
	now := t.store.Now()
	row := models.KitToken{ClientID: info.GetClientID(), GrantID: uint(grant), RedirectURI: info.GetRedirectURI(), Scope: info.GetScope()}
	if code := info.GetCode(); code != "" {
		row.CodeHash, row.CodeCreatedAt, row.CodeExpiresIn = models.KitTokenHash(code), &now, int64(info.GetCodeExpiresIn())
		row.CodeChallenge, row.CodeChallengeMethod = info.GetCodeChallenge(), info.GetCodeChallengeMethod().String()
		row.AccessExpiresIn = int64(info.GetAccessExpiresIn())
	}
	if access := info.GetAccess(); access != "" {
		row.AccessHash, row.AccessCreatedAt, row.AccessExpiresIn = models.KitTokenHash(access), &now, int64(info.GetAccessExpiresIn())
	}
	if refresh := info.GetRefresh(); refresh != "" {
		at := now
		if info.GetRefreshCreateAt().Before(info.GetAccessCreateAt()) {
			// A refresh that keeps the refresh token's age (not reset) keeps its expiry.
			at = now.Add(info.GetRefreshCreateAt().Sub(info.GetAccessCreateAt()))
		}
		row.RefreshHash, row.RefreshCreatedAt, row.RefreshExpiresIn = models.KitTokenHash(refresh), &at, int64(info.GetRefreshExpiresIn())
	}
	return t.store.SaveKitToken(ctx, &row)
}

func (t tokens) remove(ctx context.Context, kind, v string) error {
	err := t.store.DeleteKitTokenBy(ctx, kind, v)
	if errors.Is(err, models.ErrNotFound) {
		if kind == models.KitByCode {
			return oerrors.ErrInvalidAuthorizeCode // exchanged at the same moment by another request
		}
		return nil
	}
	return err
}

func (t tokens) RemoveByCode(ctx context.Context, code string) error {
	return t.remove(ctx, models.KitByCode, code)
}
func (t tokens) RemoveByAccess(ctx context.Context, access string) error {
	return t.remove(ctx, models.KitByAccess, access)
}
func (t tokens) RemoveByRefresh(ctx context.Context, refresh string) error {
	return t.remove(ctx, models.KitByRefresh, refresh)
}

func (t tokens) get(ctx context.Context, kind, v string) (oauth2.TokenInfo, error) {
	row, err := t.store.KitTokenBy(ctx, kind, v)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil // the library answers invalid_grant or invalid token
	}
	if err != nil {
		return nil, err
	}
	// The library checks expiry with the wall clock: times are given as ages on the
	// store's clock (which has checked them already), so both agree.
	now, wall := t.store.Now(), time.Now()
	rel := func(at *time.Time) time.Time {
		if at == nil {
			return time.Time{}
		}
		return wall.Add(at.Sub(now))
	}
	info := omodels.NewToken()
	info.SetClientID(row.ClientID)
	info.SetUserID(strconv.FormatUint(uint64(row.GrantID), 10))
	info.SetRedirectURI(row.RedirectURI)
	info.SetScope(row.Scope)
	switch kind {
	case models.KitByCode:
		info.SetCode(v)
		info.SetCodeCreateAt(rel(row.CodeCreatedAt))
		info.SetCodeExpiresIn(time.Duration(row.CodeExpiresIn))
		info.SetCodeChallenge(row.CodeChallenge)
		info.SetCodeChallengeMethod(oauth2.CodeChallengeMethod(row.CodeChallengeMethod))
		info.SetAccessExpiresIn(time.Duration(row.AccessExpiresIn))
	case models.KitByAccess, models.KitByRefresh:
		if kind == models.KitByAccess {
			info.SetAccess(v)
		} else {
			info.SetRefresh(v)
		}
		info.SetAccessCreateAt(rel(row.AccessCreatedAt))
		info.SetAccessExpiresIn(time.Duration(row.AccessExpiresIn))
		info.SetRefreshCreateAt(rel(row.RefreshCreatedAt))
		info.SetRefreshExpiresIn(time.Duration(row.RefreshExpiresIn))
	}
	return info, nil
}

func (t tokens) GetByCode(ctx context.Context, code string) (oauth2.TokenInfo, error) {
	return t.get(ctx, models.KitByCode, code)
}
func (t tokens) GetByAccess(ctx context.Context, access string) (oauth2.TokenInfo, error) {
	return t.get(ctx, models.KitByAccess, access)
}
func (t tokens) GetByRefresh(ctx context.Context, refresh string) (oauth2.TokenInfo, error) {
	return t.get(ctx, models.KitByRefresh, refresh)
}

// IssueCode issues an authorization code to an app for a signed-in grant, as the
// authorize page does after the user signed in (the console's "try unified login" signs
// the test tenant's administrator in this way). challenge is a PKCE S256 challenge.
func (s *Server) IssueCode(r *http.Request, clientID, redirectURI string, grantID uint, challenge string) (string, error) {
	ti, err := s.srv.GetAuthorizeToken(r.Context(), &server.AuthorizeRequest{ResponseType: oauth2.Code, ClientID: clientID,
		RedirectURI: redirectURI, UserID: strconv.FormatUint(uint64(grantID), 10), CodeChallenge: challenge,
		CodeChallengeMethod: oauth2.CodeChallengeS256, Request: r})
	if err != nil {
		return "", err
	}
	return ti.GetCode(), nil
}
