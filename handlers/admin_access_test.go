package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/models"
	"sellercenter/web/i18n"
)

// adminRoutes lists every reviewer-console route of the real router, ids filled in.
func adminRoutes(ta *testApp) [][2]string {
	var out [][2]string
	for _, r := range ta.Router().Routes() {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || (r.Path != "/admin" && !strings.HasPrefix(r.Path, "/admin/")) {
			continue
		}
		out = append(out, [2]string{r.Method, strings.ReplaceAll(r.Path, ":id", "1")})
	}
	return out
}

func TestAdminRoutesRoleGates(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.merchantAt("m@example.com", "甲公司", atCertification) // object 1 of every kind exists
	ta.user(models.RoleBuyer, "b@example.com")
	routes := adminRoutes(ta)
	if len(routes) < 25 {
		t.Fatalf("only %d admin routes found", len(routes))
	}
	merchant, buyer, anon := ta.loggedIn("m@example.com"), ta.loggedIn("b@example.com"), ta.client()
	merchant.get("/seller")
	buyer.get("/buyer")
	anon.get("/login")
	for _, rt := range routes {
		method, path := rt[0], rt[1]
		for name, c := range map[string]*client{"merchant": merchant, "buyer": buyer} {
			var r *resp
			if method == http.MethodGet {
				r = c.get(path)
			} else {
				r = c.post(path, nil)
			}
			if r.Status != http.StatusForbidden {
				t.Errorf("%s %s %s: %d, want 403", name, method, path, r.Status)
			}
			// htmx requests too.
			if method == http.MethodGet {
				r = c.get(path, "HX-Request", "true")
			} else {
				r = c.post(path, nil, "HX-Request", "true")
			}
			if r.Status != http.StatusForbidden {
				t.Errorf("%s htmx %s %s: %d, want 403", name, method, path, r.Status)
			}
		}
		var r *resp
		if method == http.MethodGet {
			r = anon.get(path)
		} else {
			r = anon.post(path, nil)
		}
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("anonymous %s %s: %d → %q", method, path, r.Status, r.Location())
		}
	}
	// Nothing was decided by anyone of them.
	v, _ := ta.Store.RealNameByID(t.Context(), 1)
	if v.Status != models.RealNameVerified || v.DecidedByID == nil {
		t.Fatalf("realname 1: %+v", v)
	}
}

// Every console page reads finished in both languages: no message key left unresolved.
func TestAdminPagesTranslated(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.admin("boss@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atActive)
	ch := ta.submitProfileChange(m, "https://new.example.com")
	p := ta.merchantAt("p@example.com", "乙公司", atRealName)
	pages := []string{"/admin", "/admin/realname", "/admin/realname?status=all", "/admin/applications?status=all",
		"/admin/certifications?status=all", "/admin/changes", "/admin/merchants", "/admin/audit", "/admin/reviewers",
		"/admin/reviewers/new", "/admin/realname/" + uitoa(p.RealNameID), "/admin/realname/" + uitoa(m.RealNameID),
		"/admin/applications/" + uitoa(m.ApplicationID), "/admin/certifications/" + uitoa(m.CertID),
		"/admin/changes/" + uitoa(ch.ID), "/admin/merchants/" + uitoa(m.MerchantID), "/admin/audit?from=bad"}
	leftover := regexp.MustCompile(`\b(admin|reason|audit|common|error|nav|auth)\.[a-z_]+(\.[A-Za-z_]+)*`)
	for _, lang := range i18n.Locales {
		c := ta.loggedIn("boss@example.com")
		c.lang = lang
		c.get("/admin")
		c.post("/locale", url.Values{"locale": {lang}, "next": {"/admin"}}).want(http.StatusSeeOther)
		if got, _ := c.get("/admin").Doc().Find("html").Attr("lang"); got != lang {
			t.Fatalf("page language %q, want %s", got, lang)
		}
		for _, path := range pages {
			r := c.get(path)
			if r.Status != http.StatusOK && r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s %s: %d", lang, path, r.Status)
			}
			doc := r.Doc()
			text := doc.Find("body").Text()
			doc.Find("[placeholder],[title],[aria-label],[data-confirm]").Each(func(_ int, s *goquery.Selection) {
				for _, a := range []string{"placeholder", "title", "aria-label", "data-confirm"} {
					v, _ := s.Attr(a)
					text += " " + v
				}
			})
			if k := leftover.FindString(text); k != "" {
				t.Errorf("%s %s: unresolved key %q", lang, path, k)
			}
		}
	}
}
