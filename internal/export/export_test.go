package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

func TestCSVHasBOMQuotesAndDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	must(t, w.Header([]string{"订单号", "客户", "金额"}))
	must(t, w.Row([]Cell{{Text: "CS1"}, {Text: `=HYPERLINK("http://x","y")`}, {Fen: -1205, Money: true}}))
	must(t, w.Row([]Cell{{Text: "CS2"}, {Text: "a,b\n\"c\""}, {Fen: 7, Money: true}}))
	must(t, w.Row([]Cell{{Text: "+1"}, {Text: "@SUM(A1)"}, {Fen: 100000, Money: true}}))
	must(t, w.Row([]Cell{{Text: "-2"}, {Text: "\tx"}, {Fen: 0, Money: true}}))
	must(t, w.Close())
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no UTF-8 byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"订单号", "客户", "金额"}, {"CS1", `'=HYPERLINK("http://x","y")`, "-12.05"}, {"CS2", "a,b\n\"c\"", "0.07"},
		{"'+1", "'@SUM(A1)", "1000.00"}, {"'-2", "'\tx", "0.00"}}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d = %q, want %q", i, recs[i], want[i])
		}
	}
}

// sheet is what a test reads back of sheet1.xml.
type sheet struct {
	Rows []struct {
		R     int `xml:"r,attr"`
		Cells []struct {
			R      string `xml:"r,attr"`
			T      string `xml:"t,attr"`
			S      string `xml:"s,attr"`
			V      string `xml:"v"`
			Inline string `xml:"is>t"`
		} `xml:"c"`
	} `xml:"sheetData>row"`
}

// readXLSX unzips a workbook, checks its parts parse as XML, and returns sheet1's cells
// as text, row by row.
func readXLSX(t *testing.T, data []byte) [][]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		parts[f.Name] = b
		var any struct{}
		if err := xml.Unmarshal(b, &any); err != nil {
			t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml"} {
		if parts[name] == nil {
			t.Fatalf("part %s missing", name)
		}
	}
	var sh sheet
	if err := xml.Unmarshal(parts["xl/worksheets/sheet1.xml"], &sh); err != nil {
		t.Fatal(err)
	}
	out := make([][]string, len(sh.Rows))
	for i, r := range sh.Rows {
		if r.R != i+1 {
			t.Fatalf("row %d numbered %d", i+1, r.R)
		}
		for j, c := range r.Cells {
			if want := string(appendColumn(nil, j)) + strconv.Itoa(i+1); c.R != want {
				t.Fatalf("cell %q, want %q", c.R, want)
			}
			switch c.T {
			case "inlineStr":
				out[i] = append(out[i], c.Inline)
			default:
				if c.S != "1" {
					t.Fatalf("number cell %s without the amount style", c.R)
				}
				out[i] = append(out[i], "n:"+c.V)
			}
		}
	}
	return out
}

func TestXLSXOpensWithInlineStringsAndNumbers(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewXLSX(&buf, "订单[1]/x")
	if err != nil {
		t.Fatal(err)
	}
	must(t, w.Header([]string{"订单号", "客户 & <公司>", "金额"}))
	must(t, w.Row([]Cell{{Text: "CS1"}, {Text: "bell\x07 nul\x00 ok\ufffe\xff  "}, {Fen: -1205, Money: true}}))
	must(t, w.Row([]Cell{{Text: "=1+1"}, {Text: "line\r\nbreak\t😀"}, {Fen: 123456789, Money: true}}))
	must(t, w.Close())
	rows := readXLSX(t, buf.Bytes())
	want := [][]string{{"订单号", "客户 & <公司>", "金额"}, {"CS1", "bell nul ok  ", "n:-12.05"}, {"=1+1", "line\r\nbreak\t😀", "n:1234567.89"}}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
}

func TestXLSXColumnsAndSheetNames(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := string(appendColumn(nil, i)); got != want {
			t.Errorf("column %d = %s, want %s", i, got, want)
		}
	}
	if got := sheetName("a[b]:c*d?e/f\\g"); got != "a_b__c_d_e_f_g" {
		t.Errorf("sheet name %q", got)
	}
	if got := sheetName(strings.Repeat("订", 40)); len([]rune(got)) != 31 {
		t.Errorf("sheet name of %d runes", len([]rune(got)))
	}
}

func TestXLSXWithoutRowsIsStillAWorkbook(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewXLSX(&buf, "")
	must(t, err)
	must(t, w.Close())
	if rows := readXLSX(t, buf.Bytes()); len(rows) != 0 {
		t.Fatalf("%d rows", len(rows))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
