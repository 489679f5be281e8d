package i18n

import (
	"context"
	"testing"
	"time"
)

func TestCatalogsComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, zh := c.Keys(EN), c.Keys(ZhCN)
	if len(en) == 0 {
		t.Fatal("no English keys loaded")
	}
	for _, k := range en {
		if !c.Has(ZhCN, k) {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
	for _, k := range zh {
		if !c.Has(EN, k) {
			t.Errorf("en lacks %q", k)
		}
	}
}

func TestMatch(t *testing.T) {
	cases := map[string]string{
		"zh-CN,zh;q=0.9,en;q=0.8": ZhCN,
		"zh":                      ZhCN,
		"zh-TW":                   ZhCN,
		"en-US,en;q=0.9":          EN,
		"fr-FR":                   EN,
		"":                        EN,
		"@@garbage":               EN,
	}
	for in, want := range cases {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
	if Match("zh-CN", "en") != ZhCN {
		t.Error("explicit choice must win")
	}
}

func TestFormatting(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 2, 5, 0, 0, time.UTC)
	zh := With(context.Background(), c.Localizer(ZhCN))
	en := With(context.Background(), c.Localizer(EN))
	if got := DateTime(zh, at); got != "2026年11月24日 10:05" {
		t.Errorf("zh datetime %q", got)
	}
	if got := DateTime(en, at); got != "Nov 24, 2026 10:05" {
		t.Errorf("en datetime %q", got)
	}
	for fen, want := range map[int64]string{0: "¥0.00", 5: "¥0.05", 123456789: "¥1,234,567.89", -1050: "-¥10.50", 100000: "¥1,000.00"} {
		if got := Money(en, fen); got != want {
			t.Errorf("Money(%d) = %q, want %q", fen, got, want)
		}
	}
}
