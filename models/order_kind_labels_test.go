package models_test

import (
	"context"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// Notifications sent before the order type labels were one set name the old keys;
// migration 12 moves them and leaves every other notification as it was.
func TestMigrateOrderKindLabels(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	now := env.Clock.Now()
	u, err := env.Store.CreateUser(context.Background(), models.Actor{}, models.NewAccount{Email: "buyer@example.com", Password: "long-enough-pw", Role: models.RoleBuyer, Verified: true})
	must(t, err)
	old := models.Notification{UserID: u.ID, Kind: "order.paid", TitleKey: "notify.order_paid.title", BodyKey: "notify.order_paid.body",
		Args: `{"Amount":"199.00","KindKey":"buyer.order_kind.TRIAL_TO_FORMAL","OrderNo":"CS2611010800ABCDE"}`, CreatedAt: now}
	other := models.Notification{UserID: u.ID, Kind: "product.rejected", TitleKey: "notify.x.title", BodyKey: "notify.x.body",
		Args: `{"KindKey":"product_app.kind.publish"}`, CreatedAt: now}
	must(t, env.DB.W.Create(&old).Error)
	must(t, env.DB.W.Create(&other).Error)
	must(t, models.MigrateOrderKindLabels(env.DB.W, env.DB.Dialect))
	var got []models.Notification
	must(t, env.DB.R.Order("id").Find(&got).Error)
	if len(got) != 2 || got[0].Args != `{"Amount":"199.00","KindKey":"order.kind.TRIAL_TO_FORMAL","OrderNo":"CS2611010800ABCDE"}` || got[1].Args != other.Args {
		t.Fatalf("after the migration: %+v", got)
	}
}
