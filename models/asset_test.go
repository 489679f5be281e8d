package models_test

import (
	"context"
	"errors"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// activeMerchant makes a merchant whose onboarding is complete, directly in the database.
func activeMerchant(t *testing.T, env *testdb.Env, email string) models.User {
	t.Helper()
	ctx := context.Background()
	u, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: email, Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	now := env.Clock.Now()
	if err := env.DB.W.Model(&models.Merchant{}).Where("id = ?", *u.MerchantID).Updates(map[string]any{
		"activated_at": now, "real_name_status": models.RealNameVerified, "real_name_subject": models.SubjectEnterprise,
		"application_status": models.ApplicationApproved, "certification_status": models.CertCertified}).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func imageInput() models.AssetInput {
	return models.AssetInput{Kind: models.AssetImage, Name: "CRM 镜像", AssetVersion: "1.0", ImageID: "img-1", ImageKind: models.ImageSystemDisk,
		FromPublic: true, FlavorFamily: "general", OSType: "linux", OSVersion: "Ubuntu 22.04", Regions: []string{"cn-north-4"}}
}

func TestRegionCatalogHidesRestrictedRegionsFromNewMerchants(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "m@example.com")
	regions, err := env.Store.RegionsFor(ctx, *u.MerchantID)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, r := range regions {
		codes[r.Code] = true
	}
	if !codes["cn-north-4"] || !codes["cn-south-1"] || codes["cn-east-3"] {
		t.Fatalf("regions for a new merchant: %v", codes)
	}
	in := imageInput()
	in.Regions = []string{"cn-east-3"}
	if _, err := env.Store.CreateAsset(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, in); err == nil {
		t.Fatal("a new merchant published to a restricted region")
	}
	// A merchant who already uses the restricted region keeps it.
	old := activeMerchant(t, env, "old@example.com")
	a, err := env.Store.CreateAsset(ctx, models.Actor{UserID: old.ID}, *old.MerchantID, imageInput())
	if err != nil {
		t.Fatal(err)
	}
	must(t, env.DB.W.Create(&models.AssetRegion{AssetID: a.ID, RegionCode: "cn-east-3", MerchantID: *old.MerchantID}).Error)
	regions, _ = env.Store.RegionsFor(ctx, *old.MerchantID)
	found := false
	for _, r := range regions {
		found = found || r.Code == "cn-east-3"
	}
	if !found {
		t.Fatal("a merchant using cn-east-3 lost it")
	}
}

func TestImageRulesRefuseUnpublishableImages(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "m@example.com")
	cases := []struct {
		mut   func(*models.AssetInput)
		field string
	}{
		{func(in *models.AssetInput) { in.ImageKind = models.ImageEncrypted }, "image_kind"},
		{func(in *models.AssetInput) { in.ImageKind = models.ImageWholeServer }, "image_kind"},
		{func(in *models.AssetInput) { in.ImageKind = models.ImageMarketplaceDerived }, "image_kind"},
		{func(in *models.AssetInput) { in.ImageKind = models.ImageShared }, "image_kind"},
		{func(in *models.AssetInput) { in.FromPublic = false }, "from_public"},
		{func(in *models.AssetInput) { in.FlavorFamily = "gpu" }, "flavor_family"},
		{func(in *models.AssetInput) { in.Regions = nil }, "regions"},
		{func(in *models.AssetInput) { in.Regions = []string{"mars-1"} }, "regions"},
	}
	for i, c := range cases {
		in := imageInput()
		in.AssetVersion = "v" + itoa(i)
		c.mut(&in)
		_, err := env.Store.CreateAsset(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, in)
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("case %d: %v, want a field error on %s", i, err, c.field)
		}
	}
	var n int64
	env.DB.R.Model(&models.Asset{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d refused assets saved", n)
	}
}

func TestAssetLifecycle(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "m@example.com")
	rev, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "r@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	act := models.Actor{UserID: u.ID}
	a, err := env.Store.CreateAsset(ctx, act, *u.MerchantID, models.AssetInput{Kind: models.AssetSaaS, Name: "CRM", AssetVersion: "1", Domain: "CRM.Example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if a.VerifyToken == "" || a.Domain != "crm.example.com" {
		t.Fatalf("saas asset %+v", a)
	}
	if _, err := env.Store.SubmitAsset(ctx, act, *u.MerchantID, a.ID); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("submitted before the domain was verified: %v", err)
	}
	if _, err := env.Store.MarkDomainVerified(ctx, act, *u.MerchantID, a.ID); err != nil {
		t.Fatal(err)
	}
	// Another merchant can neither see nor move it.
	other := activeMerchant(t, env, "o@example.com")
	if _, err := env.Store.SubmitAsset(ctx, models.Actor{UserID: other.ID}, *other.MerchantID, a.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("other merchant: %v", err)
	}
	a, err = env.Store.SubmitAsset(ctx, act, *u.MerchantID, a.ID)
	if err != nil || a.Status != models.AssetScanning {
		t.Fatal(a.Status, err)
	}
	if err := env.Store.DeleteAsset(ctx, act, *u.MerchantID, a.ID); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("deleted while in review: %v", err)
	}
	if _, err := env.Store.UpdateAsset(ctx, act, *u.MerchantID, a.ID, models.AssetInput{Name: "x", AssetVersion: "1"}); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("edited while in review: %v", err)
	}
	if err := env.Store.DecideAsset(ctx, models.Actor{UserID: rev.ID}, a.ID, models.Decision{Reason: "reason.asset.other", Comment: "首页无法访问"}); err != nil {
		t.Fatal(err)
	}
	a, _ = env.Store.AssetOf(ctx, *u.MerchantID, a.ID)
	if a.Status != models.AssetRejected || a.RejectComment != "首页无法访问" {
		t.Fatalf("after reject %+v", a)
	}
	// Fixing the domain resets its verification.
	a, err = env.Store.UpdateAsset(ctx, act, *u.MerchantID, a.ID, models.AssetInput{Name: "CRM", AssetVersion: "1", Domain: "www.example.com"})
	if err != nil || a.DomainVerifiedAt != nil {
		t.Fatalf("after changing the domain: %v %v", err, a.DomainVerifiedAt)
	}
	// The same name and version twice is refused.
	if _, err := env.Store.CreateAsset(ctx, act, *u.MerchantID, models.AssetInput{Kind: models.AssetSaaS, Name: "CRM", AssetVersion: "1", Domain: "x.example.com"}); err == nil {
		t.Fatal("duplicate name and version")
	}
	if err := env.Store.DeleteAsset(ctx, act, *u.MerchantID, a.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := env.Store.UnreadCount(ctx, u.ID); n != 1 {
		t.Fatalf("notifications %d", n)
	}
}

func TestInactiveMerchantCannotRegisterAssets(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "new@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	if _, err := env.Store.CreateAsset(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, imageInput()); !errors.Is(err, models.ErrStepLocked) {
		t.Fatalf("inactive merchant: %v", err)
	}
}
