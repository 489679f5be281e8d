package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
)

func auditActions(r *resp) []string {
	var out []string
	r.Doc().Find(`[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) {
		a, _ := s.Attr("data-action")
		out = append(out, a)
	})
	return out
}

func TestAdminAuditLogFilters(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.merchantAt("a@example.com", "甲公司", atActive)
	b := ta.merchantAt("b@example.com", "乙公司", atRealName)
	ctx := context.Background()
	must(t, ta.Store.DecideRealName(ctx, models.Actor{UserID: rev.ID, Email: rev.Email, RequestID: "req-123"}, b.RealNameID,
		models.Decision{Reason: "reason.realname.info_mismatch", Comment: "Name differs"}))

	all := c.get("/admin/audit").want(http.StatusOK)
	if len(auditActions(all)) == 0 {
		t.Fatal("empty audit log")
	}
	row := all.Doc().Find(`[data-testid="audit-row"][data-action="realname.reject"]`)
	for _, want := range []string{"Verification rejected", "rev@example.com", "The details do not match the documents", "Name differs", "req-123", "Status: In review", "Rejected"} {
		if !strings.Contains(row.Text(), want) {
			t.Errorf("reject row lacks %q: %s", want, row.Text())
		}
	}
	if href, _ := row.Find(`a`).First().Attr("href"); href != "/admin/realname/"+uitoa(b.RealNameID) {
		t.Errorf("object link %q", href)
	}

	for _, act := range auditActions(c.get("/admin/audit?action=realname")) {
		if !strings.HasPrefix(act, "realname.") {
			t.Fatalf("action filter let %s through", act)
		}
	}
	byActor := c.get("/admin/audit?actor=REV%40example.com")
	if acts := auditActions(byActor); len(acts) < 3 || acts[0] != "realname.reject" {
		t.Fatalf("actor filter: %v", acts)
	}
	byActor.Doc().Find(`[data-testid="audit-row"]`).Each(func(_ int, s *goquery.Selection) {
		if who := s.Find("td").Eq(1).Text(); !strings.Contains(who, "rev@example.com") {
			t.Errorf("actor filter let %q through", who)
		}
	})
	if r := c.get("/admin/audit?actor=nobody%40example.com"); r.Doc().Find(`[data-testid="empty-state"]`).Length() != 1 {
		t.Fatal("unknown actor lists rows")
	}
	for _, act := range auditActions(c.get("/admin/audit?object_type=certification")) {
		if !strings.HasPrefix(act, "certification.") {
			t.Fatalf("object filter let %s through", act)
		}
	}
	byMerchant := auditActions(c.get("/admin/audit?merchant=" + uitoa(b.MerchantID)))
	_, want, _ := ta.Store.AuditLogs(ctx, models.AuditFilter{MerchantID: b.MerchantID, Page: 1, Per: 100})
	if int64(len(byMerchant)) != want || want == 0 {
		t.Fatalf("merchant filter: %d rows, want %d", len(byMerchant), want)
	}
	// The fake clock stands on 2026-11-24 in Beijing.
	if n := len(auditActions(c.get("/admin/audit?from=2026-11-24&to=2026-11-24"))); n != len(auditActions(all)) {
		t.Fatalf("today's range has %d rows", n)
	}
	for _, q := range []string{"from=2026-11-25", "to=2026-11-23"} {
		if r := c.get("/admin/audit?" + q).want(http.StatusOK); r.Doc().Find(`[data-testid="empty-state"]`).Length() != 1 {
			t.Fatalf("%s is not empty", q)
		}
	}

	// Malformed filters: a message, never a 500.
	for q, field := range map[string]string{"from=2026-13-45": "from", "to=yesterday": "to", "merchant=" + strings.Repeat("x", 101): "merchant",
		"from=2026-11-25&to=2026-11-24":     "to",
		"actor=" + strings.Repeat("x", 300): "actor"} {
		r := c.get("/admin/audit?" + q).want(http.StatusUnprocessableEntity)
		if r.fieldError(field) == "" {
			t.Errorf("%s: no message on %s", q, field)
		}
	}
	frag := c.get("/admin/audit?from=2026-02-30", "HX-Request", "true").want(http.StatusUnprocessableEntity)
	if strings.Contains(frag.Body, "<html") || !strings.Contains(frag.Doc().Find(`[data-testid="filter-errors"]`).Text(), "YYYY-MM-DD") {
		t.Fatalf("fragment for a bad date:\n%s", frag.Body)
	}
	c.get("/admin/audit?action=bogus").want(http.StatusBadRequest)
	c.get("/admin/audit?object_type=bogus").want(http.StatusBadRequest)

	// Pagination keeps the filters.
	v, err := ta.Store.RealNameByID(ctx, a.RealNameID)
	must(t, err)
	for i := 0; i < 50; i++ {
		_, _, err := ta.Store.RealNameSecrets(ctx, models.Actor{UserID: rev.ID, Email: rev.Email}, v)
		must(t, err)
	}
	p1 := c.get("/admin/audit?action=realname").want(http.StatusOK)
	if n := len(auditActions(p1)); n != 50 {
		t.Fatalf("page 1 has %d rows", n)
	}
	next, _ := p1.Doc().Find(`[data-testid="pagination"] a[rel="next"]`).Attr("href")
	if !strings.Contains(next, "action=realname") || !strings.Contains(next, "page=2") {
		t.Fatalf("next link %q", next)
	}
	for _, act := range auditActions(c.get(next).want(http.StatusOK)) {
		if !strings.HasPrefix(act, "realname.") {
			t.Fatalf("page 2 lost the filter: %s", act)
		}
	}
}

// Every action, object type and value field the audit log accepts has a label in both
// languages: the log refuses anything unregistered, so nothing reaches a reader unnamed.
func TestAuditVocabularyHasLabels(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	must(t, err)
	want := map[string][]string{}
	for _, a := range models.AuditActions {
		want[pages.ActionKey(a)] = nil
	}
	for _, o := range models.AuditObjects {
		want["admin.object."+o] = nil
	}
	for _, a := range actionAreas(models.AuditActions) {
		want["admin.audit.area."+a] = nil
	}
	for _, f := range models.AuditFields {
		want["audit.field."+f] = nil
	}
	for _, k := range []string{"audit.actor.system", "audit.actor.seed", "audit.actor.cli"} {
		want[k] = nil
	}
	for _, r := range []models.Role{models.RoleBuyer, models.RoleMerchant, models.RoleReviewer} {
		want["audit.role."+string(r)] = nil
	}
	for key := range want {
		for _, lang := range i18n.Locales {
			if !cat.Has(lang, key) {
				t.Errorf("no %s label %s", lang, key)
			}
		}
	}
	if len(models.AuditActions) < 60 {
		t.Fatalf("only %d actions registered", len(models.AuditActions))
	}
}
