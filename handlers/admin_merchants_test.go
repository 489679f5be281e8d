package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
)

func merchantRowIDs(r *resp) []string {
	var ids []string
	r.Doc().Find(`[data-testid="merchant-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-id")
		ids = append(ids, id)
	})
	return ids
}

func TestAdminMerchantDirectory(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	onb := ta.merchantAt("a@example.com", "甲公司", atApplication)
	act := ta.merchantAt("b@example.com", "乙公司", atActive)
	ch := ta.submitProfileChange(act, "https://new.example.com")

	if ids := merchantRowIDs(c.get("/admin/merchants").want(http.StatusOK)); len(ids) != 2 {
		t.Fatalf("all merchants: %v", ids)
	}
	if ids := merchantRowIDs(c.get("/admin/merchants?status=active")); len(ids) != 1 || ids[0] != uitoa(act.MerchantID) {
		t.Fatalf("active: %v", ids)
	}
	if ids := merchantRowIDs(c.get("/admin/merchants?status=onboarding")); len(ids) != 1 || ids[0] != uitoa(onb.MerchantID) {
		t.Fatalf("onboarding: %v", ids)
	}
	if ids := merchantRowIDs(c.get("/admin/merchants?q=" + url.QueryEscape("甲"))); len(ids) != 1 || ids[0] != uitoa(onb.MerchantID) {
		t.Fatalf("search: %v", ids)
	}
	if merchantRowIDs(c.get("/admin/merchants?status=suspended")) != nil {
		t.Fatal("nobody is suspended yet")
	}
	frag := c.get("/admin/merchants?status=active", "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "<html") || frag.Doc().Find(`#merchant-table [data-testid="merchant-row"]`).Length() != 1 {
		t.Fatal("directory fragment")
	}

	page := c.get("/admin/merchants/" + uitoa(act.MerchantID)).want(http.StatusOK)
	doc := page.Doc()
	if !strings.Contains(doc.Find(`[data-testid="profile"]`).Text(), "service@example.com") {
		t.Fatal("profile incomplete")
	}
	links := map[string]bool{}
	doc.Find(`[data-testid="submissions"] a`).Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); links[h] = true })
	for _, want := range []string{"/admin/realname/" + uitoa(act.RealNameID), "/admin/applications/" + uitoa(act.ApplicationID),
		"/admin/certifications/" + uitoa(act.CertID), "/admin/changes/" + uitoa(ch.ID)} {
		if !links[want] {
			t.Errorf("no link to %s in %v", want, links)
		}
	}
	if doc.Find(`[data-testid="history"] li`).Length() < 5 {
		t.Fatal("merchant history too short")
	}
	if doc.Find(`[data-testid="suspend-form"]`).Length() != 1 {
		t.Fatal("no suspend form")
	}
	c.get("/admin/merchants/424242").want(http.StatusNotFound)
}

func TestAdminSuspendEndsSessionsAndReinstate(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("m@example.com", "甲公司", atActive)
	merchant := ta.loggedIn("m@example.com")
	merchant.get("/seller").want(http.StatusOK)
	ctx := context.Background()

	path := "/admin/merchants/" + uitoa(m.MerchantID)
	c.get(path).want(http.StatusOK)
	r := c.post(path+"/suspend", url.Values{"comment": {"no reason"}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("reason") == "" {
		t.Fatal("suspension without a reason accepted")
	}
	frag := c.post(path+"/suspend", url.Values{"reason": {"reason.suspend.other"}}, "HX-Request", "true").want(http.StatusUnprocessableEntity)
	if strings.Contains(frag.Body, "<html") || frag.Doc().Find(`#merchant-action [data-error-for="comment"]`).Length() != 1 {
		t.Fatal("suspend failure is not the panel fragment")
	}
	c.post(path+"/suspend", url.Values{"reason": {"reason.suspend.fraud"}, "comment": {"Fake licence"}}).want(http.StatusSeeOther)
	mer, _ := ta.Store.MerchantByID(ctx, m.MerchantID)
	if !mer.Suspended() || mer.SuspendReason != "reason.suspend.fraud" {
		t.Fatalf("merchant %+v", mer)
	}
	if a := ta.latestAudit("merchant.suspend"); a.ActorEmail != rev.Email || a.Reason != "reason.suspend.fraud" || a.Comment != "Fake licence" {
		t.Fatalf("audit %+v", a)
	}
	if !ta.hasNotice(m.User.ID, "merchant.suspend") {
		t.Fatal("not notified")
	}
	// The merchant's open session ends at the next request, and a new login fails.
	r = merchant.get("/seller").want(http.StatusSeeOther)
	if !strings.HasPrefix(r.Location(), "/login") {
		t.Fatalf("suspended merchant sent to %s", r.Location())
	}
	merchant.get("/inbox").want(http.StatusSeeOther)
	fresh := ta.client()
	r = fresh.post("/login", url.Values{"email": {"m@example.com"}, "password": {testPassword}}).want(http.StatusForbidden)
	if !strings.Contains(r.Body, "suspended") {
		t.Fatal("login refusal does not say why")
	}
	page := c.get(path).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="reinstate-form"]`).Length() != 1 || !strings.Contains(page.Doc().Find(`[data-testid="merchant-action"]`).Text(), "Fraud") {
		t.Fatal("suspended merchant page lacks the reinstate form or the reason")
	}
	if ids := merchantRowIDs(c.get("/admin/merchants?status=suspended")); len(ids) != 1 {
		t.Fatalf("suspended filter: %v", ids)
	}
	c.post(path+"/suspend", url.Values{"reason": {"reason.suspend.fraud"}}).want(http.StatusConflict)

	c.post(path+"/reinstate", url.Values{"comment": {""}}).want(http.StatusUnprocessableEntity)
	c.post(path+"/reinstate", url.Values{"comment": {"Licence checked by phone"}}).want(http.StatusSeeOther)
	mer, _ = ta.Store.MerchantByID(ctx, m.MerchantID)
	if mer.Suspended() {
		t.Fatal("still suspended")
	}
	if a := ta.latestAudit("merchant.reinstate"); a.Comment != "Licence checked by phone" {
		t.Fatalf("audit %+v", a)
	}
	back := ta.client()
	back.login("m@example.com", testPassword)
	back.get("/seller").want(http.StatusOK)
	c.post(path+"/reinstate", url.Values{"comment": {"again"}}).want(http.StatusConflict)
}
