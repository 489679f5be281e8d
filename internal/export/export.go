// Package export writes tabular data as CSV or XLSX, streaming: a writer holds one row at
// a time, so a million rows take no more memory than ten. The XLSX writer is hand-written
// over archive/zip with the minimal parts a spreadsheet needs.
package export

import (
	"errors"
	"time"

	"sellercenter/internal/money"
)

// Formats.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// ErrFormat is returned for a format other than CSV and XLSX.
var ErrFormat = errors.New("export: unknown format")

// Cell is one value of a row: text, or an amount in fen written as yuan (a number in
// XLSX, "12.50" in CSV).
type Cell struct {
	Text  string
	Fen   int64
	Money bool
}

// Writer writes a header and rows, then Close flushes what is buffered. It does not
// close the underlying writer.
type Writer interface {
	Header(cols []string) error
	Row(cells []Cell) error
	Close() error
}

// ContentType is the media type of a format.
func ContentType(format string) string {
	if format == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// appendYuan writes fen as a plain decimal amount: -1234.05.
func appendYuan(b []byte, fen int64) []byte { return money.AppendYuan(b, fen) }

// FileName names an export file: prefix-YYYYMMDD-HHMMSS.format, in the zone of t.
func FileName(prefix, format string, t time.Time) string {
	return prefix + "-" + t.Format("20060102-150405") + "." + format
}
