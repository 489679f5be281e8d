package models_test

import (
	"context"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// TestNoticeAmountsAreTypedAndFormattedWhereRead: notices carry amounts in fen and are
// formatted in the reader's page like every other amount, negative ones too; notices
// stored as text before are moved over.
func TestNoticeAmountsAreTypedAndFormattedWhereRead(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	cat, err := i18n.Load()
	must(t, err)
	u, err := env.Store.CreateUser(context.Background(), models.Actor{}, models.NewAccount{Email: "b@example.com", Password: "long-enough-pw", Role: models.RoleBuyer, Verified: true})
	must(t, err)
	old := models.Notification{UserID: u.ID, Kind: "refund.refunded", TitleKey: "notify.refund_refunded.title", BodyKey: "notify.refund_refunded.body",
		Args: `{"RefundNo":"RF1","OrderNo":"CS1","Amount":"1234.50"}`, CreatedAt: env.Clock.Now()}
	broken := models.Notification{UserID: u.ID, Kind: "order.paid", TitleKey: "notify.order_paid.title", BodyKey: "notify.order_paid.body",
		Args: `{"OrderNo":"CS2","Amount":"-12.-50"}`, CreatedAt: env.Clock.Now()}
	must(t, env.DB.W.Create(&old).Error)
	must(t, env.DB.W.Create(&broken).Error)
	must(t, models.RunMigrateNoticeAmounts(env.DB))
	must(t, env.DB.R.First(&old, old.ID).Error)
	if !strings.Contains(old.Args, `"AmountFen":123450`) || strings.Contains(old.Args, `"Amount":`) {
		t.Fatalf("args after the migration: %s", old.Args)
	}
	must(t, env.DB.R.First(&broken, broken.ID).Error)
	if broken.Args != `{"OrderNo":"CS2","Amount":"-12.-50"}` {
		t.Fatalf("a notice this code never wrote was changed: %s", broken.Args)
	}
	en, zh := cat.Localizer(i18n.EN), cat.Localizer(i18n.ZhCN)
	if got := en.TMap(old.BodyKey, en.Args(old.Args)); !strings.Contains(got, "¥1,234.50 was refunded") {
		t.Fatalf("en: %q", got)
	}
	if got := zh.TMap(old.BodyKey, zh.Args(old.Args)); !strings.Contains(got, "已退款 ¥1,234.50") {
		t.Fatalf("zh: %q", got)
	}
	if got := en.Args(`{"AmountFen":-1250}`)["Amount"]; got != "-¥12.50" {
		t.Fatalf("a negative amount reads %q", got)
	}
}

// TestNoticeLinksBecomeTargets: notices stored with an address before migration 15 point
// at the same objects after it, and the address column is gone.
func TestNoticeLinksBecomeTargets(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	db := env.DB.W
	u, err := env.Store.CreateUser(ctx, models.Actor{}, models.NewAccount{Email: "m@example.com", Password: "long-enough-pw", Role: models.RoleMerchant, Verified: true})
	must(t, err)
	// The database as an earlier version left it: notices with addresses.
	must(t, db.Exec("ALTER TABLE notifications ADD COLUMN link VARCHAR(300) NOT NULL DEFAULT ''").Error)
	links := map[string]models.Target{
		"/seller/assets/12":                 {Kind: models.TargetAsset, Ref: "12"},
		"/seller/realname":                  {Kind: models.TargetRealName},
		"/buyer/after-sales/RF2611240900AB": {Kind: models.TargetBuyerCase, Ref: "RF2611240900AB"},
		"/seller/orders/CS2611240900491U0":  {Kind: models.TargetSellerOrder, Ref: "CS2611240900491U0"},
		"/admin":                            {Kind: models.TargetConsole},
		"":                                  {},
	}
	ids := map[string]uint{}
	for link := range links {
		n := models.Notification{UserID: u.ID, Kind: "test", TitleKey: "t", BodyKey: "b", Args: "{}", CreatedAt: env.Clock.Now()}
		must(t, db.Create(&n).Error)
		must(t, db.Exec("UPDATE notifications SET link = ? WHERE id = ?", link, n.ID).Error)
		ids[link] = n.ID
	}
	must(t, db.Exec("DELETE FROM schema_migrations WHERE version = 15").Error)
	must(t, env.DB.Migrate(ctx))
	for link, want := range links {
		var n models.Notification
		must(t, env.DB.R.First(&n, ids[link]).Error)
		if n.Target != want.Kind || n.TargetRef != want.Ref {
			t.Errorf("%q became %q %q, want %+v", link, n.Target, n.TargetRef, want)
		}
	}
	if db.Migrator().HasColumn(&models.Notification{}, "link") {
		t.Fatal("the address column is still there")
	}
}
