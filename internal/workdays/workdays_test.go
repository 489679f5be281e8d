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

// TestAddWorkdaysAcrossMonthsAndYears: the settlement's service levels count across
// weekends, holidays, worked weekends and month and year ends.
func TestAddWorkdaysAcrossMonthsAndYears(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	// New Year 2027-01-01 (Fri) a holiday; Spring Festival 2027-02-08..12 off with
	// Sunday 2027-02-07 and Saturday 2027-02-20 worked.
	cal := New(loc, []string{"2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"},
		[]string{"2027-02-07", "2027-02-20"})
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-12-03 02:00", 2, "2026-12-07 02:00"}, // Thu → Fri, Mon
		{"2026-12-30 10:00", 2, "2027-01-04 10:00"}, // Thu 31, (Fri 1 holiday, weekend), Mon 4
		{"2026-11-30 18:00", 1, "2026-12-01 18:00"}, // month end
		{"2027-02-04 09:00", 8, "2027-02-20 09:00"}, // Fri 5, Sun 7 worked, (8–12 off), 15–19, Sat 20 worked
		{"2027-02-19 09:00", 1, "2027-02-20 09:00"}, // a worked Saturday
		{"2027-01-29 09:00", 6, "2027-02-07 09:00"}, // Feb 1–5 after a weekend, then the worked Sunday
		{"2027-02-06 09:00", 0, "2027-02-06 09:00"}, // nothing to add
	}
	for _, c := range cases {
		from, _ := time.ParseInLocation("2006-01-02 15:04", c.from, loc)
		if got := cal.AddWorkdays(from, c.n).In(loc).Format("2006-01-02 15:04"); got != c.want {
			t.Errorf("%s + %d: got %s, want %s", c.from, c.n, got, c.want)
		}
	}
}
