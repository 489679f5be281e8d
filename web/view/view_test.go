package view

import (
	"context"
	"testing"

	"sellercenter/web/i18n"
)

// TestMessagesCarryTypedArguments: a message's arguments travel as values beside its
// key (no "key:N" strings) and render in the reader's language.
func TestMessagesCarryTypedArguments(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	errs := Errors{}
	errs.Set("name", "error.max_len", "N", 100)
	errs.Set("email", "error.required")
	for lang, want := range map[string][2]string{
		i18n.EN:   {"At most 100 characters.", ""},
		i18n.ZhCN: {"最多 100 个字符。", ""},
	} {
		ctx := i18n.With(context.Background(), cat.Localizer(lang))
		if got := errs["name"].Text(ctx); got != want[0] {
			t.Errorf("%s: %q, want %q", lang, got, want[0])
		}
		if got := errs["email"].Text(ctx); got == "" || got == "error.required" {
			t.Errorf("%s: required reads %q", lang, got)
		}
	}
	if !(Msg{}).Empty() || errs["name"].Empty() || !errs.Has("email") || errs.Has("phone") {
		t.Fatal("Empty / Has")
	}
}
