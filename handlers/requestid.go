package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"regexp"

	"github.com/labstack/echo/v4"
)

// plainRequestID is what a request id from a trusted proxy may look like: short, and
// nothing a log or the audit table would have to escape.
var plainRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// requestID gives every request an id for the logs, the error page and the audit log.
// The server makes it; an X-Request-Id is taken over only from a proxy named in
// SC_TRUSTED_PROXIES, and only when it is short and plain.
func (a *App) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rid := ""
		if h := c.Request().Header.Get(echo.HeaderXRequestID); h != "" && plainRequestID.MatchString(h) && a.fromTrustedProxy(c) {
			rid = h
		}
		if rid == "" {
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			rid = hex.EncodeToString(b)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, rid)
		return next(c)
	}
}

// trustedProxies are the parsed SC_TRUSTED_PROXIES ranges (a bare address is one host).
func (a *App) trustedProxies() []*net.IPNet {
	var out []*net.IPNet
	for _, cidr := range a.Cfg.TrustedProxies {
		if _, n, err := net.ParseCIDR(cidr); err == nil {
			out = append(out, n)
		} else if ip := net.ParseIP(cidr); ip != nil {
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
		}
	}
	return out
}

// fromTrustedProxy tells whether the connection's peer is one of the trusted proxies.
func (a *App) fromTrustedProxy(c echo.Context) bool {
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range a.proxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
