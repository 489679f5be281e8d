package models

import (
	"errors"
	"testing"
	"time"
)

// FuzzDecodeCursor feeds arbitrary page cursors (they arrive in URLs) to the decoder: it
// never panics, and what it accepts is exactly a position it could have written.
func FuzzDecodeCursor(f *testing.F) {
	c := orderSorts[SortCreatedDesc]
	a := orderSorts[SortAmountAsc]
	f.Add(encodeCursor(c, OrderRow{ID: 42, CreatedAt: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}))
	f.Add(encodeCursor(a, OrderRow{ID: 7, AmountFen: -19900}))
	for _, s := range []string{"", "Yzox", "YTotMTox", "Yzp6ejox", "' OR 1=1 --", "Yzo5OTk5OTk5OTk5OTk5OTk5OTk5OTo5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, st := range []orderSort{c, a} {
			k, ok := decodeCursor(st, s)
			if !ok {
				continue
			}
			r := OrderRow{ID: k.id, AmountFen: k.key, CreatedAt: time.Unix(0, k.key).UTC()}
			back, ok := decodeCursor(st, encodeCursor(st, r))
			if !ok || back != k {
				t.Fatalf("cursor %q decodes to %+v, which does not survive a round trip (%+v)", s, k, back)
			}
		}
	})
}

// FuzzDayBounds feeds arbitrary date filters (typed by users) to DayBounds: it never
// panics, and a range it accepts starts before it ends, in UTC, a whole number of days
// long in the calendar zone.
func FuzzDayBounds(f *testing.F) {
	for _, p := range [][2]string{{"2026-11-01", "2026-11-30"}, {"", "2026-02-30"}, {"2026-13-01", ""}, {"1999-12-31", ""}, {"2026-11-24", "2026-11-23"}, {"x", "y"}} {
		f.Add(p[0], p[1])
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		start, end, err := DayBounds(loc, from, to)
		if err != nil {
			if !errors.Is(err, ErrBadDate) || start != nil || end != nil {
				t.Fatalf("%q–%q: %v with bounds %v %v", from, to, err, start, end)
			}
			return
		}
		if (start == nil) != (from == "") || (end == nil) != (to == "") {
			t.Fatalf("%q–%q gave bounds %v %v", from, to, start, end)
		}
		for _, b := range []*time.Time{start, end} {
			if b != nil && (b.Location() != time.UTC || b.In(loc).Hour() != 0 || b.In(loc).Minute() != 0) {
				t.Fatalf("%q–%q: bound %v is not a UTC day start in the zone", from, to, b)
			}
		}
		if start != nil && end != nil && !start.Before(*end) {
			t.Fatalf("%q–%q: empty range %v %v", from, to, start, end)
		}
	})
}
