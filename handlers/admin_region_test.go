package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

func regionValues(code string) url.Values {
	return url.Values{"code": {code}, "name_zh": {"亚太-新加坡"}, "name_en": {"AP-Singapore"}, "recommended": {"1"},
		"active": {"1"}, "sort_order": {"40"}}
}

func TestAdminRegionCreateAndUpdate(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.admin("boss@example.com")
	c := ta.loggedIn("boss@example.com")
	ctx := context.Background()

	list := c.get("/admin/regions").want(http.StatusOK)
	if n := list.Doc().Find(`[data-testid="region-row"]`).Length(); n != 3 {
		t.Fatalf("%d seeded regions listed", n)
	}
	row := list.Doc().Find(`[data-testid="region-row"][data-code="cn-east-3"]`)
	if !strings.Contains(row.Text(), "华东-上海一") || !strings.Contains(row.Text(), "CN East-Shanghai1") ||
		strings.TrimSpace(row.Find(`[data-testid="region-restricted"]`).Text()) != "Yes" || strings.TrimSpace(row.Find(`[data-testid="region-order"]`).Text()) != "20" {
		t.Fatalf("cn-east-3 row %q", row.Text())
	}
	if href, _ := row.Find(`[data-testid="region-edit"]`).Attr("href"); href != "/admin/regions/cn-east-3/edit" {
		t.Fatalf("edit link %q", href)
	}
	if list.Doc().Find(`nav a[href="/admin/regions"]`).Length() == 0 {
		t.Fatal("admins' navigation lacks the region catalog")
	}

	c.get("/admin/regions/new").want(http.StatusOK)
	r := c.post("/admin/regions", regionValues("ap-southeast-1")).want(http.StatusSeeOther)
	if r.Location() != "/admin/regions" {
		t.Fatalf("create redirects to %q", r.Location())
	}
	got, err := ta.Store.RegionByCode(ctx, "ap-southeast-1")
	must(t, err)
	if got.NameZh != "亚太-新加坡" || got.NameEn != "AP-Singapore" || !got.Recommended || got.Restricted || !got.Active || got.SortOrder != 40 {
		t.Fatalf("created %+v", got)
	}
	if a := ta.latestAudit("region.create"); a.ObjectType != "region" || !strings.Contains(a.After, "ap-southeast-1") {
		t.Fatalf("audit %+v", a)
	}
	if !strings.Contains(c.get("/admin/regions").want(http.StatusOK).Body, "Region added.") {
		t.Fatal("no flash after creating")
	}

	edit := c.get("/admin/regions/ap-southeast-1/edit").want(http.StatusOK)
	if edit.Doc().Find(`input[name="code"]`).Length() != 0 || dd(edit, "region-code") != "ap-southeast-1" {
		t.Fatal("the code is editable")
	}
	if v, _ := edit.Doc().Find(`input[name="name_en"]`).Attr("value"); v != "AP-Singapore" {
		t.Fatalf("edit form name_en %q", v)
	}
	// Unticked boxes are off; a code in the body is ignored.
	c.post("/admin/regions/ap-southeast-1", url.Values{"code": {"evil-1"}, "name_zh": {"亚太-新加坡二"}, "name_en": {"AP-Singapore2"},
		"restricted": {"1"}, "sort_order": {"5"}}).want(http.StatusSeeOther)
	got, err = ta.Store.RegionByCode(ctx, "ap-southeast-1")
	must(t, err)
	if got.NameZh != "亚太-新加坡二" || got.NameEn != "AP-Singapore2" || got.Recommended || !got.Restricted || got.Active || got.SortOrder != 5 {
		t.Fatalf("updated %+v", got)
	}
	if _, err := ta.Store.RegionByCode(ctx, "evil-1"); err == nil {
		t.Fatal("the body's code created or renamed a region")
	}
	if a := ta.latestAudit("region.update"); !strings.Contains(a.Before, "AP-Singapore") || !strings.Contains(a.After, "AP-Singapore2") {
		t.Fatalf("audit %+v", a)
	}
	// The catalog's order is the display order.
	first, _ := c.get("/admin/regions").want(http.StatusOK).Doc().Find(`[data-testid="region-row"]`).First().Attr("data-code")
	if first != "ap-southeast-1" {
		t.Fatalf("first region %q, want the one ordered 5", first)
	}

	c.get("/admin/regions/mars-1/edit").want(http.StatusNotFound)
	c.post("/admin/regions/mars-1", regionValues("")).want(http.StatusNotFound)
}

func TestAdminRegionValidation(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.admin("boss@example.com")
	c := ta.loggedIn("boss@example.com")
	cases := []struct {
		field, value, want string
	}{
		{"code", "", "This field is required."},
		{"code", "CN-North-9", "Use 3 to 40 lowercase letters, digits and hyphens, like cn-north-4."},
		{"code", "ab", "Use 3 to 40 lowercase letters, digits and hyphens, like cn-north-4."},
		{"code", "cn_north_9", "Use 3 to 40 lowercase letters, digits and hyphens, like cn-north-4."},
		{"code", strings.Repeat("a", 41), "Use 3 to 40 lowercase letters, digits and hyphens, like cn-north-4."},
		{"code", "cn-north-4", "A region with this code already exists."},
		{"name_zh", "", "This field is required."},
		{"name_en", strings.Repeat("n", 101), "At most 100 characters."},
		{"sort_order", "", "This field is required."},
		{"sort_order", "abc", "Enter a whole number."},
		{"sort_order", "1.5", "Enter a whole number."},
		{"sort_order", "-1", "Must be at least 0."},
		{"sort_order", "10000", "Must be at most 9999."},
	}
	for _, tc := range cases {
		v := regionValues("ap-east-1")
		v.Set(tc.field, tc.value)
		r := c.post("/admin/regions", v).want(http.StatusUnprocessableEntity)
		if got := r.fieldError(tc.field); got != tc.want {
			t.Errorf("%s=%q: error %q, want %q", tc.field, tc.value, got, tc.want)
		}
		if tc.field != "code" {
			if got, _ := r.Doc().Find(`input[name="code"]`).Attr("value"); got != "ap-east-1" {
				t.Errorf("%s=%q: the form lost the code (%q)", tc.field, tc.value, got)
			}
		}
	}
	var n int64
	ta.env.DB.R.Model(&models.Region{}).Count(&n)
	if n != 3 {
		t.Fatalf("%d regions after invalid posts", n)
	}
	if r, _ := ta.Store.RegionByCode(context.Background(), "cn-north-4"); r.NameEn != "CN North-Beijing4" {
		t.Fatalf("the duplicate post changed cn-north-4: %+v", r)
	}

	// Updates are validated the same way, in the user's language.
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/admin"}}).want(http.StatusSeeOther)
	r := c.post("/admin/regions/cn-south-1", url.Values{"name_zh": {""}, "name_en": {"CN South"}, "sort_order": {"x"}}).want(http.StatusUnprocessableEntity)
	if e := r.fieldError("name_zh"); e != "此项为必填项。" {
		t.Errorf("zh required error %q", e)
	}
	if e := r.fieldError("sort_order"); e != "请输入整数。" {
		t.Errorf("zh number error %q", e)
	}
	r = c.post("/admin/regions", regionValues("Bad Code")).want(http.StatusUnprocessableEntity)
	if e := r.fieldError("code"); e != "请输入 3 至 40 位小写字母、数字或连字符，例如 cn-north-4。" {
		t.Errorf("zh code error %q", e)
	}
	if got, _ := ta.Store.RegionByCode(context.Background(), "cn-south-1"); got.NameEn != "CN South-Guangzhou" {
		t.Fatalf("an invalid update changed the region: %+v", got)
	}
}

func TestAdminRegionRoutesAreForAdminsOnly(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	ta.user(models.RoleBuyer, "buyer@example.com")
	ta.activeMerchant("m@example.com", "甲公司")
	routes := [][2]string{{"GET", "/admin/regions"}, {"GET", "/admin/regions/new"}, {"POST", "/admin/regions"},
		{"GET", "/admin/regions/cn-north-4/edit"}, {"POST", "/admin/regions/cn-north-4"}}
	clients := map[string]*client{"reviewer": ta.loggedIn("rev@example.com"), "merchant": ta.loggedIn("m@example.com"),
		"buyer": ta.loggedIn("buyer@example.com"), "anonymous": ta.client()}
	for _, rt := range routes {
		for role, c := range clients {
			var r *resp
			if rt[0] == http.MethodPost {
				r = c.post(rt[1], regionValues("ap-east-9"))
			} else {
				r = c.get(rt[1])
			}
			if role == "anonymous" {
				if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
					t.Errorf("%s %s as anonymous: %d %q, want a redirect to /login", rt[0], rt[1], r.Status, r.Location())
				}
			} else if r.Status != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", rt[0], rt[1], role, r.Status)
			}
		}
	}
	if _, err := ta.Store.RegionByCode(context.Background(), "ap-east-9"); err == nil {
		t.Fatal("a non-admin created a region")
	}
	if r, _ := ta.Store.RegionByCode(context.Background(), "cn-north-4"); r.NameZh != "华北-北京四" {
		t.Fatalf("a non-admin changed cn-north-4: %+v", r)
	}
	dash := clients["reviewer"].get("/admin").want(http.StatusOK)
	if dash.Doc().Find(`a[href="/admin/regions"]`).Length() != 0 {
		t.Fatal("a non-admin reviewer is shown the region catalog")
	}
	if dash.Doc().Find(`nav a[href="/admin/assets"]`).Length() == 0 {
		t.Fatal("reviewers' navigation lacks the asset queue")
	}
}
