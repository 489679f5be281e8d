package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/money"
	"sellercenter/internal/seed"
	"sellercenter/models"
	"sellercenter/web"
)

// TestSettlementJourney: the latest due bill run has not happened yet when the server
// starts (its day 3 comes); the run is due and the worker makes the bill, which
// appears on the merchant's list. The reviewer sends and countersigns it; the merchant
// records the invoice; the reviewer returns the payment application with a reason; the
// merchant reads the reason and what to do, and records the invoice again; the reviewer
// approves and pays; the merchant sees every step done with its date and the payment's
// reference.
func TestSettlementJourney(t *testing.T) {
	var period string
	srv, pw := startDemoServerThen(t, func(srv *server) {
		// The latest run that is due (last month's from its bill day, else the month
		// before's) has not happened yet: its bills, and the run's record, go.
		p, _, err := srv.Store.LatestDueBillRun(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		period = p.String()
		db := srv.env.DB.W
		for _, q := range []string{"DELETE FROM bill_lines WHERE bill_id IN (?)", "DELETE FROM bill_events WHERE bill_id IN (?)",
			"DELETE FROM usage_charges WHERE bill_id IN (?)", "UPDATE bill_adjustments SET bill_id = NULL WHERE bill_id IN (?)"} {
			if err := db.Exec(q, db.Model(&models.Bill{}).Select("id").Where("period = ?", period)).Error; err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"DELETE FROM bills WHERE period = ?", "DELETE FROM bill_runs WHERE period = ?"} {
			if err := db.Exec(q, period).Error; err != nil {
				t.Fatal(err)
			}
		}
	})
	ctx := context.Background()
	label := period[:4] + "-" + period[4:]
	dir := t.TempDir()
	invoicePDF := filepath.Join(dir, "invoice.pdf")
	if err := os.WriteFile(invoicePDF, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	merchant := newBrowser(t, srv, "en")
	merchant.login(seed.DemoMerchantEmail, pw[seed.DemoMerchantEmail])
	merchant.open(web.SellerBills())
	if strings.Contains(merchant.text("main"), label) {
		t.Fatalf("last month's bill is listed before its run")
	}
	// Day 3 came: the server schedules the run that is due, and its worker makes the bill.
	if err := srv.Store.ScheduleBillRun(ctx); err != nil {
		t.Fatal(err)
	}
	merchant.reloadUntil(`[data-testid="bills-table"] tbody tr:first-child`, label)
	var bill models.Bill
	u, _ := srv.Store.UserByEmail(ctx, seed.DemoMerchantEmail)
	if err := srv.env.DB.R.Where("merchant_id = ? AND period = ? AND entity = ?", *u.MerchantID, period, models.EntityGeneral).Take(&bill).Error; err != nil {
		t.Fatal(err)
	}
	merchant.submit(`[data-testid="bill-row"][data-no="` + bill.BillNo + `"] [data-testid="bill-link"]`)
	if merchant.attr(`[data-testid="step-send"]`, "data-state") != "current" || merchant.count(`[data-testid="bill-line"]`) == 0 {
		t.Fatal("the new bill's page does not wait for the send, or has no lines")
	}

	reviewer := newBrowser(t, srv, "zh-CN")
	reviewer.login(seed.DemoAdminEmail, pw[seed.DemoAdminEmail])
	reviewer.open(web.AdminBills())
	reviewer.submit(`[data-testid="bill-queue-row"][data-no="` + bill.BillNo + `"] [data-testid="bill-link"]`)
	reviewer.submit(`[data-testid="bill-send"]`)
	reviewer.submit(`[data-testid="bill-countersign"]`)
	if reviewer.attr(`[data-testid="step-countersign"]`, "data-state") != "done" {
		t.Fatal("the countersign is not done on the reviewer's page")
	}

	today := time.Now().In(srv.Store.CalendarLocation(ctx)).Format(time.DateOnly)
	invoice := func(number string) {
		merchant.open(web.SellerBill(bill.BillNo))
		merchant.fill(map[string]string{"number": number, "issued_on": today, "amount": money.FormatYuan(bill.PayableFen), "tax_rate": "6"})
		merchant.upload("file", invoicePDF)
		merchant.submit(`[data-testid="invoice-submit"]`)
	}
	// A wrong amount is refused with its message, the form kept.
	merchant.open(web.SellerBill(bill.BillNo))
	merchant.fill(map[string]string{"number": "31000001", "issued_on": today, "amount": "1.00", "tax_rate": "6"})
	merchant.upload("file", invoicePDF)
	merchant.submit(`[data-testid="invoice-submit"]`)
	if msg := merchant.text(`[data-error-for="amount"]`); !strings.Contains(msg, "payable") {
		t.Fatalf("wrong amount: %q", msg)
	}
	invoice("31000001")
	if merchant.attr(`[data-testid="step-invoice"]`, "data-state") != "done" {
		t.Fatal("the invoice step is not done")
	}

	reviewer.open(web.AdminBill(bill.BillNo))
	reviewer.fill(map[string]string{"reason": "reason.bill.invoice_tax", "comment": "税率应为 6%，请核对税号。"})
	reviewer.submit(`[data-testid="bill-reject"]`)

	merchant.open(web.SellerBill(bill.BillNo))
	if got := merchant.text(`[data-testid="bill-returned"]`); !strings.Contains(got, "税率应为 6%") || merchant.text(`[data-testid="bill-fix"]`) == "" {
		t.Fatalf("the return is not explained: %q", got)
	}
	invoice("31000002")

	reviewer.open(web.AdminBill(bill.BillNo))
	reviewer.submit(`[data-testid="bill-approve"]`)
	reviewer.fill(map[string]string{"reference": "CMB-E2E-0001", "paid_on": today})
	reviewer.submit(`[data-testid="bill-pay"]`)

	merchant.open(web.SellerBill(bill.BillNo))
	if got := merchant.text(`[data-testid="payout"]`); !strings.Contains(got, "CMB-E2E-0001") {
		t.Fatalf("the payment: %q", got)
	}
	for _, step := range []string{"send", "countersign", "invoice", "payment"} {
		sel := `[data-testid="step-` + step + `"]`
		if merchant.attr(sel, "data-state") != "done" || strings.Contains(merchant.text(sel+` [data-testid="step-done"]`), "—") {
			t.Errorf("step %s: %s %q", step, merchant.attr(sel, "data-state"), merchant.text(sel))
		}
	}
	if !strings.Contains(merchant.text(`[data-testid="bill-status"]`), "Paid") {
		t.Fatalf("status %q", merchant.text(`[data-testid="bill-status"]`))
	}
	merchant.screenshot("settlement-paid-bill")
}
