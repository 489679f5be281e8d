package handlers

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sellercenter/internal/testkeys"
	"sellercenter/models"
)

// kitForm is a complete app credential form.
func kitForm(addressID uint, loginURL string) url.Values {
	return url.Values{"name": {"协同办公"}, "auth_mode": {"oauth2"}, "address_id": {strconv.Itoa(int(addressID))}, "login_type": {"own"},
		"login_url": {loginURL}, "public_key": {testkeys.Public3072()}, "oaep_digest": {"sha256"}, "platforms": {"welink"}}
}

// kitAddresses adds two kit addresses and a basic one through the pages.
func kitAddresses(t *testing.T, ta *testApp, c *client, m models.Merchant) []models.ProductionAddress {
	t.Helper()
	createKey(t, c, "kit key")
	key := strconv.Itoa(int(keyIDNamed(t, ta, m, "kit key")))
	for i, it := range []string{"kit", "kit", "saas"} {
		c.post("/seller/saas/addresses", url.Values{"name": {"地址" + strconv.Itoa(i)}, "interface_type": {it}, "protocol": {"v2"},
			"url": {"https://isv" + strconv.Itoa(i) + ".example.com/produceAPI"}, "key_id": {key}}).want(http.StatusSeeOther)
	}
	addrs, err := ta.Store.ProductionAddressesOf(context.Background(), m.ID)
	must(t, err)
	byName := map[string]models.ProductionAddress{}
	for _, a := range addrs {
		byName[a.Name] = a
	}
	return []models.ProductionAddress{byName["地址0"], byName["地址1"], byName["地址2"]}
}

func TestKitAppsOverHTTP(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	c, m := activeSeller(t, ta, "kit@example.com")
	other, _ := activeSeller(t, ta, "other@example.com")
	addrs := kitAddresses(t, ta, c, m)

	form := c.get("/seller/saas/kit-apps/new").want(http.StatusOK).Doc()
	for _, name := range []string{"name", "address_id", "login_url", "public_key", "oaep_digest"} {
		if form.Find(`[name="`+name+`"]`).Length() == 0 {
			t.Fatalf("the form has no %s", name)
		}
	}
	if form.Find(`select[name="address_id"] option`).Length() != 3 { // choose, and the two kit addresses
		t.Fatal("the address choice is not the merchant's kit addresses")
	}

	// Bad input: each field says what is wrong; a pasted private key is not echoed back.
	bad := kitForm(addrs[0].ID, "http://app.example.com/login")
	private := testkeys.PrivatePEM(testkeys.RSA3072())
	bad.Set("public_key", private)
	bad.Set("auth_mode", "basic")
	r := c.post("/seller/saas/kit-apps", bad).want(http.StatusUnprocessableEntity)
	if !strings.Contains(r.fieldError("public_key"), "private key") || !strings.Contains(r.fieldError("login_url"), "HTTPS") ||
		r.fieldError("auth_mode") == "" {
		t.Fatalf("errors: key %q, url %q, mode %q", r.fieldError("public_key"), r.fieldError("login_url"), r.fieldError("auth_mode"))
	}
	if strings.Contains(r.Body, strings.Split(private, "\n")[1]) {
		t.Fatal("the pasted private key was sent back")
	}
	short := kitForm(addrs[0].ID, "https://app.example.com/login")
	short.Set("public_key", testkeys.Public2048())
	if got := c.post("/seller/saas/kit-apps", short).want(http.StatusUnprocessableEntity).fieldError("public_key"); !strings.Contains(got, "3072") {
		t.Fatalf("a 2048-bit key: %q", got)
	}
	basic := kitForm(addrs[2].ID, "https://app.example.com/login")
	if got := c.post("/seller/saas/kit-apps", basic).want(http.StatusUnprocessableEntity).fieldError("address_id"); got == "" {
		t.Fatal("a basic SaaS address was accepted")
	}
	if n, _ := ta.Store.KitAppsOf(context.Background(), m.ID); len(n) != 0 {
		t.Fatal("a refused form saved an app")
	}

	// Submitting shows the app ID and the secret once.
	r = c.post("/seller/saas/kit-apps", kitForm(addrs[0].ID, "https://app.example.com/login")).want(http.StatusOK)
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the page with the secret may be cached")
	}
	doc := r.Doc()
	appID, _ := doc.Find(`[data-testid="app-id-value"]`).Attr("value")
	secret, _ := doc.Find(`[data-testid="app-secret-value"]`).Attr("value")
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(appID) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(secret) {
		t.Fatalf("app ID %q, secret %q", appID, secret)
	}
	if strings.Contains(c.get("/seller/saas/kit-apps").want(http.StatusOK).Body, secret) {
		t.Fatal("the secret was shown a second time")
	}
	assertNowhere(t, ta, secret)
	app, err := ta.Store.KitAppByClientID(context.Background(), appID)
	must(t, err)
	idPath := strconv.Itoa(int(app.ID))

	// Another merchant reaches nothing of it; the same login URL is refused to them.
	other.get("/seller/saas/kit-apps/" + idPath + "/edit").want(http.StatusNotFound)
	other.post("/seller/saas/kit-apps/"+idPath, kitForm(addrs[0].ID, "https://x.example.com/login")).want(http.StatusNotFound)
	other.post("/seller/saas/kit-apps/"+idPath+"/rotate", nil).want(http.StatusNotFound)
	if strings.Contains(other.get("/seller/saas/kit-apps").want(http.StatusOK).Body, appID) {
		t.Fatal("another merchant sees the app")
	}

	// A new address waits for review; the rest is saved at once.
	edit := kitForm(addrs[1].ID, "https://app.example.com/login2")
	edit.Set("name", "协同办公 Pro")
	edit.Set("version", strconv.Itoa(app.Version))
	c.post("/seller/saas/kit-apps/"+idPath, edit).want(http.StatusSeeOther)
	list := c.get("/seller/saas/kit-apps").want(http.StatusOK).Doc()
	if list.Find(`[data-testid="address-pending"]`).Length() != 1 || !strings.Contains(list.Text(), "协同办公 Pro") {
		t.Fatal("the list does not show the saved name and the address waiting for review")
	}
	got, err := ta.Store.KitAppOf(context.Background(), m.ID, app.ID)
	must(t, err)
	if got.AddressID != addrs[0].ID || got.LoginURL != "https://app.example.com/login2" {
		t.Fatalf("after the edit: address %d, login %q", got.AddressID, got.LoginURL)
	}
	edit.Set("version", strconv.Itoa(app.Version))
	if c.post("/seller/saas/kit-apps/"+idPath, edit).want(http.StatusConflict).Doc().Find(`[role="alert"]`).Length() == 0 {
		t.Fatal("a stale form is not explained")
	}
	edit.Set("version", strconv.Itoa(got.Version))
	if msg := c.post("/seller/saas/kit-apps/"+idPath, edit).want(http.StatusConflict).fieldError("address_id"); !strings.Contains(msg, "waiting for review") {
		t.Fatalf("a second address change: %q", msg)
	}

	// The reviewer sees the address change in the change queue and approves it.
	ta.user(models.RoleReviewer, "kitrev@example.com")
	rev := ta.loggedIn("kitrev@example.com")
	changes, _, err := ta.Store.ChangeRequests(context.Background(), m.ID, 1, 10)
	must(t, err)
	var pending *models.ChangeRequest
	for i, r := range changes {
		if r.Kind == models.ChangeKitAddress && r.SubjectID == app.ID && r.Status == models.ChangePending {
			pending = &changes[i]
		}
	}
	if pending == nil {
		t.Fatal("no change request for the new address")
	}
	changePath := "/admin/changes/" + uitoa(pending.ID)
	diff := changedFields(rev.get(changePath).want(http.StatusOK))
	if diff["Address URL"] != [2]string{addrs[0].URL, addrs[1].URL} {
		t.Fatalf("the reviewer's diff %v", diff)
	}
	rev.post(changePath+"/approve", nil).want(http.StatusSeeOther)
	if got, _ = ta.Store.KitAppOf(context.Background(), m.ID, app.ID); got.AddressID != addrs[1].ID {
		t.Fatalf("after approval the app uses address %d", got.AddressID)
	}

	// A new secret, once; the old one is gone.
	rot := c.post("/seller/saas/kit-apps/"+idPath+"/rotate", nil).want(http.StatusOK).Doc()
	secret2, _ := rot.Find(`[data-testid="app-secret-value"]`).Attr("value")
	if secret2 == secret || len(secret2) != 64 {
		t.Fatal("the rotation did not show a new secret")
	}
	assertNowhere(t, ta, secret2)

	// In Chinese.
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller"}}).want(http.StatusSeeOther)
	zh := c.get("/seller/saas/kit-apps").want(http.StatusOK)
	if !strings.Contains(zh.Body, "应用凭证") || !strings.Contains(zh.Body, "更换密钥") {
		t.Fatal("the page is not in Chinese")
	}
	short.Set("login_url", "https://zh.example.com/login")
	if msg := c.post("/seller/saas/kit-apps", short).want(http.StatusUnprocessableEntity).fieldError("public_key"); !strings.Contains(msg, "至少需要 3072 位") {
		t.Fatalf("the key error in Chinese: %q", msg)
	}

	// Before onboarding is complete the form is closed.
	must(t, ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", m.ID).Update("activated_at", nil).Error)
	c.post("/seller/saas/kit-apps", kitForm(addrs[0].ID, "https://y.example.com/login")).want(http.StatusConflict)
}
