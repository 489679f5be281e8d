package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"sellercenter/static"
	"sellercenter/web"
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
	e.Use(removeTempFiles)
	a.proxies = a.trustedProxies()
	e.Use(a.requestID)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, DisablePrintStack: true}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            31536000,
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
	}))
	// Only the software package upload may be large; every other request is small. The
	// router has matched the route by now, so the limit goes by the route, not a prefix.
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "50M", Skipper: isPackageUpload}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1100M", Skipper: func(c echo.Context) bool { return !isPackageUpload(c) }}))

	// Static files and health checks need no session.
	e.StaticFS("/static", static.FS)
	e.GET("/healthz", a.Health)
	// Open APIs merchants call: signed (APIG AK/SK), no session, no CSRF.
	e.GET(OpenAPIOrderQueryPath, a.OpenAPIOrderQuery)
	e.POST(OpenAPILicenseActivatePath, a.OpenAPILicenseActivate)
	e.POST(OpenAPILicenseHeartbeatPath, a.OpenAPILicenseHeartbeat)
	// Unified login's token and userinfo endpoints: the app authenticates itself (app ID
	// and secret, or the bearer token), no session, no CSRF.
	e.POST(web.KitToken(), a.KitTokenCreate)
	e.GET(web.KitUserInfo(), a.KitUserInfoShow)
	if a.SaaSDemo != nil && !a.Cfg.Production {
		// The reference merchant endpoint: called by this server's own console, no session.
		demo := echo.WrapHandler(http.StripPrefix(SaaSDemoPath, a.SaaSDemo))
		e.Any(SaaSDemoPath, demo)
		e.Any(SaaSDemoPath+"/*", demo)
	}

	// The session and its user come first; the role gates and the CSRF check (a.csrf, in
	// the route table after each gate) run before any handler reads a body.
	g := e.Group("")
	g.Use(echo.WrapMiddleware(a.Sessions.LoadAndSave))
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
	for _, n := range a.trustedProxies() {
		opts = append(opts, echo.TrustIPRange(n))
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

// isPackageUpload tells whether a request goes to the one route that takes a software
// package: a new asset, or an asset's edit.
func isPackageUpload(c echo.Context) bool {
	if c.Request().Method != http.MethodPost {
		return false
	}
	switch c.Path() {
	case "/seller/assets", "/seller/assets/:id":
		return true
	}
	return false
}
