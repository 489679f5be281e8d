package models_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"sellercenter/models"
)

// evidence makes n uploads of a purpose, as the handler hands them over (the blobs are
// not read by the store).
func evidence(purpose string, n int) models.Uploads {
	var out models.Uploads
	for range n {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		out = append(out, models.Upload{Purpose: purpose, BlobKey: hex.EncodeToString(b), Filename: purpose + ".png", ContentType: "image/png", Size: 100})
	}
	return out
}

func with(ups ...models.Uploads) models.Uploads {
	var out models.Uploads
	for _, u := range ups {
		out = append(out, u...)
	}
	return out
}

// TestEvidencePolicyPerScenario: on site, the scenario's screenshots (and for the
// joint-operation scenarios the acceptance report signed by the merchant); remote, a
// delivery record; each missing item named on its own field. The policy is a setting.
func TestEvidencePolicyPerScenario(t *testing.T) {
	s := newShop(t)
	st := s.env.Store
	general, err := st.EvidencePolicyOf(s.ctx, models.ScenarioGeneral)
	if err != nil || general.MinScreenshots != 3 || general.OnsiteSignatures {
		t.Fatalf("general policy %+v %v", general, err)
	}
	base, err := st.EvidencePolicyOf(s.ctx, models.ScenarioBase)
	if err != nil || base.MinScreenshots != 3 || !base.OnsiteSignatures {
		t.Fatalf("base policy %+v %v", base, err)
	}
	fields := func(errs []*models.FieldError) (out []string) {
		for _, e := range errs {
			out = append(out, e.Field)
		}
		return out
	}
	cases := []struct {
		name   string
		p      models.EvidencePolicy
		mode   string
		n      models.Evidence
		signed bool
		want   []string
	}{
		{"general on site, 2 screenshots", general, models.DeliveryOnsite, models.Evidence{models.FileSupScreenshot: 2}, false, []string{"screenshots"}},
		{"general on site, 3 screenshots", general, models.DeliveryOnsite, models.Evidence{models.FileSupScreenshot: 3}, false, nil},
		{"general remote, no record", general, models.DeliveryRemote, models.Evidence{models.FileSupScreenshot: 5}, false, []string{"records"}},
		{"general remote, a record", general, models.DeliveryRemote, models.Evidence{models.FileSupRemote: 1}, false, nil},
		{"base on site, screenshots only", base, models.DeliveryOnsite, models.Evidence{models.FileSupScreenshot: 3}, false, []string{"report", "sign"}},
		{"base on site, unsigned report", base, models.DeliveryOnsite, models.Evidence{models.FileSupScreenshot: 3, models.FileSupReport: 1}, false, []string{"sign"}},
		{"base on site, nothing", base, models.DeliveryOnsite, models.Evidence{}, false, []string{"screenshots", "report", "sign"}},
		{"base on site, complete", base, models.DeliveryOnsite, models.Evidence{models.FileSupScreenshot: 3, models.FileSupReport: 1}, true, nil},
		{"base remote, a record", base, models.DeliveryRemote, models.Evidence{models.FileSupRemote: 1}, false, nil},
		{"no mode", base, "", models.Evidence{models.FileSupRemote: 1}, false, []string{"mode"}},
	}
	for _, c := range cases {
		got := fields(c.p.Check(c.mode, c.n, c.signed))
		if len(got) != len(c.want) {
			t.Errorf("%s: missing %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: missing %v, want %v", c.name, got, c.want)
			}
		}
	}
	if _, err := st.UpdateSettings(s.ctx, models.Actor{}, map[string]string{models.SettingSupScreenshotsGeneral: "5",
		models.SettingSupSignaturesGeneral: "1"}); err != nil {
		t.Fatal(err)
	}
	if p, err := st.EvidencePolicyOf(s.ctx, models.ScenarioGeneral); err != nil || p.MinScreenshots != 5 || !p.OnsiteSignatures {
		t.Fatalf("policy after the settings changed %+v %v", p, err)
	}
}

// supervisedOrder buys and pays a supervised SaaS product of a scenario.
func (s *shop) supervisedOrder(t *testing.T, scenario string) models.Order {
	t.Helper()
	p, specs := s.saas(t, func(c *models.ProductContent) { c.Supervised, c.SupervisionScenario = true, scenario })
	return s.pay(t, s.buy(t, models.PurchaseInput{ProductID: p.ID, SKU: specs[0].SKUCode, PeriodType: "month"}))
}

// TestBaseCloudDeliveryGoesThroughThePlatformReview: a 基地云 order's on-site delivery
// carries the screenshots and the acceptance report the merchant signs; a refused
// delivery stores nothing; the reviewer's 华为云复核 sends it back with a reason or
// approves it (signing for the platform project team); only then does the buyer accept,
// signing too; the order completes with three signatures recorded. The history's files
// are the order's parties' and reviewers' only.
func TestBaseCloudDeliveryGoesThroughThePlatformReview(t *testing.T) {
	s := newShop(t)
	st := s.env.Store
	o := s.supervisedOrder(t, models.ScenarioBase)
	ba, ma := s.act, models.Actor{UserID: s.merchant.ID}
	reviewer := models.Actor{UserID: 0, Email: "reviewer@example.com"}
	step := func(a models.Actor, actor string, owner uint, st1 models.SupervisionStep) error {
		st1.OrderNo = o.OrderNo
		_, err := st.MoveSupervision(s.ctx, a, actor, owner, st1)
		return err
	}
	node := func() models.Supervision {
		sv, _, err := st.SupervisionOf(s.ctx, models.SupReviewer, 0, o.OrderNo)
		if err != nil {
			t.Fatal(err)
		}
		return sv
	}
	if sv := node(); sv.Scenario != models.ScenarioBase || sv.Node != models.NodeRequirement {
		t.Fatalf("started %+v", sv)
	}
	if err := step(ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{Action: models.ActSubmitRequirement}); !errors.Is(err, models.ErrRequirementText) {
		t.Fatalf("requirements without a description: %v", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(step(ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{Action: models.ActSubmitRequirement, Comment: "部署到三个门店",
		Uploads: evidence(models.FileSupRequirement, 1)}))
	must(step(ma, models.SupMerchant, s.mid, models.SupervisionStep{Action: models.ActConfirm}))
	var filesBefore int64
	s.env.DB.R.Model(&models.File{}).Count(&filesBefore)
	refused := []struct {
		st   models.SupervisionStep
		want string
	}{
		{models.SupervisionStep{Action: models.ActDeliver, Mode: models.DeliveryOnsite, Comment: "完成", Uploads: evidence(models.FileSupScreenshot, 3)}, "report"},
		{models.SupervisionStep{Action: models.ActDeliver, Mode: models.DeliveryOnsite, Comment: "完成", Uploads: with(evidence(models.FileSupScreenshot, 2), evidence(models.FileSupReport, 1)), Sign: true}, "screenshots"},
		{models.SupervisionStep{Action: models.ActDeliver, Mode: models.DeliveryOnsite, Comment: "完成", Uploads: with(evidence(models.FileSupScreenshot, 3), evidence(models.FileSupReport, 1))}, "sign"},
		{models.SupervisionStep{Action: models.ActDeliver, Mode: models.DeliveryOnsite, Uploads: with(evidence(models.FileSupScreenshot, 3), evidence(models.FileSupReport, 1)), Sign: true}, "comment"},
	}
	for _, r := range refused {
		var fe *models.FieldError
		if err := step(ma, models.SupMerchant, s.mid, r.st); !errors.As(err, &fe) || fe.Field != r.want {
			t.Fatalf("delivery missing %s: %v", r.want, err)
		}
	}
	var filesAfter int64
	s.env.DB.R.Model(&models.File{}).Count(&filesAfter)
	if filesAfter != filesBefore || node().Node != models.NodeImplement {
		t.Fatalf("refused deliveries left %d files, node %s", filesAfter-filesBefore, node().Node)
	}
	deliver := models.SupervisionStep{Action: models.ActDeliver, Mode: models.DeliveryOnsite, Comment: "现场实施完成",
		Uploads: with(evidence(models.FileSupScreenshot, 3), evidence(models.FileSupReport, 1)), Sign: true}
	must(step(ma, models.SupMerchant, s.mid, deliver))
	if sv := node(); sv.Node != models.NodeReview || !sv.NeedsSignatures {
		t.Fatalf("after the delivery %+v", sv)
	}
	if err := step(ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{Action: models.ActAccept, Sign: true}); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("the buyer accepted before the platform review: %v", err)
	}
	if _, err := st.ReviewSupervision(s.ctx, reviewer, o.OrderNo, models.Decision{}, models.ActSendBack); !errors.Is(err, models.ErrSupervisionReason) {
		t.Fatalf("sent back without a reason: %v", err)
	}
	if _, err := st.ReviewSupervision(s.ctx, reviewer, o.OrderNo, models.Decision{Comment: "验收报告缺少客户签字页"}, models.ActSendBack); err != nil {
		t.Fatal(err)
	}
	if sv := node(); sv.Node != models.NodeImplement {
		t.Fatalf("sent back to %s", sv.Node)
	}
	deliver.Uploads = with(evidence(models.FileSupScreenshot, 3), evidence(models.FileSupReport, 1))
	must(step(ma, models.SupMerchant, s.mid, deliver))
	if _, err := st.ReviewSupervision(s.ctx, reviewer, o.OrderNo, models.Decision{Comment: "材料齐全"}, models.ActApprove); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReviewSupervision(s.ctx, reviewer, o.OrderNo, models.Decision{Comment: "再次通过"}, models.ActApprove); !errors.Is(err, models.ErrIllegalTransition) {
		t.Fatalf("approved twice: %v", err)
	}
	if err := step(ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{Action: models.ActAccept}); !errors.Is(err, models.ErrSignature) {
		t.Fatalf("accepted without signing: %v", err)
	}
	must(step(ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{Action: models.ActAccept, Sign: true}))
	sv := node()
	if sv.Node != models.NodeCompleted || s.order(t, o.OrderNo).Order.Status != models.OrderCompleted {
		t.Fatalf("after acceptance: %s, order %s", sv.Node, s.order(t, o.OrderNo).Order.Status)
	}
	sigs, err := st.SupervisionSignatures(s.ctx, *sv.DeliveryEventID)
	if err != nil || len(sigs) != 3 || sigs[models.SignMerchant].UserID != s.merchant.ID || sigs[models.SignBuyer].UserID != s.buyer.ID ||
		sigs[models.SignPlatform].SignedAt.IsZero() {
		t.Fatalf("signatures %+v %v", sigs, err)
	}
	var audits int64
	s.env.DB.R.Model(&models.AuditLog{}).Where("action IN ?", []string{"supervision.approve", "supervision.reject"}).Count(&audits)
	if audits != 2 {
		t.Fatalf("%d review audit rows", audits)
	}
	_, evs, _ := st.SupervisionOf(s.ctx, models.SupMerchant, s.mid, o.OrderNo)
	var shot models.File
	if err := s.env.DB.R.Where("purpose = ? AND ref_type = ?", models.FileSupScreenshot, "supervision_event").First(&shot).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := st.SupervisionFile(s.ctx, models.SupBuyer, s.buyer.ID, o.OrderNo, shot.ID); err != nil {
		t.Fatalf("the buyer reads the merchant's screenshot: %v", err)
	}
	other := s.newBuyer(t, "other@example.com", models.BuyerEnterprise)
	otherMerchant := activeMerchant(t, s.env, "m2@example.com")
	for _, c := range []struct {
		actor string
		owner uint
	}{{models.SupBuyer, other.ID}, {models.SupMerchant, *otherMerchant.MerchantID}, {"visitor", 0}} {
		if _, err := st.SupervisionFile(s.ctx, c.actor, c.owner, o.OrderNo, shot.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("%s %d read the screenshot: %v", c.actor, c.owner, err)
		}
	}
	if len(evs) != 8 { // start, requirements, confirm, deliver, send back, deliver, approve, accept
		t.Fatalf("%d history steps", len(evs))
	}
}

// TestAppealsFreezeAndAreDecided: the buyer appeals at any open node and the flow
// freezes; the merchant only after the wait or the rejections; a reviewer resumes it at
// a node of its path, completes it, or unsubscribes it with a refund that closes it;
// an appeal is decided once, and a completed supervision is not appealed.
func TestAppealsFreezeAndAreDecided(t *testing.T) {
	s := newShop(t)
	st := s.env.Store
	ba, ma := s.act, models.Actor{UserID: s.merchant.ID}
	reviewer := models.Actor{Email: "reviewer@example.com"}
	o := s.supervisedOrder(t, models.ScenarioGeneral)
	if _, err := st.AppealSupervision(s.ctx, ma, models.SupMerchant, s.mid, o.OrderNo, "用户迟迟不提交需求", nil); !errors.Is(err, models.ErrAppealNotYet) {
		t.Fatalf("the merchant appealed at once: %v", err)
	}
	if _, err := st.AppealSupervision(s.ctx, ba, models.SupBuyer, s.buyer.ID, o.OrderNo, " ", nil); err == nil {
		t.Fatal("an appeal without a reason")
	}
	ap, err := st.AppealSupervision(s.ctx, ba, models.SupBuyer, s.buyer.ID, o.OrderNo, "商家不响应", evidence(models.FileSupAppeal, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.MoveSupervision(s.ctx, ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{OrderNo: o.OrderNo, Action: models.ActSubmitRequirement,
		Comment: "需求"}); !errors.Is(err, models.ErrSupervisionFrozen) {
		t.Fatalf("moved while frozen: %v", err)
	}
	if _, err := st.AppealSupervision(s.ctx, ba, models.SupBuyer, s.buyer.ID, o.OrderNo, "再次申诉", nil); !errors.Is(err, models.ErrSupervisionFrozen) {
		t.Fatalf("appealed twice: %v", err)
	}
	if _, err := st.DecideAppeal(s.ctx, reviewer, models.AppealDecision{AppealID: ap.ID, Decision: models.AppealResume, ResumeNode: models.NodeReview,
		Comment: "恢复"}); !errors.Is(err, models.ErrResumeNode) {
		t.Fatalf("resumed at a node a general order does not have: %v", err)
	}
	if _, err := st.DecideAppeal(s.ctx, reviewer, models.AppealDecision{AppealID: ap.ID, Decision: "refund", Comment: "x"}); err == nil {
		t.Fatal("an unknown decision")
	}
	if _, err := st.DecideAppeal(s.ctx, models.Actor{UserID: s.buyer.ID}, models.AppealDecision{AppealID: ap.ID, Decision: models.AppealComplete,
		Comment: "自己裁决"}); !errors.Is(err, models.ErrOwnSubmission) {
		t.Fatalf("a party decided: %v", err)
	}
	if _, err := st.DecideAppeal(s.ctx, reviewer, models.AppealDecision{AppealID: ap.ID, Decision: models.AppealResume, ResumeNode: models.NodeImplement,
		Comment: "需求已线下确认，直接实施"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideAppeal(s.ctx, reviewer, models.AppealDecision{AppealID: ap.ID, Decision: models.AppealComplete, Comment: "再裁决"}); !errors.Is(err, models.ErrAppealDecided) {
		t.Fatalf("decided twice: %v", err)
	}
	sv, _, _ := st.SupervisionOf(s.ctx, models.SupBuyer, s.buyer.ID, o.OrderNo)
	if sv.Node != models.NodeImplement || sv.Frozen {
		t.Fatalf("after resuming %+v", sv)
	}
	if _, err := st.MoveSupervision(s.ctx, ma, models.SupMerchant, s.mid, models.SupervisionStep{OrderNo: o.OrderNo, Action: models.ActDeliver,
		Comment: "远程交付", Mode: models.DeliveryRemote, Uploads: evidence(models.FileSupRemote, 1)}); err != nil {
		t.Fatal(err)
	}
	// The buyer sits on the acceptance: after the appeal period the merchant may appeal.
	s.env.Clock.Advance(4 * 24 * time.Hour)
	if _, err := st.AppealSupervision(s.ctx, ma, models.SupMerchant, s.mid, o.OrderNo, "用户不验收", nil); !errors.Is(err, models.ErrAppealNotYet) {
		t.Fatalf("appealed after 4 days: %v", err)
	}
	s.env.Clock.Advance(25 * time.Hour)
	ap2, err := st.AppealSupervision(s.ctx, ma, models.SupMerchant, s.mid, o.OrderNo, "用户超过5天未验收", nil)
	if err != nil {
		t.Fatalf("appealed after 5 days: %v", err)
	}
	if _, err := st.DecideAppeal(s.ctx, reviewer, models.AppealDecision{AppealID: ap2.ID, Decision: models.AppealComplete, Comment: "交付材料齐全，平台确认完成"}); err != nil {
		t.Fatal(err)
	}
	if s.order(t, o.OrderNo).Order.Status != models.OrderCompleted {
		t.Fatal("the order did not complete with the appeal")
	}
	if _, err := st.AppealSupervision(s.ctx, ba, models.SupBuyer, s.buyer.ID, o.OrderNo, "已完成还申诉", nil); !errors.Is(err, models.ErrAppealClosed) {
		t.Fatalf("appealed a completed order: %v", err)
	}

	// Unsubscription: the refund goes through the payout, which closes the supervision.
	o2 := s.supervisedOrder(t, models.ScenarioGeneral)
	ap3, err := st.AppealSupervision(s.ctx, ba, models.SupBuyer, s.buyer.ID, o2.OrderNo, "商家无法交付", nil)
	if err != nil {
		t.Fatal(err)
	}
	ap3, err = st.DecideAppeal(s.ctx, reviewer, models.AppealDecision{AppealID: ap3.ID, Decision: models.AppealUnsubscribe, Comment: "商家确认无法交付，退订退款"})
	if err != nil || ap3.RefundID == nil {
		t.Fatalf("unsubscribed %+v %v", ap3, err)
	}
	if err := st.PayRefund(s.ctx, *ap3.RefundID); err != nil {
		t.Fatal(err)
	}
	sv2, _, _ := st.SupervisionOf(s.ctx, models.SupBuyer, s.buyer.ID, o2.OrderNo)
	d2 := s.order(t, o2.OrderNo)
	if sv2.Node != models.NodeClosed || sv2.Frozen || d2.Order.RefundedFen != o2.PaidFen {
		t.Fatalf("after the refund: %+v, refunded %d of %d", sv2, d2.Order.RefundedFen, o2.PaidFen)
	}

	// Rejections: after three the merchant may appeal at once.
	o3 := s.supervisedOrder(t, models.ScenarioGeneral)
	mv := func(a models.Actor, actor string, owner uint, step models.SupervisionStep) {
		t.Helper()
		step.OrderNo = o3.OrderNo
		if _, err := st.MoveSupervision(s.ctx, a, actor, owner, step); err != nil {
			t.Fatal(err)
		}
	}
	mv(ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{Action: models.ActSubmitRequirement, Comment: "需求"})
	mv(ma, models.SupMerchant, s.mid, models.SupervisionStep{Action: models.ActConfirm})
	for range 3 {
		mv(ma, models.SupMerchant, s.mid, models.SupervisionStep{Action: models.ActDeliver, Comment: "交付", Mode: models.DeliveryRemote, Uploads: evidence(models.FileSupRemote, 1)})
		mv(ba, models.SupBuyer, s.buyer.ID, models.SupervisionStep{Action: models.ActReject, Comment: "不满意"})
	}
	if _, err := st.AppealSupervision(s.ctx, ma, models.SupMerchant, s.mid, o3.OrderNo, "已被驳回三次", nil); err != nil {
		t.Fatalf("appealed after three rejections: %v", err)
	}
	other := activeMerchant(t, s.env, "m3@example.com")
	if _, err := st.AppealSupervision(s.ctx, models.Actor{UserID: other.ID}, models.SupMerchant, *other.MerchantID, o3.OrderNo, "别人的订单", nil); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("another merchant appealed: %v", err)
	}
}

// TestSupervisionTimersRemind: a node waiting past the working days reminds whoever
// must act, once; a frozen one is left alone; a delivery not accepted for the long
// period reminds both sides, once more.
func TestSupervisionTimersRemind(t *testing.T) {
	s := newShop(t)
	st := s.env.Store
	o := s.supervisedOrder(t, models.ScenarioGeneral)
	frozen := s.supervisedOrder(t, models.ScenarioGeneral)
	if _, err := st.AppealSupervision(s.ctx, s.act, models.SupBuyer, s.buyer.ID, frozen.OrderNo, "冻结", nil); err != nil {
		t.Fatal(err)
	}
	notices := func(userID uint) int64 {
		var n int64
		s.env.DB.R.Model(&models.Notification{}).Where("user_id = ? AND kind = ?", userID, "supervision.reminder").Count(&n)
		return n
	}
	if p, err := st.RunSupervisionTimers(s.ctx); err != nil || p.Reminded != 0 {
		t.Fatalf("at once: %+v %v", p, err)
	}
	s.env.Clock.Advance(5 * 24 * time.Hour) // at least two working days, whatever the weekday
	if p, err := st.RunSupervisionTimers(s.ctx); err != nil || p.Reminded != 1 || notices(s.buyer.ID) != 1 {
		t.Fatalf("after the working days: %+v %v, %d notices", p, err, notices(s.buyer.ID))
	}
	if p, err := st.RunSupervisionTimers(s.ctx); err != nil || p.Reminded != 0 {
		t.Fatalf("reminded twice: %+v %v", p, err)
	}
	if ov, err := st.SupervisionOverdueOf(s.ctx, models.SupMerchant, s.mid); err != nil || ov.Overdue != 0 {
		t.Fatalf("the merchant is not late on the buyer's step: %+v %v", ov, err)
	}
	for _, step := range []struct {
		a      models.Actor
		actor  string
		owner  uint
		action string
	}{{s.act, models.SupBuyer, s.buyer.ID, models.ActSubmitRequirement}, {models.Actor{UserID: s.merchant.ID}, models.SupMerchant, s.mid, models.ActConfirm}} {
		if _, err := st.MoveSupervision(s.ctx, step.a, step.actor, step.owner, models.SupervisionStep{OrderNo: o.OrderNo, Action: step.action, Comment: "好"}); err != nil {
			t.Fatal(err)
		}
	}
	s.env.Clock.Advance(5 * 24 * time.Hour)
	if ov, err := st.SupervisionOverdueOf(s.ctx, models.SupMerchant, s.mid); err != nil || ov.Overdue != 1 {
		t.Fatalf("the merchant's implementation is overdue: %+v %v", ov, err)
	}
	todos, err := st.MerchantTodos(s.ctx, s.mid, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, td := range todos {
		if (td.Kind == models.TodoSupervision || td.Kind == models.TodoSupervisionLate) && td.Count != 1 {
			t.Fatalf("to-do %s: %d (the frozen order is not the merchant's work)", td.Kind, td.Count)
		}
	}
	if ov, err := st.SupervisionOverdueOf(s.ctx, models.SupReviewer, 0); err != nil || ov.Appeals != 1 {
		t.Fatalf("reviewers see the open appeal: %+v %v", ov, err)
	}
	if p, err := st.RunSupervisionTimers(s.ctx); err != nil || p.Reminded != 1 || notices(s.merchant.ID) != 1 {
		t.Fatalf("the merchant reminded: %+v %v, %d", p, err, notices(s.merchant.ID))
	}
	if _, err := st.MoveSupervision(s.ctx, models.Actor{UserID: s.merchant.ID}, models.SupMerchant, s.mid, models.SupervisionStep{OrderNo: o.OrderNo,
		Action: models.ActDeliver, Comment: "交付", Mode: models.DeliveryRemote, Uploads: evidence(models.FileSupRemote, 1)}); err != nil {
		t.Fatal(err)
	}
	s.env.Clock.Advance(181 * 24 * time.Hour)
	p, err := st.RunSupervisionTimers(s.ctx)
	if err != nil || p.Reminded != 1 || p.LongReminded != 1 {
		t.Fatalf("after 181 days: %+v %v", p, err)
	}
	if p, err := st.RunSupervisionTimers(s.ctx); err != nil || p.Reminded+p.LongReminded != 0 {
		t.Fatalf("long reminder twice: %+v %v", p, err)
	}
}
