package handlers

import (
	"math"
	"strconv"
	"testing"
)

// FuzzParseAmount feeds arbitrary typed counts and quantities to the buy form's number
// reader: it never panics; it either answers the number typed (clamped to the int32
// range when too large for an int, which the price rules then refuse) or the message key,
// never both.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"", "1", "0", "-1", "12", "99999999999999999999", "-99999999999999999999", "1.5", "1e3", "x", " 3", "+4", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, key := parseAmount(s, 7)
		switch {
		case s == "":
			if n != 7 || key != "" {
				t.Fatalf("empty gave %d %q", n, key)
			}
		case key != "":
			if key != "error.number" || n != 0 {
				t.Fatalf("%q gave %d with %q", s, n, key)
			}
			if _, err := strconv.Atoi(s); err == nil {
				t.Fatalf("%q is a whole number but was refused", s)
			}
		default:
			if v, err := strconv.Atoi(s); err == nil && v != n {
				t.Fatalf("%q read as %d", s, n)
			} else if err != nil && n != math.MaxInt32 && n != math.MinInt32 {
				t.Fatalf("%q out of range read as %d", s, n)
			}
		}
	})
}

// A whole number out of range says which limit it breaks, however many digits it has;
// only text that is not a whole number is told so.
func TestWholeNumberSaysWhatIsWrong(t *testing.T) {
	for s, want := range map[string]string{"5": "", "0": "error.min_value", "100": "error.max_value",
		"99999999999999999999999": "error.max_value", "-99999999999999999999999": "error.min_value", "-3": "error.min_value",
		"1.5": "error.number", "abc": "error.number", "": "error.number", "1e3": "error.number"} {
		_, msg := wholeNumber(s, 1, 99)
		if msg.Key != want {
			t.Errorf("%q: %q, want %q", s, msg.Key, want)
		}
	}
}
