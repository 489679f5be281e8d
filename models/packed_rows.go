package models

import (
	"strconv"
	"strings"
	"time"
)

// Packed rows. With the SQLite driver every column read is a call into C, which costs
// more than the read itself; the order list and the export therefore fetch each row as
// one text value, the columns joined by U+001F, and split it here. The separator is
// replaced by a space in text people type, so it cannot shift a column. PostgreSQL's
// driver is Go and reads typed columns.

// unitSep separates the columns of a packed row.
const unitSep = '\x1f'

// freeText marks the columns people type.
var freeText = map[string]bool{"o.product_name_zh": true, "o.product_name_en": true, "o.spec_name": true,
	"o.customer_name": true, "COALESCE(m.company_name, '')": true}

// selectColumns writes a select list: the columns, or packed, their concatenation.
// Packed columns must be NOT NULL (or COALESCEd): NULL would empty the whole row.
func selectColumns(q *sqlq, cols []string, packed bool) {
	for i, c := range cols {
		switch {
		case !packed:
			if i > 0 {
				q.add(", ")
			}
			q.add(c)
		default:
			if i > 0 {
				q.add(" || char(31) || ")
			}
			if freeText[c] {
				q.add("replace(" + c + ", char(31), ' ')")
			} else {
				q.add(c)
			}
		}
	}
}

// errPacked reports a packed row that does not have the expected columns.
type errPacked string

func (e errPacked) Error() string { return "models: malformed packed row: " + string(e) }

// splitPacked splits a packed row into exactly len(f) fields. The fields are substrings
// of s: one allocation per row, for s.
func splitPacked(s string, f []string) error {
	for i := range f {
		j := strings.IndexByte(s, unitSep)
		if i == len(f)-1 {
			if j >= 0 {
				return errPacked("too many columns")
			}
			f[i] = s
			return nil
		}
		if j < 0 {
			return errPacked("too few columns")
		}
		f[i], s = s[:j], s[j+1:]
	}
	return nil
}

// packedInt reads an integer column of a packed row.
func packedInt(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errPacked("number " + s)
	}
	return n, nil
}

// parseStoredTime reads a time as the SQLite driver stores it,
// "2006-01-02 15:04:05.999999999-07:00", without the general parser on the common path.
func parseStoredTime(s string) (time.Time, error) {
	num := func(a, b int) int {
		n := 0
		for _, c := range s[a:b] {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	if len(s) >= 25 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':' {
		nanos, i := 0, 19
		if s[i] == '.' {
			digits := 0
			for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
				if digits < 9 {
					nanos = nanos*10 + int(s[i]-'0')
					digits++
				}
			}
			for ; digits < 9; digits++ {
				nanos *= 10
			}
		}
		if len(s) == i+6 && (s[i] == '+' || s[i] == '-') && s[i+3] == ':' {
			y, mo, d, h, mi, sec, zh, zm := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19), num(i+1, i+3), num(i+4, i+6)
			if y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && sec >= 0 && zh >= 0 && zm >= 0 {
				off := (zh*60 + zm) * 60
				if s[i] == '-' {
					off = -off
				}
				return time.Date(y, time.Month(mo), d, h, mi, sec, nanos, time.UTC).Add(-time.Duration(off) * time.Second), nil
			}
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, strings.TrimSuffix(s, "Z")); err == nil {
			return t.UTC(), nil
		}
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errPacked("time " + s)
}
