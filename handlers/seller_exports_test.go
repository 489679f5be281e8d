package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/blobstore"
	"sellercenter/internal/export"
	"sellercenter/models"
)

// expectedExport reads the merchant's orders matching a status from the database, in the
// list's default order, and formats them as the export should (English labels).
func expectedExport(t *testing.T, ta *testApp, merchantID uint, status string) [][]string {
	var orders []models.Order
	q := ta.env.DB.R.Where("merchant_id = ?", merchantID)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	must(t, q.Order("created_at DESC, id DESC").Find(&orders).Error)
	labels := map[string]string{models.OrderPendingPayment: "Pending payment", models.OrderProcessing: "Processing", models.OrderCompleted: "Completed",
		models.OrderCancelled: "Cancelled", models.OrderFailed: "Failed", models.OrderNew: "New purchase", models.OrderTrial: "Trial",
		models.OrderTrialToFormal: "Trial to paid", models.OrderRenew: "Renewal", models.OrderChange: "Change / upgrade", models.OrderUnsubscribe: "Unsubscription"}
	yuan := func(fen int64) string {
		sign := ""
		if fen < 0 {
			sign, fen = "-", -fen
		}
		return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
	}
	out := [][]string{{"Order ID", "Created at", "Status", "Type", "Product", "Spec", "Customer", "Amount (yuan)", "Paid (yuan)", "Refunded (yuan)"}}
	for _, o := range orders {
		out = append(out, []string{o.OrderNo, o.CreatedAt.In(shanghai).Format("2006-01-02 15:04:05"), labels[o.Status], labels[o.Kind],
			o.ProductNameEn, o.SpecName, o.CustomerName, yuan(o.AmountFen), yuan(o.PaidFen), yuan(o.RefundedFen)})
	}
	return out
}

// unguard undoes the CSV formula guard for comparison with the database.
func unguard(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func compareRows(t *testing.T, got, want [][]string, what string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range want {
		if strings.Join(got[i], "\x1f") != strings.Join(want[i], "\x1f") {
			t.Fatalf("%s row %d:\n got %q\nwant %q", what, i, got[i], want[i])
		}
	}
}

func parseCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\ufeff") {
		t.Fatal("CSV without a byte order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(recs); i++ {
		for j := range recs[i] {
			if j < 7 {
				if s := recs[i][j]; s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
					t.Fatalf("row %d cell %d starts a formula: %q", i, j, s)
				}
				recs[i][j] = unguard(recs[i][j])
			}
		}
	}
	return recs
}

// parseXLSX unzips a workbook and reads sheet1's cells as text, numbers as written.
func parseXLSX(t *testing.T, data []byte) [][]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var sheetXML []byte
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			rc, _ := f.Open()
			sheetXML, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	var sh struct {
		Rows []struct {
			Cells []struct {
				T      string `xml:"t,attr"`
				V      string `xml:"v"`
				Inline string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.Unmarshal(sheetXML, &sh); err != nil {
		t.Fatal(err)
	}
	out := make([][]string, len(sh.Rows))
	for i, r := range sh.Rows {
		for _, c := range r.Cells {
			if c.T == "inlineStr" {
				out[i] = append(out[i], c.Inline)
			} else {
				out[i] = append(out[i], c.V)
			}
		}
	}
	return out
}

func TestOrderExportStreamsSmallSetsRowByRow(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 60)
	merchantWithOrders(t, ta, "b@example.com", 5)
	b := orderMerchant{}
	ta.env.DB.R.Model(&models.User{}).Where("email = ?", "b@example.com").Pluck("merchant_id", &b.id)
	c := ta.loggedIn("a@example.com")

	// CSV of a filtered set, checked row by row against the database. A merchant field
	// in the form (another merchant's id) changes nothing.
	r := c.post("/seller/orders/export", url.Values{"format": {"csv"}, "status": {models.OrderCompleted}, "merchant": {fmt.Sprint(b.id)}}).want(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Fatalf("content disposition %q", cd)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatal("no nosniff")
	}
	want := expectedExport(t, ta, a.id, models.OrderCompleted)
	if len(want) < 10 {
		t.Fatalf("fixture has only %d completed orders", len(want)-1)
	}
	compareRows(t, parseCSV(t, r.Body), want, "csv")

	// XLSX of everything, same check; amounts are numbers.
	r = c.post("/seller/orders/export", url.Values{"format": {"xlsx"}}).want(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != export.ContentType(export.XLSX) {
		t.Fatalf("content type %q", ct)
	}
	compareRows(t, parseXLSX(t, []byte(r.Body)), expectedExport(t, ta, a.id, ""), "xlsx")

	// The header follows the user's language.
	c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/seller/orders"}}).want(http.StatusSeeOther)
	r = c.post("/seller/orders/export", url.Values{"format": {"csv"}, "status": {models.OrderFailed}}).want(http.StatusOK)
	if head := parseCSV(t, r.Body)[0]; head[0] != "订单号" || head[7] != "订单金额（元）" {
		t.Fatalf("Chinese header %q", head)
	}
	c.post("/locale", url.Values{"locale": {"en"}, "next": {"/seller/orders"}}).want(http.StatusSeeOther)

	// Bad input: 400 with a message, no file, no job.
	for _, form := range []url.Values{{"format": {"pdf"}}, {"format": {"csv"}, "from": {"2026-02-30"}}, {"format": {"xlsx"}, "status": {"x"}}} {
		r := c.post("/seller/orders/export", form).want(http.StatusBadRequest)
		if r.Doc().Find(`[data-testid="filter-errors"]`).Length() != 1 {
			t.Errorf("%v: no message", form)
		}
	}
	// The three direct downloads are export records (bad input made none), each with its
	// copy to fetch again, and no background job was queued.
	var recs []models.ExportJob
	ta.env.DB.R.Where("merchant_id = ?", a.id).Order("id").Find(&recs)
	if len(recs) != 3 {
		t.Fatalf("%d export records for three direct downloads", len(recs))
	}
	for _, e := range recs {
		if e.Status != models.ExportDone || e.BlobKey == "" || e.ExpiresAt == nil || e.Total != e.Done {
			t.Fatalf("direct export record %+v", e)
		}
	}
	again := c.get(fmt.Sprintf("/seller/exports/%d/download", recs[1].ID)).want(http.StatusOK)
	compareRows(t, parseXLSX(t, []byte(again.Body)), expectedExport(t, ta, a.id, ""), "xlsx again")
	if list := c.get("/seller/exports").want(http.StatusOK); !strings.Contains(list.Body, fmt.Sprintf("/seller/exports/%d/download", recs[0].ID)) {
		t.Fatal("the export records page does not offer the direct download again")
	}
	ta.loggedIn("b@example.com").get(fmt.Sprintf("/seller/exports/%d/download", recs[0].ID)).want(http.StatusNotFound)
	var jobs int64
	ta.env.DB.R.Model(&models.Job{}).Where("kind = ?", models.JobExport).Count(&jobs)
	if jobs != 0 {
		t.Fatalf("%d export jobs for small exports", jobs)
	}
}

func TestLargeExportRunsInTheBackgroundAndExpires(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 40)
	merchantWithOrders(t, ta, "b@example.com", 3)
	must(t, ta.env.DB.W.Model(&models.Setting{}).Where("key = ?", models.SettingExportSyncRows).Update("value", "5").Error)
	c := ta.loggedIn("a@example.com")

	r := c.post("/seller/orders/export", url.Values{"format": {"csv"}, "customer": {"co"}}).want(http.StatusSeeOther)
	if r.Location() != "/seller/exports" {
		t.Fatalf("redirect to %q", r.Location())
	}
	var ex models.ExportJob
	must(t, ta.env.DB.R.Where("merchant_id = ?", a.id).Take(&ex).Error)
	if ex.Status != models.ExportQueued || ex.Format != "csv" {
		t.Fatalf("export %+v", ex)
	}
	page := c.get("/seller/exports").want(http.StatusOK)
	row := page.Doc().Find(`[data-testid="export-row"]`)
	if trig, _ := row.Attr("hx-trigger"); trig != "every 2s" || row.Find(`[data-testid="export-download"]`).Length() != 0 {
		t.Fatalf("a queued export does not poll (trigger %q) or offers a download", trig)
	}
	exportPath := fmt.Sprintf("/seller/exports/%d", ex.ID)
	other := ta.loggedIn("b@example.com")
	other.get(exportPath).want(http.StatusNotFound)

	ta.drainJobs()
	must(t, ta.env.DB.R.First(&ex, ex.ID).Error)
	if ex.Status != models.ExportDone || ex.BlobKey == "" || ex.Bytes == 0 || ex.ExpiresAt == nil || ex.Done != ex.Total || ex.Total == 0 {
		t.Fatalf("export after the job: %+v", ex)
	}
	if !ex.ExpiresAt.Equal(ta.env.Clock.Now().AddDate(0, 0, 3)) {
		t.Fatalf("kept until %v", ex.ExpiresAt)
	}
	// The polled row of a finished export stops polling and offers the file.
	frag := c.get(exportPath, "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "hx-trigger") || !strings.Contains(frag.Body, fmt.Sprintf("/seller/exports/%d/download", ex.ID)) || strings.Contains(frag.Body, "<html") {
		t.Fatalf("finished row: %s", frag.Body)
	}
	dl := c.get(exportPath + "/download").want(http.StatusOK)
	if cd := dl.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || dl.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("download headers %v", dl.Header)
	}
	var want [][]string
	for i, row := range expectedExport(t, ta, a.id, "") {
		if i == 0 || strings.Contains(strings.ToLower(row[6]), "co") {
			want = append(want, row)
		}
	}
	compareRows(t, parseCSV(t, dl.Body), want, "background csv")
	if !ta.hasNotice(a.user.ID, "export.ready") {
		t.Fatal("no notice that the export is ready")
	}
	other.get(exportPath + "/download").want(http.StatusNotFound)
	other.get(exportPath, "HX-Request", "true").want(http.StatusNotFound)

	// Past the retention period the cleanup removes the file and the record says so.
	oldKey := ex.BlobKey
	(&exporterForTest{ta}).schedule(t)
	ta.env.Clock.Advance(3*24*time.Hour + time.Hour)
	ta.drainJobs()
	must(t, ta.env.DB.R.First(&ex, ex.ID).Error)
	if ex.Status != models.ExportExpired || ex.BlobKey != "" {
		t.Fatalf("export after the cleanup: %+v", ex)
	}
	if _, err := ta.Blobs.Open(context.Background(), oldKey); err != blobstore.ErrNotFound {
		t.Fatalf("the file is still there: %v", err)
	}
	c.get(exportPath + "/download").want(http.StatusNotFound)
	if c.get("/seller/exports").Doc().Find(`[data-status="EXPIRED"]`).Length() != 1 {
		t.Fatal("the records page does not show the export as expired")
	}
}

// exporterForTest schedules the export cleanup as the server does at start.
type exporterForTest struct{ ta *testApp }

func (e *exporterForTest) schedule(t *testing.T) {
	t.Helper()
	if err := e.ta.Store.Enqueue(context.Background(), models.JobExportCleanup, struct{}{}, e.ta.env.Clock.Now().Add(time.Hour), ""); err != nil {
		t.Fatal(err)
	}
}

func TestExpiredExportFileIsDeleted(t *testing.T) {
	ta := newTestApp(t)
	a := merchantWithOrders(t, ta, "a@example.com", 3)
	ctx := context.Background()
	key, size, err := ta.Blobs.Put(ctx, strings.NewReader("x"), 10)
	must(t, err)
	now := ta.env.Clock.Now()
	exp := now.Add(time.Hour)
	ex := models.ExportJob{MerchantID: a.id, UserID: a.user.ID, Format: "csv", Status: models.ExportDone, BlobKey: key, FileName: "o.csv",
		Bytes: size, ExpiresAt: &exp, CreatedAt: now, UpdatedAt: now}
	must(t, ta.env.DB.W.Create(&ex).Error)
	c := ta.loggedIn("a@example.com")
	c.get(fmt.Sprintf("/seller/exports/%d/download", ex.ID)).want(http.StatusOK)
	ta.env.Clock.Advance(2 * time.Hour)
	// Past its expiry the file is refused even before the cleanup ran.
	c.get(fmt.Sprintf("/seller/exports/%d/download", ex.ID)).want(http.StatusNotFound)
	(&exporterForTest{ta}).schedule(t)
	ta.env.Clock.Advance(time.Hour)
	ta.drainJobs()
	if _, err := ta.Blobs.Open(ctx, key); err != blobstore.ErrNotFound {
		t.Fatalf("blob still readable: %v", err)
	}
	var got models.ExportJob
	must(t, ta.env.DB.R.First(&got, ex.ID).Error)
	if got.Status != models.ExportExpired {
		t.Fatalf("status %s", got.Status)
	}
	// The cleanup scheduled its next run.
	var next int64
	ta.env.DB.R.Model(&models.Job{}).Where("kind = ? AND status = ?", models.JobExportCleanup, models.JobQueued).Count(&next)
	if next != 1 {
		t.Fatalf("%d cleanups queued", next)
	}
}
