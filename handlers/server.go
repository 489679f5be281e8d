package handlers

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"sellercenter/static"
)

// Router builds the echo instance with middleware and the route table.
func (a *App) Router() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = a.handleError
	e.IPExtractor = a.ipExtractor()
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.ReadTimeout = 2 * time.Minute
	e.Server.WriteTimeout = 5 * time.Minute
	e.Server.IdleTimeout = 2 * time.Minute

	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            31536000,
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
	}))
	// Software packages are large; every other request is small.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "50M", Skipper: isPackageUpload}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1100M", Skipper: func(c echo.Context) bool { return !isPackageUpload(c) }}))

	// Static files and health checks need no session.
	e.StaticFS("/static", static.FS)
	e.GET("/healthz", a.Health)

	g := e.Group("")
	g.Use(echo.WrapMiddleware(a.Sessions.LoadAndSave))
	g.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		ContextKey:     "csrf",
		CookieName:     "_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   a.Cfg.CookieSecure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden).SetInternal(err)
		},
	}))
	g.Use(a.loadUser, a.locale, noStore)
	a.routes(g)
	return e
}

// ipExtractor believes X-Forwarded-For only from configured proxies.
func (a *App) ipExtractor() echo.IPExtractor {
	if len(a.Cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	var opts []echo.TrustOption
	opts = append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
	for _, cidr := range a.Cfg.TrustedProxies {
		if !strings.Contains(cidr, "/") {
			cidr += "/32"
		}
		if _, n, err := net.ParseCIDR(cidr); err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// Health answers the load balancer: the database must answer.
func (a *App) Health(c echo.Context) error {
	if err := a.DB.Ping(c.Request().Context()); err != nil {
		return c.String(http.StatusServiceUnavailable, "db unavailable")
	}
	return c.String(http.StatusOK, "ok")
}

// isPackageUpload tells whether a request may carry a software package.
func isPackageUpload(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && strings.HasPrefix(c.Request().URL.Path, "/seller/assets")
}
