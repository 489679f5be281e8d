package workdays

import (
	"math"
	"testing"
	"time"
)

func TestElapsedSkipsWeekendsAndHolidays(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	// 2026-10-01..07 National Day holidays, 2026-10-10 (Saturday) a working weekend.
	cal := New(loc, []string{"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"}, []string{"2026-10-10"})
	cases := []struct {
		from, to string
		want     float64
	}{
		{"2026-11-20 09:00", "2026-11-23 09:00", 1}, // Fri 09:00 → Mon 09:00
		{"2026-11-16 00:00", "2026-11-23 00:00", 5}, // a whole week
		{"2026-09-30 12:00", "2026-10-08 12:00", 1}, // holiday week: half of 30th + half of 8th
		{"2026-10-09 00:00", "2026-10-11 00:00", 2}, // Fri + working Saturday
		{"2026-11-23 10:00", "2026-11-23 09:00", 0}, // reversed
	}
	for _, c := range cases {
		from, _ := time.ParseInLocation("2006-01-02 15:04", c.from, loc)
		to, _ := time.ParseInLocation("2006-01-02 15:04", c.to, loc)
		if got := cal.Elapsed(from, to); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s → %s: got %v, want %v", c.from, c.to, got, c.want)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cal := New(loc, []string{"2026-11-25"}, nil)
	from, _ := time.ParseInLocation(time.DateOnly, "2026-11-20", loc) // Friday
	got := cal.AddWorkdays(from, 3).In(loc).Format(time.DateOnly)
	if got != "2026-11-26" { // Mon 23, Tue 24, (Wed 25 holiday), Thu 26
		t.Fatalf("got %s", got)
	}
}

func TestSubWorkdays(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	cal := New(loc, nil, nil)
	from, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-24 10:00", loc) // Tuesday
	got := cal.SubWorkdays(from, 3).In(loc).Format("2006-01-02 15:04")
	if got != "2026-11-19 10:00" { // Mon 23, Fri 20, Thu 19
		t.Fatalf("got %s", got)
	}
	if e := cal.Elapsed(cal.SubWorkdays(from, 3), from); e < 3 || e > 3.0001 {
		t.Fatalf("elapsed %v", e)
	}
}
