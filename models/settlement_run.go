package models

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// JobBillRun is the monthly bill run.
const JobBillRun = "bill_run"

// BillRunResult tells what one run made.
type BillRunResult struct {
	Period  string
	Bills   int64 // bills made by this run
	Lines   int64 // lines in them
	Skipped int64 // merchants and entities whose bill for the period already existed
}

// billRunTimeout bounds the transaction of one bill.
const billRunTimeout = 10 * time.Minute

// billKey is one bill to make: a merchant and a signing entity.
type billKey struct {
	MerchantID uint
	Entity     string
}

// errNothingToBill ends a bill's transaction that found nothing (made by a run in
// between): nothing is written.
var errNothingToBill = errors.New("nothing to bill")

// RunBills makes the bills of period: for each merchant and signing entity with order
// lines that became billable before the period's end and are in no bill yet, with
// on-demand consumption in the period, or with adjustments not yet billed, one bill
// holding all of them. Each bill is written in one
// transaction, and a merchant whose bill for the period exists is left alone, so running
// it again, or after a crash, adds nothing twice and changes no bill already made.
// Items that became billable in earlier months and missed their run settle here.
func (s *Store) RunBills(ctx context.Context, period BillPeriod) (BillRunResult, error) {
	res := BillRunResult{Period: period.String()}
	loc := s.CalendarLocation(ctx)
	end := period.End(loc).UTC()
	if !s.clock.Now().After(end) {
		return res, fmt.Errorf("bill run: period %s has not ended", period)
	}
	fees, err := s.feeRates(ctx)
	if err != nil {
		return res, err
	}
	now := s.clock.Now()
	run := BillRun{Period: res.Period, StartedAt: now}
	if err := s.w.WithContext(ctx).Where("period = ?", res.Period).FirstOrCreate(&run).Error; err != nil {
		return res, err
	}
	start := period.Start(loc).UTC()
	keys, err := s.unbilledKeys(ctx, start, end)
	if err != nil {
		return res, err
	}
	for _, k := range keys {
		var b Bill
		// A bill is one transaction however many lines it has (a million for the largest
		// merchant's month): it gets the run's time bound, not a request's.
		err := s.txWithin(ctx, billRunTimeout, func(tx *Store) error {
			var made error
			b, made = tx.makeBill(k, period, start, end, fees)
			return made
		})
		switch {
		case errors.Is(err, errNothingToBill):
			res.Skipped++
		case err != nil:
			return res, fmt.Errorf("bill of merchant %d (%s) for %s: %w", k.MerchantID, k.Entity, res.Period, err)
		default:
			res.Bills++
			res.Lines += b.Lines
		}
	}
	// The run's record counts every bill of the period, whichever run made it.
	var made struct{ Bills, Lines int64 }
	if err := s.w.WithContext(ctx).Model(&Bill{}).Select("COUNT(*) AS bills, COALESCE(SUM(lines), 0) AS lines").
		Where("period = ?", res.Period).Scan(&made).Error; err != nil {
		return res, err
	}
	err = s.w.WithContext(ctx).Model(&BillRun{}).Where("id = ?", run.ID).
		Updates(map[string]any{"bills": made.Bills, "lines": made.Lines, "finished_at": s.clock.Now()}).Error
	return res, err
}

// feeRates reads the platform fee of every product type, in basis points.
func (s *Store) feeRates(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	for _, t := range ProductTypes {
		bp, err := s.SettingInt(ctx, SettingFeeBP(t), DefaultFeeBP)
		if err != nil {
			return nil, err
		}
		if bp < 0 || bp > billFeeMaxBP {
			return nil, fmt.Errorf("setting %s: %d is out of range", SettingFeeBP(t), bp)
		}
		out[t] = bp
	}
	return out, nil
}

// feeRateSQL is the fee rate of a line by its product type, as SQL over column: the
// rates are integers read from the settings, written in as literals.
func feeRateSQL(column string, fees map[string]int) string {
	var b strings.Builder
	b.WriteString("CASE " + column)
	for _, t := range ProductTypes {
		b.WriteString(" WHEN '" + t + "' THEN " + strconv.Itoa(fees[t]))
	}
	b.WriteString(" ELSE " + strconv.Itoa(DefaultFeeBP) + " END")
	return b.String()
}

// unbilledKeys lists the merchants and entities with something to bill before end (or,
// for on-demand consumption, between start and end), in merchant order.
func (s *Store) unbilledKeys(ctx context.Context, start, end time.Time) ([]billKey, error) {
	var keys []billKey
	err := s.r.WithContext(ctx).Raw(`SELECT DISTINCT o.merchant_id, o.entity FROM orders o
		WHERE o.billable_at < ? AND NOT EXISTS (SELECT 1 FROM bill_lines b WHERE b.order_id = o.id)
		UNION SELECT DISTINCT a.merchant_id, a.entity FROM bill_adjustments a WHERE a.bill_id IS NULL AND a.created_at < ?
		UNION SELECT DISTINCT u.merchant_id, u.entity FROM usage_segments u WHERE u.started_at < ? AND (u.ended_at IS NULL OR u.ended_at > ?)
		ORDER BY 1, 2`, end, end, end, start).Scan(&keys).Error
	return keys, err
}

// makeBill writes one bill with its lines and totals in the current transaction, or
// errNothingToBill when the bill exists already or there is nothing left to put in it.
func (s *Store) makeBill(k billKey, period BillPeriod, start, end time.Time, fees map[string]int) (Bill, error) {
	var exists int64
	if err := s.w.Model(&Bill{}).Where("merchant_id = ? AND entity = ? AND period = ?", k.MerchantID, k.Entity, period.String()).
		Count(&exists).Error; err != nil {
		return Bill{}, err
	}
	if exists > 0 {
		return Bill{}, errNothingToBill
	}
	now := s.clock.Now()
	no, err := s.unusedNumber("BL", now, "bills", "bill_no")
	if err != nil {
		return Bill{}, err
	}
	b := Bill{BillNo: no, MerchantID: k.MerchantID, Entity: k.Entity, Period: period.String(), Status: BillGenerated,
		StepSince: now, GeneratedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.w.Create(&b).Error; err != nil {
		return Bill{}, err
	}
	rate := feeRateSQL("o.product_type", fees)
	insert := `INSERT INTO bill_lines (bill_id, merchant_id, kind, order_id, order_line_id, product_type, amount_fen, fee_bp, fee_fen, billable_at)
		SELECT CAST(? AS BIGINT), o.merchant_id, CASE WHEN o.kind = ? THEN '` + LineRefund + `' ELSE '` + LineOrder + `' END, o.id, l.id, o.product_type, l.amount_fen, ` + rate + `, ` +
		fmt.Sprintf(feeSQL, "l.amount_fen", "("+rate+")") + `, o.billable_at
		FROM orders o JOIN order_lines l ON l.order_id = o.id
		WHERE o.merchant_id = ? AND o.billable_at < ? AND o.entity = ?
		AND NOT EXISTS (SELECT 1 FROM bill_lines b WHERE b.order_id = o.id)
		ORDER BY o.billable_at, l.id`
	if err := s.w.Exec(insert, b.ID, OrderUnsubscribe, k.MerchantID, end, k.Entity).Error; err != nil {
		return Bill{}, err
	}
	if err := s.billUsage(b, k, start, end, fees); err != nil {
		return Bill{}, err
	}
	if err := s.w.Exec(`INSERT INTO bill_lines (bill_id, merchant_id, kind, adjustment_id, amount_fen, fee_bp, fee_fen, billable_at)
		SELECT CAST(? AS BIGINT), a.merchant_id, '`+LineAdjustment+`', a.id, a.amount_fen, 0, 0, a.created_at FROM bill_adjustments a
		WHERE a.merchant_id = ? AND a.entity = ? AND a.bill_id IS NULL AND a.created_at < ? ORDER BY a.id`,
		b.ID, k.MerchantID, k.Entity, end).Error; err != nil {
		return Bill{}, err
	}
	if err := s.w.Model(&BillAdjustment{}).Where("merchant_id = ? AND entity = ? AND bill_id IS NULL AND created_at < ?", k.MerchantID, k.Entity, end).
		Update("bill_id", b.ID).Error; err != nil {
		return Bill{}, err
	}
	var t billTotals
	if err := s.w.Model(&BillLine{}).Select(`COUNT(*) AS lines,
		COALESCE(SUM(CASE WHEN kind <> ? THEN amount_fen ELSE 0 END), 0) AS amount_fen,
		COALESCE(SUM(fee_fen), 0) AS fee_fen,
		COALESCE(SUM(CASE WHEN kind = ? THEN amount_fen ELSE 0 END), 0) AS adjust_fen`, LineAdjustment, LineAdjustment).
		Where("bill_id = ?", b.ID).Scan(&t).Error; err != nil {
		return Bill{}, err
	}
	if t.Lines == 0 {
		return Bill{}, errNothingToBill
	}
	b.Lines, b.AmountFen, b.FeeFen, b.AdjustFen = t.Lines, t.AmountFen, t.FeeFen, t.AdjustFen
	b.PayableFen = t.AmountFen - t.FeeFen + t.AdjustFen
	if err := s.w.Model(&Bill{}).Where("id = ?", b.ID).Updates(map[string]any{"lines": b.Lines, "amount_fen": b.AmountFen,
		"fee_fen": b.FeeFen, "adjust_fen": b.AdjustFen, "payable_fen": b.PayableFen}).Error; err != nil {
		return Bill{}, err
	}
	if err := s.billEvent(Actor{}, b, "generate", "", BillGenerated, ""); err != nil {
		return Bill{}, err
	}
	var m Merchant
	if err := first(s.w.Where("id = ?", k.MerchantID), &m); err != nil {
		return Bill{}, err
	}
	return b, s.notify(Notice{UserID: m.OwnerUserID, Kind: "bill.generated", TitleKey: "notify.bill_generated.title",
		BodyKey: "notify.bill_generated.body", Args: map[string]any{"Period": b.Period, "BillNo": b.BillNo, "AmountFen": b.PayableFen},
		To: Target{Kind: TargetSellerBill, Ref: b.BillNo}})
}

type billTotals struct {
	Lines     int64
	AmountFen int64
	FeeFen    int64
	AdjustFen int64
}

// billEvent writes a bill's history entry and its audit row.
func (s *Store) billEvent(a Actor, b Bill, action, from, to, comment string) error {
	ev := BillEvent{BillID: b.ID, Action: action, FromStatus: from, ToStatus: to, Comment: comment, CreatedAt: s.clock.Now()}
	if a.UserID != 0 {
		ev.ActorID = ptr(a.UserID)
	}
	if err := s.w.Create(&ev).Error; err != nil {
		return err
	}
	var before any
	if from != "" {
		before = map[string]string{"status": from}
	}
	mid := b.MerchantID
	return s.audit(a, "bill."+action, "bill", b.ID, &mid, before, map[string]any{"status": to, "period": b.Period}, "", comment)
}

// BillRunAt is when the run of the month after period happens: on the bill day (a
// setting) at the run hour, moved to the next working day when that is not one.
func (s *Store) BillRunAt(ctx context.Context, period BillPeriod) (time.Time, error) {
	day, err := s.SettingInt(ctx, SettingBillDay, DefaultBillDay)
	if err != nil {
		return time.Time{}, err
	}
	cal, err := s.WorkCalendar(ctx)
	if err != nil {
		return time.Time{}, err
	}
	loc := s.CalendarLocation(ctx)
	next := period.Next()
	at := time.Date(next.Year, next.Month, day, billRunHour, 0, 0, 0, loc)
	for !cal.IsWorkday(at) {
		at = at.AddDate(0, 0, 1)
	}
	return at.UTC(), nil
}

// LatestDueBillRun is the latest month whose run's time has come (last month's once its
// day has come, else the month before's) and that time.
func (s *Store) LatestDueBillRun(ctx context.Context) (BillPeriod, time.Time, error) {
	now := s.clock.Now()
	p := BillPeriodOf(now, s.CalendarLocation(ctx)).Prev()
	at, err := s.BillRunAt(ctx, p)
	if err == nil && at.After(now) {
		p = p.Prev()
		at, err = s.BillRunAt(ctx, p)
	}
	return p, at, err
}

// ScheduleBillRun queues the next run. The latest due run (LatestDueBillRun) is queued
// now if it never finished, so a run missed while the server was down is made up;
// otherwise the next month's is queued for its day (one per month, however many
// instances ask).
func (s *Store) ScheduleBillRun(ctx context.Context) error {
	p, at, err := s.LatestDueBillRun(ctx)
	if err != nil {
		return err
	}
	var done int64
	if err := s.r.WithContext(ctx).Model(&BillRun{}).Where("period = ? AND finished_at IS NOT NULL", p.String()).Count(&done).Error; err != nil {
		return err
	}
	if done > 0 {
		p = p.Next()
		if at, err = s.BillRunAt(ctx, p); err != nil {
			return err
		}
	}
	return s.Enqueue(ctx, JobBillRun, BillRunPayload{Period: p.String()}, at, "bill_run:"+p.String())
}

// BillRunPayload names the month a run bills.
type BillRunPayload struct {
	Period string `json:"period"`
}
