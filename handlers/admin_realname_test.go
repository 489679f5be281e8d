package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/models"
)

func TestAdminRealNameApprove(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atRealName)
	path := "/admin/realname/" + uitoa(m.RealNameID)

	page := c.get(path).want(http.StatusOK)
	doc := page.Doc()
	for _, want := range []string{"甲公司", "Certificate upload", "Unified social credit code", "张三"} {
		if !strings.Contains(doc.Find(`[data-testid="submission"]`).Text(), want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	if src, ok := doc.Find(`[data-testid="files"] img`).Attr("src"); !ok || !strings.HasPrefix(src, "/files/") {
		t.Fatalf("licence not shown inline: %q", src)
	}
	if strings.Contains(page.Body, "91350100M000100Y43") {
		t.Fatal("full certificate number shown without a reveal")
	}
	if doc.Find(`[data-testid="approve-form"]`).Length() != 1 || doc.Find(`[data-testid="reject-form"] select[name="reason"] option`).Length() != 5 {
		t.Fatal("decision panel incomplete")
	}
	// The licence file is viewable by the reviewer.
	src, _ := doc.Find(`[data-testid="files"] img`).Attr("src")
	c.get(src).want(http.StatusOK)

	r := c.post(path+"/approve", nil).want(http.StatusSeeOther)
	if r.Location() != "/admin/realname" {
		t.Fatalf("after approve: %s", r.Location())
	}
	mer, err := ta.Store.MerchantByID(context.Background(), m.MerchantID)
	must(t, err)
	if mer.RealNameStatus != models.RealNameVerified || mer.RealNameSubject != models.SubjectEnterprise || mer.CompanyName != "甲公司" {
		t.Fatalf("merchant after approval: %+v", mer)
	}
	if !ta.hasNotice(m.User.ID, "realname.approve") {
		t.Fatal("merchant not notified")
	}
	if a := ta.latestAudit("realname.approve"); a.ActorEmail != rev.Email || a.ObjectID != m.RealNameID || a.After != models.RealNameVerified {
		t.Fatalf("audit %+v", a)
	}
	// A second decision is refused and changes nothing.
	c.post(path+"/reject", url.Values{"reason": {"reason.realname.info_mismatch"}}).want(http.StatusConflict)
	c.post(path+"/approve", nil).want(http.StatusConflict)
	v, _ := ta.Store.RealNameByID(context.Background(), m.RealNameID)
	if v.Status != models.RealNameVerified {
		t.Fatalf("status %s after a refused second decision", v.Status)
	}
	// The decided item shows its verdict instead of the forms.
	if c.get(path).Doc().Find(`[data-testid="verdict"]`).Length() != 1 {
		t.Fatal("no verdict on a decided item")
	}
	c.get("/admin/realname/999999").want(http.StatusNotFound)
	c.get("/admin/realname/abc").want(http.StatusNotFound)
}

func TestAdminRealNameReject(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atRealName)
	path := "/admin/realname/" + uitoa(m.RealNameID)
	c.get(path).want(http.StatusOK)

	r := c.post(path+"/reject", url.Values{"comment": {"blurred"}}).want(http.StatusUnprocessableEntity)
	if got := r.fieldError("reason"); got != "Choose a reason." {
		t.Fatalf("reason error %q", got)
	}
	if r.Doc().Find(`textarea[name="comment"]`).Text() != "blurred" {
		t.Fatal("comment lost on re-render")
	}
	r = c.post(path+"/reject", url.Values{"reason": {"reason.realname.other"}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("comment") == "" {
		t.Fatal("\"other\" without a comment accepted")
	}
	c.post(path+"/reject", url.Values{"reason": {"reason.application.other"}, "comment": {"x"}}).want(http.StatusUnprocessableEntity)
	c.post(path+"/reject", url.Values{"reason": {"reason.realname.other"}, "comment": {strings.Repeat("长", 1001)}}).want(http.StatusUnprocessableEntity)

	// htmx: failure swaps the decision panel alone.
	frag := c.post(path+"/reject", url.Values{}, "HX-Request", "true").want(http.StatusUnprocessableEntity)
	if strings.Contains(frag.Body, "<html") || frag.Doc().Find(`#decision-panel [data-error-for="reason"]`).Length() != 1 {
		t.Fatalf("htmx failure is not the panel fragment:\n%s", frag.Body)
	}
	v, _ := ta.Store.RealNameByID(context.Background(), m.RealNameID)
	if v.Status != models.RealNameInReview {
		t.Fatal("a failed rejection changed the item")
	}

	r = c.post(path+"/reject", url.Values{"reason": {"reason.realname.document_unclear"}, "comment": {"Licence photo is blurred"}},
		"HX-Request", "true").want(http.StatusOK)
	if r.Header.Get("HX-Redirect") != "/admin/realname" {
		t.Fatalf("HX-Redirect %q", r.Header.Get("HX-Redirect"))
	}
	v, _ = ta.Store.RealNameByID(context.Background(), m.RealNameID)
	mer, _ := ta.Store.MerchantByID(context.Background(), m.MerchantID)
	if v.Status != models.RealNameRejected || v.RejectReason != "reason.realname.document_unclear" || mer.RealNameStatus != models.RealNameRejected {
		t.Fatalf("after reject: %s %s / merchant %s", v.Status, v.RejectReason, mer.RealNameStatus)
	}
	if a := ta.latestAudit("realname.reject"); a.Reason != "reason.realname.document_unclear" || a.Comment != "Licence photo is blurred" {
		t.Fatalf("audit %+v", a)
	}
	if !ta.hasNotice(m.User.ID, "realname.reject") {
		t.Fatal("merchant not notified")
	}
	// The reason reads in the reviewer's language on the verdict.
	if !strings.Contains(c.get(path).Doc().Find(`[data-testid="verdict"]`).Text(), "The uploaded documents are unclear") {
		t.Fatal("verdict does not show the reason")
	}
	c.post(path+"/approve", nil, "HX-Request", "true").want(http.StatusConflict)
}

func TestAdminOwnSubmissionForbidden(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	merchant := ta.user(models.RoleMerchant, "m@example.com")
	// A reviewer who filed a merchant's verification themselves (acting for it).
	v, err := ta.Store.SubmitRealName(context.Background(), models.Actor{UserID: rev.ID, Email: rev.Email}, *merchant.MerchantID,
		models.RealNameInput{Subject: models.SubjectEnterprise, Method: models.MethodCertificate, Name: "自营公司",
			CertType: models.CertUSCC, CertNumber: "91350100M000100Y43", LegalRepName: "李四"})
	must(t, err)
	path := "/admin/realname/" + uitoa(v.ID)
	if c.get(path).want(http.StatusOK).Doc().Find(`[data-testid="own-submission"]`).Length() != 1 {
		t.Fatal("no own-submission notice")
	}
	c.post(path+"/approve", nil).want(http.StatusForbidden)
	c.post(path+"/reject", url.Values{"reason": {"reason.realname.info_mismatch"}}).want(http.StatusForbidden)
	v, _ = ta.Store.RealNameByID(context.Background(), v.ID)
	if v.Status != models.RealNameInReview {
		t.Fatal("own submission was decided")
	}
	// Another reviewer may decide it.
	ta.user(models.RoleReviewer, "other@example.com")
	other := ta.loggedIn("other@example.com")
	other.get(path).want(http.StatusOK)
	other.post(path+"/approve", nil).want(http.StatusSeeOther)
}

func TestAdminRealNameRevealIsAudited(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	rev := ta.user(models.RoleReviewer, "rev@example.com")
	c := ta.loggedIn("rev@example.com")
	m := ta.merchantAt("a@example.com", "甲公司", atRealName)
	path := "/admin/realname/" + uitoa(m.RealNameID)
	page := c.get(path).want(http.StatusOK)
	if masked := page.Doc().Find(`[data-testid="masked"]`).First().Text(); masked == "" || strings.Contains(masked, "91350100M000100Y43") {
		t.Fatalf("masked number %q", masked)
	}
	r := c.post(path+"/reveal", nil).want(http.StatusOK)
	if got := r.Doc().Find(`[data-testid="revealed"]`).First().Text(); got != "91350100M000100Y43" {
		t.Fatalf("revealed %q", got)
	}
	a := ta.latestAudit("realname.reveal")
	if a.ActorEmail != rev.Email || a.ObjectID != m.RealNameID || a.MerchantID == nil || *a.MerchantID != m.MerchantID {
		t.Fatalf("reveal audit %+v", a)
	}
	// htmx swaps the numbers block alone.
	frag := c.post(path+"/reveal", nil, "HX-Request", "true").want(http.StatusOK)
	if strings.Contains(frag.Body, "<html") || frag.Doc().Find(`#realname-secrets [data-testid="revealed"]`).Length() != 1 {
		t.Fatal("htmx reveal is not the fragment")
	}
	// The page itself stays masked afterwards.
	if strings.Contains(c.get(path).Body, "91350100M000100Y43") {
		t.Fatal("number shown again without a reveal")
	}
}
