// Package config reads the server's settings from the environment.
package config

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the process is told from outside.
type Config struct {
	Addr        string // listen address
	BaseURL     string // public URL used in mails
	DataDir     string // SQLite database, blobs and the key file
	DatabaseURL string // postgres://… or empty for SQLite in DataDir
	Production  bool   // turns off demo data and the dev mail outbox
	Demo        bool   // seed demo accounts on start (refused in production)
	// DevOutbox serves /dev/outbox (mails, SMS codes and deposit notices kept in the
	// database): only outside production, without SMTP, and only when the server listens
	// on a loopback address or SC_DEV_OUTBOX=true says so.
	DevOutbox bool
	Workers   bool   // run background workers in this instance
	SecretKey string // hex AES key; empty: DataDir/secret.key
	SMTP      SMTP
	// TrustedProxies are CIDRs whose X-Forwarded-For is believed; empty: the peer address is the client.
	TrustedProxies []string
	CookieSecure   bool
	// OutboundAllowPrivate lets calls to merchant URLs reach loopback and private
	// addresses and production addresses be http:// on loopback (development only: on by
	// default for a server listening on loopback); VerifyScheme is how SaaS domains are
	// fetched.
	OutboundAllowPrivate bool
	VerifyScheme         string
	IdleTimeout          time.Duration
	SessionLife          time.Duration
	// BenchRoutes turns on the benchmark-only pages (a list page rendered from memory,
	// the baseline of the performance bars); never in production.
	BenchRoutes bool
}

// SMTP is the outgoing mail server; Host empty means mail goes only to the outbox.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
}

// Load reads the environment.
func Load() (Config, error) {
	c := Config{
		Addr:        env("ADDR", "localhost:8080"),
		DataDir:     env("DATA_DIR", "data"),
		DatabaseURL: os.Getenv("DATABASE_URL"),
		Production:  strings.EqualFold(os.Getenv("SC_ENV"), "production"),
		SecretKey:   os.Getenv("SC_SECRET_KEY"),
		SMTP: SMTP{
			Host:     os.Getenv("SMTP_HOST"),
			User:     os.Getenv("SMTP_USER"),
			Password: os.Getenv("SMTP_PASSWORD"),
			From:     env("SMTP_FROM", "Seller Center <no-reply@sellercenter.local>"),
		},
	}
	c.BaseURL = strings.TrimRight(env("BASE_URL", "http://"+hostForURL(c.Addr)), "/")
	if _, err := url.Parse(c.BaseURL); err != nil {
		return c, fmt.Errorf("BASE_URL: %w", err)
	}
	var err error
	if c.Demo, err = boolEnv("SC_DEMO", !c.Production); err != nil {
		return c, err
	}
	if c.Demo && c.Production {
		return c, fmt.Errorf("SC_DEMO cannot be set in production: the demo data includes an admin account")
	}
	devOutbox, err := boolEnv("SC_DEV_OUTBOX", false)
	if err != nil {
		return c, err
	}
	if devOutbox && c.Production {
		return c, fmt.Errorf("SC_DEV_OUTBOX cannot be set in production")
	}
	c.DevOutbox = !c.Production && c.SMTP.Host == "" && (devOutbox || LoopbackAddr(c.Addr))
	if c.Workers, err = boolEnv("SC_WORKERS", true); err != nil {
		return c, err
	}
	port, err := strconv.Atoi(env("SMTP_PORT", "587"))
	if err != nil {
		return c, fmt.Errorf("SMTP_PORT: %w", err)
	}
	c.SMTP.Port = port
	if v := os.Getenv("SC_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			c.TrustedProxies = append(c.TrustedProxies, strings.TrimSpace(p))
		}
	}
	c.CookieSecure = strings.HasPrefix(c.BaseURL, "https://")
	// A development server on this machine only may call this machine: the reference
	// merchant endpoint it serves, a merchant's system under development.
	if c.OutboundAllowPrivate, err = boolEnv("SC_OUTBOUND_ALLOW_PRIVATE", !c.Production && LoopbackAddr(c.Addr)); err != nil {
		return c, err
	}
	if c.OutboundAllowPrivate && c.Production {
		return c, fmt.Errorf("SC_OUTBOUND_ALLOW_PRIVATE cannot be set in production")
	}
	c.VerifyScheme = "https"
	if c.OutboundAllowPrivate && os.Getenv("SC_VERIFY_SCHEME") == "http" {
		c.VerifyScheme = "http"
	}
	if c.BenchRoutes, err = boolEnv("SC_BENCH_ROUTES", false); err != nil {
		return c, err
	}
	if c.BenchRoutes && c.Production {
		return c, fmt.Errorf("SC_BENCH_ROUTES cannot be set in production")
	}
	if c.IdleTimeout, err = durEnv("SC_IDLE_TIMEOUT", 2*time.Hour); err != nil {
		return c, err
	}
	if c.SessionLife, err = durEnv("SC_SESSION_LIFETIME", 24*time.Hour); err != nil {
		return c, err
	}
	return c, nil
}

// SQLitePath is the database file used when DatabaseURL is empty.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "sellercenter.db") }

// IsPostgres tells whether the app runs on PostgreSQL.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// LoopbackAddr tells whether a listen address takes connections from this machine only
// ("localhost:8080", "127.0.0.1:80", "[::1]:8080"); ":8080" listens everywhere.
func LoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hostForURL(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "localhost" + addr
	}
	return addr
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func boolEnv(k string, def bool) (bool, error) {
	v := os.Getenv(k)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s: %w", k, err)
	}
	return b, nil
}

func durEnv(k string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(k)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return def, fmt.Errorf("%s: %w", k, err)
	}
	return d, nil
}
