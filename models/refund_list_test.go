package models_test

import (
	"errors"
	"strings"
	"testing"

	"sellercenter/internal/testdb"
	"sellercenter/models"
)

func TestMerchantQueueCountsAndFilters(t *testing.T) {
	t.Parallel()
	w := newRefundWorld(t)
	st := w.env.Store
	mid := *w.merchant.MerchantID
	var nos []string
	for i := 0; i < 3; i++ {
		o, _ := w.order(t, testdb.PaidOrderSpec{ProductType: models.ProductService, PaidFen: 1000})
		r, err := st.RequestRefund(w.ctx, w.buyerAct(), w.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, AmountFen: 100, Reason: "r", Key: "k" + o.OrderNo})
		must(t, err)
		nos = append(nos, r.RefundNo)
	}
	r, _ := st.MerchantRefundCase(w.ctx, mid, nos[0])
	_, err := st.RejectRefund(w.ctx, w.merchantAct(), mid, models.RefundDecision{RefundNo: nos[0], Version: r.Refund.Version, Comment: "no"})
	must(t, err)
	counts, err := st.MerchantRefundCounts(w.ctx, mid)
	must(t, err)
	if counts.Waiting != 2 || counts.All != 3 || counts.ByStatus[models.RefundRejected] != 1 {
		t.Fatalf("counts %+v", counts)
	}
	if n, _ := st.AfterSalesWaiting(w.ctx, mid); n != 2 {
		t.Fatalf("waiting %d", n)
	}
	rows, total, err := st.MerchantRefunds(w.ctx, mid, models.RefundFilter{Status: models.RefundWaiting})
	must(t, err)
	if total != 2 || len(rows) != 2 || rows[0].OrderNo == "" {
		t.Fatalf("waiting rows %d %+v", total, rows)
	}
	rows, total, _ = st.MerchantRefunds(w.ctx, mid, models.RefundFilter{Q: strings.ToLower(nos[1])})
	if total != 1 || rows[0].RefundNo != nos[1] {
		t.Fatalf("search %d", total)
	}
	_, total, _ = st.MerchantRefunds(w.ctx, mid, models.RefundFilter{Per: 2, Page: 2})
	if total != 3 {
		t.Fatalf("total %d", total)
	}
	if _, total, _ := st.MerchantRefunds(w.ctx, mid+1000, models.RefundFilter{}); total != 0 {
		t.Fatal("another merchant sees the cases")
	}
	if _, err := st.MerchantRefundCase(w.ctx, mid+1000, nos[0]); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("another merchant reads a case")
	}
	if _, err := st.BuyerRefundCase(w.ctx, w.buyer.ID+1000, nos[0]); !errors.Is(err, models.ErrNotFound) {
		t.Fatal("another buyer reads a case")
	}
	_, err = st.DisputeRefund(w.ctx, w.buyerAct(), w.buyer.ID, nos[0], "x")
	must(t, err)
	ds, total, err := st.Disputes(w.ctx, models.DisputeFilter{})
	must(t, err)
	if total != 1 || ds[0].RefundNo != nos[0] || ds[0].CompanyName != "" && ds[0].MerchantID != mid {
		t.Fatalf("disputes %d %+v", total, ds)
	}
	if _, total, _ := st.Disputes(w.ctx, models.DisputeFilter{State: models.DisputesClosed}); total != 0 {
		t.Fatal("closed disputes")
	}
}
