package models

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Service supervision (服务监管, domain.md §6.3): how a supervised order is delivered and
// accepted. The scenario is fixed at order time; the order moves through nodes, each
// move made by one actor with one action, as the table below allows and nothing else.

// Supervision scenarios.
const (
	ScenarioGeneral = "general" // 通用/自服务: the merchant's delivery goes straight to the buyer
	ScenarioEmpower = "empower" // 联营-赋能云: the platform reviews the delivery first (华为云复核)
	ScenarioBase    = "base"    // 联营-基地云: likewise, with on-site acceptance signed by three parties
)

// SupervisionScenarios lists them in display order.
var SupervisionScenarios = []string{ScenarioGeneral, ScenarioEmpower, ScenarioBase}

// Supervision nodes.
const (
	NodeRequirement = "REQUIREMENT" // 待用户提交需求: the buyer submits requirements
	NodeConfirm     = "CONFIRM"     // 待商家确认: the merchant confirms or returns them
	NodeImplement   = "IMPLEMENT"   // 商家实施服务: the merchant implements and delivers
	NodeReview      = "REVIEW"      // 华为云复核: a reviewer checks the delivery (赋能云, 基地云)
	NodeAcceptance  = "ACCEPTANCE"  // 待用户验收: the buyer accepts or rejects
	NodeCompleted   = "COMPLETED"   // 已完成
	NodeClosed      = "CLOSED"      // unsubscribed by an appeal decision
)

// SupervisionNodes lists the nodes in the order a delivery goes through them.
var SupervisionNodes = []string{NodeRequirement, NodeConfirm, NodeImplement, NodeReview, NodeAcceptance, NodeCompleted, NodeClosed}

// Who acts on a supervised order.
const (
	SupBuyer    = "buyer"
	SupMerchant = "merchant"
	SupReviewer = "reviewer"
)

// SupervisionActors lists them.
var SupervisionActors = []string{SupBuyer, SupMerchant, SupReviewer}

// Supervision actions.
const (
	ActSubmitRequirement = "submit_requirement" // the buyer submits the requirements
	ActConfirm           = "confirm"            // the merchant confirms them
	ActReturn            = "return"             // the merchant returns them with a reason
	ActDeliver           = "deliver"            // the merchant submits the delivery with evidence
	ActApprove           = "approve"            // the reviewer approves the delivery (华为云复核)
	ActSendBack          = "send_back"          // the reviewer sends it back to implementation
	ActAccept            = "accept"             // the buyer accepts (确认验收)
	ActReject            = "reject"             // the buyer rejects (驳回): reject count + 1
)

// SupervisionActions lists the moving actions.
var SupervisionActions = []string{ActSubmitRequirement, ActConfirm, ActReturn, ActDeliver, ActApprove, ActSendBack, ActAccept, ActReject}

// SupMove is one allowed move: at a node, an actor's action leads to another node, in
// the scenarios listed (all when none are).
type SupMove struct {
	Node, Actor, Action, To string
	Scenarios               []string
	NeedsReason             bool // a comment is required (returns, send-backs, rejections)
}

// supervisionMoves is the supervision workflow as data: every move not listed is illegal.
var supervisionMoves = []SupMove{
	{Node: NodeRequirement, Actor: SupBuyer, Action: ActSubmitRequirement, To: NodeConfirm},
	{Node: NodeConfirm, Actor: SupMerchant, Action: ActConfirm, To: NodeImplement},
	{Node: NodeConfirm, Actor: SupMerchant, Action: ActReturn, To: NodeRequirement, NeedsReason: true},
	{Node: NodeImplement, Actor: SupMerchant, Action: ActDeliver, To: NodeAcceptance, Scenarios: []string{ScenarioGeneral}},
	{Node: NodeImplement, Actor: SupMerchant, Action: ActDeliver, To: NodeReview, Scenarios: []string{ScenarioEmpower, ScenarioBase}},
	{Node: NodeReview, Actor: SupReviewer, Action: ActApprove, To: NodeAcceptance, Scenarios: []string{ScenarioEmpower, ScenarioBase}},
	{Node: NodeReview, Actor: SupReviewer, Action: ActSendBack, To: NodeImplement, NeedsReason: true, Scenarios: []string{ScenarioEmpower, ScenarioBase}},
	{Node: NodeAcceptance, Actor: SupBuyer, Action: ActAccept, To: NodeCompleted},
	{Node: NodeAcceptance, Actor: SupBuyer, Action: ActReject, To: NodeImplement, NeedsReason: true},
}

// SupervisionMove finds the move an actor's action makes at a node in a scenario; ok
// false when the workflow does not allow it.
func SupervisionMove(scenario, node, actor, action string) (SupMove, bool) {
	for _, m := range supervisionMoves {
		if m.Node == node && m.Actor == actor && m.Action == action && (len(m.Scenarios) == 0 || slices.Contains(m.Scenarios, scenario)) {
			return m, true
		}
	}
	return SupMove{}, false
}

// SupervisionWaitsOn tells whose turn a node is.
func SupervisionWaitsOn(node string) string {
	switch node {
	case NodeRequirement, NodeAcceptance:
		return SupBuyer
	case NodeConfirm, NodeImplement:
		return SupMerchant
	case NodeReview:
		return SupReviewer
	}
	return ""
}

// SupervisionPath is the nodes an order of a scenario goes through, for its node graph.
func SupervisionPath(scenario string) []string {
	if scenario == ScenarioGeneral {
		return []string{NodeRequirement, NodeConfirm, NodeImplement, NodeAcceptance, NodeCompleted}
	}
	return []string{NodeRequirement, NodeConfirm, NodeImplement, NodeReview, NodeAcceptance, NodeCompleted}
}

// Supervision is a supervised order's delivery: its scenario, the node it is at and
// since when, whether an appeal froze it, and how often the buyer rejected the delivery.
type Supervision struct {
	ID          uint      `gorm:"primaryKey"`
	OrderID     uint      `gorm:"not null;uniqueIndex"`
	OrderNo     string    `gorm:"size:20;not null"`
	MerchantID  uint      `gorm:"not null;index:idx_supervisions_merchant,priority:1"`
	BuyerID     uint      `gorm:"not null;index:idx_supervisions_buyer,priority:1"`
	ProductID   uint      `gorm:"not null"`
	Scenario    string    `gorm:"size:10;not null"`
	Node        string    `gorm:"size:12;not null;index:idx_supervisions_merchant,priority:2;index:idx_supervisions_node_since,priority:1;index:idx_supervisions_timer,priority:1;index:idx_supervisions_long,priority:1"`
	NodeSince   time.Time `gorm:"not null;index:idx_supervisions_node_since,priority:2;index:idx_supervisions_timer,priority:3;index:idx_supervisions_long,priority:3;index:idx_supervisions_merchant,priority:3"`
	Frozen      bool      `gorm:"not null;default:false"` // an appeal waits for a reviewer
	RejectCount int       `gorm:"not null;default:0"`
	// NeedsSignatures: the current delivery was made on site where the scenario wants
	// the acceptance report signed by the merchant, the platform and the buyer.
	NeedsSignatures bool `gorm:"not null;default:false"`
	// DeliveryEventID is the history step of the latest delivery.
	DeliveryEventID *uint
	// RemindedAt is when whoever must act was reminded at this node; LongRemindedAt when
	// a delivery not accepted for the long period was.
	RemindedAt     *time.Time `gorm:"index:idx_supervisions_timer,priority:2"`
	LongRemindedAt *time.Time `gorm:"index:idx_supervisions_long,priority:2"`
	Version        int        `gorm:"not null;default:1"`
	CreatedAt      time.Time  `gorm:"not null;index:idx_supervisions_buyer,priority:2"`
	UpdatedAt      time.Time  `gorm:"not null"`
}

// SupervisionEvent is one step of a supervision's history: who did what, when, with
// what comment, from which node to which.
type SupervisionEvent struct {
	ID            uint      `gorm:"primaryKey"`
	SupervisionID uint      `gorm:"not null;index"`
	Actor         string    `gorm:"size:10;not null"` // SupBuyer, SupMerchant, SupReviewer, or "" for the platform
	UserID        uint      `gorm:"not null;default:0"`
	Action        string    `gorm:"size:20;not null"`
	FromNode      string    `gorm:"size:12;not null;default:''"`
	ToNode        string    `gorm:"size:12;not null;default:''"`
	Comment       string    `gorm:"type:text;not null;default:''"`
	Mode          string    `gorm:"size:10;not null;default:''"` // deliveries: on site or remote
	CreatedAt     time.Time `gorm:"not null"`
}

// MaxSupervisionComment is the longest comment or reason, in characters.
const MaxSupervisionComment = 1000

// Errors of the supervision workflow.
var (
	// ErrSupervisionReason: the move needs a reason.
	ErrSupervisionReason = &FieldError{Field: "comment", Key: "supervision.error.reason"}
	// ErrSupervisionComment: the comment is too long or has control characters.
	ErrSupervisionComment = &FieldError{Field: "comment", Key: "supervision.error.comment", Args: []any{"N", MaxSupervisionComment}}
	// ErrSupervisionFrozen: an appeal froze the supervision until a reviewer decides.
	ErrSupervisionFrozen = &RuleError{Key: "supervision.error.frozen"}
)

// startSupervision opens the supervision of a supervised order just paid: at the
// buyer's requirements, or, for hardware (no requirement step), at the merchant's
// implementation.
func (s *Store) startSupervision(o *Order, scenario string) error {
	now := s.clock.Now()
	node := NodeRequirement
	if o.ProductType == ProductHardware {
		node = NodeImplement
	}
	if !slices.Contains(SupervisionScenarios, scenario) {
		scenario = ScenarioGeneral
	}
	sv := Supervision{OrderID: o.ID, OrderNo: o.OrderNo, MerchantID: o.MerchantID, BuyerID: o.BuyerID, ProductID: o.ProductID,
		Scenario: scenario, Node: node, NodeSince: now, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.w.Create(&sv).Error; err != nil {
		return err
	}
	return s.w.Create(&SupervisionEvent{SupervisionID: sv.ID, Action: "start", ToNode: node, CreatedAt: now}).Error
}

// supervisionScenario is the scenario a product's orders are supervised in: the one its
// content names, else 联营 products under the platform's review (赋能云) and the others
// by the merchant's own rules.
func (s *Store) supervisionScenario(productID uint) string {
	var p Product
	if err := first(s.w.Where("id = ?", productID), &p); err != nil {
		return ScenarioGeneral
	}
	c, err := p.LiveContent()
	switch {
	case err != nil:
		return ScenarioGeneral
	case slices.Contains(SupervisionScenarios, c.SupervisionScenario):
		return c.SupervisionScenario
	case c.BusinessModel == BusinessJoint:
		return ScenarioEmpower
	}
	return ScenarioGeneral
}

// SupervisionStep is what one actor submits on a supervised order: the action, its
// comment (the requirements, the delivery's description, a reason), and for a delivery
// how it was made and its evidence; Sign is the actor's signature of the acceptance
// report where the delivery needs one.
type SupervisionStep struct {
	OrderNo string
	Action  string
	Comment string
	Mode    string // deliveries: DeliveryOnsite or DeliveryRemote
	Uploads Uploads
	Sign    bool
	Version int // the version the form was shown with; 0 skips the check
}

// MoveSupervision is one actor's step on a supervised order: owner is the buyer's or
// the merchant's id, who may act only on their own orders (a reviewer's steps go through
// the review workflow, ReviewSupervision). The step is checked against the workflow
// (ErrIllegalTransition otherwise) and the scenario's evidence policy, recorded in the
// history with its files and signatures, audited and notified in one transaction; the
// buyer's acceptance completes the order.
func (s *Store) MoveSupervision(ctx context.Context, a Actor, actor string, owner uint, st SupervisionStep) (Supervision, error) {
	comment, err := checkSupervisionComment(st.Comment)
	if err != nil {
		return Supervision{}, err
	}
	if actor == SupReviewer {
		return s.ReviewSupervision(ctx, a, st.OrderNo, Decision{Approve: st.Action == ActApprove, Comment: comment}, st.Action)
	}
	var sv Supervision
	err = s.Tx(ctx, func(tx *Store) error {
		var err error
		if sv, err = tx.lockSupervision(actor, owner, st.OrderNo); err != nil {
			return err
		}
		if st.Version != 0 && st.Version != sv.Version {
			return ErrConflict
		}
		m, ok := SupervisionMove(sv.Scenario, sv.Node, actor, st.Action)
		if !ok {
			return ErrIllegalTransition
		}
		if sv.Frozen {
			return ErrSupervisionFrozen
		}
		if m.NeedsReason && comment == "" {
			return ErrSupervisionReason
		}
		if err := tx.checkStep(ctx, sv, st, comment); err != nil {
			return err
		}
		from := sv.Node
		ev, err := tx.moveNode(a, &sv, actor, st.Action, m.To, comment, st.Mode)
		if err != nil {
			return err
		}
		if err := tx.recordStepFiles(a, sv, ev, actor, st.Uploads); err != nil {
			return err
		}
		if err := tx.recordSignatures(a, &sv, ev, actor, st); err != nil {
			return err
		}
		mid := sv.MerchantID
		if err := tx.audit(a, "supervision."+st.Action, "supervision", sv.ID, &mid, map[string]any{"node": from},
			map[string]any{"node": m.To, "order_no": sv.OrderNo}, comment, ""); err != nil {
			return err
		}
		if m.To == NodeCompleted {
			if err := tx.completeSupervisedOrder(a, sv); err != nil {
				return err
			}
		}
		return tx.notifySupervision(sv, from)
	})
	return sv, err
}

// checkSupervisionComment trims a comment and checks its length and characters.
func checkSupervisionComment(c string) (string, error) {
	c = strings.TrimSpace(c)
	if !utf8.ValidString(c) || utf8.RuneCountInString(c) > MaxSupervisionComment || hasControl(strings.NewReplacer("\n", "", "\r", "", "\t", "").Replace(c)) {
		return "", ErrSupervisionComment
	}
	return c, nil
}

// lockSupervision reads and locks a supervision for its buyer, its merchant or a
// reviewer (owner ignored).
func (s *Store) lockSupervision(actor string, owner uint, orderNo string) (Supervision, error) {
	var sv Supervision
	q, err := scopeSupervisions(s.w.Where("order_no = ?", orderNo), actor, owner, "")
	if err != nil {
		return sv, err
	}
	return sv, first(s.forUpdate(q), &sv)
}

// scopeSupervisions narrows q to the supervisions actor may see: a buyer's or a
// merchant's own (owner is their id; col prefixes the columns, "" or "s."), every one
// for a reviewer; ErrNotFound for anyone else.
func scopeSupervisions(q *gorm.DB, actor string, owner uint, col string) (*gorm.DB, error) {
	switch actor {
	case SupBuyer:
		return q.Where(col+"buyer_id = ?", owner), nil
	case SupMerchant:
		return q.Where(col+"merchant_id = ?", owner), nil
	case SupReviewer:
		return q, nil
	}
	return nil, ErrNotFound
}

// moveNode puts the supervision at node to, saved against its version, with the step in
// its history.
func (s *Store) moveNode(a Actor, sv *Supervision, actor, action, to, comment, mode string) (SupervisionEvent, error) {
	now := s.clock.Now()
	from := sv.Node
	fields := map[string]any{"node": to, "node_since": now, "reminded_at": nil, "long_reminded_at": nil}
	if action == ActReject {
		fields["reject_count"] = sv.RejectCount + 1
	}
	if err := s.saveVersioned(&Supervision{}, sv.ID, sv.Version, fields); err != nil {
		return SupervisionEvent{}, err
	}
	sv.Node, sv.NodeSince, sv.Version, sv.RemindedAt, sv.LongRemindedAt = to, now, sv.Version+1, nil, nil
	if action == ActReject {
		sv.RejectCount++
	}
	ev := SupervisionEvent{SupervisionID: sv.ID, Actor: actor, UserID: a.UserID, Action: action, FromNode: from,
		ToNode: to, Comment: comment, Mode: mode, CreatedAt: now}
	return ev, s.w.Create(&ev).Error
}

// completeSupervisedOrder completes the order of a supervision just completed.
func (s *Store) completeSupervisedOrder(a Actor, sv Supervision) error {
	var o Order
	if err := first(s.forUpdate(s.w.Where("id = ?", sv.OrderID)), &o); err != nil {
		return err
	}
	if o.Status != OrderProcessing {
		return nil
	}
	return s.moveOrder(a, &o, OrderCompleted, "order.event.supervision_completed", map[string]any{"completed_at": s.clock.Now()})
}

// notifySupervision tells whoever must act next (or both sides, once completed).
func (s *Store) notifySupervision(sv Supervision, from string) error {
	args := map[string]any{"OrderNo": sv.OrderNo, "NodeKey": "supervision.node." + sv.Node}
	buyer := Notice{UserID: sv.BuyerID, Kind: "supervision.moved", TitleKey: "notify.supervision.title", BodyKey: "notify.supervision.body",
		Args: args, To: Target{Kind: TargetBuyerSupervision, Ref: sv.OrderNo}}
	merchant := Notice{Kind: "supervision.moved", TitleKey: "notify.supervision.title", BodyKey: "notify.supervision.body",
		Args: args, To: Target{Kind: TargetSellerSupervision, Ref: sv.OrderNo}}
	switch SupervisionWaitsOn(sv.Node) {
	case SupBuyer:
		return s.notify(buyer)
	case SupMerchant:
		return s.notifyMerchantOf(sv.MerchantID, merchant)
	}
	if sv.Node == NodeCompleted {
		if err := s.notify(buyer); err != nil {
			return err
		}
		return s.notifyMerchantOf(sv.MerchantID, merchant)
	}
	return nil
}

// closeSupervision ends the open supervision of an order whose service ended (refunded,
// unsubscribed): it is CLOSED, with the step in its history.
func (s *Store) closeSupervision(orderID uint) error {
	var sv Supervision
	switch err := first(s.forUpdate(s.w.Where("order_id = ?", orderID)), &sv); {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if sv.Node == NodeCompleted || sv.Node == NodeClosed {
		return nil
	}
	now := s.clock.Now()
	if err := s.saveVersioned(&Supervision{}, sv.ID, sv.Version, map[string]any{"node": NodeClosed, "node_since": now, "frozen": false}); err != nil {
		return err
	}
	return s.w.Create(&SupervisionEvent{SupervisionID: sv.ID, Action: "close", FromNode: sv.Node, ToNode: NodeClosed, CreatedAt: now}).Error
}

// SupervisionOf reads a supervised order's supervision with its history (newest last),
// for its buyer (actor SupBuyer), its merchant (SupMerchant) or a reviewer.
func (s *Store) SupervisionOf(ctx context.Context, actor string, owner uint, orderNo string) (Supervision, []SupervisionEvent, error) {
	sv, err := s.supervisionFor(ctx, actor, owner, orderNo)
	if err != nil {
		return sv, nil, err
	}
	var evs []SupervisionEvent
	err = s.r.WithContext(ctx).Where("supervision_id = ?", sv.ID).Order("id").Find(&evs).Error
	return sv, evs, err
}

func migrateSupervision(tx *gorm.DB, _ Dialect) error {
	return tx.AutoMigrate(&Supervision{}, &SupervisionEvent{})
}
