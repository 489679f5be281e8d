package seed

import (
	"context"
	"fmt"
	"time"

	"sellercenter/models"
)

// seedBills runs each month's bill run of the demo year on its day and takes the bills
// through the pipeline: the latest month's bill waits to be sent, the ones before it wait
// at each later step in turn (sent, countersigned, invoice in review, returned, paying),
// and the older ones are paid. An adjustment waits for the next bill.
func (s store) seedBills(ctx context.Context, at func(time.Time) store, now time.Time, merchant models.User, put BlobPutter, reviewer models.Actor) error {
	loc := s.CalendarLocation(ctx)
	ma := models.Actor{UserID: merchant.ID, Email: merchant.Email, RequestID: models.ActorSeed}
	mid := *merchant.MerchantID
	// The months whose run has come: last month's only from its bill day.
	last := models.BillPeriodOf(now, loc).Prev()
	var periods []models.BillPeriod
	var runs []time.Time
	for p := models.BillPeriodOf(now.AddDate(0, 0, -historyDays), loc); p.String() <= last.String(); p = p.Next() {
		runAt, err := s.BillRunAt(ctx, p)
		if err != nil {
			return err
		}
		if !runAt.After(now) {
			periods, runs = append(periods, p), append(runs, runAt)
		}
	}
	// The stage each bill stops at, from the newest back.
	stops := []string{models.BillGenerated, models.BillSent, models.BillCountersigned, models.BillInvoiced, models.BillReturned, models.BillPaying}
	for i, p := range periods {
		runAt := runs[i]
		if _, err := at(runAt).RunBills(ctx, p); err != nil {
			return err
		}
		stop := models.BillPaid
		if back := len(periods) - 1 - i; back < len(stops) {
			stop = stops[back]
		}
		bills, err := s.BillsOfMerchant(ctx, mid)
		if err != nil {
			return err
		}
		for _, b := range bills {
			if b.Period != p.String() {
				continue
			}
			if err := s.moveDemoBill(ctx, at, runAt, now, b, stop, ma, reviewer, put); err != nil {
				return fmt.Errorf("demo bill %s: %w", b.Period, err)
			}
		}
	}
	_, err := at(now.Add(-2*time.Hour)).AddAdjustment(ctx, reviewer, models.AdjustmentInput{MerchantID: mid, Entity: models.EntityGeneral,
		AmountFen: -2000, Reason: "服务等级未达标扣款 (SLA penalty, ticket 2026-118)"})
	return err
}

// moveDemoBill takes one bill from generated to stop, a working day or two per step,
// never past now.
func (s store) moveDemoBill(ctx context.Context, at func(time.Time) store, from, now time.Time, b models.Bill, stop string,
	ma, ra models.Actor, put BlobPutter) error {
	t := from
	step := func(days int) store {
		if next := t.Add(time.Duration(days) * 24 * time.Hour); next.Before(now) {
			t = next
		}
		return at(t)
	}
	reached := func(status string) bool { return status == stop }
	if reached(models.BillGenerated) {
		return nil
	}
	if _, err := step(1).SendBill(ctx, ra, b.BillNo); err != nil {
		return err
	}
	if reached(models.BillSent) {
		return nil
	}
	signed, err := step(4).CountersignBill(ctx, ra, b.BillNo)
	if err != nil || signed.Status == models.BillCarried || reached(models.BillCountersigned) {
		return err
	}
	invoice := func(no string) error {
		file, err := seedUpload(ctx, put, "bill_invoice", "发票-"+no+".pdf", "application/pdf", tinyPDF)
		if err != nil {
			return err
		}
		st := step(2)
		_, err = st.RecordInvoice(ctx, ma, b.MerchantID, b.BillNo, models.InvoiceInput{Number: no,
			IssuedOn: t.In(s.CalendarLocation(ctx)).Format(time.DateOnly), AmountFen: signed.PayableFen, TaxRate: 6}, file)
		return err
	}
	no := fmt.Sprintf("%08d", 44010000+int(b.ID))
	if err := invoice(no); err != nil {
		return err
	}
	if reached(models.BillInvoiced) {
		return nil
	}
	if reached(models.BillReturned) {
		return step(1).DecideBillPayment(ctx, ra, b.BillNo, models.Decision{Reason: "reason.bill.invoice_title",
			Comment: "发票抬头应为“华为软件技术有限公司”全称。"})
	}
	if err := step(1).DecideBillPayment(ctx, ra, b.BillNo, models.Decision{Approve: true}); err != nil {
		return err
	}
	if reached(models.BillPaying) {
		return nil
	}
	pay := step(3)
	_, err = pay.PayBill(ctx, ra, b.BillNo, models.PaymentInput{Reference: fmt.Sprintf("CMB%s%06d", b.Period, b.ID),
		PaidOn: t.In(s.CalendarLocation(ctx)).Format(time.DateOnly)})
	return err
}
