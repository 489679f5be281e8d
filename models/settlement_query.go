package models

import (
	"context"
	"errors"
	"time"

	"sellercenter/internal/workdays"
)

// Why an order is not (yet) in a bill: message keys settle.why.<reason>.
const (
	WhyBilled         = "billed"             // in a bill
	WhyNotPaid        = "not_paid"           // waiting for payment
	WhyCancelled      = "cancelled"          // never paid
	WhyFailed         = "failed"             // delivery failed, refunded: never billed
	WhySupervision    = "supervision"        // the supervision is not completed
	WhyNotEffective   = "not_effective"      // paid, not yet delivered
	WhyFree           = "free"               // a trial, a free order or a refund of nothing: nothing to settle
	WhyUnbilledRefund = "refund_of_unbilled" // the refund of an order that never billed
	WhyNextMonth      = "effective_later"    // a renewal whose period starts later
	WhyNextRun        = "next_run"           // billable: in the bill of its month, made on the run day
	WhyUsage          = "usage"              // on demand: each month's consumption is in that month's bill
)

// BillingState says where an order stands in settlement: billed (in which bill) or why
// not, and the month it is expected to bill in when that is known.
type BillingState struct {
	Why    string
	BillNo string
	Period string     // the bill's period, or the month it is expected to bill in
	Since  *time.Time // billable from
	RunAt  *time.Time // when the expected bill is made
}

// BillingStateOf explains an order's settlement: bill is the (latest) bill holding it,
// if any; metered, that the order is on demand, billed by its consumption every month.
func BillingStateOf(o Order, bill *Bill, metered bool, now time.Time, loc *time.Location) BillingState {
	if metered && o.Status == OrderCompleted && o.Kind != OrderTrial {
		st := BillingState{Why: WhyUsage, Period: BillPeriodOf(now, loc).String()}
		if bill != nil {
			st.BillNo = bill.BillNo
		}
		return st
	}
	if bill != nil {
		return BillingState{Why: WhyBilled, BillNo: bill.BillNo, Period: bill.Period, Since: o.BillableAt}
	}
	if o.BillableAt != nil {
		st := BillingState{Why: WhyNextRun, Period: BillPeriodOf(*o.BillableAt, loc).String(), Since: o.BillableAt}
		if o.BillableAt.After(now) {
			st.Why = WhyNextMonth
		}
		return st
	}
	if o.Kind == OrderTrial {
		return BillingState{Why: WhyFree}
	}
	switch o.Status {
	case OrderPendingPayment:
		return BillingState{Why: WhyNotPaid}
	case OrderCancelled:
		return BillingState{Why: WhyCancelled}
	case OrderFailed:
		return BillingState{Why: WhyFailed}
	case OrderProcessing:
		if o.Supervised {
			return BillingState{Why: WhySupervision}
		}
		return BillingState{Why: WhyNotEffective}
	}
	if o.Kind == OrderUnsubscribe && o.AmountFen < 0 {
		return BillingState{Why: WhyUnbilledRefund}
	}
	return BillingState{Why: WhyFree}
}

// OrderBillingState reads where one of the merchant's orders stands in settlement, with
// the day its expected bill is made.
func (s *Store) OrderBillingState(ctx context.Context, merchantID uint, o Order) (BillingState, error) {
	var bill *Bill
	var rows []Bill
	if err := s.r.WithContext(ctx).Where("merchant_id = ? AND id IN (SELECT bill_id FROM bill_lines WHERE order_id = ?)", merchantID, o.ID).
		Order("period DESC, id DESC").Limit(1).Find(&rows).Error; err != nil {
		return BillingState{}, err
	}
	if len(rows) > 0 {
		bill = &rows[0]
	}
	metered, err := s.IsOnDemand(ctx, merchantID, o.ID)
	if err != nil {
		return BillingState{}, err
	}
	st := BillingStateOf(o, bill, metered, s.clock.Now(), s.CalendarLocation(ctx))
	if st.Why == WhyNextRun || st.Why == WhyNextMonth || st.Why == WhyUsage {
		p, _ := ParseBillPeriod(st.Period)
		at, err := s.BillRunAt(ctx, p)
		if err != nil {
			return st, err
		}
		st.RunAt = &at
	}
	return st, nil
}

// Bill pipeline steps, in order, as the merchant's timeline shows them.
const (
	StepGenerated   = "generated"
	StepSend        = "send"
	StepCountersign = "countersign"
	StepInvoice     = "invoice"
	StepPayment     = "payment"
)

// BillStep is one step of a bill's timeline: when it is expected (on the working-day
// calendar; nil for the merchant's own invoice step), when it was done, whether it is
// late.
type BillStep struct {
	Step     string
	Expected *time.Time
	Done     *time.Time
	Current  bool
	Late     bool
	Workdays int // the step's service level
}

// BillSLA is the pipeline's service levels in working days.
type BillSLA struct{ Send, Countersign, Payment int }

// BillSLAOf reads the service levels.
func (s *Store) BillSLAOf(ctx context.Context) (BillSLA, error) {
	var out BillSLA
	var err error
	if out.Send, err = s.SettingInt(ctx, SettingBillSendDays, DefaultBillSendDays); err != nil {
		return out, err
	}
	if out.Countersign, err = s.SettingInt(ctx, SettingBillSignDays, DefaultBillSignDays); err != nil {
		return out, err
	}
	out.Payment, err = s.SettingInt(ctx, SettingBillPayDays, DefaultBillPayDays)
	return out, err
}

// StepClock is what a bill's current step is measured by in the reviewers' queue: when
// its working days started and how many the platform has; ok is false when the step
// waits on no service level of the platform's (the merchant's invoice, a paid or carried
// bill).
func (sla BillSLA) StepClock(b Bill) (since time.Time, days int, ok bool) {
	switch b.Status {
	case BillGenerated:
		return b.StepSince, sla.Send, true
	case BillSent:
		return b.StepSince, sla.Countersign, true
	case BillInvoiced, BillPaying:
		if b.InvoicedAt != nil {
			return *b.InvoicedAt, sla.Payment, true // the payment's days run from the application
		}
		return b.StepSince, sla.Payment, true
	}
	return time.Time{}, 0, false
}

// BillTimeline is a bill's steps: each expected date counts the step's working days from
// the previous step's done date, or from its expected date while that is not done; the
// payment's from the latest payment application (a resubmission restarts it).
func BillTimeline(b Bill, sla BillSLA, cal *workdays.Calendar, now time.Time) []BillStep {
	gen := b.GeneratedAt
	steps := []BillStep{{Step: StepGenerated, Expected: &gen, Done: &gen}}
	from := gen
	add := func(step string, days int, done *time.Time) {
		exp := cal.AddWorkdays(from, days)
		st := BillStep{Step: step, Expected: &exp, Done: done, Workdays: days}
		steps = append(steps, st)
		from = exp
		if done != nil {
			from = *done
		}
	}
	add(StepSend, sla.Send, b.SentAt)
	add(StepCountersign, sla.Countersign, b.CountersignedAt)
	var invoiced *time.Time
	if b.InvoicedAt != nil && b.Status != BillReturned {
		invoiced = b.InvoicedAt
	}
	steps = append(steps, BillStep{Step: StepInvoice, Done: invoiced})
	if b.Status != BillCarried {
		if invoiced != nil {
			exp := cal.AddWorkdays(*invoiced, sla.Payment)
			steps = append(steps, BillStep{Step: StepPayment, Expected: &exp, Done: b.PaidAt, Workdays: sla.Payment})
		} else {
			steps = append(steps, BillStep{Step: StepPayment, Workdays: sla.Payment})
		}
	}
	for i := range steps {
		if steps[i].Done == nil {
			steps[i].Current = true
			steps[i].Late = steps[i].Expected != nil && now.After(*steps[i].Expected)
			break
		}
	}
	return steps
}

// BillLate tells whether the bill's current step is past its expected date.
func BillLate(steps []BillStep) bool {
	for _, st := range steps {
		if st.Current {
			return st.Late
		}
	}
	return false
}

// BillOf reads a bill by number: the merchant's own (merchantID > 0) or any (0, reviewers).
func (s *Store) BillOf(ctx context.Context, merchantID uint, billNo string) (Bill, error) {
	q := s.r.WithContext(ctx).Where("bill_no = ?", billNo)
	if merchantID != 0 {
		q = q.Where("merchant_id = ?", merchantID)
	}
	var b Bill
	return b, first(q, &b)
}

// BillsOfMerchant lists a merchant's bills, newest period first.
func (s *Store) BillsOfMerchant(ctx context.Context, merchantID uint) ([]Bill, error) {
	var rows []Bill
	err := s.r.WithContext(ctx).Where("merchant_id = ?", merchantID).Order("period DESC, entity, id DESC").Limit(240).Find(&rows).Error
	return rows, err
}

// BillLineRow is a bill line as its pages show it, with its order.
type BillLineRow struct {
	BillLine
	OrderNo       string
	OrderKind     string
	ProductNameZh string
	ProductNameEn string
	SpecName      string
	CustomerName  string
	LineNo        string
	Reason        string // adjustments
	Hours         int64  // on-demand consumption
}

// ProductName is the line's product name in lang.
func (r BillLineRow) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// BillLinesPage reads up to limit lines of a bill after the line id after, in order.
func (s *Store) BillLinesPage(ctx context.Context, billID, after uint, limit int) ([]BillLineRow, error) {
	var rows []BillLineRow
	err := s.r.WithContext(ctx).Table("bill_lines bl").
		Select(`bl.*, o.order_no, o.kind AS order_kind, o.product_name_zh, o.product_name_en, o.spec_name, o.customer_name,
			l.line_no, a.reason, uc.hours`).
		Joins("LEFT JOIN orders o ON o.id = bl.order_id").
		Joins("LEFT JOIN order_lines l ON l.id = bl.order_line_id").
		Joins("LEFT JOIN bill_adjustments a ON a.id = bl.adjustment_id").
		Joins("LEFT JOIN usage_charges uc ON uc.id = bl.usage_charge_id").
		Where("bl.bill_id = ? AND bl.id > ?", billID, after).Order("bl.id").Limit(limit).Scan(&rows).Error
	return rows, err
}

// BillQueueRow is a bill in the reviewers' queue.
type BillQueueRow struct {
	Bill
	CompanyName string
}

// BillQueue lists a page of the bills in a status, oldest step first, with their
// merchants.
func (s *Store) BillQueue(ctx context.Context, status string, page, per int) ([]BillQueueRow, error) {
	var rows []BillQueueRow
	err := s.r.WithContext(ctx).Table("bills b").Select("b.*, m.company_name").
		Joins("JOIN merchants m ON m.id = b.merchant_id").
		Where("b.status = ?", status).Order("b.step_since, b.id").Offset((max(page, 1) - 1) * per).Limit(per).Scan(&rows).Error
	return rows, err
}

// BillQueueCounts counts the bills in each status.
func (s *Store) BillQueueCounts(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	if err := s.r.WithContext(ctx).Model(&Bill{}).Select("status, COUNT(*) AS n").
		Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// BillHistory reads a bill's history, its invoices and its payout.
func (s *Store) BillHistory(ctx context.Context, billID uint) ([]BillEvent, []BillInvoice, *Payout, error) {
	var evs []BillEvent
	if err := s.r.WithContext(ctx).Where("bill_id = ?", billID).Order("created_at, id").Find(&evs).Error; err != nil {
		return nil, nil, nil, err
	}
	var invs []BillInvoice
	if err := s.r.WithContext(ctx).Where("bill_id = ?", billID).Order("id DESC").Find(&invs).Error; err != nil {
		return nil, nil, nil, err
	}
	var pays []Payout
	if err := s.r.WithContext(ctx).Where("bill_id = ?", billID).Limit(1).Find(&pays).Error; err != nil {
		return nil, nil, nil, err
	}
	if len(pays) == 0 {
		return evs, invs, nil, nil
	}
	return evs, invs, &pays[0], nil
}

// PayoutAccount is the masked account a merchant's bills are paid to.
func (s *Store) PayoutAccount(ctx context.Context, merchantID uint) (bank, masked string, err error) {
	var cert BusinessCertification
	q := s.r.WithContext(ctx).Select("bank_name", "bank_account_masked").Where("merchant_id = ?", merchantID)
	switch err := first(q, &cert); {
	case errors.Is(err, ErrNotFound):
		return "", "", nil
	case err != nil:
		return "", "", err
	}
	return cert.BankName, cert.BankAccountMasked, nil
}

// OpenAdjustments lists a merchant's adjustments of an entity not yet in a bill.
func (s *Store) OpenAdjustments(ctx context.Context, merchantID uint, entity string) ([]BillAdjustment, error) {
	var rows []BillAdjustment
	err := s.r.WithContext(ctx).Where("merchant_id = ? AND entity = ? AND bill_id IS NULL", merchantID, entity).Order("id").Limit(100).Find(&rows).Error
	return rows, err
}
