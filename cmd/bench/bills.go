package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"sellercenter/models"
	"sellercenter/web"
)

// billRun is one `sellercenter bills run` of a month: what it made, how long it took,
// the process's peak RSS.
type billRun struct {
	bills, lines int64
	took         time.Duration
	peak         int64 // bytes
}

var billRunLine = regexp.MustCompile(`: (\d+) bills, (\d+) lines made`)

// runBills runs the server binary's bill run for period on the data set in dir.
func (b *bench) runBills(dir string, period models.BillPeriod) (billRun, error) {
	cmd := exec.CommandContext(b.ctx, b.opt.bin, "bills", "run", "--period", period.String())
	cmd.Env = serverEnv(dir, "127.0.0.1:0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return billRun{}, fmt.Errorf("bills run %s: %v\n%s", period, err, out.String())
	}
	r := billRun{took: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.peak = ru.Maxrss * 1024
	}
	m := billRunLine.FindStringSubmatch(out.String())
	if m == nil {
		return r, fmt.Errorf("bills run %s printed %q", period, out.String())
	}
	r.bills, _ = strconv.ParseInt(m[1], 10, 64)
	r.lines, _ = strconv.ParseInt(m[2], 10, 64)
	return r, nil
}

// billChecksum is what a rerun must leave as it was: the bills, their lines and totals.
func billChecksum(path string) (string, error) {
	db, err := openRecords(path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var bills, lines, payable, fee, lineSum int64
	if err := db.QueryRow("SELECT COUNT(*), COALESCE(SUM(payable_fen), 0), COALESCE(SUM(fee_fen), 0) FROM bills").Scan(&bills, &payable, &fee); err != nil {
		return "", err
	}
	if err := db.QueryRow("SELECT COUNT(*), COALESCE(SUM(amount_fen - fee_fen), 0) FROM bill_lines").Scan(&lines, &lineSum); err != nil {
		return "", err
	}
	if lineSum != payable {
		return "", fmt.Errorf("bills do not reconcile: lines %d, bills %d", lineSum, payable)
	}
	return fmt.Sprintf("%d bills, %d lines, payable %d, fee %d", bills, lines, payable, fee), nil
}

// p7 measures the monthly bill run: over the 1,000-merchant data set month by month
// (each month's run bills that month's lines), and over the one-merchant data set whose
// whole year is still unbilled, so the last month's run bills every line of it in one
// bill; then each month's run again, which must change nothing.
func (b *bench) p7() error {
	last := models.BillPeriodOf(time.Now(), time.FixedZone("CST", 8*3600)).Prev()
	ds, err := ensureData(b.opt.dataRoot, b.opt.bin, dataSpec{b.opt.merchants, b.opt.orders, 10, b.opt.seed}, b.opt.regen)
	if err != nil {
		return err
	}
	if ds, err = ds.workingCopy(filepath.Join(b.opt.dataRoot, "run-bills")); err != nil {
		return err
	}
	// The year before, month by month, then the last month measured.
	p := last
	for range 12 {
		p = p.Prev()
	}
	for ; p != last; p = p.Next() {
		if _, err := b.runBills(ds.dir, p); err != nil {
			return err
		}
	}
	month, err := b.runBills(ds.dir, last)
	if err != nil {
		return err
	}
	b.add("P7", fmt.Sprintf("bill run of %s over %d orders of %d merchants: %d bills, %d lines", last, b.opt.orders, b.opt.merchants, month.bills, month.lines),
		month.took.Round(time.Millisecond).String(), "< 1m0s", pass(month.took < time.Minute))
	b.add("P7", "peak RSS of that run", mb(month.peak), "< 150 MB", pass(month.peak < 150_000_000))
	if err := b.rerunUnchanged(ds.db, ds.dir, last); err != nil {
		return err
	}
	one, err := ensureData(b.opt.dataRoot, b.opt.bin, dataSpec{1, b.opt.orders, 100, b.opt.seed}, b.opt.regen)
	if err != nil {
		return err
	}
	if one, err = one.workingCopy(filepath.Join(b.opt.dataRoot, "run-bills-one")); err != nil {
		return err
	}
	big, err := b.runBills(one.dir, last)
	if err != nil {
		return err
	}
	b.add("P7", fmt.Sprintf("bill run of %s for one merchant holding %d orders, none billed before: %d lines in %d bill(s)", last, b.opt.orders, big.lines, big.bills),
		big.took.Round(time.Millisecond).String(), "< 1m0s", pass(big.took < time.Minute))
	b.add("P7", "peak RSS of that run", mb(big.peak), "< 150 MB", pass(big.peak < 150_000_000))
	if err := b.rerunUnchanged(one.db, one.dir, last); err != nil {
		return err
	}
	return b.billPages(one, big.lines)
}

// billPages holds the settlement pages of the merchant whose one bill has every line of
// the year to P3: the bill list, the bill's first page of lines and one deep in its
// keyset, the trade details (all, unbilled, by period) and the reviewers' queue and bill
// page, each alone for the P3 duration at the P3 connections.
func (b *bench) billPages(ds dataset, lines int64) error {
	db, err := openRecords(ds.db)
	if err != nil {
		return err
	}
	var no, period string
	var billID, deep int64
	err = db.QueryRow("SELECT id, bill_no, period FROM bills ORDER BY lines DESC LIMIT 1").Scan(&billID, &no, &period)
	if err == nil {
		err = db.QueryRow("SELECT id FROM bill_lines WHERE bill_id = ? ORDER BY id LIMIT 1 OFFSET ?", billID, lines/2).Scan(&deep)
	}
	db.Close()
	if err != nil {
		return err
	}
	srv, err := startServer(b.opt.bin, ds.dir)
	if err != nil {
		return err
	}
	saved := b.srv
	b.srv = srv
	defer func() { srv.stop(); b.srv = saved }()
	waitIdle(b.ctx, 2*time.Second)
	merchant, err := b.login(ds.largest)
	if err != nil {
		return err
	}
	reviewer, err := b.login("reviewer@bulk.sellercenter.local")
	if err != nil {
		return err
	}
	return b.holdP3([]p3Page{
		{"merchant bill list " + web.SellerBills(), merchant, web.SellerBills()},
		{fmt.Sprintf("the bill of %d lines, first page", lines), merchant, web.SellerBill(no)},
		{"the same bill, a page halfway down its lines", merchant, fmt.Sprintf("%s?after=%d", web.SellerBill(no), deep)},
		{"trade details " + web.SellerTrades(), merchant, web.SellerTrades()},
		{"trade details, unbilled only", merchant, web.SellerTrades() + "?state=" + models.TradeUnbilled},
		{"trade details of the period " + period, merchant, web.SellerTrades() + "?period=" + period},
		{"reviewer bill queue " + web.AdminBills(), reviewer, web.AdminBills()},
		{"reviewer bill page of that bill", reviewer, web.AdminBill(no)},
	})
}

// rerunUnchanged runs a month again and checks it made nothing and changed nothing.
func (b *bench) rerunUnchanged(db, dir string, p models.BillPeriod) error {
	before, err := billChecksum(db)
	if err != nil {
		return err
	}
	again, err := b.runBills(dir, p)
	if err != nil {
		return err
	}
	after, err := billChecksum(db)
	if err != nil {
		return err
	}
	b.add("P7", fmt.Sprintf("the same run again (%s before and after)", after), fmt.Sprintf("%d bills made", again.bills), "nothing changes",
		pass(again.bills == 0 && before == after))
	return nil
}
