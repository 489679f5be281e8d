package jobs

import (
	"context"
	"testing"
	"time"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestOrderExpirerCancelsUnpaidOrdersAndKeepsSweeping(t *testing.T) {
	env := testdb.Open(t)
	ctx := context.Background()
	m, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "b@example.com", Password: "long-enough-pw", Role: models.RoleBuyer, Verified: true})
	if _, err := env.Store.SaveBuyerProfile(ctx, models.Actor{}, b.ID, models.BuyerProfileInput{SubjectType: models.BuyerPersonal, DisplayName: "B"}); err != nil {
		t.Fatal(err)
	}
	price := int64(9900)
	p, specs := testdb.ListedProduct(t, env, *m.MerchantID, models.ProductContent{Type: models.ProductSaaS, NameZh: "协同", SalesObjects: models.SalesAll,
		Specs: []models.SpecContent{{Key: "a", Name: "A", BillingMode: models.BillingPeriod, MonthFen: &price}}})
	buy := func() models.Order {
		o, err := env.Store.Purchase(ctx, models.Actor{UserID: b.ID}, b.ID, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: "month", Count: 1, Quantity: 1})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	late, paid := buy(), buy()
	if _, err := env.Store.Pay(ctx, models.Actor{UserID: b.ID}, b.ID, paid.OrderNo); err != nil {
		t.Fatal(err)
	}
	w := NewWorker(env.Store, quietLog())
	(&OrderExpirer{Store: env.Store}).Register(w)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	status := func(o models.Order) string {
		var got models.Order
		env.DB.R.First(&got, o.ID)
		return got.Status
	}
	if status(late) != models.OrderPendingPayment {
		t.Fatal("cancelled before its deadline")
	}
	env.Clock.Advance(31 * time.Minute)
	if err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if status(late) != models.OrderCancelled || status(paid) != models.OrderProcessing {
		t.Fatalf("after the deadline: %s, paid %s", status(late), status(paid))
	}
	var next int64
	env.DB.R.Model(&models.Job{}).Where("kind = ? AND status = ? AND run_at > ?", models.JobExpireOrders, models.JobQueued, env.Clock.Now()).Count(&next)
	if next != 1 {
		t.Fatalf("%d next sweeps queued", next)
	}
}
