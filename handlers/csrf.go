package handlers

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// sessionCSRFKey holds the session's CSRF token: a token is good only for the session it
// was issued to, so a token minted by another session (or a cookie an attacker set) is
// worthless.
const sessionCSRFKey = "csrf"

// csrfHeader carries the token on htmx requests (hx-headers on <body>).
const csrfHeader = "X-CSRF-Token"

// csrfField is the hidden form field of every form; in a multipart form it is the first
// part, so the token is read without reading the body behind it.
const csrfField = "_csrf"

// csrfPeek is how much of a multipart body is looked at for the token.
const csrfPeek = 4096

// csrfToken is the token the page's forms carry. A logged-in session always has one; a
// visitor gets one (and with it a session) only from the pages with forms a visitor
// submits (issueCSRF), so browsing the catalog writes no session row.
func (a *App) csrfToken(c echo.Context) string {
	ctx := c.Request().Context()
	if tok := a.Sessions.GetString(ctx, sessionCSRFKey); tok != "" || currentUser(c) == nil {
		return tok
	}
	return a.newCSRFToken(c)
}

// issueCSRF gives the visitor a session with a token before a page whose form a visitor
// submits: login, registration, the password reset.
func (a *App) issueCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if a.Sessions.GetString(c.Request().Context(), sessionCSRFKey) == "" {
			a.newCSRFToken(c)
		}
		return next(c)
	}
}

// newCSRFToken gives the session a fresh token (at login and every privilege change).
func (a *App) newCSRFToken(c echo.Context) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	a.Sessions.Put(c.Request().Context(), sessionCSRFKey, tok)
	return tok
}

// csrf refuses state changes that do not carry the session's token, and cross-site ones
// whatever they carry. The token is taken from the header, else from the form; a
// multipart body is not parsed for it (only its first part is looked at), so an upload
// is refused before its body is read.
func (a *App) csrf(next echo.HandlerFunc) echo.HandlerFunc { return a.checkCSRF(next, false) }

// csrfOrSessionless is csrf for the language switch, which a visitor without a session
// uses too: it then only sets a cookie, and there is no session to forge a request for.
func (a *App) csrfOrSessionless(next echo.HandlerFunc) echo.HandlerFunc {
	return a.checkCSRF(next, true)
}

func (a *App) checkCSRF(next echo.HandlerFunc, sessionless bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			return next(c)
		}
		switch r.Header.Get(echo.HeaderSecFetchSite) {
		case "cross-site", "same-site":
			return echo.NewHTTPError(http.StatusForbidden)
		}
		want := a.Sessions.GetString(r.Context(), sessionCSRFKey)
		if want == "" { // no session, or one that never showed a form
			if sessionless && currentUser(c) == nil {
				return next(c)
			}
			return echo.NewHTTPError(http.StatusForbidden)
		}
		got := r.Header.Get(csrfHeader)
		if got == "" {
			got = formCSRFToken(r)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return echo.NewHTTPError(http.StatusForbidden)
		}
		return next(c)
	}
}

// formCSRFToken reads the token field of an urlencoded form, or the first part of a
// multipart one without consuming the body.
func formCSRFToken(r *http.Request) string {
	ct, params, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	switch ct {
	case echo.MIMEApplicationForm:
		return r.PostFormValue(csrfField)
	case echo.MIMEMultipartForm:
		if r.Body == nil || params["boundary"] == "" {
			return ""
		}
		br := bufio.NewReaderSize(r.Body, csrfPeek)
		head, _ := br.Peek(csrfPeek)
		r.Body = readCloser{br, r.Body}
		part, err := multipart.NewReader(bytes.NewReader(head), params["boundary"]).NextPart()
		if err != nil || part.FormName() != csrfField {
			return ""
		}
		v, err := io.ReadAll(io.LimitReader(part, 256))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(v))
	}
	return ""
}

type readCloser struct {
	io.Reader
	io.Closer
}

// removeTempFiles deletes the temporary files of a parsed multipart form when the request
// ends, whatever happened. The server itself cleans only the request it handed out, and
// every middleware that sets a context makes a copy: the parsed form lives on the last one.
func removeTempFiles(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		defer func() {
			if f := c.Request().MultipartForm; f != nil {
				_ = f.RemoveAll()
			}
		}()
		return next(c)
	}
}
