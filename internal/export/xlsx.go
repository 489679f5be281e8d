package export

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxXLSXRows is the most rows a worksheet holds (the header included).
const MaxXLSXRows = 1 << 20

// ErrTooManyRows is returned when a sheet would pass MaxXLSXRows.
var ErrTooManyRows = errors.New("export: more rows than a spreadsheet holds")

// The fixed parts of the package. Style 1 is an amount (#,##0.00), style 2 the bold header.
const (
	contentTypesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`
	rootRelsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookRelsXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
	workbookHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="`
	workbookTail = `" sheetId="1" r:id="rId1"/></sheets></workbook>`
	sheetHead    = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	sheetTail = `</sheetData></worksheet>`
)

type xlsxWriter struct {
	out     *bufio.Writer // the zip file, buffered
	zw      *zip.Writer
	sheet   *bufio.Writer // the worksheet entry, buffered
	started bool
	row     int
	b       []byte // scratch for one cell's reference and number
}

// NewXLSX starts a workbook with one sheet named sheet on out. Deflate runs at its fastest
// level: exports are large and text compresses well anyway.
func NewXLSX(out io.Writer, sheet string) (Writer, error) {
	x := &xlsxWriter{out: bufio.NewWriterSize(out, 64<<10), b: make([]byte, 0, 64)}
	x.zw = zip.NewWriter(x.out)
	x.zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", rootRelsXML},
		{"xl/workbook.xml", workbookHead + xmlText(sheetName(sheet)) + workbookTail},
		{"xl/_rels/workbook.xml.rels", workbookRelsXML},
		{"xl/styles.xml", stylesXML},
	}
	for _, p := range parts {
		w, err := x.zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return nil, err
		}
	}
	w, err := x.zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	x.sheet = bufio.NewWriterSize(w, 64<<10)
	return x, nil
}

// start writes the worksheet's opening: with a header, the header row stays frozen and
// the columns get a readable width.
func (x *xlsxWriter) start(cols int) {
	x.started = true
	x.sheet.WriteString(sheetHead)
	if cols > 0 {
		x.sheet.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols><col min="1" max="`)
		x.sheet.WriteString(strconv.Itoa(cols))
		x.sheet.WriteString(`" width="20" customWidth="1"/></cols>`)
	}
	x.sheet.WriteString(`<sheetData>`)
}

func (x *xlsxWriter) Header(cols []string) error {
	if x.started {
		return errors.New("export: header after rows")
	}
	x.start(len(cols))
	cells := make([]Cell, len(cols))
	for i, c := range cols {
		cells[i] = Cell{Text: c}
	}
	return x.writeRow(cells, 2)
}

func (x *xlsxWriter) Row(cells []Cell) error {
	if !x.started {
		x.start(0)
	}
	return x.writeRow(cells, 0)
}

// writeRow writes one <row>: text as inline strings, amounts as numbers in yuan.
func (x *xlsxWriter) writeRow(cells []Cell, style int) error {
	if x.row >= MaxXLSXRows {
		return ErrTooManyRows
	}
	x.row++
	w := x.sheet
	rowNo := strconv.AppendInt(x.b[:0], int64(x.row), 10)
	n := len(rowNo)
	w.WriteString(`<row r="`)
	w.Write(rowNo)
	w.WriteString(`">`)
	for i, c := range cells {
		// The reference: column letters then the row number, built after the number.
		ref := appendColumn(x.b[:n], i)
		ref = append(ref, x.b[:n]...)
		w.WriteString(`<c r="`)
		w.Write(ref[n:])
		switch {
		case c.Money:
			w.WriteString(`" s="1"><v>`)
			w.Write(appendYuan(ref[:n], c.Fen)[n:])
			w.WriteString(`</v></c>`)
		default:
			if style != 0 {
				w.WriteString(`" s="2" t="inlineStr"><is><t xml:space="preserve">`)
			} else {
				w.WriteString(`" t="inlineStr"><is><t xml:space="preserve">`)
			}
			writeXMLText(w, c.Text)
			w.WriteString(`</t></is></c>`)
		}
	}
	_, err := w.WriteString(`</row>`)
	return err
}

func (x *xlsxWriter) Close() error {
	if !x.started {
		x.start(0)
	}
	x.sheet.WriteString(sheetTail)
	if err := x.sheet.Flush(); err != nil {
		return err
	}
	if err := x.zw.Close(); err != nil {
		return err
	}
	return x.out.Flush()
}

// appendColumn writes the letters of a 0-based column index: A, …, Z, AA, ….
func appendColumn(b []byte, i int) []byte {
	var tmp [4]byte
	n := len(tmp)
	for i++; i > 0; i = (i - 1) / 26 {
		n--
		tmp[n] = byte('A' + (i-1)%26)
	}
	return append(b, tmp[n:]...)
}

// writeXMLText writes s as XML character data: markup characters escaped, and
// characters XML cannot carry at all (control characters, invalid UTF-8, U+FFFE/U+FFFF)
// dropped. Runs of plain text are written in one piece.
func writeXMLText(w *bufio.Writer, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '<' && c != '>' && c != '&' {
			i++
			continue
		}
		var esc string
		size := 1
		switch {
		case c == '<':
			esc = "&lt;"
		case c == '>':
			esc = "&gt;"
		case c == '&':
			esc = "&amp;"
		case c == '\t' || c == '\n':
			i++
			continue
		case c == '\r':
			esc = "&#13;"
		case c < 0x20:
			// dropped
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if (r != utf8.RuneError || n > 1) && r != 0xFFFE && r != 0xFFFF {
				i += n
				continue
			}
			size = n
		}
		w.WriteString(s[last:i])
		w.WriteString(esc)
		i += size
		last = i
	}
	w.WriteString(s[last:])
}

// xmlText escapes s for XML character data into a string (the fixed parts).
func xmlText(s string) string {
	var b strings.Builder
	w := bufio.NewWriter(&b)
	writeXMLText(w, s)
	w.Flush()
	return b.String()
}

// sheetName makes a valid worksheet name: at most 31 characters, none of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	if s == "" {
		s = "Sheet1"
	}
	return s
}
