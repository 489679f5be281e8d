package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	_ "github.com/mattn/go-sqlite3" // reads the export records of the server's database

	"sellercenter/internal/loadgen"
)

// exportRun is one export measured.
type exportRun struct {
	rows  int64
	took  time.Duration // from RUNNING to DONE: the writing, not the worker's pick-up delay
	bytes int64
	peak  int64 // server RSS high-water mark during the export
}

func (e exportRun) rate() float64 { return float64(e.rows) / e.took.Seconds() }

// exportColumns are the columns the order export writes, in its order, for the
// sqlite3 baseline.
const exportColumns = "order_no, created_at, status, kind, product_name_zh, product_name_en, spec_name, customer_name, amount_fen, paid_fen, refunded_fen"

// runExport asks for an export of all the merchant's orders as the merchant would and
// waits for the background job, timing it from the database's own records.
func (b *bench) runExport(c *loadgen.Client, db *sql.DB, format string) (exportRun, error) {
	var before sql.NullInt64
	if err := db.QueryRow("SELECT MAX(id) FROM export_jobs").Scan(&before); err != nil {
		return exportRun{}, err
	}
	if err := b.srv.resetPeak(); err != nil {
		return exportRun{}, fmt.Errorf("reset the peak RSS: %w", err)
	}
	res, err := c.PostForm(b.ctx, "/seller/orders/export", url.Values{"format": {format}})
	if err != nil {
		return exportRun{}, err
	}
	if res.StatusCode != http.StatusSeeOther {
		return exportRun{}, fmt.Errorf("POST /seller/orders/export (%s): status %d, want a background export", format, res.StatusCode)
	}
	var run exportRun
	var started time.Time
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		var status string
		var done, size int64
		err := db.QueryRowContext(b.ctx, "SELECT status, done, bytes FROM export_jobs WHERE id > ? ORDER BY id LIMIT 1", before.Int64).Scan(&status, &done, &size)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return run, err
		case status == "RUNNING" && started.IsZero():
			started = time.Now()
		case status == "DONE":
			if started.IsZero() {
				return run, errors.New("the export finished between two looks; it is too small to time")
			}
			run.took, run.rows, run.bytes = time.Since(started), done, size
			_, run.peak, err = b.srv.memory()
			return run, err
		case status == "FAILED":
			return run, fmt.Errorf("the %s export failed (see the export records)", format)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return run, errors.New("the export did not finish within 10 minutes")
}

// sqliteBaseline has the sqlite3 command-line tool write the same columns of the same
// rows, in the same order, as CSV to a file.
func sqliteBaseline(ctx context.Context, dbPath, dir string, merchantID int64) (exportRun, error) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		return exportRun{}, errors.New("the sqlite3 command-line tool is not installed (apt-get install sqlite3)")
	}
	out := filepath.Join(dir, "baseline.csv")
	f, err := os.Create(out)
	if err != nil {
		return exportRun{}, err
	}
	defer os.Remove(out)
	q := fmt.Sprintf("SELECT %s FROM orders WHERE merchant_id = %d ORDER BY created_at DESC, id DESC", exportColumns, merchantID)
	cmd := exec.CommandContext(ctx, "sqlite3", "-readonly", "-csv", dbPath, q)
	cmd.Stdout = f
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t0 := time.Now()
	err = cmd.Run()
	took := time.Since(t0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return exportRun{}, fmt.Errorf("sqlite3: %v %s", err, stderr.String())
	}
	rows, size, err := countLines(out)
	return exportRun{rows: rows, took: took, bytes: size}, err
}

func countLines(path string) (lines, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	buf := make([]byte, 1<<20)
	for {
		n, err := r.Read(buf)
		size += int64(n)
		lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
		if err != nil {
			break
		}
	}
	return lines, size, nil
}

// openRecords opens the run's database read-only for the export records.
func openRecords(path string) (*sql.DB, error) {
	return sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
}

// merchantID reads a merchant's id by its login.
func merchantID(db *sql.DB, email string) (int64, error) {
	var id int64
	err := db.QueryRow("SELECT merchant_id FROM users WHERE email = ?", email).Scan(&id)
	return id, err
}
