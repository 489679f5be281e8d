package export

import (
	"bufio"
	"encoding/csv"
	"io"
)

// bom makes Excel read the file as UTF-8, so Chinese text opens correctly.
const bom = "\ufeff"

type csvWriter struct {
	buf    *bufio.Writer
	w      *csv.Writer
	record []string
	num    []byte // the row's amounts, formatted back to back
}

// NewCSV writes CSV to out: a UTF-8 byte order mark, then RFC 4180 records.
func NewCSV(out io.Writer) (Writer, error) {
	buf := bufio.NewWriterSize(out, 64<<10)
	if _, err := buf.WriteString(bom); err != nil {
		return nil, err
	}
	return &csvWriter{buf: buf, w: csv.NewWriter(buf), num: make([]byte, 0, 128)}, nil
}

func (c *csvWriter) Header(cols []string) error {
	c.record = c.record[:0]
	for _, s := range cols {
		c.record = append(c.record, GuardFormula(s))
	}
	return c.w.Write(c.record)
}

func (c *csvWriter) Row(cells []Cell) error {
	c.record = c.record[:0]
	c.num = c.num[:0]
	for _, cell := range cells {
		if cell.Money {
			start := len(c.num)
			c.num = appendYuan(c.num, cell.Fen)
			c.record = append(c.record, string(c.num[start:]))
			continue
		}
		c.record = append(c.record, GuardFormula(cell.Text))
	}
	return c.w.Write(c.record)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

// GuardFormula defuses CSV formula injection: a spreadsheet would run text starting with
// = + - @ (or a tab or carriage return) as a formula, so such text gets a leading quote.
// Amounts are written as numbers and never pass through here.
func GuardFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
