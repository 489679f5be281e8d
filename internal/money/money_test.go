package money

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseYuan(t *testing.T) {
	ok := map[string]int64{"12": 1200, "12.5": 1250, "0.07": 7, ".3": 30, "1,234.50": 123450, "¥3.00": 300, " 0 ": 0, "10000000000": MaxFen,
		"1,000,000.00": 100000000, "999,999": 99999900, "12,345": 1234500}
	for in, want := range ok {
		got, err := ParseYuan(in)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]error{"": ErrFormat, "-1": ErrNegative, "1.234": ErrDecimals, "abc": ErrFormat, "1.": ErrFormat,
		"1e5": ErrFormat, "10000000000.01": ErrTooLarge, "99999999999999999999": ErrTooLarge, "1.2.3": ErrFormat, "٣": ErrFormat,
		// Commas only as thousands separators: a decimal comma or stray commas are refused,
		// never read as another amount.
		"12,5": ErrFormat, "1,2,3": ErrFormat, ",123": ErrFormat, "123,": ErrFormat, "1,23": ErrFormat, "1234,567": ErrFormat,
		"1,234,56": ErrFormat, "1,,234": ErrFormat, "0.5,0": ErrFormat, "1.234,50": ErrFormat, "12,50": ErrFormat, "1，234": ErrFormat}
	for in, want := range bad {
		if _, err := ParseYuan(in); !errors.Is(err, want) {
			t.Errorf("ParseYuan(%q) err = %v, want %v", in, err, want)
		}
	}
}

func TestFormatYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 7: "0.07", 123450: "1234.50", -5: "-0.05", -123456: "-1234.56",
		math.MinInt64: "-92233720368547758.08", math.MaxInt64: "92233720368547758.07"} {
		if got := FormatYuan(fen); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

// TestDisplay: the one way amounts are shown to people, negative ones included.
func TestDisplay(t *testing.T) {
	for fen, want := range map[int64]string{0: "¥0.00", 7: "¥0.07", 123450: "¥1,234.50", -5: "-¥0.05", -100000050: "-¥1,000,000.50",
		99999: "¥999.99", 100000: "¥1,000.00"} {
		if got := Display(fen); got != want {
			t.Errorf("Display(%d) = %q, want %q", fen, got, want)
		}
	}
}

// TestParseYuanProperty: over many amounts, written plainly and with thousands groups,
// the parser reads the amount written; with a comma anywhere else it refuses.
func TestParseYuanProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		fen := r.Int64N(MaxFen + 1)
		plain := FormatYuan(fen)
		grouped := group(plain)
		for _, s := range []string{plain, grouped} {
			if got, err := ParseYuan(s); err != nil || got != fen {
				t.Fatalf("ParseYuan(%q) = %d, %v; want %d", s, got, err, fen)
			}
		}
		// A decimal comma ("12,50"), or a comma put at a random place among the digits:
		// refused unless it happens to be a well-formed thousands separator.
		whole, frac, _ := strings.Cut(plain, ".")
		bad := whole + "," + frac
		if i%2 == 1 {
			digits := whole + frac
			at := r.IntN(len(digits) + 1)
			bad = digits[:at] + "," + digits[at:]
		}
		if got, err := ParseYuan(bad); err == nil && bad != group(strings.ReplaceAll(bad, ",", "")) {
			t.Fatalf("ParseYuan(%q) = %d, want a refusal", bad, got)
		}
	}
}

// group writes the whole part of a plain amount in thousands groups.
func group(plain string) string {
	whole, frac, hasDot := strings.Cut(plain, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasDot {
		b.WriteString("." + frac)
	}
	return b.String()
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
		// An accepted comma is a thousands separator: the amount is the one written.
		if strings.Contains(s, ",") {
			plain := strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
			if want, err := ParseYuan(plain); err != nil || want != fen {
				t.Fatalf("ParseYuan(%q) = %d but %q reads %d, %v", s, fen, plain, want, err)
			}
		}
	})
}
