package handlers

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"sellercenter/models"
)

func TestAdminReviewerAccounts(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	boss := ta.admin("boss@example.com")
	ta.user(models.RoleReviewer, "plain@example.com")
	c := ta.loggedIn("boss@example.com")

	list := c.get("/admin/reviewers").want(http.StatusOK)
	if n := list.Doc().Find(`[data-testid="reviewer-row"]`).Length(); n != 2 {
		t.Fatalf("%d reviewer rows", n)
	}
	c.get("/admin/reviewers/new").want(http.StatusOK)
	form := func(email, pw, confirm string) url.Values {
		return url.Values{"email": {email}, "name": {"新审核员"}, "is_admin": {"1"}, "password": {pw}, "confirm": {confirm}}
	}
	cases := []struct {
		form  url.Values
		field string
	}{
		{form("new@example.com", "short", "short"), "password"},
		{form("new@example.com", "long-enough-pw", "different-pw!"), "confirm"},
		{form("not-an-email", "long-enough-pw", "long-enough-pw"), "email"},
		{form("PLAIN@example.com", "long-enough-pw", "long-enough-pw"), "email"},
		{form("new@example.com", string(make([]byte, 73)), string(make([]byte, 73))), "password"},
	}
	for _, tc := range cases {
		r := c.post("/admin/reviewers", tc.form).want(http.StatusUnprocessableEntity)
		if r.fieldError(tc.field) == "" {
			t.Errorf("%v: no message on %s", tc.form, tc.field)
		}
	}
	r := c.post("/admin/reviewers", form("New@Example.com", "long-enough-pw", "long-enough-pw")).want(http.StatusSeeOther)
	if r.Location() != "/admin/reviewers" {
		t.Fatalf("after create: %s", r.Location())
	}
	u, err := ta.Store.UserByEmail(context.Background(), "new@example.com")
	must(t, err)
	if u.Role != models.RoleReviewer || !u.IsAdmin || !u.Verified() || u.CreatedByID == nil || *u.CreatedByID != boss.ID || u.MerchantID != nil {
		t.Fatalf("new reviewer %+v", u)
	}
	if a := ta.latestAudit("user.create"); a.ActorEmail != boss.Email || a.ObjectID != u.ID {
		t.Fatalf("audit %+v", a)
	}
	fresh := ta.client()
	fresh.login("new@example.com", "long-enough-pw")
	fresh.get("/admin/reviewers").want(http.StatusOK)

	// A reviewer without the admin flag cannot manage accounts.
	plain := ta.loggedIn("plain@example.com")
	plain.get("/admin").want(http.StatusOK)
	plain.get("/admin/reviewers").want(http.StatusForbidden)
	plain.get("/admin/reviewers/new").want(http.StatusForbidden)
	plain.post("/admin/reviewers", form("sneaky@example.com", "long-enough-pw", "long-enough-pw")).want(http.StatusForbidden)
	if _, err := ta.Store.UserByEmail(context.Background(), "sneaky@example.com"); err == nil {
		t.Fatal("a plain reviewer created an account")
	}
	if plain.get("/admin").Doc().Find(`a[href="/admin/reviewers"]`).Length() != 0 {
		t.Fatal("plain reviewer sees the accounts link")
	}
}
