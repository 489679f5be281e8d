package models_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestRegionRulesChecks(t *testing.T) {
	t.Parallel()
	free := models.RegionRules{Offered: []string{"cn-north-4", "cn-south-1"}}
	image := models.RegionRules{Image: true, ImageChosen: true, Offered: []string{"cn-north-4", "cn-south-1"}, Replicated: []string{"cn-north-4"}}
	named := func(key, code string) models.Refusal { return models.Refusal{Key: key, Args: []any{"N", code}} }
	cases := []struct {
		name string
		got  models.Refusal
		want models.Refusal
	}{
		{"offered region", free.CheckSalesRegions([]string{"cn-south-1"}), models.Refusal{}},
		{"unknown region", free.CheckSalesRegions([]string{"cn-north-4", "mars-1"}), named(models.KeyRegionUnknown, "mars-1")},
		{"region the image lacks", image.CheckSalesRegions([]string{"cn-south-1"}), named(models.KeyRegionNotReplicated, "cn-south-1")},
		{"spec region of the image", image.CheckSpecRegions([]string{"cn-north-4"}, nil), models.Refusal{}},
		{"spec region the image lacks", image.CheckSpecRegions([]string{"cn-south-1"}, nil), named(models.KeyRegionNotReplicated, "cn-south-1")},
		{"spec region outside the sales regions", (models.RegionRules{Image: true, Offered: free.Offered}).CheckSpecRegions([]string{"cn-south-1"}, []string{"cn-north-4"}), named(models.KeyRegionNotSold, "cn-south-1")},
		{"spec regions on a non-image product", free.CheckSpecRegions([]string{"cn-north-4"}, nil), models.Refusal{Key: models.KeyRegionImageOnly}},
	}
	for _, tc := range cases {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
	if got := strings.Join(image.Allowed(), ","); got != "cn-north-4" {
		t.Errorf("allowed with an image: %s", got)
	}
	if got := strings.Join(free.Allowed(), ","); got != "cn-north-4,cn-south-1" {
		t.Errorf("allowed without an image: %s", got)
	}
}

// approvedImage registers an image asset of u replicated to regions and approves it.
func approvedImage(t *testing.T, env *testdb.Env, u models.User, name string, regions ...string) models.Asset {
	t.Helper()
	ctx := context.Background()
	act := models.Actor{UserID: u.ID}
	in := imageInput()
	in.Name, in.Regions = name, regions
	a, err := env.Store.CreateAsset(ctx, act, *u.MerchantID, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.SubmitAsset(ctx, act, *u.MerchantID, a.ID); err != nil {
		t.Fatal(err)
	}
	rev, err := env.Store.UserByEmail(ctx, "imagerev@example.com")
	if err != nil {
		rev, _ = env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "imagerev@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	}
	if err := env.Store.DecideAsset(ctx, models.Actor{UserID: rev.ID}, a.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSaveProductDraftChecksRegionsAndPurchaseLimit(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "m@example.com")
	other := activeMerchant(t, env, "other@example.com")
	mid, act := *u.MerchantID, models.Actor{UserID: u.ID}
	img := approvedImage(t, env, u, "North image", "cn-north-4")
	foreign := approvedImage(t, env, other, "Foreign image", "cn-north-4", "cn-south-1")

	_, app, err := env.Store.NewProductDraft(ctx, act, mid, models.ProductContent{Type: models.ProductImage, NameZh: "镜像"})
	if err != nil {
		t.Fatal(err)
	}
	good := func() models.ProductContent {
		return models.ProductContent{Type: models.ProductImage, NameZh: "镜像", AssetID: &img.ID, Image: &models.ImageFields{PerCore: true},
			SalesRegions: []string{"cn-north-4"}, PurchaseLimit: 5,
			Specs: []models.SpecContent{{Key: "new-1", Name: "按核", BillingMode: models.BillingOnDemand, HourFen: fen(12), Regions: []string{"cn-north-4"}}}}
	}
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, good()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, field, key string
		edit             func(c *models.ProductContent)
	}{
		{"unknown sales region", "sales_regions", models.KeyRegionUnknown, func(c *models.ProductContent) { c.SalesRegions = []string{"mars-1"} }},
		{"restricted region never used", "sales_regions", models.KeyRegionUnknown, func(c *models.ProductContent) { c.SalesRegions = []string{"cn-east-3"} }},
		{"region the image lacks", "sales_regions", models.KeyRegionNotReplicated, func(c *models.ProductContent) { c.SalesRegions = []string{"cn-south-1"} }},
		{"spec region the image lacks", "specs", models.KeyRegionNotReplicated, func(c *models.ProductContent) { c.SalesRegions, c.Specs[0].Regions = nil, []string{"cn-south-1"} }},
		{"negative limit", "purchase_limit", models.KeyPurchaseLimit, func(c *models.ProductContent) { c.PurchaseLimit = -1 }},
		{"huge limit", "purchase_limit", models.KeyPurchaseLimit, func(c *models.ProductContent) { c.PurchaseLimit = 1000 }},
	}
	saved := func() string {
		var a models.ProductApplication
		env.DB.R.First(&a, app.ID)
		return a.Snapshot
	}
	before := saved()
	for _, tc := range cases {
		c := good()
		tc.edit(&c)
		_, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, c)
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.HasPrefix(fe.Key, tc.key) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if saved() != before {
			t.Fatalf("%s: the draft changed", tc.name)
		}
	}

	// Another merchant's image lends no regions: its replication is not this product's.
	rules, err := env.Store.ProductRegionRules(ctx, mid, models.ProductImage, &foreign.ID)
	if err != nil || rules.ImageChosen || len(rules.Replicated) != 0 {
		t.Fatalf("foreign image counted: %+v %v", rules, err)
	}
	// A region the admin retires after the save is caught at submit.
	if gaps, _ := env.Store.ProductStandardsGaps(ctx, mid, 0, good()); hasGap(gaps, "standards.regions") {
		t.Fatal("valid regions reported as a gap")
	}
	if err := env.DB.W.Model(&models.Region{}).Where("code = ?", "cn-north-4").Update("active", false).Error; err != nil {
		t.Fatal(err)
	}
	if gaps, _ := env.Store.ProductStandardsGaps(ctx, mid, 0, good()); !hasGap(gaps, "standards.regions") {
		t.Fatalf("a retired region is not a gap: %+v", gaps)
	}
}

func hasGap(gaps []models.Missing, key string) bool {
	for _, g := range gaps {
		if g.Key == key {
			return true
		}
	}
	return false
}

func TestAssetQueueSearchMatchesAssetNameAndIDs(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	a := activeMerchant(t, env, "alpha@example.com")
	b := activeMerchant(t, env, "beta@example.com")
	submit := func(u models.User, name, imageID string) models.Asset {
		in := imageInput()
		in.Name, in.ImageID = name, imageID
		as, err := env.Store.CreateAsset(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.Store.SubmitAsset(ctx, models.Actor{UserID: u.ID}, *u.MerchantID, as.ID); err != nil {
			t.Fatal(err)
		}
		return as
	}
	crm := submit(a, "Ledger CRM", "img-7f3a")
	erp := submit(b, "Harbor ERP", "img-9c1d")
	ids := func(q string) []uint {
		rows, total, err := env.Store.QueueItems(ctx, models.QueueAsset, models.QueueFilter{Q: q, Page: 1, Per: 20})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]uint, len(rows))
		for i, r := range rows {
			out[i] = r.ID
		}
		if int(total) != len(out) {
			t.Fatalf("%q: total %d for %d rows", q, total, len(out))
		}
		return out
	}
	for q, want := range map[string]uint{
		"ledger":         crm.ID,
		"HARBOR erp 1.0": erp.ID, // the row's "name version"
		"img-7f3a":       crm.ID,
		"IMG-9C1D":       erp.ID,
		"#" + strconv.FormatUint(uint64(erp.ID), 10): erp.ID,
		"beta@example":          erp.ID,
		" Ledger CRM 1.0 ":      crm.ID,
		"%":                     0,
		"img-7f3":               0, // image ids match whole, not in part
		"Ledger CRM 1.0 (beta)": 0,
		"#" + strconv.FormatUint(uint64(erp.ID+crm.ID), 10): 0,
	} {
		got := ids(q)
		if want == 0 && len(got) != 0 || want != 0 && (len(got) != 1 || got[0] != want) {
			t.Errorf("search %q: %v, want [%d]", q, got, want)
		}
	}
}
