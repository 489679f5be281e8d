package models_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// The log refuses what it cannot name: an unregistered action or value field fails the
// change it belongs to, so nothing reaches a reader as a code.
func TestAuditRefusesUnregisteredVocabulary(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	// A setting's audit row carries the setting's key: registered through the settings.
	if _, err := env.Store.UpdateSettings(ctx, models.Actor{Email: "admin@example.com"}, map[string]string{models.SettingPayTimeout: "45"}); err != nil {
		t.Fatal(err)
	}
	err := env.Store.AddHoliday(ctx, models.Actor{Email: "admin@example.com"}, models.Holiday{Date: "2026-10-01", Name: "国庆节"})
	must(t, err)
	for _, bad := range []struct{ action, obj, value string }{
		{"order.teleported", "order", ""},
		{"order.create", "spaceship", ""},
		{"order.create", "order", `{"secret_plan":1}`},
	} {
		if err := models.AuditCheckForTest(bad.action, bad.obj, bad.value); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if err := models.AuditCheckForTest("order.create", "order", `{"OrderNo":"x","amount_fen":1,"secret_enc":"…"}`); err != nil {
		t.Errorf("struct field names and encrypted fields: %v", err)
	}
}

// Reading the whole log batch by batch gives every row once, newest first, even when
// many rows share a time (the fake clock stands still).
func TestEachAuditBatchReadsEveryRowOnce(t *testing.T) {
	t.Parallel()
	env := testdb.Open(t)
	ctx := context.Background()
	for i := range 7 {
		must(t, env.Store.AddHoliday(ctx, models.Actor{Email: "admin@example.com"}, models.Holiday{Date: fmt.Sprintf("2026-10-%02d", i+1), Name: "假日"}))
	}
	var want []uint
	must(t, env.DB.R.Model(&models.AuditLog{}).Where("action = ?", "holiday.add").Order("at DESC, id DESC").Pluck("id", &want).Error)
	var got []uint
	batches := 0
	err := env.Store.EachAuditBatch(ctx, models.AuditFilter{Action: "holiday."}, 3, func(rows []models.AuditLog) error {
		batches++
		for _, r := range rows {
			got = append(got, r.ID)
		}
		return nil
	})
	must(t, err)
	if len(want) != 7 || !slices.Equal(got, want) || batches != 3 {
		t.Fatalf("batches %d: got %v, want %v", batches, got, want)
	}
}

// A spec reads in the reader's language: the English name on English pages when there
// is one, the Chinese name otherwise and always on Chinese pages.
func TestSpecDisplayName(t *testing.T) {
	t.Parallel()
	both := models.Spec{Name: "基础版", Content: `{"key":"a","name":"基础版","name_en":"Basic","billing_mode":"period"}`}
	zhOnly := models.Spec{Name: "专业版", Content: `{"key":"b","name":"专业版","billing_mode":"period"}`}
	for _, c := range []struct {
		s          models.Spec
		lang, want string
	}{{both, "en", "Basic"}, {both, "zh-CN", "基础版"}, {zhOnly, "en", "专业版"}, {models.Spec{Name: "x", Content: "{broken"}, "en", "x"}} {
		if got := c.s.DisplayName(c.lang); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.s.Name, c.lang, got, c.want)
		}
	}
}
