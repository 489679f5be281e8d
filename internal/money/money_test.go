package money

import (
	"errors"
	"testing"
)

func TestParseYuan(t *testing.T) {
	ok := map[string]int64{"12": 1200, "12.5": 1250, "0.07": 7, ".3": 30, "1,234.50": 123450, "¥3.00": 300, " 0 ": 0, "10000000000": MaxFen}
	for in, want := range ok {
		got, err := ParseYuan(in)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]error{"": ErrFormat, "-1": ErrNegative, "1.234": ErrDecimals, "abc": ErrFormat, "1.": ErrFormat,
		"1e5": ErrFormat, "10000000000.01": ErrTooLarge, "99999999999999999999": ErrTooLarge, "1.2.3": ErrFormat, "٣": ErrFormat}
	for in, want := range bad {
		if _, err := ParseYuan(in); !errors.Is(err, want) {
			t.Errorf("ParseYuan(%q) err = %v, want %v", in, err, want)
		}
	}
}

func TestFormatYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 7: "0.07", 123450: "1234.50", -5: "-0.05"} {
		if got := FormatYuan(fen); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"1", "0.01", "-3", "1,000.5", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseYuan(s)
		if err != nil {
			return
		}
		if fen < 0 || fen > MaxFen {
			t.Fatalf("ParseYuan(%q) = %d out of range", s, fen)
		}
		back, err := ParseYuan(FormatYuan(fen))
		if err != nil || back != fen {
			t.Fatalf("round trip of %d gave %d, %v", fen, back, err)
		}
	})
}
