package handlers

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
)

const sessionUserKey = "uid"

// loadUser puts the session's user (and merchant) into the context. A suspended account
// or merchant loses its session at once.
func (a *App) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id := a.Sessions.GetInt(ctx, sessionUserKey)
		if id == 0 {
			return next(c)
		}
		u, err := a.Store.UserByID(ctx, uint(id))
		if errors.Is(err, models.ErrNotFound) {
			_ = a.Sessions.Destroy(ctx)
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
