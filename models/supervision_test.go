package models_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"sellercenter/models"
)

// TestSupervisionMoveTable: every scenario × node × actor × action is either one of the
// workflow's moves, leading where domain.md §6.3 says, or refused.
func TestSupervisionMoveTable(t *testing.T) {
	allowed := map[string]string{}
	for _, sc := range models.SupervisionScenarios {
		review := models.NodeReview
		if sc == models.ScenarioGeneral {
			review = models.NodeAcceptance
		}
		for k, v := range map[string]string{
			"REQUIREMENT buyer submit_requirement": models.NodeConfirm,
			"CONFIRM merchant confirm":             models.NodeImplement,
			"CONFIRM merchant return":              models.NodeRequirement,
			"IMPLEMENT merchant deliver":           review,
			"ACCEPTANCE buyer accept":              models.NodeCompleted,
			"ACCEPTANCE buyer reject":              models.NodeImplement,
		} {
			allowed[sc+" "+k] = v
		}
		if sc != models.ScenarioGeneral {
			allowed[sc+" REVIEW reviewer approve"] = models.NodeAcceptance
			allowed[sc+" REVIEW reviewer send_back"] = models.NodeImplement
		}
	}
	checked := 0
	for _, sc := range models.SupervisionScenarios {
		for _, node := range models.SupervisionNodes {
			for _, actor := range models.SupervisionActors {
				for _, action := range models.SupervisionActions {
					key := fmt.Sprintf("%s %s %s %s", sc, node, actor, action)
					m, ok := models.SupervisionMove(sc, node, actor, action)
					want, allow := allowed[key]
					switch {
					case allow && (!ok || m.To != want):
						t.Errorf("%s: got %v %q, want %q", key, ok, m.To, want)
					case !allow && ok:
						t.Errorf("%s: allowed (to %s), want refused", key, m.To)
					}
					if ok && m.NeedsReason != (action == models.ActReturn || action == models.ActSendBack || action == models.ActReject) {
						t.Errorf("%s: needs a reason %v", key, m.NeedsReason)
					}
					if ok && models.SupervisionWaitsOn(node) != actor {
						t.Errorf("%s: the node waits on %s", key, models.SupervisionWaitsOn(node))
					}
					checked++
				}
			}
		}
	}
	if checked != 3*7*3*8 {
		t.Fatalf("%d combinations checked", checked)
	}
	for _, sc := range models.SupervisionScenarios {
		path := models.SupervisionPath(sc)
		for i := 0; i+1 < len(path); i++ {
			found := false
			for _, actor := range models.SupervisionActors {
				for _, action := range models.SupervisionActions {
					if m, ok := models.SupervisionMove(sc, path[i], actor, action); ok && m.To == path[i+1] {
						found = true
					}
				}
			}
			if !found {
				t.Errorf("%s: no move from %s to %s", sc, path[i], path[i+1])
			}
		}
	}
}

// TestSupervisionFollowsTheWorkflow: a paid supervised order opens its supervision at
// the buyer's requirements; each side moves only its own orders and only as the
// workflow allows (409 otherwise); returns and rejections need a reason; the buyer's
// acceptance completes the order; the history keeps every step.
func TestSupervisionFollowsTheWorkflow(t *testing.T) {
	s := newShop(t)
	sup, specs := s.saas(t, func(c *models.ProductContent) { c.Supervised = true })
	o := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: sup.ID, SKU: specs[0].SKUCode, PeriodType: "month"}))
	st := s.env.Store
	buyer, merchant := s.buyer.ID, s.mid
	ba, ma := s.act, models.Actor{UserID: s.merchant.ID}
	move := func(a models.Actor, actor string, owner uint, action, comment string) error {
		step := models.SupervisionStep{OrderNo: o.OrderNo, Action: action, Comment: comment}
		if action == models.ActDeliver {
			step.Mode, step.Uploads = models.DeliveryRemote, evidence(models.FileSupRemote, 1)
		}
		_, err := st.MoveSupervision(s.ctx, a, actor, owner, step)
		return err
	}
	sv, _, err := st.SupervisionOf(s.ctx, models.SupBuyer, buyer, o.OrderNo)
	if err != nil || sv.Node != models.NodeRequirement || sv.Scenario != models.ScenarioGeneral {
		t.Fatalf("supervision %+v %v", sv, err)
	}
	other := s.newBuyer(t, "other-buyer@example.com", models.BuyerEnterprise)
	steps := []struct {
		a       models.Actor
		actor   string
		owner   uint
		action  string
		comment string
		err     error
		node    string
	}{
		{ma, models.SupMerchant, merchant, models.ActConfirm, "", models.ErrIllegalTransition, models.NodeRequirement},
		{models.Actor{UserID: other.ID}, models.SupBuyer, other.ID, models.ActSubmitRequirement, "", models.ErrNotFound, models.NodeRequirement},
		{ba, models.SupBuyer, buyer, models.ActSubmitRequirement, "需求见附件", nil, models.NodeConfirm},
		{ma, models.SupMerchant, merchant, models.ActReturn, "", models.ErrSupervisionReason, models.NodeConfirm},
		{ma, models.SupMerchant, merchant, models.ActReturn, "请补充部署环境", nil, models.NodeRequirement},
		{ba, models.SupBuyer, buyer, models.ActSubmitRequirement, "已补充", nil, models.NodeConfirm},
		{ma, models.SupMerchant, merchant, models.ActConfirm, "", nil, models.NodeImplement},
		{ba, models.SupBuyer, buyer, models.ActAccept, "", models.ErrIllegalTransition, models.NodeImplement},
		{ma, models.SupMerchant, merchant, models.ActDeliver, "交付完成", nil, models.NodeAcceptance},
		{ba, models.SupBuyer, buyer, models.ActReject, "", models.ErrSupervisionReason, models.NodeAcceptance},
		{ba, models.SupBuyer, buyer, models.ActReject, "缺少培训", nil, models.NodeImplement},
		{ma, models.SupMerchant, merchant, models.ActDeliver, "已补培训", nil, models.NodeAcceptance},
		{ma, models.SupMerchant, merchant + 1000, models.ActDeliver, "再次交付", models.ErrNotFound, models.NodeAcceptance},
		{ba, models.SupBuyer, buyer, models.ActAccept, "", nil, models.NodeCompleted},
		{ba, models.SupBuyer, buyer, models.ActAccept, "", models.ErrIllegalTransition, models.NodeCompleted},
	}
	for i, step := range steps {
		if err := move(step.a, step.actor, step.owner, step.action, step.comment); !errors.Is(err, step.err) {
			t.Fatalf("step %d %s %s: %v, want %v", i, step.actor, step.action, err, step.err)
		}
		sv, _, _ := st.SupervisionOf(s.ctx, models.SupReviewer, 0, o.OrderNo)
		if sv.Node != step.node {
			t.Fatalf("step %d %s %s: at %s, want %s", i, step.actor, step.action, sv.Node, step.node)
		}
	}
	sv, evs, err := st.SupervisionOf(s.ctx, models.SupMerchant, merchant, o.OrderNo)
	if err != nil || sv.RejectCount != 1 || len(evs) != 1+8 {
		t.Fatalf("rejections %d, %d events: %v", sv.RejectCount, len(evs), err)
	}
	if st := s.order(t, o.OrderNo).Order.Status; st != models.OrderCompleted {
		t.Fatalf("the order is %s after acceptance", st)
	}
	if _, err := st.MoveSupervision(s.ctx, ba, models.SupBuyer, buyer, models.SupervisionStep{OrderNo: o.OrderNo, Action: models.ActAccept,
		Comment: strings.Repeat("长", models.MaxSupervisionComment+1)}); !errors.Is(err, models.ErrSupervisionComment) {
		t.Fatalf("a long comment: %v", err)
	}
}

// TestRefundClosesTheSupervision: a supervised order refunded before acceptance ends its
// supervision (CLOSED), and no one can move it any more.
func TestRefundClosesTheSupervision(t *testing.T) {
	s := newShop(t)
	sup, specs := s.saas(t, func(c *models.ProductContent) { c.Supervised = true })
	o := s.pay(t, s.buy(t, models.PurchaseInput{ProductID: sup.ID, SKU: specs[0].SKUCode, PeriodType: "month"}))
	st := s.env.Store
	r, err := st.RequestRefund(s.ctx, s.act, s.buyer.ID, models.RefundRequest{OrderNo: o.OrderNo, Reason: "不再需要", AmountFen: o.PaidFen, Key: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApproveRefund(s.ctx, models.Actor{UserID: s.merchant.ID}, s.mid, models.RefundDecision{RefundNo: r.RefundNo, Version: r.Version, Comment: "同意"}); err != nil {
		t.Fatal(err)
	}
	if err := st.PayRefund(s.ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	sv, evs, err := st.SupervisionOf(s.ctx, models.SupBuyer, s.buyer.ID, o.OrderNo)
	if err != nil || sv.Node != models.NodeClosed || evs[len(evs)-1].Action != "close" {
		t.Fatalf("after the refund: %+v %v", sv, err)
	}
	if _, err := st.MoveSupervision(s.ctx, s.act, models.SupBuyer, s.buyer.ID, models.SupervisionStep{OrderNo: o.OrderNo,
		Action: models.ActSubmitRequirement, Comment: "需求"}); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("moved after closing: %v", err)
	}
}
