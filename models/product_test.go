package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func fen(v int64) *int64 { return &v }

// completeSaaS returns content meeting every publishing standard, using an approved asset.
func completeSaaS(t *testing.T, env *testdb.Env, u models.User) models.ProductContent {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{UserID: u.ID}
	a, err := env.Store.CreateAsset(ctx, act, *u.MerchantID, models.AssetInput{Kind: models.AssetSaaS, Name: "CRM", AssetVersion: "1", Domain: "crm.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.MarkDomainVerified(ctx, act, *u.MerchantID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.SubmitAsset(ctx, act, *u.MerchantID, a.ID); err != nil {
		t.Fatal(err)
	}
	rev, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "assetrev" + u.Email, Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	if err := env.Store.DecideAsset(ctx, models.Actor{UserID: rev.ID}, a.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	one := uint(1)
	support := []models.SupportItem{}
	for i := 0; i < 4; i++ {
		support = append(support, models.SupportItem{Content: "在线支持", Hours: "7×24", Phone: "400-820-1234"})
	}
	return models.ProductContent{Type: models.ProductSaaS, BusinessModel: models.BusinessGeneral, Category: "office",
		NameZh: "协同办公", NameEn: "Teamwork", Version: "1.0", LogoFileID: &one, MediaFileIDs: []uint{1},
		Summary: "团队协同", Description: "<p>" + strings.Repeat("协同办公软件。", 60) + "</p>", Support: support, EULAFileID: &one,
		PublicSale: true, SalesObjects: models.SalesAll, AssetID: &a.ID,
		SaaS: &models.SaaSFields{ProvisionMode: "on_purchase", UserAuth: "none", EncryptType: "1"},
		Specs: []models.SpecContent{
			{Key: "new-1", Name: "基础版", BillingMode: models.BillingPeriod, YearFen: fen(99900), MonthFen: fen(9900), TrialDays: 7},
			{Key: "new-2", Name: "专业版", BillingMode: models.BillingPeriod, YearFen: fen(199900)},
		},
		UpgradeRules: []models.UpgradeRule{{From: "new-1", To: "new-2"}}}
}

func TestPublishApplicationLifecycle(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "m@example.com")
	mid := *u.MerchantID
	act := models.Actor{UserID: u.ID}
	rev, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "r@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	ract := models.Actor{UserID: rev.ID}

	p, app, err := env.Store.NewProductDraft(ctx, act, mid, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.Store.SubmitProductApplication(ctx, act, mid, app.ID)
	var se *models.StandardsError
	if !errors.As(err, &se) || len(se.Gaps) < 5 {
		t.Fatalf("incomplete draft submitted: %v", err)
	}
	c := completeSaaS(t, env, u)
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, c); err != nil {
		t.Fatal(err)
	}
	// Complete but for the application tools: no production address, then no debug cases.
	_, err = env.Store.SubmitProductApplication(ctx, act, mid, app.ID)
	if !errors.As(err, &se) || len(se.Gaps) != 1 || se.Gaps[0].Key != "standards.saas_address" {
		t.Fatalf("submitted without a production address: %v %+v", err, se)
	}
	bare := c
	testdb.ReadySaaS(t, env, mid, 0, &bare) // an address, but cases for no product
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, bare); err != nil {
		t.Fatal(err)
	}
	_, err = env.Store.SubmitProductApplication(ctx, act, mid, app.ID)
	var missing []string
	if errors.As(err, &se) {
		for _, g := range se.Gaps {
			missing = append(missing, g.Key+":"+g.Activity)
		}
	}
	if strings.Join(missing, " ") != "standards.debug_case:newInstance standards.debug_case:queryInstance standards.debug_case:refreshInstance standards.debug_case:updateInstanceStatus standards.debug_case:releaseInstance" {
		t.Fatalf("submitted without debug cases: %v %v", err, missing)
	}
	c = bare
	testdb.ReadySaaS(t, env, mid, p.ID, &c)
	if app, err = env.Store.SubmitProductApplication(ctx, act, mid, app.ID); err != nil || app.Status != models.PAPending {
		t.Fatal(err, app.Status)
	}
	// Pending: no edits; withdraw back to draft, resubmit.
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, c); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("edited while pending: %v", err)
	}
	if err := env.Store.WithdrawProductApplication(ctx, act, mid, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.SubmitProductApplication(ctx, act, mid, app.ID); err != nil {
		t.Fatal(err)
	}
	// Reject needs a reason; then the merchant fixes and resubmits; approve makes it live.
	if err := env.Store.DecideProductApplication(ctx, ract, app.ID, models.Decision{Approve: false}); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("reject without reasons: %v", err)
	}
	if err := env.Store.DecideProductApplication(ctx, ract, app.ID, models.Decision{Approve: false, Reasons: []string{"reason.product.description", "reason.product.price"}, Comment: "请完善说明"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, c); err != nil {
		t.Fatalf("latest rejected application not editable: %v", err)
	}
	if _, err := env.Store.SubmitProductApplication(ctx, act, mid, app.ID); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.DecideProductApplication(ctx, models.Actor{UserID: u.ID}, app.ID, models.Decision{Approve: true}); !errors.Is(err, models.ErrOwnSubmission) {
		t.Fatalf("merchant approved own application: %v", err)
	}
	if err := env.Store.DecideProductApplication(ctx, ract, app.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	p, _ = env.Store.ProductOf(ctx, mid, p.ID)
	if p.Listing != models.ListingOnSale || p.AssetID == nil || p.NameEn != "Teamwork" {
		t.Fatalf("product after approval %+v", p)
	}
	specs, _ := env.Store.LiveSpecs(ctx, p.ID)
	if len(specs) != 2 || !strings.HasPrefix(specs[0].SKUCode, "SKU") {
		t.Fatalf("specs %+v", specs)
	}
	prices, _ := env.Store.SpecPrices(ctx, []uint{specs[0].ID, specs[1].ID})
	if len(prices) != 3 {
		t.Fatalf("want a productId per spec × period (3), got %d", len(prices))
	}
	live, _ := p.LiveContent()
	if live.UpgradeRules[0].From != specs[0].SKUCode || live.UpgradeRules[0].To != specs[1].SKUCode {
		t.Fatalf("upgrade rules not mapped to SKU codes: %+v", live.UpgradeRules)
	}
	// The asset is in use now.
	if err := env.Store.DeleteAsset(ctx, act, mid, *p.AssetID); !errors.Is(err, models.ErrAssetInUse) {
		t.Fatalf("deleting a used asset: %v", err)
	}

	// Modify: the live version keeps selling; dropping a live spec is refused.
	mod, err := env.Store.NewModifyApplication(ctx, act, mid, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.NewModifyApplication(ctx, act, mid, p.ID); !errors.Is(err, models.ErrOpenApplication) {
		t.Fatalf("second open application: %v", err)
	}
	mc, _ := mod.ContentOf()
	dropped := mc
	dropped.Specs = mc.Specs[:1]
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, mod.ID, dropped); !errors.Is(err, models.ErrSpecDropped) {
		t.Fatalf("dropping a live spec: %v", err)
	}
	mc.Specs[0].YearFen = fen(89900)
	mc.NameEn = "Teamwork Pro"
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, mod.ID, mc); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.SubmitProductApplication(ctx, act, mid, mod.ID); err != nil {
		t.Fatal(err)
	}
	p, _ = env.Store.ProductOf(ctx, mid, p.ID)
	if p.NameEn != "Teamwork" {
		t.Fatal("pending modification visible before approval")
	}
	before, _ := env.Store.SpecPrices(ctx, []uint{specs[0].ID})
	if err := env.Store.DecideProductApplication(ctx, ract, mod.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	p, _ = env.Store.ProductOf(ctx, mid, p.ID)
	after, _ := env.Store.SpecPrices(ctx, []uint{specs[0].ID})
	if p.NameEn != "Teamwork Pro" {
		t.Fatal("modification not applied")
	}
	for i := range before {
		if before[i].ProductCode != after[i].ProductCode {
			t.Fatal("a productId changed with a price change")
		}
		if after[i].PeriodType == "year" && after[i].PriceFen != 89900 {
			t.Fatalf("year price %d", after[i].PriceFen)
		}
	}

	// Hide: at once, audited; twice is illegal; others cannot.
	other := activeMerchant(t, env, "o@example.com")
	if err := env.Store.HideProduct(ctx, models.Actor{UserID: other.ID}, *other.MerchantID, p.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("other merchant hid the product: %v", err)
	}
	if err := env.Store.HideProduct(ctx, act, mid, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.HideProduct(ctx, act, mid, p.ID); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("hidden twice: %v", err)
	}
	if err := env.Store.HideSpec(ctx, act, mid, p.ID, specs[1].SKUCode); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.HideSpec(ctx, act, mid, p.ID, "SKU-NOPE"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown spec: %v", err)
	}
}

func TestStandardsGaps(t *testing.T) {
	t.Parallel()
	c := models.ProductContent{Type: models.ProductService, Description: "<p>short</p>",
		Support: []models.SupportItem{{Content: "x", Hours: "9-18", Email: "a@b.c"}},
		Specs:   []models.SpecContent{{Name: "A", BillingMode: models.BillingOneTime}}}
	keys := map[string]bool{}
	for _, g := range c.StandardsGaps() {
		keys[g.Key] = true
	}
	for _, want := range []string{"standards.names", "standards.category", "standards.logo", "standards.media", "standards.summary",
		"standards.description", "standards.support", "standards.eula", "standards.service", "standards.spec_prices"} {
		if !keys[want] {
			t.Errorf("missing gap %s", want)
		}
	}
}
