package pages

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

func renderDoc(t *testing.T, lang string, c templ.Component) *goquery.Document {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx := i18n.With(context.Background(), cat.Localizer(lang))
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestDecisionPanelStates(t *testing.T) {
	reasons := []view.Option{{Value: "reason.realname.other", Label: "reason.realname.other"}}
	open := DecisionVM{Kind: KindRealName, Status: "IN_REVIEW", Open: true, ApproveURL: "/a", RejectURL: "/r", Reasons: reasons}
	doc := renderDoc(t, i18n.EN, DecisionPanel("tok", open))
	if doc.Find(`form[data-testid="approve-form"][hx-post="/a"]`).Length() != 1 || doc.Find(`form[data-testid="reject-form"][hx-post="/r"]`).Length() != 1 {
		t.Fatal("open item: no approve and reject forms")
	}
	if doc.Find(`input[name="_csrf"][value="tok"]`).Length() != 2 {
		t.Fatal("forms without the CSRF token")
	}
	if got := doc.Find(`select[name="reason"] option[value="reason.realname.other"]`).Text(); got != "Other" {
		t.Fatalf("reason label %q", got)
	}

	failed := open
	failed.Reason, failed.Comment, failed.Errors = "reason.realname.other", "<script>x</script>", view.Errors{"comment": view.M("admin.error.comment_required_other")}
	doc = renderDoc(t, i18n.ZhCN, DecisionPanel("tok", failed))
	if doc.Find(`[data-error-for="comment"]`).Text() != "请在审核意见中说明原因。" {
		t.Fatal("error not shown in Chinese")
	}
	if doc.Find("script").Length() != 0 || doc.Find(`textarea[name="comment"]`).Text() != "<script>x</script>" {
		t.Fatal("comment not escaped")
	}
	if sel, _ := doc.Find(`select[name="reason"] option[selected]`).Attr("value"); sel != "reason.realname.other" {
		t.Fatal("chosen reason lost")
	}

	own := open
	own.Own = true
	doc = renderDoc(t, i18n.EN, DecisionPanel("tok", own))
	if doc.Find(`[data-testid="own-submission"]`).Length() != 1 || doc.Find("form").Length() != 0 {
		t.Fatal("own submission still offers a decision")
	}

	locked := DecisionVM{Kind: KindCertification, Status: "LOCKED", UnlockURL: "/u"}
	doc = renderDoc(t, i18n.EN, DecisionPanel("tok", locked))
	if doc.Find(`form[data-testid="unlock-form"][action="/u"]`).Length() != 1 || doc.Find(`[data-testid="approve-form"]`).Length() != 0 {
		t.Fatal("locked certification: no unlock form alone")
	}

	at := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	decided := DecisionVM{Kind: KindRealName, Status: "REJECTED", DecidedAt: &at, DecidedBy: "rev@example.com",
		RejectReason: "reason.realname.info_mismatch", RejectComment: "name differs"}
	doc = renderDoc(t, i18n.EN, DecisionPanel("tok", decided))
	v := doc.Find(`[data-testid="verdict"]`).Text()
	for _, want := range []string{"Rejected", "rev@example.com", "The details do not match the documents", "name differs", "Nov 24, 2026 10:00"} {
		if !strings.Contains(v, want) {
			t.Errorf("verdict lacks %q: %s", want, v)
		}
	}
	if renderDoc(t, i18n.EN, DecisionPanel("tok", DecisionVM{Kind: KindCertification, Status: "AWAITING_TRANSFER"})).Find(`[data-testid="not-open"]`).Length() != 1 {
		t.Fatal("an item not in review shows no explanation")
	}
}

func TestAgeBadgeAndLabels(t *testing.T) {
	doc := renderDoc(t, i18n.EN, AgeBadge(SLAAge{Days: 3.5, SLA: 3, Tone: "red", Known: true}))
	b := doc.Find(`[data-testid="age"]`)
	if tone, _ := b.Attr("data-tone"); tone != "red" || !b.HasClass("badge-red") || !strings.Contains(b.Text(), "3.5 working days") {
		t.Fatalf("age badge %q", b.Text())
	}
	if renderDoc(t, i18n.EN, AgeBadge(SLAAge{})).Find(`[data-testid="age"]`).Length() != 0 {
		t.Fatal("unknown age rendered as a badge")
	}
	for status, tone := range map[string]string{"IN_REVIEW": "blue", "VERIFIED": "green", "LOCKED": "red", "AWAITING_TRANSFER": "yellow", "WITHDRAWN": "gray", "suspended": "red"} {
		if got := StatusTone(status); got != tone {
			t.Errorf("tone of %s = %s, want %s", status, got, tone)
		}
	}
	if ActionKey("certification.check_transfer") != "audit.action.certification_check_transfer" {
		t.Fatal("action key")
	}
	cat, _ := i18n.Load()
	zh := i18n.With(context.Background(), cat.Localizer(i18n.ZhCN))
	if got := Labels(zh, "admin.product_type.", "saas,image,unknown"); got != "SaaS、镜像、unknown" {
		t.Fatalf("labels %q", got)
	}
	if got := ActionLabel(zh, "product.publish"); got != "product.publish" {
		t.Fatalf("unknown action %q", got)
	}
}
