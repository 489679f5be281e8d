package config

import (
	"strings"
	"testing"
)

// TestProductionRefusesDevelopmentSwitches: demo data (which includes an admin account)
// and the dev outbox cannot be turned on in production.
func TestProductionRefusesDevelopmentSwitches(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"SC_DEMO", "SC_DEMO"},
		{"SC_DEV_OUTBOX", "SC_DEV_OUTBOX"},
		{"SC_OUTBOUND_ALLOW_PRIVATE", "SC_OUTBOUND_ALLOW_PRIVATE"},
		{"SC_BENCH_ROUTES", "SC_BENCH_ROUTES"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Setenv("SC_ENV", "production")
			t.Setenv(tc.key, "true")
			if _, err := Load(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("production with %s=true: %v", tc.key, err)
			}
		})
	}
	t.Setenv("SC_ENV", "production")
	c, err := Load()
	if err != nil || c.Demo || c.DevOutbox {
		t.Fatalf("production defaults: demo %v, outbox %v, %v", c.Demo, c.DevOutbox, err)
	}
}

// TestDevOutboxOnlyOnLoopback: the outbox shows reset links and codes, so it is served by
// itself only to this machine; anywhere else it takes SC_DEV_OUTBOX=true.
func TestDevOutboxOnlyOnLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"localhost:8080": true, "127.0.0.1:8080": true, "[::1]:8080": true, "127.0.0.2:80": true,
		":8080": false, "0.0.0.0:8080": false, "10.0.0.5:8080": false, "sellercenter.example.com:443": false,
	} {
		t.Setenv("ADDR", addr)
		c, err := Load()
		if err != nil || c.DevOutbox != want {
			t.Errorf("ADDR=%s: outbox %v, want %v (%v)", addr, c.DevOutbox, want, err)
		}
	}
	t.Setenv("ADDR", ":8080")
	t.Setenv("SC_DEV_OUTBOX", "true")
	if c, err := Load(); err != nil || !c.DevOutbox {
		t.Fatalf("SC_DEV_OUTBOX=true on all interfaces: %v %v", c.DevOutbox, err)
	}
	t.Setenv("SMTP_HOST", "smtp.example.com")
	if c, err := Load(); err != nil || c.DevOutbox {
		t.Fatalf("with SMTP: outbox %v %v", c.DevOutbox, err)
	}
}
