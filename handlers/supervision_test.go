package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

// supWorld is a merchant with a supervised product of a scenario on sale, a buyer who
// bought and paid it, a reviewer, each logged in.
type supWorld struct {
	*buyerWorld
	order      models.Order
	mc, rc     *client
	product    models.Product
	sku        string
	merchantID uint
}

func newSupWorld(t *testing.T, scenario string) *supWorld {
	t.Helper()
	w := &supWorld{buyerWorld: newBuyerWorld(t)}
	w.merchantID = *w.merchant.MerchantID
	var specs []models.Spec
	w.product, specs = testdb.ListedProduct(t, w.ta.env, w.merchantID, models.ProductContent{Type: models.ProductSaaS, NameZh: "实施服务", NameEn: "Implementation",
		SalesObjects: models.SalesAll, Supervised: true, SupervisionScenario: scenario,
		Specs: []models.SpecContent{{Key: "std", Name: "标准版", BillingMode: models.BillingPeriod, MonthFen: fen64(50000)}}})
	w.sku = specs[0].SKUCode
	must(t, w.ta.env.DB.W.Model(&models.Merchant{}).Where("id = ?", w.merchantID).Update("activated_at", w.ta.env.Clock.Now()).Error)
	w.order = w.buy(t)
	w.mc = w.ta.loggedIn("m@example.com")
	w.ta.user(models.RoleReviewer, "rev@example.com")
	w.rc = w.ta.loggedIn("rev@example.com")
	return w
}

func (w *supWorld) buy(t *testing.T) models.Order {
	t.Helper()
	ctx := context.Background()
	o, err := w.ta.Store.Purchase(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, models.PurchaseInput{ProductID: w.product.ID, SKU: w.sku,
		PeriodType: models.PeriodMonth, Count: 1, Quantity: 1})
	must(t, err)
	o, err = w.ta.Store.Pay(ctx, models.Actor{UserID: w.buyer.ID}, w.buyer.ID, o.OrderNo)
	must(t, err)
	return o
}

func (w *supWorld) sup(t *testing.T, no string) models.Supervision {
	t.Helper()
	var sv models.Supervision
	must(t, w.ta.env.DB.R.Where("order_no = ?", no).Take(&sv).Error)
	return sv
}

func (w *supWorld) version(t *testing.T, no string) string {
	return itoa64(int64(w.sup(t, no).Version))
}

// TestSupervisionThroughTheThreeCenters: a 基地云 order from requirements to acceptance
// through the pages: every refused step answers 422 naming each missing item (nothing
// stored), steps out of turn 409, the delivery reaches the buyer only after 华为云复核,
// the acceptance report is signed by the three parties, and the history's files are
// the parties' only.
func TestSupervisionThroughTheThreeCenters(t *testing.T) {
	w := newSupWorld(t, models.ScenarioBase)
	no := w.order.OrderNo
	bpath, mpath, rpath := "/buyer/supervision/"+no, "/seller/supervision/"+no, "/admin/supervision/"+no
	list := w.c.get("/buyer/supervision").want(http.StatusOK).Doc()
	if list.Find(`[data-testid="supervision-row"][data-no="`+no+`"]`).Length() != 1 {
		t.Fatal("the buyer's list lacks the order")
	}
	page := w.c.get(bpath).want(http.StatusOK).Doc()
	if page.Find(`[data-testid="form-requirement"]`).Length() != 1 || page.Find(`[data-testid="graph-REVIEW"]`).Length() != 1 {
		t.Fatal("the buyer's page lacks the requirement form or the 基地云 graph")
	}
	r := w.c.postMultipart(bpath+"/requirement", url.Values{"version": {w.version(t, no)}})
	if r.want(http.StatusUnprocessableEntity).fieldError("requirements") == "" {
		t.Fatal("requirements without a description: no message")
	}
	w.c.postMultipart(bpath+"/requirement", url.Values{"version": {w.version(t, no)}, "requirements": {"十二家门店上线"}}).want(http.StatusSeeOther)
	if w.sup(t, no).Node != models.NodeConfirm {
		t.Fatalf("after the requirements: %s", w.sup(t, no).Node)
	}
	w.c.post(bpath+"/accept", url.Values{"version": {w.version(t, no)}}).want(http.StatusConflict)
	w.mc.post(mpath+"/confirm", url.Values{"version": {w.version(t, no)}}).want(http.StatusSeeOther)

	var files int64
	count := func() int64 {
		var n int64
		w.ta.env.DB.R.Model(&models.File{}).Count(&n)
		return n
	}
	files = count()
	shot := func(name string) upload { return upload{Field: "screenshots", Name: name, Data: pngBytes} }
	r = w.mc.postMultipart(mpath+"/deliver", url.Values{"version": {w.version(t, no)}, "mode": {"onsite"}, "description": {"已上线"}},
		shot("1.png"), shot("2.png")).want(http.StatusUnprocessableEntity)
	for _, f := range []string{"screenshots", "report", "sign"} {
		if r.fieldError(f) == "" {
			t.Errorf("an incomplete delivery does not name %s", f)
		}
	}
	r = w.mc.postMultipart(mpath+"/deliver", url.Values{"version": {w.version(t, no)}, "mode": {"onsite"}, "description": {"已上线"}, "sign": {"1"}},
		shot("1.png"), shot("2.png"), upload{Field: "screenshots", Name: "3.png", Data: pdfBytes}, upload{Field: "report", Name: "r.pdf", Data: pdfBytes})
	if r.want(http.StatusUnprocessableEntity).fieldError("screenshots") == "" {
		t.Fatal("a PDF disguised as a screenshot was taken")
	}
	r = w.mc.postMultipart(mpath+"/deliver", url.Values{"version": {w.version(t, no)}, "mode": {"remote"}, "description": {"远程"}})
	if r.want(http.StatusUnprocessableEntity).fieldError("records") == "" {
		t.Fatal("a remote delivery without a record: no message")
	}
	if count() != files || w.sup(t, no).Node != models.NodeImplement {
		t.Fatalf("refused deliveries stored %d files", count()-files)
	}
	w.mc.postMultipart(mpath+"/deliver", url.Values{"version": {w.version(t, no)}, "mode": {"onsite"}, "description": {"现场上线完成"}, "sign": {"1"}},
		shot("1.png"), shot("2.png"), shot("3.png"), upload{Field: "report", Name: "验收报告.pdf", Data: pdfBytes}).want(http.StatusSeeOther)
	if sv := w.sup(t, no); sv.Node != models.NodeReview || count() != files+4 {
		t.Fatalf("after the delivery: %s, %d files", sv.Node, count()-files)
	}
	// The buyer cannot accept before the platform review; the review needs the platform's signature.
	if w.c.post(bpath+"/accept", url.Values{"version": {w.version(t, no)}, "sign": {"1"}}).want(http.StatusConflict).Doc().
		Find(`[data-testid="supervision-stale"]`).Length() != 1 {
		t.Fatal("the refusal does not explain itself")
	}
	if w.c.get("/admin/supervision").Status != http.StatusForbidden {
		t.Fatal("a buyer reached the reviewers' queue")
	}
	queue := w.rc.get("/admin/supervision").want(http.StatusOK).Doc()
	if queue.Find(`[data-testid="supervision-row"][data-no="`+no+`"]`).Length() != 1 {
		t.Fatal("the review queue lacks the delivery")
	}
	if w.rc.post(rpath+"/send-back", url.Values{"version": {w.version(t, no)}}).want(http.StatusUnprocessableEntity).fieldError("send_back_reason") == "" {
		t.Fatal("a send-back without a reason: no message")
	}
	if w.rc.post(rpath+"/approve", url.Values{"version": {w.version(t, no)}}).want(http.StatusUnprocessableEntity).fieldError("sign") == "" {
		t.Fatal("an approval without the platform's signature: no message")
	}
	w.rc.post(rpath+"/approve", url.Values{"version": {w.version(t, no)}, "sign": {"1"}, "approve_comment": {"材料齐全"}}).want(http.StatusSeeOther)
	if w.sup(t, no).Node != models.NodeAcceptance {
		t.Fatalf("after the review: %s", w.sup(t, no).Node)
	}
	// The buyer sees the merchant's screenshots; another buyer and another merchant do not.
	var f models.File
	must(t, w.ta.env.DB.R.Where("purpose = ?", models.FileSupScreenshot).Order("id").First(&f).Error)
	fpath := "/files/" + itoa64(int64(f.ID))
	if r := w.c.get(bpath + fpath); r.want(http.StatusOK).Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the screenshot served as %q", r.Header.Get("Content-Type"))
	}
	w.ta.user(models.RoleBuyer, "other-buyer@example.com")
	w.ta.loggedIn("other-buyer@example.com").get(bpath + fpath).want(http.StatusNotFound)
	w.ta.user(models.RoleMerchant, "other-m@example.com")
	w.ta.loggedIn("other-m@example.com").get(mpath + fpath).want(http.StatusNotFound)
	if w.c.post(bpath+"/reject", url.Values{"version": {w.version(t, no)}}).want(http.StatusUnprocessableEntity).fieldError("reject_reason") == "" {
		t.Fatal("a rejection without a reason: no message")
	}
	if w.c.post(bpath+"/accept", url.Values{"version": {w.version(t, no)}}).want(http.StatusUnprocessableEntity).fieldError("sign") == "" {
		t.Fatal("an acceptance without the buyer's signature: no message")
	}
	w.c.post(bpath+"/accept", url.Values{"version": {w.version(t, no)}, "sign": {"1"}}).want(http.StatusSeeOther)
	var o models.Order
	must(t, w.ta.env.DB.R.Where("order_no = ?", no).Take(&o).Error)
	if w.sup(t, no).Node != models.NodeCompleted || o.Status != models.OrderCompleted {
		t.Fatalf("after acceptance: %s, order %s", w.sup(t, no).Node, o.Status)
	}
	w.c.post(bpath+"/accept", url.Values{"sign": {"1"}}).want(http.StatusConflict)
	w.c.post(bpath+"/appeal", url.Values{"appeal_reason": {"已完成"}}).want(http.StatusConflict)
	done := w.mc.get(mpath).want(http.StatusOK).Doc()
	for _, party := range models.SignParties {
		if !strings.Contains(done.Find(`[data-testid="signature-`+party+`"]`).Text(), "Signed") {
			t.Errorf("the %s signature is not shown as signed: %q", party, done.Find(`[data-testid="signature-`+party+`"]`).Text())
		}
	}
	w.c.post("/locale", url.Values{"locale": {"zh-CN"}, "next": {bpath}}).want(http.StatusSeeOther)
	zh := w.c.get(bpath).want(http.StatusOK).Doc()
	if !strings.Contains(zh.Find(`[data-testid="supervision-history"]`).Text(), "确认验收") {
		t.Fatalf("the Chinese history: %q", zh.Find(`[data-testid="supervision-history"]`).Text())
	}
}

// TestSupervisionAppealsThroughThePages: the buyer's appeal freezes the order for both
// sides; the merchant may not appeal yet; a reviewer decides once (a comment required,
// the node one of the order's), and the flow resumes where decided.
func TestSupervisionAppealsThroughThePages(t *testing.T) {
	w := newSupWorld(t, models.ScenarioGeneral)
	no := w.order.OrderNo
	bpath, mpath, rpath := "/buyer/supervision/"+no, "/seller/supervision/"+no, "/admin/supervision/"+no
	if w.mc.get(mpath).want(http.StatusOK).Doc().Find(`[data-testid="appeal-not-yet"]`).Length() != 1 {
		t.Fatal("the merchant's page does not say why no appeal is possible yet")
	}
	w.mc.postMultipart(mpath+"/appeal", url.Values{"appeal_reason": {"用户不提交需求"}}).want(http.StatusConflict)
	if w.c.postMultipart(bpath+"/appeal", url.Values{}).want(http.StatusUnprocessableEntity).fieldError("appeal_reason") == "" {
		t.Fatal("an appeal without a reason: no message")
	}
	w.c.postMultipart(bpath+"/appeal", url.Values{"appeal_reason": {"商家一直未联系"}}, upload{Field: "appeal_file", Name: "chat.png", Data: pngBytes}).
		want(http.StatusSeeOther)
	if !w.sup(t, no).Frozen {
		t.Fatal("the appeal did not freeze the supervision")
	}
	if w.mc.get(mpath).want(http.StatusOK).Doc().Find(`[data-testid="frozen"]`).Length() == 0 {
		t.Fatal("the merchant does not see the freeze")
	}
	w.c.postMultipart(bpath+"/requirement", url.Values{"requirements": {"需求"}}).want(http.StatusConflict)
	queue := w.rc.get("/admin/supervision?tab=appeals").want(http.StatusOK).Doc()
	if queue.Find(`[data-testid="appeal-row"][data-no="`+no+`"]`).Length() != 1 {
		t.Fatal("the appeals queue lacks the appeal")
	}
	var ap models.SupervisionAppeal
	must(t, w.ta.env.DB.R.Where("order_no = ?", no).Take(&ap).Error)
	decide := rpath + "/appeals/" + itoa64(int64(ap.ID)) + "/decide"
	r := w.rc.post(decide, url.Values{"decision": {"resume"}, "resume_node": {"REVIEW"}}).want(http.StatusUnprocessableEntity)
	if r.fieldError("resume_node") == "" || r.fieldError("decision_comment") == "" {
		t.Fatal("a resume at a node the order does not have, without a comment: no messages")
	}
	w.rc.post(rpath+"/appeals/999999/decide", url.Values{"decision": {"complete"}, "decision_comment": {"x"}}).want(http.StatusNotFound)
	w.rc.post(decide, url.Values{"decision": {"resume"}, "resume_node": {"IMPLEMENT"}, "decision_comment": {"需求已线下确认"}}).want(http.StatusSeeOther)
	w.rc.post(decide, url.Values{"decision": {"complete"}, "decision_comment": {"再处理"}}).want(http.StatusConflict)
	if sv := w.sup(t, no); sv.Frozen || sv.Node != models.NodeImplement {
		t.Fatalf("after the decision: %+v", sv)
	}
	if w.mc.get(mpath).want(http.StatusOK).Doc().Find(`[data-testid="form-deliver"]`).Length() != 1 {
		t.Fatal("the merchant cannot deliver after the flow resumed")
	}
}
