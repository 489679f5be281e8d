package models_test

import (
	"context"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// TestSettingIntFallsBackOnlyWhenAbsent: a rule such as the refund window or the payment
// timeout is never silently replaced by its default: only an absent key gives the
// default; a broken value or a failing database is an error that reaches the caller.
func TestSettingIntFallsBackOnlyWhenAbsent(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	if v, err := env.Store.SettingInt(ctx, models.SettingPayTimeout, 99); err != nil || v != models.DefaultPayTimeoutMinutes {
		t.Fatalf("stored value: %d, %v", v, err)
	}
	if v, err := env.Store.SettingInt(ctx, "no.such.setting", 42); err != nil || v != 42 {
		t.Fatalf("absent key: %d, %v", v, err)
	}
	must(t, env.DB.W.Model(&models.Setting{}).Where("key = ?", models.SettingNoReasonDays).Update("value", "five").Error)
	if _, err := env.Store.SettingInt(ctx, models.SettingNoReasonDays, 5); err == nil || !strings.Contains(err.Error(), models.SettingNoReasonDays) {
		t.Fatalf("a broken value was read as the default: %v", err)
	}
	must(t, env.DB.W.Exec("DROP TABLE settings").Error)
	if v, err := env.Store.SettingInt(ctx, models.SettingPayTimeout, 30); err == nil {
		t.Fatalf("a failing database gave %d", v)
	}
}
