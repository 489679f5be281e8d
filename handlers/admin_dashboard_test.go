package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

func tileCount(t *testing.T, r *resp, kind string) string {
	t.Helper()
	return strings.TrimSpace(r.Doc().Find(`[data-testid="tile-` + kind + `"] [data-testid="tile-count"]`).Text())
}

func TestAdminDashboardCountsAndAges(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.admin("boss@example.com")
	c := ta.loggedIn("boss@example.com")

	r := c.get("/admin").want(http.StatusOK)
	for _, k := range []string{"realname", "application", "certification", "change", "locked"} {
		if got := tileCount(t, r, k); got != "0" {
			t.Fatalf("empty console: tile %s = %q", k, got)
		}
	}
	if r.Doc().Find(`[data-testid="age"]`).Length() != 0 {
		t.Fatal("an empty queue shows an age")
	}

	ta.merchantAt("a@example.com", "甲公司", atRealName)
	ta.merchantAt("b@example.com", "乙公司", atApplication)
	ta.merchantAt("c@example.com", "丙公司", atCertification)
	active := ta.merchantAt("d@example.com", "丁公司", atActive)
	ta.submitProfileChange(active, "https://new.example.com")
	// A certification locked by three wrong amounts.
	locked := ta.merchantAt("e@example.com", "戊公司", atApplication)
	must(t, ta.Store.DecideApplication(context.Background(), ta.seedReviewer(), locked.ApplicationID, models.Decision{Approve: true}))
	ta.certToTransfer(locked, "戊公司")
	lockCert(t, ta, locked)

	r = c.get("/admin").want(http.StatusOK)
	for k, want := range map[string]string{"realname": "1", "application": "1", "certification": "1", "change": "1", "locked": "1"} {
		if got := tileCount(t, r, k); got != want {
			t.Errorf("tile %s = %q, want %s", k, got, want)
		}
	}
	tone, _ := r.Doc().Find(`[data-testid="tile-realname"] [data-testid="age"]`).Attr("data-tone")
	if tone != "green" {
		t.Fatalf("fresh item tone %q", tone)
	}
	if href, _ := r.Doc().Find(`[data-testid="tile-locked"]`).Attr("href"); href != "/admin/certifications?status=LOCKED" {
		t.Fatalf("locked tile links to %q", href)
	}

	// Two weeks later every item is far over the 3-working-day SLA.
	ta.env.Clock.Advance(14 * 24 * time.Hour)
	r = c.get("/admin").want(http.StatusOK)
	r.Doc().Find(`[data-testid^="tile-"] [data-testid="age"]`).Each(func(_ int, s *goquery.Selection) {
		if tone, _ := s.Attr("data-tone"); tone != "red" {
			t.Errorf("overdue tone %q", tone)
		}
	})
	if !strings.Contains(r.Body, "10.0 working days") {
		t.Errorf("two weeks should be 10.0 working days:\n%s", r.Doc().Find(`[data-testid="tile-realname"]`).Text())
	}
}

// lockCert enters three wrong deposit amounts.
func lockCert(t *testing.T, ta *testApp, m fixtureMerchant) {
	t.Helper()
	wrong := ta.depositFen(m)%99 + 1
	for i := 0; i < models.MaxTransferFailures; i++ {
		_, err := ta.Store.ConfirmCertTransfer(context.Background(), m.actor(), m.MerchantID, wrong)
		if err == nil {
			t.Fatal("a wrong amount was accepted")
		}
	}
	c, err := ta.Store.CertificationFor(context.Background(), m.MerchantID)
	must(t, err)
	if c.Status != models.CertLocked {
		t.Fatalf("status %s after three wrong amounts", c.Status)
	}
}
