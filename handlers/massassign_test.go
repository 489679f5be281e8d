package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

// Forms bind into typed form structs, never into models: extra fields naming ids, owners
// or states change nothing.
func TestNoMassAssignment(t *testing.T) {
	ta := newTestApp(t)
	rev := ta.admin("rev@example.com")
	ctx := context.Background()

	c := ta.client()
	c.post("/register", url.Values{"role": {"buyer"}, "email": {"sneaky@example.com"}, "name": {"S"}, "password": {"a-long-password"},
		"confirm": {"a-long-password"}, "agree": {"1"}, "is_admin": {"true"}, "IsAdmin": {"true"}, "status": {"suspended"},
		"email_verified_at": {"2020-01-01"}, "merchant_id": {"1"}}).want(http.StatusSeeOther)
	u, _ := ta.Store.UserByEmail(ctx, "sneaky@example.com")
	if u.IsAdmin || u.Status != models.UserActive || u.Verified() || u.MerchantID != nil || u.Role != models.RoleBuyer {
		t.Fatalf("registration took extra fields: %+v", u)
	}

	victim := onboarded(t, ta, "victim@example.com", rev)
	ta.user(models.RoleMerchant, "m@example.com")
	mc := ta.loggedIn("m@example.com")
	rn := realNameValues()
	rn.Set("merchant_id", itoa64(int64(victim.ID)))
	rn.Set("status", models.RealNameVerified)
	rn.Set("id", "1")
	mc.postMultipart("/seller/realname", rn, upload{"file_licence", "l.png", pngBytes}).want(http.StatusSeeOther)
	me := merchantOf(t, ta, "m@example.com")
	if me.RealNameStatus != models.RealNameInReview {
		t.Fatalf("status field honoured: %s", me.RealNameStatus)
	}
	var n int64
	ta.env.DB.R.Model(&models.RealNameVerification{}).Where("merchant_id = ?", victim.ID).Count(&n)
	if n != 1 {
		t.Fatalf("a submission was filed for the other merchant (%d rows)", n)
	}
	before := merchantOf(t, ta, "victim@example.com")
	vc := ta.loggedIn("victim@example.com")
	ch := url.Values{"kind": {"profile"}, "website": {"https://new.example.com"}, "intro": {"一段足够长的企业简介，至少二十个字符。。。"},
		"contact_name": {"n"}, "contact_mobile": {"13700137000"}, "contact_email": {"new@example.com"},
		"service_email": {"svc@example.com"}, "service_phone": {"010-88886666"}, "address": {"addr"},
		"status": {models.ChangeApproved}, "merchant_id": {itoa64(int64(me.ID))}, "logo_file_id": {"1"}}
	vc.postMultipart("/seller/changes", ch).want(http.StatusSeeOther)
	var cr models.ChangeRequest
	ta.env.DB.R.Order("id DESC").First(&cr)
	if cr.MerchantID != victim.ID || cr.Status != models.ChangePending || strings.Contains(cr.Payload, `"logo_file_id":1`) {
		t.Fatalf("change request took extra fields: %+v", cr)
	}
	if after := merchantOf(t, ta, "victim@example.com"); after.Website != before.Website {
		t.Fatal("live profile changed without review")
	}
}

// A file's stored name never keeps directories, and its bytes live under a random key.
func TestUploadNamesAreCleaned(t *testing.T) {
	ta := newTestApp(t)
	ta.user(models.RoleMerchant, "m@example.com")
	c := ta.loggedIn("m@example.com")
	c.postMultipart("/seller/realname", realNameValues(), upload{"file_licence", `../../etc/pa"ss\wd.png`, pngBytes}).want(http.StatusSeeOther)
	var f models.File
	ta.env.DB.R.First(&f)
	if strings.ContainsAny(f.Filename, `/\"`) || f.Filename == "" {
		t.Fatalf("stored name %q", f.Filename)
	}
	if len(f.BlobKey) != 32 || strings.Contains(f.BlobKey, "wd") {
		t.Fatalf("blob key %q", f.BlobKey)
	}
	r := c.get("/files/" + itoa64(int64(f.ID))).want(http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); strings.Contains(cd, "..") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("served as %q", r.Header.Get("Content-Type"))
	}
	// A 20 MB document is refused with the field's message, and nothing is stored.
	big := make([]byte, 20<<20)
	copy(big, pngBytes)
	ta.user(models.RoleMerchant, "n@example.com")
	c2 := ta.loggedIn("n@example.com")
	var before int64
	ta.env.DB.R.Model(&models.File{}).Count(&before)
	blobs := ta.blobCount()
	f2 := realNameValues()
	f2.Set("method", models.MethodCertificate)
	rr := c2.postMultipart("/seller/realname", f2, upload{"file_licence", "big.png", big})
	if rr.want(http.StatusUnprocessableEntity); !strings.Contains(rr.fieldError("file_licence"), "10 MB") {
		t.Fatalf("20 MB upload: %q", rr.fieldError("file_licence"))
	}
	var after int64
	ta.env.DB.R.Model(&models.File{}).Count(&after)
	if after != before || ta.blobCount() != blobs {
		t.Fatalf("a refused upload was stored: rows %d → %d", before, after)
	}
}
