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
