// Package handlers is the HTTP side: the App that holds every dependency, the one route
// table, middleware, rendering and one file per resource.
package handlers

import (
	"log/slog"
	"net"
	"net/http"
	"sellercenter/internal/kitauth"
	"sync"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/clock"
	"sellercenter/internal/config"
	"sellercenter/internal/outbound"
	"sellercenter/internal/secretbox"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// App holds every dependency; handlers are its methods.
type App struct {
	Cfg      config.Config
	DB       *models.DB
	Store    *models.Store
	Sessions *scs.SessionManager
	Catalog  *i18n.Catalog
	Blobs    blobstore.Store
	Box      *secretbox.Box
	Clock    clock.Clock
	Log      *slog.Logger
	Outbound *outbound.Client
	// SaaSDemo is the reference merchant endpoint a development server serves at
	// /saasdemo, so the debugging console works on the first start; nil in production.
	SaaSDemo http.Handler

	proxies       []*net.IPNet // SC_TRUSTED_PROXIES, parsed when the router is built
	analyticsOnce sync.Once
	analytics     *analyticsCaches // made on first use
	bench         benchPages       // SC_BENCH_ROUTES only
	debugLimit    debugLimiter     // the debugging console's calls in flight
	kitOnce       sync.Once
	kit           *kitauth.Server // unified login's authorization server, made on first use
}

// NewSessions builds the session manager over the database.
func NewSessions(cfg config.Config, db *models.DB) *scs.SessionManager {
	sm := scs.New()
	switch db.Dialect {
	case models.Postgres:
		sm.Store = postgresstore.NewWithCleanupInterval(db.WriterSQL(), 30*time.Minute)
	default:
		sm.Store = sqlite3store.NewWithCleanupInterval(db.WriterSQL(), 30*time.Minute)
	}
	sm.Lifetime = cfg.SessionLife
	// The idle timeout is enforced by loadUser, which records activity at most once a
	// minute; the store's own idle handling would rewrite the session on every request.
	sm.Cookie.Name = "sc_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = 2 // http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.CookieSecure
	sm.Cookie.Persist = false
	return sm
}
