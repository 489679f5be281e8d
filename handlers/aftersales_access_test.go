package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestAfterSalesOfOtherTenantsAre404(t *testing.T) {
	fx := newASFixture(t)
	o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 1000})
	rf := fx.request(o.OrderNo, "10", "r")
	before := fx.state()
	mpath, bpath := "/seller/after-sales/"+rf.RefundNo, "/buyer/after-sales/"+rf.RefundNo
	for _, hx := range [][]string{nil, {"HX-Request", "true"}} {
		fx.otherClient.get(mpath, hx...).want(http.StatusNotFound)
		fx.otherClient.postMultipart(mpath+"/approve", url.Values{"version": {"1"}, "comment": {"ok"}}).want(http.StatusNotFound)
		fx.otherClient.post(mpath+"/reject", url.Values{"version": {"1"}, "comment": {"no"}}, hx...).want(http.StatusNotFound)
		fx.otherClient.post(mpath+"/receive", url.Values{"version": {"1"}}, hx...).want(http.StatusNotFound)
		fx.otherBuyerC.get(bpath, hx...).want(http.StatusNotFound)
		fx.otherBuyerC.post(bpath+"/withdraw", nil, hx...).want(http.StatusNotFound)
		fx.otherBuyerC.post(bpath+"/dispute", url.Values{"reason": {"x"}}, hx...).want(http.StatusNotFound)
		fx.otherBuyerC.post(bpath+"/ship", url.Values{"tracking_no": {"SF12345"}}, hx...).want(http.StatusNotFound)
		fx.otherBuyerC.get("/buyer/orders/"+o.OrderNo+"/refund", hx...).want(http.StatusNotFound)
		fx.otherBuyerC.post("/buyer/orders/"+o.OrderNo+"/refund", url.Values{"key": {newIdempotencyKey()}, "amount": {"1"}, "reason": {"x"}}, hx...).want(http.StatusNotFound)
	}
	if rows := fx.otherClient.get("/seller/after-sales").Doc().Find(`[data-testid="refund-row"]`).Length(); rows != 0 {
		t.Fatal("another merchant's queue lists the case")
	}
	if rows := fx.otherBuyerC.get("/buyer/after-sales").Doc().Find(`[data-testid="refund-row"]`).Length(); rows != 0 {
		t.Fatal("another buyer's list shows the case")
	}
	// Reviewers see disputes only.
	fx.rc.get("/admin/disputes/" + rf.RefundNo).want(http.StatusNotFound)
	fx.unchanged(t, before, "other tenants' requests")
}

func TestAfterSalesXSSCorpus(t *testing.T) {
	fx := newASFixture(t)
	for _, p := range xssCorpus {
		o := fx.order(testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 1000})
		rf := fx.request(o.OrderNo, "1", p)
		fx.mc.post("/seller/after-sales/"+rf.RefundNo+"/reject", url.Values{"version": {"1"}, "comment": {p}}).want(http.StatusSeeOther)
		fx.bc.post("/buyer/after-sales/"+rf.RefundNo+"/dispute", url.Values{"reason": {p}}).want(http.StatusSeeOther)
		// The pages that show the reasons and comments (the queues and the merchant's
		// inbox show none of them).
		for name, page := range map[string]*resp{
			"seller case":  fx.mc.get("/seller/after-sales/" + rf.RefundNo),
			"buyer case":   fx.bc.get("/buyer/after-sales/" + rf.RefundNo),
			"dispute case": fx.rc.get("/admin/disputes/" + rf.RefundNo),
			"buyer inbox":  fx.bc.get("/inbox"),
		} {
			assertRenderedSafely(t, name, p, page.want(http.StatusOK))
		}
		doc := fx.rc.get("/admin/disputes/" + rf.RefundNo).Doc()
		if doc.Find(`[data-testid="buyer-reason"]`).Text() != p || doc.Find(`[data-testid="dispute-reason"]`).Text() != p || doc.Find(`[data-testid="merchant-comment"]`).Text() != p {
			t.Fatalf("payload %q not shown as text", p)
		}
		// A search for the payload is echoed as text too.
		assertRenderedSafely(t, "dispute search", p, fx.rc.get("/admin/disputes?q="+url.QueryEscape(p)))
	}
}
