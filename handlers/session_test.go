package handlers

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/config"
	"sellercenter/models"
)

// Session timeouts run on the app's clock: the test moves it instead of waiting.
func TestSessionIdleAndAbsoluteTimeouts(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		ta := newTestAppWith(t, func(c *config.Config) { c.IdleTimeout, c.SessionLife = 2*time.Hour, 24*time.Hour })
		ta.user(models.RoleBuyer, "b@example.com")
		c := ta.loggedIn("b@example.com")
		c.get("/buyer").want(http.StatusOK)
		ta.env.Clock.Advance(110 * time.Minute)
		c.get("/buyer").want(http.StatusOK) // inside the idle timeout: activity renews it
		ta.env.Clock.Advance(110 * time.Minute)
		c.get("/buyer").want(http.StatusOK)
		ta.env.Clock.Advance(2*time.Hour + time.Minute)
		if r := c.get("/buyer").want(http.StatusSeeOther); !strings.HasPrefix(r.Location(), "/login") {
			t.Fatalf("after the idle timeout: %s", r.Location())
		}
		c.get("/buyer").want(http.StatusSeeOther) // the session is gone, not just refused once
	})
	t.Run("absolute", func(t *testing.T) {
		ta := newTestAppWith(t, func(c *config.Config) { c.IdleTimeout, c.SessionLife = time.Hour, 3*time.Hour })
		ta.user(models.RoleBuyer, "b@example.com")
		c := ta.loggedIn("b@example.com")
		for i := 0; i < 4; i++ { // activity every 40 minutes does not extend the lifetime
			c.get("/buyer").want(http.StatusOK)
			ta.env.Clock.Advance(40 * time.Minute)
		}
		c.get("/buyer").want(http.StatusOK) // 160 minutes in
		ta.env.Clock.Advance(25 * time.Minute)
		if r := c.get("/buyer").want(http.StatusSeeOther); !strings.HasPrefix(r.Location(), "/login") {
			t.Fatalf("after the absolute lifetime: %s", r.Location())
		}
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

// A page view does not rewrite the session row: activity is recorded at most once a
// minute, so reading pages costs no database write.
func TestPageViewsDoNotRewriteTheSession(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "b@example.com")
	c := ta.loggedIn("b@example.com")
	c.get("/buyer").want(http.StatusOK)
	type row struct {
		Data   []byte
		Expiry string
	}
	read := func() []row {
		var rows []row
		if err := ta.env.DB.R.Raw("SELECT data, CAST(expiry AS TEXT) AS expiry FROM sessions ORDER BY token").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		return rows
	}
	before := read()
	for range 5 {
		c.get("/buyer").want(http.StatusOK)
		c.get("/inbox").want(http.StatusOK)
	}
	after := read()
	if len(before) == 0 || len(before) != len(after) {
		t.Fatalf("sessions %d before, %d after", len(before), len(after))
	}
	for i := range before {
		if string(before[i].Data) != string(after[i].Data) || before[i].Expiry != after[i].Expiry {
			t.Fatal("a page view rewrote the session row")
		}
	}
}
