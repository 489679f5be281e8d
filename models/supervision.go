package models

import "slices"

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
