package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

func TestAdminApplicationApproveAndReject(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	ok := ta.merchantAt("a@example.com", "甲公司", atApplication)
	bad := ta.merchantAt("b@example.com", "乙公司", atApplication)
	ctx := context.Background()

	path := "/admin/applications/" + uitoa(ok.ApplicationID)
	page := c.get(path).want(http.StatusOK)
	text := page.Doc().Find(`[data-testid="submission"]`).Text()
	for _, want := range []string{"https://www.example.com", "¥1,000,000.00", "SaaS, License", "service@example.com", "KOO-MCA", "张三"} {
		if !strings.Contains(text, want) {
			t.Errorf("application detail lacks %q", want)
		}
	}
	if page.Doc().Find(`[data-testid="files"] img`).Length() != 1 {
		t.Fatal("licence not shown inline")
	}
	c.post(path+"/approve", nil).want(http.StatusSeeOther)
	m, _ := ta.Store.MerchantByID(ctx, ok.MerchantID)
	if m.ApplicationStatus != models.ApplicationApproved || m.Website != "https://www.example.com" || m.ServicePhone != "400-820-1234" {
		t.Fatalf("merchant after approval: %+v", m)
	}
	if !ta.hasNotice(ok.User.ID, "application.approve") {
		t.Fatal("not notified")
	}
	if a := ta.latestAudit("application.approve"); a.ActorEmail != rev.Email || a.ObjectID != ok.ApplicationID {
		t.Fatalf("audit %+v", a)
	}
	c.post(path+"/approve", nil).want(http.StatusConflict)

	path = "/admin/applications/" + uitoa(bad.ApplicationID)
	c.get(path).want(http.StatusOK)
	r := c.post(path+"/reject", url.Values{"reason": {""}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("reason") != "Choose a reason." {
		t.Fatalf("reason error %q", r.fieldError("reason"))
	}
	c.post(path+"/reject", url.Values{"reason": {"reason.application.qualification_insufficient"}, "comment": {"Too small"}}).want(http.StatusSeeOther)
	m, _ = ta.Store.MerchantByID(ctx, bad.MerchantID)
	app, _ := ta.Store.ApplicationByID(ctx, bad.ApplicationID)
	if m.ApplicationStatus != models.ApplicationRejected || app.RejectReason != "reason.application.qualification_insufficient" || m.Website != "" {
		t.Fatalf("after reject: merchant %s, reason %q, website %q", m.ApplicationStatus, app.RejectReason, m.Website)
	}
	if a := ta.latestAudit("application.reject"); a.Reason != "reason.application.qualification_insufficient" || a.Comment != "Too small" {
		t.Fatalf("audit %+v", a)
	}
	if !ta.hasNotice(bad.User.ID, "application.reject") {
		t.Fatal("not notified")
	}
	c.post(path+"/reject", url.Values{"reason": {"reason.application.other"}, "comment": {"again"}}).want(http.StatusConflict)
}
