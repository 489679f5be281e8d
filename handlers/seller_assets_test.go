package handlers

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"sellercenter/internal/config"
	"sellercenter/models"
)

// activeSeller onboards a merchant fully and returns its logged-in client.
func activeSeller(t *testing.T, ta *testApp, email string) (*client, models.Merchant) {
	t.Helper()
	rev, err := ta.Store.UserByEmail(context.Background(), "rev@example.com")
	if err != nil {
		rev = ta.admin("rev@example.com")
	}
	m := onboarded(t, ta, email, rev)
	must(t, ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", m.ID).Update("activated_at", ta.env.Clock.Now()).Error)
	return ta.loggedIn(email), merchantOf(t, ta, email)
}

func targz() []byte {
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	_ = tw.WriteHeader(&tar.Header{Name: "app/run.sh", Mode: 0o755, Size: 5})
	_, _ = tw.Write([]byte("echo\n"))
	tw.Close()
	var gb bytes.Buffer
	zw := gzip.NewWriter(&gb)
	_, _ = zw.Write(tb.Bytes())
	zw.Close()
	return gb.Bytes()
}

func TestAssetCenterNeedsCompletedOnboarding(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "new@example.com")
	c := ta.loggedIn("new@example.com")
	page := c.get("/seller/assets").want(http.StatusOK).Doc()
	if page.Find(`[data-testid="not-active"]`).Length() != 1 {
		t.Fatal("no notice for an inactive merchant")
	}
	// The list filters start on every kind and status, not on a choice to make.
	for _, name := range []string{"kind", "status"} {
		if got := page.Find(`select[name="` + name + `"] option`).First().Text(); got != "All" {
			t.Errorf("the %s filter starts on %q", name, got)
		}
	}
	c.get("/seller/assets/new?kind=saas").want(http.StatusConflict)
	c.postMultipart("/seller/assets", url.Values{"kind": {"saas"}, "name": {"x"}, "asset_version": {"1"}, "domain": {"a.example.com"}}).want(http.StatusConflict)
}

func TestPackageAssetUploadScanAndReview(t *testing.T) {
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "m@example.com")
	ctx := context.Background()
	c.get("/seller/assets/new?kind=package").want(http.StatusOK)
	base := url.Values{"kind": {"package"}, "name": {"CRM 安装包"}, "asset_version": {"2.1.0"}}
	r := c.postMultipart("/seller/assets", base).want(http.StatusUnprocessableEntity)
	if r.fieldError("package") == "" {
		t.Fatal("missing package not reported")
	}
	r = c.postMultipart("/seller/assets", base, upload{"package", "crm.exe", targz()}).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("package"), ".zip") {
		t.Fatalf("extension error %q", r.fieldError("package"))
	}
	bad := url.Values{"kind": {"package"}, "name": {""}, "asset_version": {"../1"}, "declared_checksum": {"xyz"}}
	r = c.postMultipart("/seller/assets", bad, upload{"package", "crm.tar.gz", targz()}).want(http.StatusUnprocessableEntity)
	for _, f := range []string{"name", "asset_version", "declared_checksum"} {
		if r.fieldError(f) == "" {
			t.Errorf("no error on %s", f)
		}
	}
	r = c.postMultipart("/seller/assets", base, upload{"package", "crm.tar.gz", targz()}).want(http.StatusSeeOther)
	loc := r.Location()
	c.postMultipart("/seller/assets", base, upload{"package", "crm.tar.gz", targz()}).want(http.StatusUnprocessableEntity)
	var a models.Asset
	ta.env.DB.R.Where("merchant_id = ?", m.ID).First(&a)
	if a.Status != models.AssetDraft || a.FileID == nil {
		t.Fatalf("asset %+v", a)
	}
	c.post(loc+"/submit", nil).want(http.StatusSeeOther)
	ta.drainJobs()
	a, _ = ta.Store.AssetOf(ctx, m.ID, a.ID)
	if a.Status != models.AssetScanning || a.PackageFormat != "tar.gz" || len(a.Checksum) != 64 {
		t.Fatalf("after the scan: %s %s %q", a.Status, a.PackageFormat, a.Checksum)
	}
	page := c.get(loc).want(http.StatusOK).Doc()
	if !strings.Contains(page.Find(`[data-testid="scan-report"]`).Text(), "tar.gz") {
		t.Fatal("scan report not shown")
	}
	// In review: no edit, no delete.
	c.get(loc + "/edit").want(http.StatusConflict)
	c.post(loc+"/delete", nil).want(http.StatusConflict)
	rev, _ := ta.Store.UserByEmail(ctx, "rev@example.com")
	if err := ta.Store.DecideAsset(ctx, reviewerActor(rev), a.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	// A new version starts from the old one's values.
	nv := c.get("/seller/assets/new?from=" + itoa64(int64(a.ID))).want(http.StatusOK).Doc()
	if v, _ := nv.Find(`input[name="name"]`).Attr("value"); v != "CRM 安装包" {
		t.Fatalf("new version form name %q", v)
	}
	c.post(loc+"/delete", nil).want(http.StatusSeeOther)
	if _, err := ta.Store.AssetOf(ctx, m.ID, a.ID); err == nil {
		t.Fatal("asset not deleted")
	}
}

func TestImageAssetRules(t *testing.T) {
	ta := newTestApp(t)
	c, _ := activeSeller(t, ta, "m@example.com")
	form := c.get("/seller/assets/new?kind=image").want(http.StatusOK).Doc()
	if form.Find(`input[name="regions"][value="cn-east-3"]`).Length() != 0 {
		t.Fatal("the restricted region is offered to a new merchant")
	}
	if form.Find(`input[name="regions"][value="cn-north-4"]`).Length() != 1 {
		t.Fatal("the recommended region is missing")
	}
	good := url.Values{"kind": {"image"}, "name": {"CRM 镜像"}, "asset_version": {"1.0"}, "image_id": {"8a6b4c2e-0000-4abc-9def-1234567890ab"},
		"image_kind": {"system_disk"}, "from_public": {"yes"}, "flavor_family": {"general"}, "os_type": {"linux"}, "os_version": {"Ubuntu 22.04"},
		"regions": {"cn-north-4", "cn-south-1"}}
	cases := map[string][2]string{
		"image_kind":    {"encrypted", "Encrypted images"},
		"from_public":   {"no", "public image"},
		"flavor_family": {"gpu", "flavor family"},
		"regions":       {"cn-east-3", "offered options"},
	}
	for field, tc := range cases {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set(field, tc[0])
		r := c.postMultipart("/seller/assets", f).want(http.StatusUnprocessableEntity)
		if !strings.Contains(r.fieldError(field), tc[1]) {
			t.Errorf("%s=%s: %q", field, tc[0], r.fieldError(field))
		}
	}
	r := c.postMultipart("/seller/assets", good).want(http.StatusSeeOther)
	page := c.get(r.Location()).want(http.StatusOK).Doc()
	if page.Find(`[data-testid="asset-regions"] li`).Length() != 2 {
		t.Fatal("regions not listed")
	}
}

func TestSaaSDomainVerification(t *testing.T) {
	token := ""
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sellercenter-verify.txt":
			_, _ = w.Write([]byte(token + "\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()
	host := strings.TrimPrefix(site.URL, "http://")

	// In production mode, a domain on a private address is refused by the guarded client.
	strict := newTestApp(t)
	sc, _ := activeSeller(t, strict, "m@example.com")
	r := sc.postMultipart("/seller/assets", url.Values{"kind": {"saas"}, "name": {"CRM"}, "asset_version": {"1"}, "domain": {host}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("domain") == "" {
		t.Fatal("a host:port domain accepted outside development")
	}
	r = sc.postMultipart("/seller/assets", url.Values{"kind": {"saas"}, "name": {"CRM"}, "asset_version": {"1"}, "domain": {"localhost.localdomain"}}).want(http.StatusSeeOther)
	res := sc.post(r.Location()+"/verify", nil).want(http.StatusUnprocessableEntity)
	if res.Doc().Find(`[data-testid="verify-error"]`).Length() != 1 {
		t.Fatal("no verification error shown")
	}

	// In development mode the platform may call the local site.
	ta := newTestAppWith(t, func(c *config.Config) { c.OutboundAllowPrivate, c.VerifyScheme = true, "http" })
	c, m := activeSeller(t, ta, "m@example.com")
	r = c.postMultipart("/seller/assets", url.Values{"kind": {"saas"}, "name": {"CRM"}, "asset_version": {"1"}, "domain": {host}}).want(http.StatusSeeOther)
	loc := r.Location()
	c.post(loc+"/submit", nil).want(http.StatusConflict)
	res = c.post(loc+"/verify", nil).want(http.StatusUnprocessableEntity)
	if !strings.Contains(res.Doc().Find(`[data-testid="verify-error"]`).Text(), "does not hold the token") {
		t.Fatalf("mismatch message: %s", res.Doc().Find(`[data-testid="verify-error"]`).Text())
	}
	var a models.Asset
	ta.env.DB.R.Where("merchant_id = ?", m.ID).First(&a)
	token = a.VerifyToken
	c.post(loc+"/verify", nil).want(http.StatusSeeOther)
	c.post(loc+"/submit", nil).want(http.StatusSeeOther)
	ta.drainJobs()
	a, _ = ta.Store.AssetByID(context.Background(), a.ID)
	if a.Status != models.AssetScanning || !strings.Contains(a.ScanReport, "verified") {
		t.Fatalf("after submit: %s\n%s", a.Status, a.ScanReport)
	}
}
