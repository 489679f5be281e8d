package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

func TestAdminCertificationApproveAndReject(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	ok := ta.merchantAt("a@example.com", "甲公司", atCertification)
	bad := ta.merchantAt("b@example.com", "乙公司", atCertification)
	ctx := context.Background()

	path := "/admin/certifications/" + uitoa(ok.CertID)
	page := c.get(path).want(http.StatusOK)
	text := page.Doc().Find(`[data-testid="submission"]`).Text()
	for _, want := range []string{"91350100M000100Y43", "General taxpayer", "中国工商银行", "赵会计"} {
		if !strings.Contains(text, want) {
			t.Errorf("certification detail lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "0200001234567890123") {
		t.Fatal("bank account shown unmasked")
	}
	c.post(path+"/approve", nil).want(http.StatusSeeOther)
	m, _ := ta.Store.MerchantByID(ctx, ok.MerchantID)
	if m.CertificationStatus != models.CertCertified || !m.Active() {
		t.Fatalf("merchant after certification: %s active=%v", m.CertificationStatus, m.Active())
	}
	if !ta.hasNotice(ok.User.ID, "certification.approve") {
		t.Fatal("not notified")
	}
	if a := ta.latestAudit("certification.approve"); a.ObjectID != ok.CertID || a.After != models.CertCertified {
		t.Fatalf("audit %+v", a)
	}
	c.post(path+"/reject", url.Values{"reason": {"reason.certification.bank_invalid"}}).want(http.StatusConflict)

	path = "/admin/certifications/" + uitoa(bad.CertID)
	c.get(path).want(http.StatusOK)
	c.post(path+"/reject", url.Values{"reason": {"reason.certification.other"}, "comment": {""}}).want(http.StatusUnprocessableEntity)
	c.post(path+"/reject", url.Values{"reason": {"reason.certification.bank_invalid"}}).want(http.StatusSeeOther)
	cert, _ := ta.Store.CertificationByID(ctx, bad.CertID)
	m, _ = ta.Store.MerchantByID(ctx, bad.MerchantID)
	if cert.Status != models.CertRejected || m.CertificationStatus != models.CertRejected || m.Active() {
		t.Fatalf("after reject: %s / %s", cert.Status, m.CertificationStatus)
	}
	if a := ta.latestAudit("certification.reject"); a.Reason != "reason.certification.bank_invalid" {
		t.Fatalf("audit %+v", a)
	}
	if !ta.hasNotice(bad.User.ID, "certification.reject") {
		t.Fatal("not notified")
	}
}

func TestAdminCertificationUnlock(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atApplication)
	ctx := context.Background()
	must(t, ta.Store.DecideApplication(ctx, ta.seedReviewer(), m.ApplicationID, models.Decision{Approve: true}))
	cert := ta.certToTransfer(m, "甲公司")
	lockCert(t, ta, m)

	if tileCount(t, c.get("/admin").want(http.StatusOK), "locked") != "1" {
		t.Fatal("dashboard does not count the locked certification")
	}
	if ids := rowIDs(c.get("/admin/certifications?status=LOCKED")); len(ids) != 1 || ids[0] != uitoa(cert.ID) {
		t.Fatalf("locked filter: %v", ids)
	}
	path := "/admin/certifications/" + uitoa(cert.ID)
	page := c.get(path).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="unlock-form"]`).Length() != 1 || page.Doc().Find(`[data-testid="approve-form"]`).Length() != 0 {
		t.Fatal("a locked certification shows no unlock form (or a decision form)")
	}
	// A locked certification cannot be approved.
	c.post(path+"/approve", nil).want(http.StatusConflict)
	r := c.post(path+"/unlock", url.Values{"comment": {""}}, "HX-Request", "true").want(http.StatusUnprocessableEntity)
	if r.Doc().Find(`#decision-panel [data-error-for="comment"]`).Length() != 1 {
		t.Fatal("unlock without a comment: no message in the panel")
	}
	r = c.post(path+"/unlock", url.Values{"comment": {"Merchant called; typo"}}).want(http.StatusSeeOther)
	if r.Location() != path {
		t.Fatalf("after unlock: %s", r.Location())
	}
	after, _ := ta.Store.CertificationByID(ctx, cert.ID)
	mer, _ := ta.Store.MerchantByID(ctx, m.MerchantID)
	if after.Status != models.CertAwaitingTransfer || after.TransferFailures != 0 || after.LockedAt != nil || mer.CertificationStatus != models.CertAwaitingTransfer {
		t.Fatalf("after unlock: %+v / %s", after, mer.CertificationStatus)
	}
	if a := ta.latestAudit("certification.unlock"); a.ActorEmail != rev.Email || a.Comment != "Merchant called; typo" {
		t.Fatalf("audit %+v", a)
	}
	if !ta.hasNotice(m.User.ID, "certification.unlock") {
		t.Fatal("not notified")
	}
	c.post(path+"/unlock", url.Values{"comment": {"again"}}).want(http.StatusConflict)
	// The merchant can go on with the new deposit.
	if _, err := ta.Store.ConfirmCertTransfer(ctx, m.actor(), m.MerchantID, ta.depositFen(m)); err != nil {
		t.Fatal(err)
	}
}

func TestAdminCertificationRevealIsAudited(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atCertification)
	path := "/admin/certifications/" + uitoa(m.CertID)
	c.get(path).want(http.StatusOK)
	r := c.post(path+"/reveal", nil).want(http.StatusOK)
	if got := r.Doc().Find(`[data-testid="revealed"]`).Text(); got != "0200001234567890123" {
		t.Fatalf("revealed %q", got)
	}
	if a := ta.latestAudit("certification.reveal"); a.ActorEmail != rev.Email || a.ObjectID != m.CertID {
		t.Fatalf("audit %+v", a)
	}
}
