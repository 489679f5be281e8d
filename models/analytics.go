package models

import (
	"sort"
	"time"

	"gorm.io/gorm"
)

// MaxPeriodDays bounds an analysis period: at most a year (a leap year's 366 days).
const MaxPeriodDays = 366

// Period is a span of whole calendar days [From, To) in the calendar's zone: From is the
// midnight that starts the first day, To the midnight after the last day. Both are kept in
// UTC (the database compares UTC values); Loc is the zone the days are counted in.
type Period struct {
	From, To time.Time
	Loc      *time.Location
}

// PeriodOf is the period from the calendar day of first to the calendar day of last,
// both included, in loc.
func PeriodOf(first, last time.Time, loc *time.Location) Period {
	f := first.In(loc)
	l := last.In(loc)
	from := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc)
	to := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
	return Period{From: from.UTC(), To: to.UTC(), Loc: loc}
}

// Days lists the midnights (in Loc) that start each day of the period.
func (p Period) Days() []time.Time {
	var out []time.Time
	d := p.From.In(p.Loc)
	for d.Before(p.To) {
		out = append(out, d)
		d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, p.Loc)
	}
	return out
}

// FirstDay and LastDay are the period's first and last calendar days (midnight, in Loc).
func (p Period) FirstDay() time.Time { return p.From.In(p.Loc) }

// LastDay is the last calendar day included.
func (p Period) LastDay() time.Time {
	t := p.To.In(p.Loc)
	return time.Date(t.Year(), t.Month(), t.Day()-1, 0, 0, 0, 0, p.Loc)
}

// bucketSeconds is the largest bucket width (a day, an hour, a quarter hour, a minute)
// that every day boundary of the period falls on, counted from its start: orders summed
// per bucket in SQL can then be put on their calendar day exactly, whatever the zone's
// offsets and daylight-saving changes.
func bucketSeconds(days []time.Time, end time.Time) int64 {
	from := days[0].Unix()
	bounds := append(days[1:len(days):len(days)], end)
	for _, b := range []int64{86400, 3600, 900, 60} {
		ok := true
		for _, d := range bounds {
			if (d.Unix()-from)%b != 0 {
				ok = false
				break
			}
		}
		if ok {
			return b
		}
	}
	return 1
}

// dayIndex tells which of days (sorted midnights) the instant at unix seconds t falls in.
func dayIndex(days []time.Time, t int64) int {
	i := sort.Search(len(days), func(i int) bool { return days[i].Unix() > t })
	return i - 1
}

// migrateAnalyticsIndexes adds the indexes the sales analysis reads through: a merchant's
// orders by payment time, and its refunds by status and refund time.
func migrateAnalyticsIndexes(tx *gorm.DB, _ Dialect) error {
	for _, s := range []string{
		`CREATE INDEX IF NOT EXISTS idx_orders_merchant_paid ON orders (merchant_id, paid_at)`,
		`CREATE INDEX IF NOT EXISTS idx_refunds_merchant_refunded ON refunds (merchant_id, status, refunded_at)`,
	} {
		if err := tx.Exec(s).Error; err != nil {
			return err
		}
	}
	return nil
}
