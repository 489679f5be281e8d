package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
	"sellercenter/web"
)

// The log reads as sentences in the reader's language: actions by name, the object by
// its number and linked to its page, amounts and states formatted, the merchant named,
// the platform's own actors named; no codes reach the page.
func TestAuditLogReadsAsSentences(t *testing.T) {
	t.Parallel()
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{PaidFen: 30000000})
	r := fx.request(o.OrderNo, "1000.00", "服务不符合描述")
	_, err := fx.ta.Store.CreateUser(context.Background(), models.Actor{Email: models.ActorSeed}, models.NewAccount{
		Email: "demo@example.com", Password: "correct horse battery", Role: models.RoleBuyer, Name: "Demo", Verified: true})
	must(t, err)

	fx.rc.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/admin"}}).want(http.StatusSeeOther)
	zh := fx.rc.get("/admin/audit?action=refund").want(http.StatusOK)
	row := zh.Doc().Find(`[data-testid="audit-row"][data-action="refund.request"]`)
	if row.Length() != 1 {
		t.Fatalf("%d refund.request rows", row.Length())
	}
	text := strings.Join(strings.Fields(row.Text()), " ")
	for _, want := range []string{"buyer@example.com", "申请退款", "售后单 · " + r.RefundNo, "示例科技", "金额", "¥1,000.00", "状态", "商家待审核", "服务不符合描述"} {
		if !strings.Contains(text, want) {
			t.Errorf("zh row lacks %q: %s", want, text)
		}
	}
	for _, code := range []string{"refund.request", "amount_fen", "REQUESTED", "refund_no", "audit.action"} {
		if strings.Contains(text, code) {
			t.Errorf("zh row shows the code %q: %s", code, text)
		}
	}
	if href, _ := row.Find(`[data-testid="audit-object"]`).Attr("href"); href != web.AdminOrder(o.OrderNo) {
		t.Errorf("case links to %q, want its order", href)
	}
	if href, _ := row.Find(`a[href="` + web.AdminMerchant(fx.m.MerchantID) + `"]`).Attr("href"); href == "" {
		t.Error("the merchant is not linked")
	}

	fx.rc.post("/locale", url.Values{"locale": {"en"}, "next": {"/admin"}}).want(http.StatusSeeOther)
	en := fx.rc.get("/admin/audit?action=refund").want(http.StatusOK)
	text = strings.Join(strings.Fields(en.Doc().Find(`[data-testid="audit-row"][data-action="refund.request"]`).Text()), " ")
	for _, want := range []string{"Refund requested", "After-sales case · " + r.RefundNo, "Amount:", "¥1,000.00", "Waiting for merchant"} {
		if !strings.Contains(text, want) {
			t.Errorf("en row lacks %q: %s", want, text)
		}
	}
	seeded := strings.Join(strings.Fields(fx.rc.get("/admin/audit?action=user&object_type=user").Doc().Find(`[data-testid="audit-row"]`).First().Text()), " ")
	for _, want := range []string{"Demo data", "Account created", "Role:", "Buyer", "demo@example.com"} {
		if !strings.Contains(seeded, want) {
			t.Errorf("seeded account row lacks %q: %s", want, seeded)
		}
	}

	// The merchant's page tells the same story, no message keys.
	detail := fx.rc.get(web.AdminMerchant(fx.m.MerchantID)).want(http.StatusOK)
	history := detail.Doc().Find(`[data-testid="history"]`).Text()
	if strings.Contains(history, "audit.action") || !strings.Contains(history, "Refund requested") || !strings.Contains(history, r.RefundNo) {
		t.Errorf("merchant history: %s", strings.Join(strings.Fields(history), " "))
	}
}

// The log downloads as CSV with the page's filters, in the reader's language, with
// typed text defused; a bad filter is refused, and only reviewers may download it.
func TestAuditLogDownloadsAsCSV(t *testing.T) {
	t.Parallel()
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{PaidFen: 500000})
	fx.request(o.OrderNo, "50.00", "=HYPERLINK(\"http://x\")")

	fx.rc.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {"/admin"}}).want(http.StatusSeeOther)
	page := fx.rc.get("/admin/audit?action=refund").want(http.StatusOK)
	link, _ := page.Doc().Find(`[data-testid="audit-csv"]`).Attr("href")
	if link != "/admin/audit.csv?action=refund" {
		t.Fatalf("CSV link %q does not carry the filters", link)
	}
	res := fx.rc.get(link).want(http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}
	if !strings.HasPrefix(res.Body, "\uFEFF") {
		t.Fatal("no byte order mark")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\uFEFF"))).ReadAll()
	must(t, err)
	if len(rows) != 2 || rows[0][0] != "时间" || rows[0][2] != "操作" {
		t.Fatalf("rows %q", rows)
	}
	if rows[1][2] != "申请退款" || !strings.Contains(rows[1][5], "¥50.00") || rows[1][7] != `'=HYPERLINK("http://x")` {
		t.Fatalf("row %q", rows[1])
	}
	all, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(fx.rc.get("/admin/audit.csv").want(http.StatusOK).Body, "\uFEFF"))).ReadAll()
	must(t, err)
	var total int64
	must(t, fx.ta.env.DB.R.Model(&models.AuditLog{}).Count(&total).Error)
	if int64(len(all)-1) != total {
		t.Fatalf("unfiltered CSV has %d rows, the log %d", len(all)-1, total)
	}
	fx.rc.get("/admin/audit.csv?from=2026-13-01").want(http.StatusUnprocessableEntity)
	fx.rc.get("/admin/audit.csv?action=bogus").want(http.StatusBadRequest)
	fx.mc.get("/admin/audit.csv").want(http.StatusForbidden)
}
