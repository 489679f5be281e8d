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

func rowIDs(r *resp) []string {
	var ids []string
	r.Doc().Find(`[data-testid="queue-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-id")
		ids = append(ids, id)
	})
	return ids
}

func TestAdminQueuesListPendingItems(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	rn := ta.merchantAt("a@example.com", "甲公司", atRealName)
	app := ta.merchantAt("b@example.com", "乙公司", atApplication)
	cert := ta.merchantAt("c@example.com", "丙公司", atCertification)
	active := ta.merchantAt("d@example.com", "丁公司", atActive)
	ch := ta.submitProfileChange(active, "https://new.example.com")

	cases := []struct {
		path, id, owner, kind, company string
	}{
		// A merchant has no company name before its first verification: the queue shows the name under review.
		{"/admin/realname", uitoa(rn.RealNameID), "a@example.com", "Certificate upload", "甲公司"},
		{"/admin/applications", uitoa(app.ApplicationID), "b@example.com", "SaaS, License", "乙公司"},
		{"/admin/certifications", uitoa(cert.CertID), "c@example.com", "", "丙公司"},
		{"/admin/changes", uitoa(ch.ID), "d@example.com", "Merchant information", "丁公司"},
	}
	for _, tc := range cases {
		r := c.get(tc.path).want(http.StatusOK)
		ids := rowIDs(r)
		if len(ids) != 1 || ids[0] != tc.id {
			t.Fatalf("%s: rows %v, want [%s]", tc.path, ids, tc.id)
		}
		row := r.Doc().Find(`[data-testid="queue-row"]`)
		for _, want := range []string{tc.owner, tc.kind, tc.company} {
			if !strings.Contains(row.Text(), want) {
				t.Fatalf("%s: row %q lacks %q", tc.path, row.Text(), want)
			}
		}
		if row.Find(`[data-testid="age"]`).Length() != 1 {
			t.Fatalf("%s: pending row without its age", tc.path)
		}
		if href, _ := row.Find(`a`).Attr("href"); href != tc.path+"/"+tc.id {
			t.Fatalf("%s: view link %q", tc.path, href)
		}
		c.get(tc.path + "/" + tc.id).want(http.StatusOK)
		// Decided items leave the pending list but stay under "all".
		if r := c.get(tc.path + "?status=all"); len(rowIDs(r)) < 1 {
			t.Fatalf("%s?status=all lists nothing", tc.path)
		}
	}
	// The already-approved real-name verifications show under VERIFIED, not as pending.
	r := c.get("/admin/realname?status=VERIFIED").want(http.StatusOK)
	if n := len(rowIDs(r)); n != 3 {
		t.Fatalf("VERIFIED rows %d, want 3", n)
	}
	if r.Doc().Find(`[data-testid="queue-row"] [data-testid="age"]`).Length() != 0 {
		t.Fatal("decided rows show an SLA age")
	}
	// Search by company or owner email.
	if ids := rowIDs(c.get("/admin/realname?status=all&q=" + url.QueryEscape("乙公司"))); len(ids) != 1 {
		t.Fatalf("search by company: %v", ids)
	}
	if ids := rowIDs(c.get("/admin/realname?status=all&q=C%40EXAMPLE")); len(ids) != 1 {
		t.Fatalf("search by email: %v", ids)
	}
	if r := c.get("/admin/realname?q=nobody"); r.Doc().Find(`[data-testid="empty-state"]`).Length() != 1 {
		t.Fatal("no empty state for a search without results")
	}
}

func TestAdminQueueFiltersPaginationAndFragment(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atRealName)
	ctx, rev := context.Background(), ta.seedReviewer()
	// 21 rejected submissions of one merchant, then one pending.
	must(t, ta.Store.DecideRealName(ctx, rev, m.RealNameID, models.Decision{Reason: "reason.realname.other", Comment: "x"}))
	for i := 0; i < 20; i++ {
		v, err := ta.Store.SubmitRealName(ctx, m.actor(), m.MerchantID, models.RealNameInput{Subject: models.SubjectEnterprise,
			Method: models.MethodCertificate, Name: "甲公司", CertType: models.CertUSCC, CertNumber: "91350100M000100Y43", LegalRepName: "张三"})
		must(t, err)
		must(t, ta.Store.DecideRealName(ctx, rev, v.ID, models.Decision{Reason: "reason.realname.document_unclear"}))
	}
	pending, err := ta.Store.SubmitRealName(ctx, m.actor(), m.MerchantID, models.RealNameInput{Subject: models.SubjectEnterprise,
		Method: models.MethodCertificate, Name: "甲公司", CertType: models.CertUSCC, CertNumber: "91350100M000100Y43", LegalRepName: "张三"})
	must(t, err)

	if ids := rowIDs(c.get("/admin/realname")); len(ids) != 1 || ids[0] != uitoa(pending.ID) {
		t.Fatalf("pending: %v", ids)
	}
	r := c.get("/admin/realname?status=REJECTED").want(http.StatusOK)
	if n := len(rowIDs(r)); n != 20 {
		t.Fatalf("page 1 has %d rows", n)
	}
	next, ok := r.Doc().Find(`[data-testid="pagination"] a[rel="next"]`).Attr("href")
	if !ok || !strings.Contains(next, "status=REJECTED") || !strings.Contains(next, "page=2") {
		t.Fatalf("next link %q keeps no filter", next)
	}
	if n := len(rowIDs(c.get(next))); n != 1 {
		t.Fatalf("page 2 has %d rows", n)
	}
	if sel, _ := r.Doc().Find(`select[name="status"] option[selected]`).Attr("value"); sel != "REJECTED" {
		t.Fatalf("filter form forgot the status: %q", sel)
	}

	// htmx asks for the table alone.
	frag := c.get("/admin/realname?status=REJECTED", "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "<html") || strings.Contains(frag.Body, `id="sidenav"`) || strings.Contains(frag.Body, "queue-filter") {
		t.Fatal("fragment request got the whole page")
	}
	if frag.Doc().Find(`#queue-table [data-testid="queue-row"]`).Length() != 20 {
		t.Fatal("fragment lacks the rows")
	}
	if !strings.Contains(strings.Join(frag.Header.Values("Vary"), ","), "HX-Request") {
		t.Fatal("no Vary: HX-Request")
	}
	// Restoring a pushed filter URL from history needs the whole page.
	if full := c.get("/admin/realname?status=REJECTED", "HX-Request", "true", "HX-History-Restore-Request", "true"); !strings.Contains(full.Body, "<html") {
		t.Fatal("history restore got a fragment")
	}
	// A boosted navigation gets the whole page.
	if full := c.get("/admin/realname", "HX-Request", "true", "HX-Boosted", "true"); !strings.Contains(full.Body, "<html") {
		t.Fatal("boosted request got a fragment")
	}

	// Bad filters: an unknown status is a 400 page, an overlong search a message.
	for _, p := range []string{"/admin/realname?status=BOGUS", "/admin/changes?status=IN_REVIEW", "/admin/merchants?status=gone"} {
		if r := c.get(p).want(http.StatusBadRequest); r.Doc().Find(`[data-testid="error-page"]`).Length() != 1 {
			t.Fatalf("%s: no error page", p)
		}
	}
	long := strings.Repeat("x", 101)
	r = c.get("/admin/realname?q=" + long).want(http.StatusUnprocessableEntity)
	if r.fieldError("q") == "" {
		t.Fatal("no message for an overlong search")
	}
	c.get("/admin/merchants?q=" + long).want(http.StatusUnprocessableEntity)
	c.get("/admin/realname?q=%ff%fe").want(http.StatusUnprocessableEntity)
}
