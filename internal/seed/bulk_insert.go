package seed

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sellercenter/models"
)

// bulkWriter loads generated rows fast: rows are gathered into multi-row INSERT
// statements (prepared once per transaction and size), executed on one dedicated
// connection by a goroutine of its own so that generating the next rows overlaps with
// the database writing the previous ones, and committed every so many rows so that no
// transaction grows without bound. It is for the data generator only: it bypasses GORM
// and every store rule.
type bulkWriter struct {
	ctx     context.Context
	conn    *sql.Conn
	dialect models.Dialect
	work    chan bulkBatch
	tables  map[string]*bulkTable
	// failed closes when the writer goroutine stops on an error (runErr), finished when
	// it returns.
	failed, finished chan struct{}
	runErr           error
}

// bulkTable gathers one table's rows until a statement's worth is ready.
type bulkTable struct {
	name string
	cols []string
	per  int // rows per full statement
	args []any
	rows int
}

// bulkBatch is one statement to run, or (table == nil) a commit point.
type bulkBatch struct {
	table *bulkTable
	rows  int
	args  []any
}

// sqliteTimeFormat is how the SQLite driver stores a time.Time (its first timestamp
// format), so generated rows read back exactly like rows written through GORM.
const sqliteTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// maxBulkParams keeps a statement under both engines' limits on bound parameters
// (PostgreSQL 65535, SQLite 32766).
const maxBulkParams = 16000

func newBulkWriter(ctx context.Context, conn *sql.Conn, d models.Dialect) *bulkWriter {
	w := &bulkWriter{ctx: ctx, conn: conn, dialect: d, work: make(chan bulkBatch, 8), tables: map[string]*bulkTable{},
		failed: make(chan struct{}), finished: make(chan struct{})}
	go w.run()
	return w
}

// table declares a table's columns; rows then come through add in that order.
func (w *bulkWriter) table(name string, cols ...string) *bulkTable {
	per := max(1, min(500, maxBulkParams/len(cols)))
	t := &bulkTable{name: name, cols: cols, per: per, args: make([]any, 0, per*len(cols))}
	w.tables[name] = t
	return t
}

// add queues one row; a full statement goes to the writer goroutine.
func (w *bulkWriter) add(t *bulkTable, vals ...any) error {
	if len(vals) != len(t.cols) {
		return fmt.Errorf("bulk %s: %d values for %d columns", t.name, len(vals), len(t.cols))
	}
	// Values are put in the form the driver binds here, on the generating goroutine,
	// to leave the writing one less to do: integers as int64 (no reflection) and, on
	// SQLite, times as the text the driver would make of them.
	for i, v := range vals {
		switch x := v.(type) {
		case uint:
			vals[i] = int64(x)
		case int:
			vals[i] = int64(x)
		case time.Time:
			if w.dialect == models.SQLite {
				vals[i] = x.Format(sqliteTimeFormat)
			}
		}
	}
	t.args = append(t.args, vals...)
	t.rows++
	if t.rows == t.per {
		return w.send(t)
	}
	return nil
}

func (w *bulkWriter) send(t *bulkTable) error {
	if t.rows == 0 {
		return nil
	}
	b := bulkBatch{table: t, rows: t.rows, args: t.args}
	t.args, t.rows = make([]any, 0, t.per*len(t.cols)), 0
	return w.put(b)
}

func (w *bulkWriter) put(b bulkBatch) error {
	select {
	case w.work <- b:
		return nil
	case <-w.failed:
		return w.runErr
	}
}

// commit flushes every table and ends the current transaction; the next statement
// begins a new one.
func (w *bulkWriter) commit() error {
	for _, t := range w.tables {
		if err := w.send(t); err != nil {
			return err
		}
	}
	return w.put(bulkBatch{})
}

// close commits what is left and waits for the writer goroutine.
func (w *bulkWriter) close() error {
	err := w.commit()
	close(w.work)
	<-w.finished
	if w.runErr != nil {
		return w.runErr
	}
	return err
}

// run executes batches in order on the connection, in transactions ended by commit
// points.
func (w *bulkWriter) run() {
	defer close(w.finished)
	var tx *sql.Tx
	stmts := map[string]*sql.Stmt{}
	fail := func(err error) {
		if tx != nil {
			_ = tx.Rollback()
		}
		w.runErr = err
		close(w.failed)
		for range w.work { // drain until close so nothing blocks
		}
	}
	for b := range w.work {
		if b.table == nil {
			if tx != nil {
				if err := tx.Commit(); err != nil {
					fail(err)
					return
				}
				tx, stmts = nil, map[string]*sql.Stmt{}
			}
			continue
		}
		if tx == nil {
			var err error
			if tx, err = w.conn.BeginTx(w.ctx, nil); err != nil {
				fail(err)
				return
			}
		}
		key := b.table.name + "/" + strconv.Itoa(b.rows)
		st := stmts[key]
		if st == nil {
			var err error
			if st, err = tx.PrepareContext(w.ctx, insertSQL(w.dialect, b.table.name, b.table.cols, b.rows)); err != nil {
				fail(fmt.Errorf("bulk %s: %w", b.table.name, err))
				return
			}
			stmts[key] = st
		}
		if _, err := st.ExecContext(w.ctx, b.args...); err != nil {
			fail(fmt.Errorf("bulk %s: %w", b.table.name, err))
			return
		}
	}
	if tx != nil {
		if err := tx.Commit(); err != nil {
			w.runErr = err
		}
	}
}

// insertSQL builds INSERT INTO name (cols) VALUES (…),(…) for rows rows.
func insertSQL(d models.Dialect, name string, cols []string, rows int) string {
	var b strings.Builder
	b.Grow(40 + rows*len(cols)*6)
	b.WriteString("INSERT INTO ")
	b.WriteString(name)
	b.WriteString(" (")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	n := 0
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteByte(',')
			}
			n++
			if d == models.Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(n))
			} else {
				b.WriteByte('?')
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
