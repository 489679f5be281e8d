package models_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestOrderNumbers(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 1, 2, 0, 0, time.UTC) // 09:02 in Beijing
	no := models.NewOrderNo(at)
	if !regexp.MustCompile(`^CS2611240902[A-Z0-9]{5}$`).MatchString(no) {
		t.Fatalf("order no %q", no)
	}
	if got := models.LineNo(no, 1); got != no+"-000001" {
		t.Fatalf("line no %q", got)
	}
	if rf := models.NewRefundNo(at); !regexp.MustCompile(`^RF2611240902[A-Z0-9]{5}$`).MatchString(rf) {
		t.Fatalf("refund no %q", rf)
	}
	seen := map[string]bool{}
	for range 1000 {
		seen[models.NewOrderNo(at)] = true
	}
	if len(seen) < 999 {
		t.Fatalf("order numbers repeat: %d distinct of 1000", len(seen))
	}
}

func TestOrderStateMachine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		ok       bool
	}{
		{models.OrderPendingPayment, models.OrderProcessing, true},
		{models.OrderPendingPayment, models.OrderCompleted, true},
		{models.OrderPendingPayment, models.OrderCancelled, true},
		{models.OrderProcessing, models.OrderCompleted, true},
		{models.OrderProcessing, models.OrderFailed, true},
		{models.OrderProcessing, models.OrderCancelled, false},
		{models.OrderCancelled, models.OrderProcessing, false},
		{models.OrderCompleted, models.OrderProcessing, false},
		{models.OrderCompleted, models.OrderCancelled, false},
		{models.OrderFailed, models.OrderCompleted, false},
	}
	for _, c := range cases {
		if got := models.OrderCanMove(c.from, c.to); got != c.ok {
			t.Errorf("%s → %s: %v, want %v", c.from, c.to, got, c.ok)
		}
	}
}

// TestDelistImpactCountsLiveSubscriptionsAndOpenOrders: the numbers shown before a delisting
// come from the product's (or spec's) unexpired subscriptions and unfinished orders only.
func TestDelistImpactCountsLiveSubscriptionsAndOpenOrders(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	u := activeMerchant(t, env, "m@example.com")
	mid := *u.MerchantID
	act := models.Actor{UserID: u.ID}
	rev, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "r@example.com", Password: "long-enough-pw", Role: models.RoleReviewer, Verified: true})
	p, app, err := env.Store.NewProductDraft(ctx, act, mid, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同办公"})
	if err != nil {
		t.Fatal(err)
	}
	full := completeSaaS(t, env, u)
	testdb.ReadySaaS(t, env, mid, p.ID, &full)
	if _, err := env.Store.SaveProductDraft(ctx, act, mid, app.ID, full); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.SubmitProductApplication(ctx, act, mid, app.ID); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.DecideProductApplication(ctx, models.Actor{UserID: rev.ID}, app.ID, models.Decision{Approve: true}); err != nil {
		t.Fatal(err)
	}
	specs, _ := env.Store.LiveSpecs(ctx, p.ID)
	basic, pro := specs[0], specs[1]

	now := env.Clock.Now()
	later, earlier := now.Add(30*24*time.Hour), now.Add(-time.Hour)
	db := env.DB.W
	sub := func(spec models.Spec, status string, exp *time.Time) {
		t.Helper()
		s := models.Subscription{BuyerID: 99, MerchantID: mid, ProductID: p.ID, SpecID: spec.ID, SKUCode: spec.SKUCode,
			Status: status, StartsAt: now.Add(-24 * time.Hour), ExpiresAt: exp, OrderID: 1, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&s).Error; err != nil {
			t.Fatal(err)
		}
	}
	order := func(spec models.Spec, status string, merchant uint) {
		t.Helper()
		o := models.Order{OrderNo: models.NewOrderNo(now), MerchantID: merchant, BuyerID: 99, ProductID: p.ID, SpecID: spec.ID,
			Kind: models.OrderNew, Status: status, ProductType: models.ProductSaaS, AmountFen: 100, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&o).Error; err != nil {
			t.Fatal(err)
		}
	}
	sub(basic, models.SubActive, &later)          // counts
	sub(basic, models.SubActive, nil)             // counts: never expires
	sub(basic, models.SubActive, &earlier)        // expired
	sub(basic, models.SubUnsubscribed, &later)    // ended
	sub(pro, models.SubActive, &later)            // counts for the product, not for basic
	order(basic, models.OrderPendingPayment, mid) // open
	order(basic, models.OrderProcessing, mid)     // open
	order(basic, models.OrderCompleted, mid)      // finished
	order(basic, models.OrderCancelled, mid)      // finished
	order(pro, models.OrderProcessing, mid)       // open, other spec

	all, err := env.Store.DelistImpact(ctx, mid, p.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if all.Subscriptions != 3 || all.OpenOrders != 3 {
		t.Fatalf("product impact: %d subscriptions, %d open orders; want 3 and 3", all.Subscriptions, all.OpenOrders)
	}
	one, err := env.Store.DelistImpact(ctx, mid, p.ID, basic.SKUCode)
	if err != nil {
		t.Fatal(err)
	}
	if one.Subscriptions != 2 || one.OpenOrders != 2 {
		t.Fatalf("spec impact: %d subscriptions, %d open orders; want 2 and 2", one.Subscriptions, one.OpenOrders)
	}
	other := activeMerchant(t, env, "other@example.com")
	if _, err := env.Store.DelistImpact(ctx, *other.MerchantID, p.ID, ""); err != models.ErrNotFound {
		t.Fatalf("another merchant read the impact: %v", err)
	}
}
