package handlers

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/config"
	"sellercenter/models"
)

// Session timeouts are enforced by the session store on the wall clock, so this test
// waits for them (it measures no speed).
func TestSessionIdleAndAbsoluteTimeouts(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		ta := newTestAppWith(t, func(c *config.Config) { c.IdleTimeout = 700 * time.Millisecond })
		ta.user(models.RoleBuyer, "b@example.com")
		c := ta.loggedIn("b@example.com")
		c.get("/buyer").want(http.StatusOK)
		time.Sleep(900 * time.Millisecond)
		c.get("/buyer").want(http.StatusSeeOther)
	})
	t.Run("absolute", func(t *testing.T) {
		ta := newTestAppWith(t, func(c *config.Config) { c.SessionLife = 900 * time.Millisecond })
		ta.user(models.RoleBuyer, "b@example.com")
		c := ta.loggedIn("b@example.com")
		for i := 0; i < 3; i++ { // activity does not extend the absolute lifetime
			c.get("/buyer").want(http.StatusOK)
			time.Sleep(200 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		c.get("/buyer").want(http.StatusSeeOther)
	})
}

func TestSecurityHeaders(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	r := ta.loggedIn("b@example.com").get("/buyer").want(http.StatusOK)
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Cache-Control":          "no-store",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if r.Header.Get("Content-Security-Policy") == "" {
		t.Error("no Content-Security-Policy")
	}
	for _, ck := range r.Header.Values("Set-Cookie") {
		if len(ck) > 0 && !containsAll(ck, "HttpOnly", "SameSite=Lax") {
			t.Errorf("cookie without HttpOnly/SameSite: %s", ck)
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
