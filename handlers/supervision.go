package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// Service supervision (服务监管) in the three centers: the buyer's and the merchant's
// lists and order pages with their steps, the reviewers' 华为云复核 queue and appeals.

// Upload rules of the supervision's steps.
var (
	supRequirementRule = UploadRule{Field: "requirement_file", Purpose: models.FileSupRequirement, Types: pdfTypes, MaxBytes: docMaxBytes, MaxFiles: 1}
	supScreenshotRule  = UploadRule{Field: "screenshots", Purpose: models.FileSupScreenshot, Types: []string{"image/png", "image/jpeg"}, MaxBytes: 5 << 20, MaxFiles: 20}
	supRecordRule      = UploadRule{Field: "records", Purpose: models.FileSupRemote, Types: []string{"application/pdf", "image/png", "image/jpeg", "text/plain"},
		MaxBytes: docMaxBytes, MaxFiles: 10}
	supReportRule = UploadRule{Field: "report", Purpose: models.FileSupReport, Types: pdfTypes, MaxBytes: docMaxBytes, MaxFiles: 1}
	supAppealRule = UploadRule{Field: "appeal_file", Purpose: models.FileSupAppeal, Types: []string{"application/pdf", "image/png", "image/jpeg"},
		MaxBytes: docMaxBytes, MaxFiles: 1}
)

const supervisionsPerPage = 20

// supSide is who is looking: the store's actor, its owner id and the page's side.
type supSide struct {
	actor string
	owner uint
	side  string
}

func buyerSide(c echo.Context) supSide {
	return supSide{actor: models.SupBuyer, owner: currentUser(c).ID, side: pages.SideBuyer}
}

func merchantSide(c echo.Context) supSide {
	return supSide{actor: models.SupMerchant, owner: currentMerchant(c).ID, side: pages.SideMerchant}
}

func reviewerSide(echo.Context) supSide {
	return supSide{actor: models.SupReviewer, side: pages.SideReviewer}
}

// supListForm is a list's query.
type supListForm struct {
	Tab string `query:"tab"`
	Q   string `query:"q" validate:"max=20"`
}

// BuyerSupervisionList is the buyer's 服务监管 list.
func (a *App) BuyerSupervisionList(c echo.Context) error { return a.supervisionList(c, buyerSide(c)) }

// SellerSupervisionList is the merchant's 服务监管 list.
func (a *App) SellerSupervisionList(c echo.Context) error {
	return a.supervisionList(c, merchantSide(c))
}

// AdminSupervisionList is the reviewers' 华为云复核 queue, the open appeals and every
// supervised order.
func (a *App) AdminSupervisionList(c echo.Context) error {
	return a.supervisionList(c, reviewerSide(c))
}

// supervisionTabs are a side's tabs: the nodes it acts at first.
func supervisionTabs(side string) []string {
	switch side {
	case pages.SideBuyer:
		return []string{"waiting", "overdue", models.NodeRequirement, models.NodeAcceptance, models.NodeImplement, "frozen", models.NodeCompleted, ""}
	case pages.SideMerchant:
		return []string{"waiting", "overdue", models.NodeConfirm, models.NodeImplement, models.NodeReview, models.NodeAcceptance, "frozen",
			models.NodeCompleted, ""}
	}
	return []string{models.NodeReview, "overdue", "appeals", ""}
}

func (a *App) supervisionList(c echo.Context, s supSide) error {
	var f supListForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	tabs := supervisionTabs(s.side)
	if _, sent := c.QueryParams()["tab"]; !sent {
		f.Tab = tabs[0] // what waits on the side first
	}
	if !slices.Contains(tabs, f.Tab) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx, page := c.Request().Context(), pageParam(c)
	counts, err := a.Store.SupervisionCounts(ctx, s.actor, s.owner)
	if err != nil {
		return err
	}
	base := pages.SupervisionListURL(s.side)
	// The tab is always in the pages' links: an empty one ("all") differs from none.
	query := "tab=" + url.QueryEscape(f.Tab)
	if q := filterQuery("q", f.Q); q != "" {
		query += "&" + q
	}
	vm := pages.ServiceSupListVM{Side: s.side, Tab: f.Tab, Q: f.Q, Errors: errs,
		Pager: view.Pager{Page: page, PerPage: supervisionsPerPage, BaseURL: base, Query: query}}
	ov, err := a.Store.SupervisionOverdueOf(ctx, s.actor, s.owner)
	if err != nil {
		return err
	}
	var waiting int64
	for _, n := range models.NodesWaitingOn(s.actor) {
		waiting += counts[n] - counts["frozen:"+n]
	}
	for _, t := range tabs {
		tab := pages.SupervisionTab{Value: t, Label: "supervision.node." + t, Count: counts[t], Active: t == f.Tab,
			URL: base + "?" + filterQuery("tab", t)}
		switch t {
		case "":
			tab.Value, tab.Label = "all", "supervision.tab.all"
			tab.URL = base + "?tab="
		case "frozen":
			tab.Label = "supervision.tab.frozen"
		case "appeals":
			tab.Label, tab.Count = "supervision.tab.appeals", ov.Appeals
		case "waiting":
			tab.Label, tab.Count = "supervision.tab.waiting", waiting
		case "overdue":
			tab.Label, tab.Count = "supervision.tab.overdue", ov.Overdue
		}
		vm.Tabs = append(vm.Tabs, tab)
	}
	status := http.StatusOK
	switch {
	case errs.Any():
		status = http.StatusUnprocessableEntity
	case f.Tab == "appeals":
		vm.Appeals, vm.Pager.Total, err = a.Store.OpenAppeals(ctx, page, supervisionsPerPage)
	default:
		sf := models.SupervisionFilter{Node: f.Tab, Q: f.Q, Page: page, Per: supervisionsPerPage}
		switch f.Tab {
		case "frozen":
			sf.Node, sf.Frozen = "", true
		case "waiting":
			sf.Node, sf.Waiting = "", true
		case "overdue":
			sf.Node, sf.Overdue = "", true
		}
		vm.Rows, vm.Pager.Total, err = a.Store.Supervisions(ctx, s.actor, s.owner, sf)
	}
	if err != nil {
		return err
	}
	return a.render(c, status, pages.SupervisionListPage(a.page(c), vm), nil)
}

// loadSupervision reads the page of a supervised order for a side: ErrNotFound for
// anyone else's.
func (a *App) loadSupervision(c echo.Context, s supSide) (pages.ServiceSupVM, error) {
	ctx, no := c.Request().Context(), c.Param("id")
	sv, evs, err := a.Store.SupervisionOf(ctx, s.actor, s.owner, no)
	if err != nil {
		return pages.ServiceSupVM{}, err
	}
	vm := pages.ServiceSupVM{Side: s.side, Sup: sv, Events: evs, Errors: view.Errors{}}
	if vm.Order, err = a.Store.OrderByID(ctx, sv.OrderID); err != nil {
		return vm, err
	}
	ids := make([]uint, 0, len(evs))
	for _, e := range evs {
		ids = append(ids, e.ID)
	}
	if vm.Files, err = a.Store.FilesForMany(ctx, "supervision_event", ids); err != nil {
		return vm, err
	}
	if sv.DeliveryEventID != nil {
		if vm.Signatures, err = a.Store.SupervisionSignatures(ctx, *sv.DeliveryEventID); err != nil {
			return vm, err
		}
		if s.side == pages.SideReviewer {
			users := make([]uint, 0, len(vm.Signatures))
			for _, sig := range vm.Signatures {
				users = append(users, sig.UserID)
			}
			byID, err := a.Store.UsersByIDs(ctx, users)
			if err != nil {
				return vm, err
			}
			vm.Signers = map[uint]string{}
			for id, u := range byID {
				vm.Signers[id] = u.Email
			}
		}
	}
	if vm.Appeals, err = a.Store.AppealsOf(ctx, sv.ID); err != nil {
		return vm, err
	}
	if vm.Policy, err = a.Store.EvidencePolicyOf(ctx, sv.Scenario); err != nil {
		return vm, err
	}
	if _, err := a.Store.SupervisionTemplate(ctx, s.actor, s.owner, no); err == nil {
		vm.Template = true
	} else if !errors.Is(err, models.ErrNotFound) {
		return vm, err
	}
	rules, err := a.Store.AppealRulesOf(ctx)
	if err != nil {
		return vm, err
	}
	now := a.Clock.Now()
	switch why := rules.MayAppeal(sv, s.actor, now); {
	case why == nil:
		vm.MayAppeal = true
	default:
		var rule interface{ MessageKey() string }
		if errors.As(why, &rule) {
			vm.AppealWhy = rule.MessageKey()
		}
	}
	vm.Resumable = models.ResumableNodes(sv, vm.Order.ProductType)
	cal, err := a.Store.WorkCalendar(ctx)
	if err != nil {
		return vm, err
	}
	days, err := a.Store.SettingInt(ctx, models.SettingSupReminderWorkdays, models.DefaultSupReminderWorkdays)
	if err != nil {
		return vm, err
	}
	due := cal.AddWorkdays(sv.NodeSince, days)
	vm.Due = &due
	return vm, nil
}

// BuyerSupervisionShow is a supervised order's page for its buyer.
func (a *App) BuyerSupervisionShow(c echo.Context) error { return a.supervisionShow(c, buyerSide(c)) }

// SellerSupervisionShow is a supervised order's page for its merchant.
func (a *App) SellerSupervisionShow(c echo.Context) error {
	return a.supervisionShow(c, merchantSide(c))
}

// AdminSupervisionShow is a supervised order's page for reviewers.
func (a *App) AdminSupervisionShow(c echo.Context) error {
	return a.supervisionShow(c, reviewerSide(c))
}

func (a *App) supervisionShow(c echo.Context, s supSide) error {
	vm, err := a.loadSupervision(c, s)
	if err != nil {
		return err
	}
	return a.renderSupervision(c, http.StatusOK, vm)
}

func (a *App) renderSupervision(c echo.Context, status int, vm pages.ServiceSupVM) error {
	p := a.page(c)
	return a.render(c, status, pages.SupervisionPage(p, vm), pages.SupervisionActions(p, vm))
}

// supStep is one step's form: which action, which field carries its comment, and which
// files it takes.
type supStep struct {
	action       string
	commentField string // the form field the store's "comment" is
	rules        []UploadRule
	flash        string
}

var (
	stepRequirement = supStep{models.ActSubmitRequirement, "requirements", []UploadRule{supRequirementRule}, "supervision.flash.requirement"}
	stepConfirm     = supStep{models.ActConfirm, "", nil, "supervision.flash.confirm"}
	stepReturn      = supStep{models.ActReturn, "return_reason", nil, "supervision.flash.return"}
	stepDeliver     = supStep{models.ActDeliver, "description", []UploadRule{supScreenshotRule, supRecordRule, supReportRule}, "supervision.flash.deliver"}
	stepAccept      = supStep{models.ActAccept, "", nil, "supervision.flash.accept"}
	stepReject      = supStep{models.ActReject, "reject_reason", nil, "supervision.flash.reject"}
	stepApprove     = supStep{models.ActApprove, "approve_comment", nil, "supervision.flash.approve"}
	stepSendBack    = supStep{models.ActSendBack, "send_back_reason", nil, "supervision.flash.send_back"}
)

// BuyerSupervisionRequirement submits the buyer's requirements.
func (a *App) BuyerSupervisionRequirement(c echo.Context) error {
	return a.supervisionStep(c, buyerSide(c), stepRequirement)
}

// BuyerSupervisionAccept accepts the delivery (确认验收).
func (a *App) BuyerSupervisionAccept(c echo.Context) error {
	return a.supervisionStep(c, buyerSide(c), stepAccept)
}

// BuyerSupervisionReject rejects the delivery with a reason (驳回).
func (a *App) BuyerSupervisionReject(c echo.Context) error {
	return a.supervisionStep(c, buyerSide(c), stepReject)
}

// SellerSupervisionConfirm confirms the buyer's requirements.
func (a *App) SellerSupervisionConfirm(c echo.Context) error {
	return a.supervisionStep(c, merchantSide(c), stepConfirm)
}

// SellerSupervisionReturn returns the requirements with a reason.
func (a *App) SellerSupervisionReturn(c echo.Context) error {
	return a.supervisionStep(c, merchantSide(c), stepReturn)
}

// SellerSupervisionDeliver submits the delivery with its evidence.
func (a *App) SellerSupervisionDeliver(c echo.Context) error {
	return a.supervisionStep(c, merchantSide(c), stepDeliver)
}

// AdminSupervisionApprove approves a delivery in 华为云复核.
func (a *App) AdminSupervisionApprove(c echo.Context) error {
	return a.supervisionStep(c, reviewerSide(c), stepApprove)
}

// AdminSupervisionSendBack sends a delivery back to implementation with a reason.
func (a *App) AdminSupervisionSendBack(c echo.Context) error {
	return a.supervisionStep(c, reviewerSide(c), stepSendBack)
}

// commentOf is the form's comment for a step.
func commentOf(f pages.ServiceSupForm, field string) string {
	switch field {
	case "requirements":
		return f.Requirements
	case "return_reason":
		return f.ReturnReason
	case "description":
		return f.Description
	case "reject_reason":
		return f.RejectReason
	case "approve_comment":
		return f.ApproveComment
	case "send_back_reason":
		return f.SendBackReason
	}
	return ""
}

// supervisionStep runs one step: the form is checked (with the evidence policy for a
// delivery, naming everything missing at once), the files are written and handed to the
// store, which records them with the step in one transaction, or removed again when the
// step is refused.
func (a *App) supervisionStep(c echo.Context, s supSide, st supStep) error {
	vm, err := a.loadSupervision(c, s)
	if err != nil {
		return err
	}
	var f pages.ServiceSupForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Form = f
	parts, err := a.checkUploads(c, st.rules, vm.Errors)
	if err != nil {
		return err
	}
	comment := commentOf(f, st.commentField)
	if st.action == models.ActDeliver && vm.Order.ProductType != models.ProductHardware && !vm.Errors.Any() {
		n := models.Evidence{}
		for _, r := range st.rules {
			n[r.Purpose] = len(parts[r.Field])
		}
		for _, fe := range vm.Policy.Check(f.Mode, n, f.Signed()) {
			vm.Errors[fe.Field] = view.M(fe.Key, fe.Args...)
		}
		if comment == "" {
			vm.Errors.Set("description", "supervision.error.delivery_text")
		}
	}
	if st.action == models.ActApprove && vm.Sup.NeedsSignatures && !f.Signed() {
		vm.Errors.Set("sign", "supervision.error.sign")
	}
	if vm.Errors.Any() {
		return a.renderSupervision(c, http.StatusUnprocessableEntity, vm)
	}
	ctx := c.Request().Context()
	step := models.SupervisionStep{OrderNo: vm.Sup.OrderNo, Action: st.action, Comment: comment, Mode: f.Mode, Sign: f.Signed(), Version: f.Version}
	err = a.withUploads(c, st.rules, parts, func(ups models.Uploads) error {
		step.Uploads = ups
		_, err := a.Store.MoveSupervision(ctx, actor(c), s.actor, s.owner, step)
		return err
	})
	if err != nil {
		return a.supervisionRefused(c, s, err, st.commentField, vm)
	}
	a.flash(c, "success", st.flash)
	return a.redirect(c, pages.SupervisionURL(s.side, vm.Sup.OrderNo))
}

// supervisionRefused answers a refused step: a field the store found wrong on the form
// (422), a step the order no longer allows on the page as it is now (409).
func (a *App) supervisionRefused(c echo.Context, s supSide, err error, commentField string, vm pages.ServiceSupVM) error {
	if errs, ok := fieldErrorFrom(err); ok {
		for k, v := range errs {
			switch k {
			case "comment":
				k = commentField
			case "reason":
				k = "appeal_reason"
			}
			vm.Errors[k] = v
		}
		return a.renderSupervision(c, http.StatusUnprocessableEntity, vm)
	}
	if !errors.Is(err, models.ErrConflict) && !errors.Is(err, models.ErrIllegalTransition) {
		return err
	}
	now, lerr := a.loadSupervision(c, s)
	if lerr != nil {
		return lerr
	}
	now.StaleKey = "supervision.stale"
	var rule interface{ MessageKey() string }
	if errors.As(err, &rule) {
		now.StaleKey = rule.MessageKey()
	}
	return a.renderSupervision(c, http.StatusConflict, now)
}

// BuyerSupervisionAppeal is the buyer's appeal.
func (a *App) BuyerSupervisionAppeal(c echo.Context) error {
	return a.supervisionAppeal(c, buyerSide(c))
}

// SellerSupervisionAppeal is the merchant's appeal.
func (a *App) SellerSupervisionAppeal(c echo.Context) error {
	return a.supervisionAppeal(c, merchantSide(c))
}

func (a *App) supervisionAppeal(c echo.Context, s supSide) error {
	vm, err := a.loadSupervision(c, s)
	if err != nil {
		return err
	}
	var f pages.ServiceSupForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Form = f
	rules := []UploadRule{supAppealRule}
	parts, err := a.checkUploads(c, rules, vm.Errors)
	if err != nil {
		return err
	}
	if f.AppealReason == "" {
		vm.Errors.Set("appeal_reason", "error.required")
	}
	if vm.Errors.Any() {
		return a.renderSupervision(c, http.StatusUnprocessableEntity, vm)
	}
	ctx := c.Request().Context()
	err = a.withUploads(c, rules, parts, func(ups models.Uploads) error {
		_, err := a.Store.AppealSupervision(ctx, actor(c), s.actor, s.owner, vm.Sup.OrderNo, f.AppealReason, ups)
		return err
	})
	if err != nil {
		return a.supervisionRefused(c, s, err, "appeal_reason", vm)
	}
	a.flash(c, "success", "supervision.flash.appeal")
	return a.redirect(c, pages.SupervisionURL(s.side, vm.Sup.OrderNo))
}

// AdminSupervisionAppealDecide decides an open appeal.
func (a *App) AdminSupervisionAppealDecide(c echo.Context) error {
	s := reviewerSide(c)
	vm, err := a.loadSupervision(c, s)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseUint(c.Param("aid"), 10, 32)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	found := false
	for _, ap := range vm.Appeals {
		found = found || ap.ID == uint(aid)
	}
	if !found {
		return models.ErrNotFound
	}
	var f pages.ServiceSupForm
	if vm.Errors, err = bindForm(c, &f); err != nil {
		return err
	}
	vm.Form = f
	if !slices.Contains(models.AppealDecisions, f.Decision) {
		vm.Errors.Set("decision", "error.choice")
	}
	if f.Decision == models.AppealResume && !slices.Contains(vm.Resumable, f.ResumeNode) {
		vm.Errors.Set("resume_node", "supervision.error.resume_node")
	}
	if f.DecisionComment == "" {
		vm.Errors.Set("decision_comment", "error.required")
	}
	if vm.Errors.Any() {
		return a.renderSupervision(c, http.StatusUnprocessableEntity, vm)
	}
	_, err = a.Store.DecideAppeal(c.Request().Context(), actor(c), models.AppealDecision{AppealID: uint(aid), Decision: f.Decision,
		ResumeNode: f.ResumeNode, Comment: f.DecisionComment})
	if err != nil {
		return a.supervisionRefused(c, s, err, "decision_comment", vm)
	}
	a.flash(c, "success", "supervision.flash.decided")
	return a.redirect(c, web.AdminSupervision(vm.Sup.OrderNo))
}

// BuyerSupervisionFile serves a file of the supervision's history to the buyer.
func (a *App) BuyerSupervisionFile(c echo.Context) error { return a.supervisionFile(c, buyerSide(c)) }

// SellerSupervisionFile serves a file of the supervision's history to the merchant.
func (a *App) SellerSupervisionFile(c echo.Context) error {
	return a.supervisionFile(c, merchantSide(c))
}

// AdminSupervisionFile serves a file of the supervision's history to reviewers.
func (a *App) AdminSupervisionFile(c echo.Context) error {
	return a.supervisionFile(c, reviewerSide(c))
}

func (a *App) supervisionFile(c echo.Context, s supSide) error {
	id, err := strconv.ParseUint(c.Param("fid"), 10, 32)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	f, err := a.Store.SupervisionFile(c.Request().Context(), s.actor, s.owner, c.Param("id"), uint(id))
	if err != nil {
		return err
	}
	return a.streamFile(c, f)
}

// BuyerSupervisionTemplate serves the product's requirement template to the buyer.
func (a *App) BuyerSupervisionTemplate(c echo.Context) error {
	return a.supervisionTemplate(c, buyerSide(c))
}

// SellerSupervisionTemplate serves it to the merchant.
func (a *App) SellerSupervisionTemplate(c echo.Context) error {
	return a.supervisionTemplate(c, merchantSide(c))
}

// AdminSupervisionTemplate serves it to reviewers.
func (a *App) AdminSupervisionTemplate(c echo.Context) error {
	return a.supervisionTemplate(c, reviewerSide(c))
}

func (a *App) supervisionTemplate(c echo.Context, s supSide) error {
	f, err := a.Store.SupervisionTemplate(c.Request().Context(), s.actor, s.owner, c.Param("id"))
	if err != nil {
		return err
	}
	return a.streamFile(c, f)
}
