package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// isFragment tells whether htmx asked for a fragment: not a boosted navigation, and not
// a history restore (after a pushed filter URL drops out of htmx's cache, htmx reloads
// it and expects the whole page).
func isFragment(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-Boosted") != "true" && h.Get("HX-History-Restore-Request") != "true"
}

// render writes full, or frag when htmx asked for a fragment and one is given.
func (a *App) render(c echo.Context, status int, full, frag templ.Component) error {
	if err, ok := c.Get(ctxPageErr).(error); ok {
		return err
	}
	comp := full
	if frag != nil && isFragment(c) {
		comp = frag
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Add("Vary", "HX-Request")
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// page builds the page context for the current request.
func (a *App) page(c echo.Context) view.Page {
	ctx := c.Request().Context()
	u := currentUser(c)
	p := view.Page{
		User:      viewUser(u, currentMerchant(c)),
		Locale:    i18n.Lang(ctx),
		Path:      c.Request().URL.Path,
		Here:      here(c),
		DevOutbox: a.devOutbox(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	}
	p.CSRF = a.csrfToken(c)
	if raw := a.Sessions.PopString(ctx, "flash"); raw != "" {
		_ = json.Unmarshal([]byte(raw), &p.Flash)
	}
	if u != nil {
		var err error
		if p.Unread, err = a.Store.UnreadCount(ctx, u.ID); err != nil {
			// render refuses to show a page whose context could not be read.
			c.Set(ctxPageErr, err)
		}
	}
	return p
}

// here is the address of the page being shown, for the language switch to return to: the
// request's path and query, or, when a form comes back after a POST, the same-site page
// it was sent from.
func here(c echo.Context) string {
	r := c.Request()
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" {
		return ref.RequestURI()
	}
	return r.URL.Path
}

// devOutbox tells whether the dev mail outbox page is on.
func (a *App) devOutbox() bool { return a.Cfg.DevOutbox }

// flash queues a one-time message for the next page.
func (a *App) flash(c echo.Context, kind, key string) {
	ctx := c.Request().Context()
	var fs []view.Flash
	if raw := a.Sessions.GetString(ctx, "flash"); raw != "" {
		_ = json.Unmarshal([]byte(raw), &fs)
	}
	fs = append(fs, view.Flash{Kind: kind, Key: key})
	b, _ := json.Marshal(fs)
	a.Sessions.Put(ctx, "flash", string(b))
}

// redirect ends a successful POST: 303 for browsers, HX-Redirect for htmx fragments.
func (a *App) redirect(c echo.Context, to string) error {
	if isFragment(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusOK)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// safeNext keeps a post-login or post-switch target on this site.
func safeNext(next, fallback string) string {
	if next == "" {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || len(next) < 1 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return fallback
	}
	return u.String()
}
