// Package money parses and formats amounts: integer fen (分) everywhere, never floats.
package money

import (
	"errors"
	"strconv"
	"strings"
)

// Errors from ParseYuan.
var (
	ErrFormat   = errors.New("money: not an amount")
	ErrDecimals = errors.New("money: more than 2 decimals")
	ErrNegative = errors.New("money: negative")
	ErrTooLarge = errors.New("money: too large")
)

// MaxFen bounds any amount a form may carry: ¥10,000,000,000.00.
const MaxFen int64 = 1_000_000_000_000

// ParseYuan reads an amount in yuan such as "12", "12.5", "0.07" or "1,234.50" into fen.
// Only what reads one way is taken: digits with an optional point and at most two
// decimals, and commas only as well-formed thousands separators. "12,5" (a decimal
// comma) and "1,2,3" are refused, never read as other amounts.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	if s == "" {
		return 0, ErrFormat
	}
	if strings.Contains(s, ",") {
		var ok bool
		if s, ok = ungroup(s); !ok {
			return 0, ErrFormat
		}
	}
	if s[0] == '-' {
		return 0, ErrNegative
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && !hasDot {
		return 0, ErrFormat
	}
	if whole == "" {
		whole = "0"
	}
	if hasDot && frac == "" {
		return 0, ErrFormat
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, ErrFormat
		}
	}
	if len(frac) > 2 {
		return 0, ErrDecimals
	}
	if len(whole) > 13 {
		return 0, ErrTooLarge
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrFormat
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen := y*100 + f
	if fen > MaxFen {
		return 0, ErrTooLarge
	}
	return fen, nil
}

// ungroup removes the thousands separators of s ("1,234,567.50" → "1234567.50"); ok is
// false unless every comma separates groups of three digits in the whole part.
func ungroup(s string) (string, bool) {
	whole, frac, hasDot := strings.Cut(s, ".")
	groups := strings.Split(strings.TrimPrefix(whole, "-"), ",")
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", false
		}
	}
	out := strings.ReplaceAll(whole, ",", "")
	if hasDot {
		if strings.Contains(frac, ",") {
			return "", false
		}
		out += "." + frac
	}
	return out, true
}

// FormatYuan writes fen as a plain decimal amount ("1234.50", "-0.05") for form values
// and exports.
func FormatYuan(fen int64) string {
	return string(AppendYuan(nil, fen))
}

// AppendYuan appends fen as a plain decimal amount to b, without allocating (the export
// writes millions of them).
func AppendYuan(b []byte, fen int64) []byte {
	u := uint64(fen)
	if fen < 0 {
		b = append(b, '-')
		u = uint64(-(fen + 1)) + 1 // the most negative amount has no positive twin
	}
	b = strconv.AppendUint(b, u/100, 10)
	c := u % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// Display writes fen for people: the yuan sign and thousands groups, the minus sign first
// ("¥1,234.50", "-¥0.05"). Every page, notice and mail shows amounts through it.
func Display(fen int64) string {
	plain := FormatYuan(fen)
	sign := ""
	if plain[0] == '-' {
		sign, plain = "-", plain[1:]
	}
	whole, cents, _ := strings.Cut(plain, ".")
	var b strings.Builder
	b.WriteString(sign)
	b.WriteString("¥")
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	b.WriteByte('.')
	b.WriteString(cents)
	return b.String()
}
