package pages

import (
	"context"
	"slices"
	"time"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// SupervisionTab is one tab of a supervision list.
type SupervisionTab struct {
	Value  string
	Label  string // message key
	Count  int64
	Active bool
	URL    string
}

// ServiceSupListVM is a side's list of supervised orders, or the reviewers' queues.
type ServiceSupListVM struct {
	Side    string
	Tab     string
	Q       string
	Rows    []models.SupervisionRow
	Appeals []models.AppealRow // the reviewers' appeals tab
	Tabs    []SupervisionTab
	Pager   view.Pager
	Errors  view.Errors
}

// ServiceSupVM is one supervised order as its buyer, its merchant or a reviewer sees it,
// with the values of a form that came back with errors.
type ServiceSupVM struct {
	Side       string
	Sup        models.Supervision
	Order      models.Order
	Events     []models.SupervisionEvent
	Files      map[uint][]models.File // by history step
	Signatures map[string]models.SupervisionSignature
	Signers    map[uint]string // user id → email, for reviewers
	Appeals    []models.SupervisionAppeal
	Policy     models.EvidencePolicy
	Template   bool // the product has a requirement template
	MayAppeal  bool
	AppealWhy  string // message key: why the merchant may not appeal yet
	Resumable  []string
	Due        *time.Time // when whoever must act is reminded
	Errors     view.Errors
	Form       ServiceSupForm
	// StaleKey explains why a step was refused because the order moved on since its
	// form was shown.
	StaleKey string
}

// ServiceSupForm is what a step's form sent back.
type ServiceSupForm struct {
	Requirements    string `form:"requirements"`
	ReturnReason    string `form:"return_reason"`
	Description     string `form:"description"`
	Mode            string `form:"mode"`
	RejectReason    string `form:"reject_reason"`
	ApproveComment  string `form:"approve_comment"`
	SendBackReason  string `form:"send_back_reason"`
	AppealReason    string `form:"appeal_reason"`
	Decision        string `form:"decision"`
	ResumeNode      string `form:"resume_node"`
	DecisionComment string `form:"decision_comment"`
	Sign            string `form:"sign"`
	Version         int    `form:"version"`
}

// Signed tells whether the form's signature box was ticked.
func (f ServiceSupForm) Signed() bool { return f.Sign == "1" }

// WaitsOn is the side the current node waits for, or "" (frozen, completed, closed).
func (vm ServiceSupVM) WaitsOn() string {
	if vm.Sup.Frozen {
		return ""
	}
	return models.SupervisionWaitsOn(vm.Sup.Node)
}

// MyTurn tells whether the side looking at the page must act now.
func (vm ServiceSupVM) MyTurn() bool {
	switch vm.WaitsOn() {
	case models.SupBuyer:
		return vm.Side == SideBuyer
	case models.SupMerchant:
		return vm.Side == SideMerchant
	case models.SupReviewer:
		return vm.Side == SideReviewer
	}
	return false
}

// Open tells whether the supervision is still running.
func (vm ServiceSupVM) Open() bool {
	return vm.Sup.Node != models.NodeCompleted && vm.Sup.Node != models.NodeClosed
}

// OpenAppeal is the appeal waiting for a reviewer, if any.
func (vm ServiceSupVM) OpenAppeal() *models.SupervisionAppeal {
	for i := range vm.Appeals {
		if vm.Appeals[i].Status == models.AppealOpen {
			return &vm.Appeals[i]
		}
	}
	return nil
}

// Path is the node graph of the order's scenario (hardware skips the requirement steps),
// with each node's state: done, current or ahead.
func (vm ServiceSupVM) Path() []SupervisionStepView {
	path := models.SupervisionPath(vm.Sup.Scenario)
	if vm.Order.ProductType == models.ProductHardware {
		path = slices.DeleteFunc(slices.Clone(path), func(n string) bool { return n == models.NodeRequirement || n == models.NodeConfirm })
	}
	cur := slices.Index(path, vm.Sup.Node)
	out := make([]SupervisionStepView, 0, len(path)+1)
	for i, n := range path {
		st := "ahead"
		switch {
		case vm.Sup.Node == models.NodeCompleted || (cur >= 0 && i < cur):
			st = "done"
		case i == cur:
			st = "current"
		}
		out = append(out, SupervisionStepView{Node: n, State: st})
	}
	if vm.Sup.Node == models.NodeClosed {
		out = append(out, SupervisionStepView{Node: models.NodeClosed, State: "current"})
	}
	return out
}

// SupervisionStepView is one node of the graph.
type SupervisionStepView struct {
	Node  string
	State string // done, current, ahead
}

// FileURL is a history file's address on the side looking at it.
func (vm ServiceSupVM) FileURL(id uint) string {
	switch vm.Side {
	case SideBuyer:
		return web.BuyerSupervisionFile(vm.Sup.OrderNo, id)
	case SideMerchant:
		return web.SellerSupervisionFile(vm.Sup.OrderNo, id)
	}
	return web.AdminSupervisionFile(vm.Sup.OrderNo, id)
}

// TemplateURL is the requirement template's address on the side looking at it.
func (vm ServiceSupVM) TemplateURL() string {
	switch vm.Side {
	case SideBuyer:
		return web.BuyerSupervisionTemplate(vm.Sup.OrderNo)
	case SideMerchant:
		return web.SellerSupervisionTemplate(vm.Sup.OrderNo)
	}
	return web.AdminSupervisionTemplate(vm.Sup.OrderNo)
}

// StepURL is where the side posts a step.
func (vm ServiceSupVM) StepURL(step string) string {
	switch vm.Side {
	case SideBuyer:
		return web.BuyerSupervisionStep(vm.Sup.OrderNo, step)
	case SideMerchant:
		return web.SellerSupervisionStep(vm.Sup.OrderNo, step)
	}
	return web.AdminSupervisionStep(vm.Sup.OrderNo, step)
}

// eventFiles are a history step's files as links.
func (vm ServiceSupVM) eventFiles(id uint) []components.FileLink {
	var out []components.FileLink
	for _, f := range vm.Files[id] {
		out = append(out, components.FileLink{URL: vm.FileURL(f.ID), Name: f.Filename, IsImage: f.IsImage(), Purpose: "supervision.file." + f.Purpose})
	}
	return out
}

// supActorKey is the label of who made a step.
func supActorKey(actor string) string {
	if actor == "" {
		return "supervision.actor.platform"
	}
	return "supervision.actor." + actor
}

// SupervisionURL is a supervised order's page on a side.
func SupervisionURL(side, orderNo string) string {
	switch side {
	case SideBuyer:
		return web.BuyerSupervision(orderNo)
	case SideMerchant:
		return web.SellerSupervision(orderNo)
	}
	return web.AdminSupervision(orderNo)
}

// SupervisionListURL is a side's list.
func SupervisionListURL(side string) string {
	switch side {
	case SideBuyer:
		return web.BuyerSupervisions()
	case SideMerchant:
		return web.SellerSupervisions()
	}
	return web.AdminSupervisions()
}

// nodeBadge is a node's badge colour.
func nodeBadge(node string, frozen bool) components.BadgeProps {
	tone := "blue"
	switch {
	case frozen:
		tone = "red"
	case node == models.NodeCompleted:
		tone = "green"
	case node == models.NodeClosed:
		tone = "gray"
	case node == models.NodeReview:
		tone = "yellow"
	}
	return components.BadgeProps{Label: "supervision.node." + node, Tone: tone, TestID: "supervision-node"}
}

// policyText says what the order's deliveries must carry.
func policyText(ctx context.Context, p models.EvidencePolicy) []string {
	out := []string{i18n.T(ctx, "supervision.policy.onsite", "N", p.MinScreenshots)}
	if p.OnsiteSignatures {
		out = append(out, i18n.T(ctx, "supervision.policy.signatures"))
	}
	return append(out, i18n.T(ctx, "supervision.policy.remote"))
}

// signerText is who signed for a party, and when.
func signerText(ctx context.Context, vm ServiceSupVM, party string) string {
	s, ok := vm.Signatures[party]
	if !ok {
		return i18n.T(ctx, "supervision.sign.pending")
	}
	who := i18n.T(ctx, "supervision.sign.signed")
	if e := vm.Signers[s.UserID]; e != "" && vm.Side == SideReviewer {
		who += " · " + e
	}
	return who + " · " + i18n.DateTime(ctx, s.SignedAt)
}

// resumeOptions are the nodes a reviewer may resume at.
func resumeOptions(vm ServiceSupVM) []view.Option {
	out := make([]view.Option, 0, len(vm.Resumable))
	for _, n := range vm.Resumable {
		out = append(out, view.Option{Value: n, Label: "supervision.node." + n})
	}
	return out
}

var (
	deliveryModeOptions = []view.Option{{Value: models.DeliveryOnsite, Label: "supervision.mode.onsite"}, {Value: models.DeliveryRemote, Label: "supervision.mode.remote"}}
	appealDecisionOpts  = []view.Option{{Value: models.AppealResume, Label: "supervision.decision.resume"},
		{Value: models.AppealComplete, Label: "supervision.decision.complete"}, {Value: models.AppealUnsubscribe, Label: "supervision.decision.unsubscribe"}}
)
