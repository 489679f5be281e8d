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
