package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"sellercenter/internal/jobs"
	"sellercenter/models"
)

// activeMerchant makes a merchant called company whose onboarding is complete, directly in
// the database: assets only need an active merchant.
func (ta *testApp) activeMerchant(email, company string) fixtureMerchant {
	ta.t.Helper()
	u := ta.user(models.RoleMerchant, email)
	mid := *u.MerchantID
	must(ta.t, ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", mid).
		Updates(map[string]any{"activated_at": time.Now(), "company_name": company}).Error)
	return fixtureMerchant{User: u, MerchantID: mid}
}

// newAsset registers a draft asset; submit sends it to scanning.
func (ta *testApp) newAsset(m fixtureMerchant, in models.AssetInput, submit bool) models.Asset {
	ta.t.Helper()
	ctx := context.Background()
	a, err := ta.Store.CreateAsset(ctx, m.actor(), m.MerchantID, in)
	must(ta.t, err)
	if in.Kind == models.AssetSaaS {
		a, err = ta.Store.MarkDomainVerified(ctx, m.actor(), m.MerchantID, a.ID)
		must(ta.t, err)
	}
	if submit {
		a, err = ta.Store.SubmitAsset(ctx, m.actor(), m.MerchantID, a.ID)
		must(ta.t, err)
	}
	return a
}

// packageFile writes an archive to the blob store for a package asset to record.
func (ta *testApp) packageFile(name string, data []byte) *models.Upload {
	ta.t.Helper()
	key, n, err := ta.Blobs.Put(context.Background(), bytes.NewReader(data), 1<<20)
	must(ta.t, err)
	return &models.Upload{Purpose: packageRule.Purpose, BlobKey: key, Filename: name, ContentType: "application/zip", Size: n}
}

// scanAssets runs the automatic asset scan on every submitted asset.
func (ta *testApp) scanAssets() {
	ta.t.Helper()
	must(ta.t, jobs.NewServerWorker(ta.jobDeps(), ta.Log).Drain(context.Background()))
}

func saasInput(name, domain string) models.AssetInput {
	return models.AssetInput{Kind: models.AssetSaaS, Name: name, AssetVersion: "1.0", Description: "在线客户管理", Domain: domain}
}

func imageAssetInput(name string, regions ...string) models.AssetInput {
	return models.AssetInput{Kind: models.AssetImage, Name: name, AssetVersion: "2.1", Description: "预装 CRM 的镜像",
		ImageID: "img-0042", ImageKind: models.ImageSystemDisk, FromPublic: true, FlavorFamily: "general_plus",
		OSType: "linux", OSVersion: "Ubuntu 22.04", Regions: regions}
}

// zipBytes starts like a zip archive.
var zipBytes = []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00crm-installer")

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func queueRowIDs(r *resp) []string {
	var ids []string
	r.Doc().Find(`[data-testid="queue-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-id")
		ids = append(ids, id)
	})
	return ids
}

func dd(r *resp, testID string) string {
	return strings.TrimSpace(r.Doc().Find(`[data-testid="` + testID + `"]`).Text())
}

func TestAdminAssetQueueListsAndFilters(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	b := ta.activeMerchant("b@example.com", "乙公司")
	saas := ta.newAsset(a, saasInput("CRM", "crm.example.com"), true)
	image := ta.newAsset(b, imageAssetInput("CRM 镜像", "cn-north-4"), true)
	draft := ta.newAsset(a, saasInput("ERP", "erp.example.com"), false)

	r := c.get("/admin/assets").want(http.StatusOK)
	if ids := queueRowIDs(r); len(ids) != 2 || ids[0] != uitoa(saas.ID) || ids[1] != uitoa(image.ID) {
		t.Fatalf("pending queue rows %v, want the two scanning assets oldest first", ids)
	}
	row := r.Doc().Find(`[data-testid="queue-row"]`).First()
	if got := strings.TrimSpace(row.Find(`[data-testid="queue-item"]`).Text()); got != "CRM 1.0" {
		t.Fatalf("asset name column %q", got)
	}
	if !strings.Contains(row.Text(), "SaaS") || !strings.Contains(row.Text(), "甲公司") || !strings.Contains(row.Text(), "In review") {
		t.Fatalf("row %q lacks the kind, merchant or status", row.Text())
	}
	if href, _ := row.Find("a").Attr("href"); href != "/admin/assets/"+uitoa(saas.ID) {
		t.Fatalf("row links to %q", href)
	}

	if ids := queueRowIDs(c.get("/admin/assets?status=DRAFT").want(http.StatusOK)); len(ids) != 1 || ids[0] != uitoa(draft.ID) {
		t.Fatalf("draft filter rows %v", ids)
	}
	if ids := queueRowIDs(c.get("/admin/assets?q=" + url.QueryEscape("乙公司")).want(http.StatusOK)); len(ids) != 1 || ids[0] != uitoa(image.ID) {
		t.Fatalf("search rows %v", ids)
	}
	if ids := queueRowIDs(c.get("/admin/assets?status=all").want(http.StatusOK)); len(ids) != 3 {
		t.Fatalf("all rows %v", ids)
	}
	frag := c.get("/admin/assets?status=APPROVED", "HX-Request", "true").want(http.StatusOK)
	if frag.Doc().Find(`[data-testid="queue-fragment"]`).Length() != 1 || frag.Doc().Find("nav").Length() != 0 ||
		frag.Doc().Find(`[data-testid="queue-row"]`).Length() != 0 {
		t.Fatal("htmx filter should return the empty table alone")
	}
	c.get("/admin/assets?status=BOGUS").want(http.StatusBadRequest)

	dash := c.get("/admin").want(http.StatusOK)
	if got := tileCount(t, dash, "asset"); got != "2" {
		t.Fatalf("asset tile %q", got)
	}
	if href, _ := dash.Doc().Find(`[data-testid="tile-asset"]`).Attr("href"); href != "/admin/assets" {
		t.Fatalf("asset tile links to %q", href)
	}
	if dash.Doc().Find(`nav a[href="/admin/assets"]`).Length() == 0 {
		t.Fatal("the side navigation lacks the asset queue")
	}
}

func TestAdminAssetDetailShowsEachKind(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.activeMerchant("a@example.com", "甲公司")

	good := ta.newAsset(m, models.AssetInput{Kind: models.AssetPackage, Name: "CRM 安装包", AssetVersion: "3.0", Description: "安装程序",
		Package: ta.packageFile("crm-3.0.zip", zipBytes), DeclaredChecksum: sha256Hex(zipBytes)}, true)
	bad := ta.newAsset(m, models.AssetInput{Kind: models.AssetPackage, Name: "CRM 安装包", AssetVersion: "3.1",
		Package: ta.packageFile("crm-3.1.zip", zipBytes), DeclaredChecksum: strings.Repeat("ab", 32)}, true)
	image := ta.newAsset(m, imageAssetInput("CRM 镜像", "cn-north-4", "cn-south-1"), true)
	saas := ta.newAsset(m, saasInput("CRM", "crm.example.com"), true)
	ta.scanAssets()

	// A package whose checksums agree: the scan let it through.
	r := c.get("/admin/assets/" + uitoa(good.ID)).want(http.StatusOK)
	details := dd(r, "asset-details")
	for _, want := range []string{"Software package", "CRM 安装包", "3.0", "安装程序"} {
		if !strings.Contains(details, want) {
			t.Errorf("package details %q lack %q", details, want)
		}
	}
	if href, _ := r.Doc().Find(`[data-testid="asset-file"]`).Attr("href"); href != "/files/"+uitoa(*good.FileID) || dd(r, "asset-file") != "crm-3.0.zip" {
		t.Fatalf("file link %q %q", href, dd(r, "asset-file"))
	}
	if dd(r, "declared-checksum") != sha256Hex(zipBytes) || dd(r, "computed-checksum") != sha256Hex(zipBytes) {
		t.Fatalf("checksums %q %q", dd(r, "declared-checksum"), dd(r, "computed-checksum"))
	}
	if r.Doc().Find(`[data-testid="checksum-match"]`).Length() != 1 || r.Doc().Find(`[data-testid="checksum-mismatch"]`).Length() != 0 {
		t.Fatal("matching checksums not shown as a match")
	}
	if dd(r, "package-format") != "ZIP archive" {
		t.Fatalf("format %q", dd(r, "package-format"))
	}
	// The report reads as sentences in the reviewer's language, one finding a line.
	if r.Doc().Find(`[data-testid="scan-report"] li`).Length() != 4 ||
		!strings.Contains(dd(r, "scan-report"), "SHA-256 computed by the platform: "+sha256Hex(zipBytes)) {
		t.Fatalf("scan report %q", dd(r, "scan-report"))
	}
	c.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "lang", Value: "zh-CN", Path: "/"}})
	if zh := dd(c.get("/admin/assets/"+uitoa(good.ID)).want(http.StatusOK), "scan-report"); !strings.Contains(zh, "平台计算的 SHA-256："+sha256Hex(zipBytes)) {
		t.Fatalf("scan report in Chinese %q", zh)
	}
	c.http.Jar.SetCookies(mustURL(ta.srv.URL), []*http.Cookie{{Name: "lang", Value: "en", Path: "/"}})
	if !strings.Contains(dd(r, "merchant-card"), "甲公司") || !strings.Contains(dd(r, "history"), "Asset submitted") {
		t.Fatalf("merchant card %q / history %q", dd(r, "merchant-card"), dd(r, "history"))
	}
	if r.Doc().Find(`[data-testid="approve-form"]`).Length() != 1 {
		t.Fatal("a scanning asset has no decision panel")
	}

	// A package whose declared checksum is wrong: rejected by the scan, mismatch highlighted.
	r = c.get("/admin/assets/" + uitoa(bad.ID)).want(http.StatusOK)
	if r.Doc().Find(`[data-testid="checksum-mismatch"]`).Length() != 1 {
		t.Fatal("checksum mismatch not highlighted")
	}
	if v, _ := r.Doc().Find(`[data-testid="computed-checksum"]`).Attr("data-mismatch"); v != "true" {
		t.Fatalf("computed checksum data-mismatch %q", v)
	}
	if v := dd(r, "verdict"); !strings.Contains(v, "does not match the checksum") || !strings.Contains(v, "Automatic scan") ||
		!strings.Contains(dd(r, "status-asset"), "Rejected") {
		t.Fatalf("verdict %q", dd(r, "verdict"))
	}

	// An image, in both languages: region names come from the catalog.
	r = c.get("/admin/assets/" + uitoa(image.ID)).want(http.StatusOK)
	img := dd(r, "asset-image")
	for _, want := range []string{"img-0042", "System disk image", "Yes", "General computing-plus", "Linux", "Ubuntu 22.04",
		"CN North-Beijing4", "CN South-Guangzhou"} {
		if !strings.Contains(img, want) {
			t.Errorf("image card %q lacks %q", img, want)
		}
	}
	if n := r.Doc().Find(`[data-testid="image-region"]`).Length(); n != 2 {
		t.Fatalf("%d regions shown", n)
	}
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/admin"}}).want(http.StatusSeeOther)
	r = c.get("/admin/assets/" + uitoa(image.ID)).want(http.StatusOK)
	if img := dd(r, "asset-image"); !strings.Contains(img, "华北-北京四") || !strings.Contains(img, "华南-广州") || !strings.Contains(img, "系统盘镜像") {
		t.Fatalf("zh image card %q", img)
	}
	if !strings.Contains(dd(r, "asset-details"), "镜像") || !strings.Contains(dd(r, "status-asset"), "审核中") {
		t.Fatal("zh labels missing")
	}
	c.post("/locale", url.Values{"locale": {"en"}, "next": {"/admin"}}).want(http.StatusSeeOther)

	// SaaS: the domain and when its ownership was verified.
	r = c.get("/admin/assets/" + uitoa(saas.ID)).want(http.StatusOK)
	if dd(r, "saas-domain") != "crm.example.com" || dd(r, "domain-verified-at") == "" {
		t.Fatalf("saas card %q", dd(r, "asset-saas"))
	}
	if !strings.Contains(dd(r, "scan-report"), "Domain crm.example.com verified") {
		t.Fatalf("saas scan report %q", dd(r, "scan-report"))
	}
	c.get("/admin/assets/999999").want(http.StatusNotFound)
}

func ptr[T any](v T) *T { return &v }

func TestAdminAssetApprove(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.activeMerchant("a@example.com", "甲公司")
	as := ta.newAsset(m, saasInput("CRM", "crm.example.com"), true)
	path := "/admin/assets/" + uitoa(as.ID)

	r := c.post(path+"/approve", nil).want(http.StatusSeeOther)
	if r.Location() != "/admin/assets" {
		t.Fatalf("approve redirects to %q", r.Location())
	}
	got, err := ta.Store.AssetByID(context.Background(), as.ID)
	must(t, err)
	if got.Status != models.AssetApproved || got.DecidedByID == nil || got.DecidedAt == nil {
		t.Fatalf("after approval %+v", got)
	}
	if !ta.hasNotice(m.User.ID, "asset.approve") {
		t.Fatal("the merchant owner was not notified")
	}
	if a := ta.latestAudit("asset.approve"); a.ObjectType != "asset" || a.ObjectID != as.ID || a.ActorEmail != "rev@example.com" {
		t.Fatalf("audit %+v", a)
	}
	// The item is decided: a second decision of either kind is a conflict.
	c.post(path+"/approve", nil).want(http.StatusConflict)
	c.post(path+"/reject", url.Values{"reason": {"reason.asset.info_mismatch"}}).want(http.StatusConflict)
	page := c.get(path).want(http.StatusOK)
	if page.Doc().Find(`[data-testid="verdict"]`).Length() != 1 || page.Doc().Find(`[data-testid="approve-form"]`).Length() != 0 {
		t.Fatal("a decided asset still offers a decision")
	}
}

func TestAdminAssetReject(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.activeMerchant("a@example.com", "甲公司")
	as := ta.newAsset(m, imageAssetInput("CRM 镜像", "cn-north-4"), true)
	path := "/admin/assets/" + uitoa(as.ID)

	r := c.post(path+"/reject", url.Values{"reason": {""}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("reason") != "Choose a reason." {
		t.Fatalf("reason error %q", r.fieldError("reason"))
	}
	r = c.post(path+"/reject", url.Values{"reason": {"reason.asset.other"}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("comment") == "" {
		t.Fatal("an other reason without a comment was accepted")
	}
	c.post(path+"/reject", url.Values{"reason": {"reason.realname.other"}, "comment": {"x"}}).want(http.StatusUnprocessableEntity)
	// htmx gets the panel alone, with the errors.
	frag := c.post(path+"/reject", url.Values{}, "HX-Request", "true").want(http.StatusUnprocessableEntity)
	if frag.Doc().Find(`#decision-panel [data-error-for="reason"]`).Length() != 1 || frag.Doc().Find("nav").Length() != 0 {
		t.Fatal("htmx reject did not return the panel with its error")
	}
	if got, _ := ta.Store.AssetByID(context.Background(), as.ID); got.Status != models.AssetScanning {
		t.Fatalf("an invalid rejection changed the asset: %s", got.Status)
	}

	c.post(path+"/reject", url.Values{"reason": {"reason.asset.malware_found"}, "comment": {"后门程序 /usr/bin/x"}}).want(http.StatusSeeOther)
	got, err := ta.Store.AssetByID(context.Background(), as.ID)
	must(t, err)
	if got.Status != models.AssetRejected || got.RejectReason != "reason.asset.malware_found" || got.RejectComment != "后门程序 /usr/bin/x" {
		t.Fatalf("after rejection %+v", got)
	}
	if !ta.hasNotice(m.User.ID, "asset.reject") {
		t.Fatal("the merchant owner was not notified")
	}
	if a := ta.latestAudit("asset.reject"); a.ObjectID != as.ID || a.Reason != "reason.asset.malware_found" || a.Comment != "后门程序 /usr/bin/x" {
		t.Fatalf("audit %+v", a)
	}
	c.post(path+"/reject", url.Values{"reason": {"reason.asset.malware_found"}}).want(http.StatusConflict)
	c.post(path+"/approve", nil).want(http.StatusConflict)
	page := c.get(path).want(http.StatusOK)
	if v := dd(page, "verdict"); !strings.Contains(v, "Malicious code") || !strings.Contains(v, "后门程序") {
		t.Fatalf("verdict %q", v)
	}
	if h := dd(page, "history"); !strings.Contains(h, "Asset rejected") || !strings.Contains(h, "Malicious code") {
		t.Fatalf("history %q", h)
	}
}

func TestAdminAssetRoutesAreForReviewersOnly(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleBuyer, "buyer@example.com")
	m := ta.activeMerchant("a@example.com", "甲公司")
	as := ta.newAsset(m, saasInput("CRM", "crm.example.com"), true)
	id := uitoa(as.ID)
	routes := [][2]string{{"GET", "/admin/assets"}, {"GET", "/admin/assets/" + id},
		{"POST", "/admin/assets/" + id + "/approve"}, {"POST", "/admin/assets/" + id + "/reject"}}
	clients := map[string]*client{"merchant": ta.loggedIn("a@example.com"), "buyer": ta.loggedIn("buyer@example.com"), "anonymous": ta.client()}
	for _, rt := range routes {
		for role, c := range clients {
			r := call(c, rt[0], rt[1])
			if role == "anonymous" {
				if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
					t.Errorf("%s %s as anonymous: %d %q, want a redirect to /login", rt[0], rt[1], r.Status, r.Location())
				}
			} else if r.Status != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d, want 403", rt[0], rt[1], role, r.Status)
			}
		}
	}
	if got, _ := ta.Store.AssetByID(context.Background(), as.ID); got.Status != models.AssetScanning {
		t.Fatalf("a non-reviewer moved the asset to %s", got.Status)
	}
}

func TestAdminAssetPagesEscapeMerchantText(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.activeMerchant("a@example.com", "甲公司")
	payloads := []string{`<script>alert("xss")</script>`, `"><img src=x onerror=alert(1)>`}
	var paths []string
	for i, p := range payloads {
		img := imageAssetInput(p, "cn-north-4")
		img.Description, img.OSVersion, img.ImageID = p, p, p
		img.AssetVersion = "v" + uitoa(uint(i))
		saas := saasInput(p, p)
		saas.Description, saas.AssetVersion = p, "v"+uitoa(uint(i))
		for _, in := range []models.AssetInput{img, saas} {
			paths = append(paths, "/admin/assets/"+uitoa(ta.newAsset(m, in, true).ID))
		}
	}
	ta.scanAssets() // the image's id reaches the scan report
	paths = append(paths, "/admin/assets", "/admin/assets?status=all", "/admin")
	for _, path := range paths {
		r := c.get(path).want(http.StatusOK)
		doc := r.Doc()
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(s.Text(), "alert") {
				t.Errorf("%s: a payload became a script: %q", path, s.Text())
			}
		})
		if doc.Find(`img[src="x"]`).Length() != 0 {
			t.Errorf("%s: a payload became an image", path)
		}
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("%s: event attribute %s=%q", path, a.Key, a.Val)
				}
			}
		})
		if !strings.Contains(path, "/admin/assets/") {
			continue
		}
		text := doc.Find(`[data-testid="submission"]`).Text()
		if !strings.Contains(text, payloads[0]) && !strings.Contains(text, payloads[1]) {
			t.Errorf("%s: the payload is not shown as text", path)
		}
	}
	queue := c.get("/admin/assets").want(http.StatusOK)
	if !strings.Contains(queue.Doc().Find(`[data-testid="queue-table"]`).Text(), payloads[0]) {
		t.Error("the queue does not show the asset name as text")
	}
}

func TestAdminAssetQueueSearchesAssetNameAndIDs(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	a := ta.activeMerchant("a@example.com", "甲公司")
	b := ta.activeMerchant("b@example.com", "乙公司")
	crm := ta.newAsset(a, saasInput("Ledger CRM", "crm.example.com"), true)
	in := imageAssetInput("Harbor 数据库", "cn-north-4")
	in.ImageID = "img-5e2b9c"
	db := ta.newAsset(b, in, true)

	r := c.get("/admin/assets").want(http.StatusOK)
	if ph, _ := r.Doc().Find(`#f-q`).Attr("placeholder"); !strings.Contains(ph, "Asset name") || !strings.Contains(ph, "image ID") {
		t.Errorf("search hint %q does not say what it matches", ph)
	}
	for q, want := range map[string]string{
		"ledger":              uitoa(crm.ID),
		"数据库":                 uitoa(db.ID),
		"Ledger CRM 1.0":      uitoa(crm.ID),
		"img-5e2b9c":          uitoa(db.ID),
		"#" + uitoa(crm.ID):   uitoa(crm.ID),
		"乙公司":                 uitoa(db.ID),
		"harbor 数据库 9":        "",
		"img-5e2b":            "",
		"#" + uitoa(db.ID+99): "",
	} {
		ids := queueRowIDs(c.get("/admin/assets?q=" + url.QueryEscape(q)).want(http.StatusOK))
		if want == "" && len(ids) != 0 || want != "" && (len(ids) != 1 || ids[0] != want) {
			t.Errorf("search %q: rows %v, want [%s]", q, ids, want)
		}
	}
	// The search keeps the status filter: a draft of the same name stays out of the pending queue.
	next := saasInput("Ledger CRM", "crm2.example.com")
	next.AssetVersion = "2.0"
	ta.newAsset(a, next, false)
	if ids := queueRowIDs(c.get("/admin/assets?q=ledger").want(http.StatusOK)); len(ids) != 1 {
		t.Errorf("pending search lists drafts: %v", ids)
	}
}
