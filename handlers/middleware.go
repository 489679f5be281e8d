package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
)

const (
	sessionUserKey = "uid"
	sessionSeenKey = "seen" // unix milliseconds of the last recorded activity
	// sessionEpochKey is the user's session epoch at login; a password change or reset
	// raises the user's, which ends every session holding an older one.
	sessionEpochKey = "epoch"
	// sessionBornKey is when the session was started (unix milliseconds): the absolute
	// lifetime counts from it.
	sessionBornKey = "born"
)

// idleRefresh is how stale the recorded activity may get before a request records it
// again: a quarter of the idle timeout, at most a minute. Recording on every request
// would rewrite (and sync) the session row on every page view.
func idleRefresh(idle time.Duration) time.Duration {
	return min(idle/4, time.Minute)
}

// touchSession enforces the idle timeout and the absolute lifetime on the app's clock
// (the session store's own expiry, on the wall clock, stays as a backstop). It tells
// whether the session is still alive.
func (a *App) touchSession(ctx context.Context) (bool, error) {
	now := a.Clock.Now()
	if life := a.Cfg.SessionLife; life > 0 {
		born := a.Sessions.GetInt64(ctx, sessionBornKey)
		if born == 0 {
			a.Sessions.Put(ctx, sessionBornKey, now.UnixMilli())
		} else if now.Sub(time.UnixMilli(born)) > life {
			return false, a.Sessions.Destroy(ctx)
		}
	}
	idle := a.Cfg.IdleTimeout
	if idle <= 0 {
		return true, nil
	}
	seen := a.Sessions.GetInt64(ctx, sessionSeenKey)
	last := time.UnixMilli(seen)
	if seen != 0 && now.Sub(last) > idle {
		return false, a.Sessions.Destroy(ctx)
	}
	if seen == 0 || now.Sub(last) > idleRefresh(idle) {
		a.Sessions.Put(ctx, sessionSeenKey, now.UnixMilli())
	}
	return true, nil
}

// loadUser puts the session's user (and merchant) into the context. A suspended account
// or merchant loses its session at once.
func (a *App) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id := a.Sessions.GetInt(ctx, sessionUserKey)
		if id == 0 {
			return next(c)
		}
		if alive, err := a.touchSession(ctx); err != nil {
			return err
		} else if !alive {
			return next(c)
		}
		u, err := a.Store.UserByID(ctx, uint(id))
		if errors.Is(err, models.ErrNotFound) || (err == nil && a.Sessions.GetInt(ctx, sessionEpochKey) != u.SessionEpoch) {
			if err := a.Sessions.Destroy(ctx); err != nil {
				return err
			}
			return next(c)
		}
		if err != nil {
			return err
		}
		var m *models.Merchant
		if u.MerchantID != nil {
			mm, err := a.Store.MerchantByID(ctx, *u.MerchantID)
			if err != nil {
				return err
			}
			m = &mm
		}
		if u.Status == models.UserSuspended || (m != nil && m.Suspended()) {
			if err := a.Sessions.Destroy(ctx); err != nil {
				return err
			}
			return a.redirectToLogin(c)
		}
		c.Set(ctxUser, &u)
		if m != nil {
			c.Set(ctxMerchant, m)
		}
		return next(c)
	}
}

// locale picks the language: the switcher's cookie, then the user's profile, then
// Accept-Language.
func (a *App) locale(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a.attachLocale(c)
		c.Response().Header().Add("Vary", "Accept-Language")
		return next(c)
	}
}

// attachLocale puts the request's localizer into its context.
func (a *App) attachLocale(c echo.Context) {
	var choice string
	if ck, err := c.Cookie("lang"); err == nil {
		choice = ck.Value
	}
	if choice == "" {
		if u := currentUser(c); u != nil {
			choice = u.Locale
		}
	}
	lang := i18n.Match(choice, c.Request().Header.Get("Accept-Language"))
	l := a.Catalog.Localizer(lang)
	c.SetRequest(c.Request().WithContext(i18n.With(c.Request().Context(), l)))
}

// noStore keeps authenticated pages out of caches.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) != nil {
			c.Response().Header().Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

func (a *App) redirectToLogin(c echo.Context) error {
	next := c.Request().URL.RequestURI()
	to := web.Login()
	if c.Request().Method == http.MethodGet && next != "/" {
		to += "?next=" + url.QueryEscape(next)
	}
	if isFragment(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// requireLogin sends visitors to the login page.
func (a *App) requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return a.redirectToLogin(c)
		}
		return next(c)
	}
}

// requireRole lets only one role through: visitors go to login, other roles get 403.
func (a *App) requireRole(role models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := currentUser(c)
			if u == nil {
				return a.redirectToLogin(c)
			}
			if u.Role != role {
				return echo.NewHTTPError(http.StatusForbidden)
			}
			return next(c)
		}
	}
}

// requireAdmin lets only admins (reviewers with the admin flag) through.
func (a *App) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := currentUser(c)
		if u == nil || !u.IsAdmin {
			return echo.NewHTTPError(http.StatusForbidden)
		}
		return next(c)
	}
}

// requireVerified keeps onboarding behind a confirmed email address.
func (a *App) requireVerified(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u := currentUser(c); u != nil && !u.Verified() {
			a.flash(c, "info", "auth.verify_first")
			return a.redirect(c, web.Seller())
		}
		return next(c)
	}
}
