// Package workdays is the one working-day calendar every SLA uses: weekends and
// admin-maintained holidays are not working days, adjusted working weekends are.
package workdays

import "time"

// Calendar knows which dates are holidays and which weekend dates are worked.
type Calendar struct {
	holidays map[string]bool
	workdays map[string]bool
	loc      *time.Location
}

// New builds a calendar in loc; dates are "2006-01-02" strings.
func New(loc *time.Location, holidays, workingWeekends []string) *Calendar {
	c := &Calendar{holidays: map[string]bool{}, workdays: map[string]bool{}, loc: loc}
	for _, d := range holidays {
		c.holidays[d] = true
	}
	for _, d := range workingWeekends {
		c.workdays[d] = true
	}
	return c
}

// IsWorkday reports whether t's date (in the calendar's zone) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	d := t.In(c.loc).Format(time.DateOnly)
	if c.workdays[d] {
		return true
	}
	if c.holidays[d] {
		return false
	}
	wd := t.In(c.loc).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Elapsed returns how many working days have passed from start to end, counting a
// working day as passed once its whole 24 hours (or the part after start) have gone by,
// in fractions of a day so queues can sort and colour by age.
func (c *Calendar) Elapsed(start, end time.Time) float64 {
	if !end.After(start) {
		return 0
	}
	start, end = start.In(c.loc), end.In(c.loc)
	total := 0.0
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, c.loc)
	for day.Before(end) {
		next := day.AddDate(0, 0, 1)
		if c.IsWorkday(day) {
			from, to := day, next
			if start.After(from) {
				from = start
			}
			if end.Before(to) {
				to = end
			}
			if to.After(from) {
				total += to.Sub(from).Hours() / 24
			}
		}
		day = next
	}
	return total
}

// AddWorkdays returns the moment n working days after t (same clock time).
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	d := t.In(c.loc)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d.UTC()
}

// SubWorkdays returns the moment n working days before t (same clock time), so an item
// submitted at or before it is at least n working days old.
func (c *Calendar) SubWorkdays(t time.Time, n int) time.Time {
	d := t.In(c.loc)
	for n > 0 {
		d = d.AddDate(0, 0, -1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d.UTC()
}
