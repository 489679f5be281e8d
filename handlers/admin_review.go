package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"sellercenter/internal/workdays"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/components"
	"sellercenter/web/i18n"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// reviewQueue describes one reviewer queue: the states its items go through, the SLA
// setting it is measured against, and the reasons a reviewer may reject with.
type reviewQueue struct {
	Queue      models.Queue
	Kind       string // status kind for badges and labels
	TitleKey   string
	Subtitle   string
	KindHeader string // column header of the item's kind; empty hides the column
	KindPrefix string // message key prefix of the kind's codes
	ItemHeader string // column header of the item's own name; empty hides the column
	SearchHint string // what the search box matches; empty for merchant name and email
	ListURL    string
	ItemURL    func(uint) string
	ApproveURL func(uint) string
	RejectURL  func(uint) string
	Pending    string   // the state waiting for a reviewer
	Statuses   []string // every state, for the filter
	SLASetting string
	Reasons    []string // rejection reason keys; the last one is "other"
	// MultiReason: a rejection checks one or more reasons (field "reasons") instead of
	// choosing one (field "reason").
	MultiReason bool
	CommentMax  int // 0 means 1000
}

// commentMax is how long a reviewer's comment may be.
func (q reviewQueue) commentMax() int {
	if q.CommentMax == 0 {
		return 1000
	}
	return q.CommentMax
}

// The reviewer queues. Rejection reasons are full message keys because they are stored
// with the decision and shown to the merchant in their own language.
var (
	realNameQueue = reviewQueue{
		Queue: models.QueueRealName, Kind: pages.KindRealName, TitleKey: "admin.realname.title", Subtitle: "admin.realname.subtitle",
		KindHeader: "admin.realname.method", KindPrefix: "admin.method.",
		ListURL: web.AdminRealNames(), ItemURL: web.AdminRealName, ApproveURL: web.AdminRealNameApprove, RejectURL: web.AdminRealNameReject, Pending: models.RealNameInReview,
		Statuses:   []string{models.RealNameInReview, models.RealNameLocked, models.RealNameAwaitingCheck, models.RealNameVerified, models.RealNameRejected, models.RealNameAbandoned},
		SLASetting: models.SettingRealNameSLA,
		Reasons:    []string{"reason.realname.document_unclear", "reason.realname.info_mismatch", "reason.realname.licence_expired", "reason.realname.other"},
	}
	applicationQueue = reviewQueue{
		Queue: models.QueueApplication, Kind: pages.KindApplication, TitleKey: "admin.application.title", Subtitle: "admin.application.subtitle",
		KindHeader: "admin.application.product_types", KindPrefix: "admin.product_type.",
		ListURL: web.AdminApplications(), ItemURL: web.AdminApplication, ApproveURL: web.AdminApplicationApprove, RejectURL: web.AdminApplicationReject, Pending: models.ApplicationPending,
		Statuses:   []string{models.ApplicationPending, models.ApplicationApproved, models.ApplicationRejected},
		SLASetting: models.SettingApplicationSLA,
		Reasons: []string{"reason.application.info_incomplete", "reason.application.qualification_insufficient",
			"reason.application.licence_invalid", "reason.application.contact_invalid", "reason.application.other"},
	}
	certificationQueue = reviewQueue{
		Queue: models.QueueCertification, Kind: pages.KindCertification, TitleKey: "admin.cert.title", Subtitle: "admin.cert.subtitle",
		ListURL: web.AdminCertifications(), ItemURL: web.AdminCertification, ApproveURL: web.AdminCertificationApprove, RejectURL: web.AdminCertificationReject, Pending: models.CertInReview,
		Statuses: []string{models.CertInReview, models.CertLocked, models.CertAwaitingTransfer, models.CertNotCertified,
			models.CertCertified, models.CertRejected},
		SLASetting: models.SettingCertSLA,
		Reasons: []string{"reason.certification.company_mismatch", "reason.certification.tax_info_invalid",
			"reason.certification.bank_invalid", "reason.certification.other"},
	}
	changeQueue = reviewQueue{
		Queue: models.QueueChange, Kind: pages.KindChange, TitleKey: "admin.change.title", Subtitle: "admin.change.subtitle",
		KindHeader: "admin.change.kind", KindPrefix: "admin.change_kind.",
		ListURL: web.AdminChanges(), ItemURL: web.AdminChange, ApproveURL: web.AdminChangeApprove, RejectURL: web.AdminChangeReject, Pending: models.ChangePending,
		Statuses:   []string{models.ChangePending, models.ChangeApproved, models.ChangeRejected, models.ChangeWithdrawn},
		SLASetting: models.SettingChangeSLA,
		Reasons:    []string{"reason.change.info_invalid", "reason.change.proof_missing", "reason.change.not_allowed", "reason.change.other"},
	}
	assetQueue = reviewQueue{
		Queue: models.QueueAsset, Kind: pages.KindAsset, TitleKey: "admin.asset.title", Subtitle: "admin.asset.subtitle",
		KindHeader: "admin.asset.kind", KindPrefix: "admin.asset_kind.", ItemHeader: "admin.asset.name_version", SearchHint: "asset.queue_search_hint",
		ListURL: web.AdminAssets(), ItemURL: web.AdminAsset, ApproveURL: web.AdminAssetApprove, RejectURL: web.AdminAssetReject, Pending: models.AssetScanning,
		Statuses:   []string{models.AssetScanning, models.AssetApproved, models.AssetRejected, models.AssetDraft},
		SLASetting: models.SettingAssetSLA,
		Reasons: []string{"reason.asset.malware_found", "reason.asset.license_violation", "reason.asset.info_mismatch",
			"reason.asset.domain_content", "reason.asset.other"},
	}
	productAppQueue = reviewQueue{
		Queue: models.QueueProductApp, Kind: pages.KindProductApp, TitleKey: "admin.product_app.title", Subtitle: "admin.product_app.subtitle",
		KindHeader: "product_app.kind", KindPrefix: "product_app.kind.", ItemHeader: "admin.product_app.product", SearchHint: "admin.product_app.search_hint",
		ListURL: web.AdminProductApps(), ItemURL: web.AdminProductApp, ApproveURL: web.AdminProductAppApprove, RejectURL: web.AdminProductAppReject, Pending: models.PAPending,
		Statuses:   []string{models.PAPending, models.PAApproved, models.PARejected, models.PADraft},
		SLASetting: models.SettingProductSLA, MultiReason: true, CommentMax: 2000,
		Reasons: []string{"reason.product.name", "reason.product.description", "reason.product.media", "reason.product.price",
			"reason.product.spec", "reason.product.qualification", "reason.product.asset", "reason.product.support", "reason.product.other"},
	}
	reviewQueues = []reviewQueue{realNameQueue, applicationQueue, certificationQueue, changeQueue, assetQueue, productAppQueue}
)

// suspendReasons are the reasons a merchant may be suspended for.
var suspendReasons = []string{"reason.suspend.fraud", "reason.suspend.complaints", "reason.suspend.violation", "reason.suspend.other"}

// isOther tells whether a reason needs a comment to explain it.
func isOther(reason string) bool { return strings.HasSuffix(reason, ".other") }

// reasonOptions lists reasons for a select.
func reasonOptions(reasons []string) []view.Option {
	out := make([]view.Option, len(reasons))
	for i, r := range reasons {
		out[i] = view.Option{Value: r, Label: r}
	}
	return out
}

// calendar is the working-day calendar every SLA in the console is measured with.
func (a *App) calendar(ctx context.Context) (*workdays.Calendar, error) {
	holidays, worked, err := a.Store.HolidayList(ctx)
	if err != nil {
		return nil, err
	}
	return workdays.New(a.Store.CalendarLocation(ctx), holidays, worked), nil
}

// slaMeter measures ages against the queues' SLAs at one moment.
type slaMeter struct {
	cal *workdays.Calendar
	now time.Time
	sla map[models.Queue]int
}

func (a *App) slaMeter(ctx context.Context) (slaMeter, error) {
	cal, err := a.calendar(ctx)
	if err != nil {
		return slaMeter{}, err
	}
	m := slaMeter{cal: cal, now: a.Clock.Now(), sla: map[models.Queue]int{}}
	for _, q := range reviewQueues {
		if m.sla[q.Queue], err = a.Store.SettingInt(ctx, q.SLASetting, models.DefaultSLAWorkdays); err != nil {
			return slaMeter{}, err
		}
	}
	return m, nil
}

// age is how long an item has waited, in working days, against its queue's SLA.
func (m slaMeter) age(q models.Queue, since *time.Time) pages.SLAAge {
	if since == nil {
		return pages.SLAAge{}
	}
	days, sla := m.cal.Elapsed(*since, m.now), m.sla[q]
	return pages.SLAAge{Days: days, SLA: sla, Tone: slaTone(days, sla), Known: true}
}

// slaTone is green with time to spare, yellow within the last working day, red when over.
func slaTone(days float64, sla int) string {
	switch {
	case days > float64(sla):
		return "red"
	case days >= float64(sla-1):
		return "yellow"
	}
	return "green"
}

const queuePerPage = 20

// queueFilterForm is a queue's filter bar.
type queueFilterForm struct {
	Status string `query:"status" form:"status"`
	Q      string `query:"q" form:"q" validate:"max=100"`
}

// listQueue renders a queue: the whole page, or only the table for htmx filters.
func (a *App) listQueue(c echo.Context, q reviewQueue) error {
	var f queueFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if f.Status != "" && f.Status != "all" && !slices.Contains(q.Statuses, f.Status) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	page := pageParam(c)
	vm := pages.QueueVM{Kind: q.Kind, TitleKey: q.TitleKey, SubtitleKey: q.Subtitle, ListURL: q.ListURL, KindHeader: q.KindHeader, ItemHeader: q.ItemHeader, SearchHint: q.SearchHint,
		Status: f.Status, Q: f.Q, StatusOptions: queueStatusOptions(q), Errors: errs,
		Pager: view.Pager{Page: page, PerPage: queuePerPage, BaseURL: q.ListURL, Query: filterQuery("status", f.Status, "q", f.Q)}}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.QueuePage(a.page(c), vm), pages.QueueTable(vm))
	}
	rows, total, err := a.Store.QueueItems(ctx, q.Queue, models.QueueFilter{Status: f.Status, Q: f.Q, Page: page, Per: queuePerPage})
	if err != nil {
		return err
	}
	meter, err := a.slaMeter(ctx)
	if err != nil {
		return err
	}
	vm.Pager.Total = total
	names, err := a.submittedNames(ctx, q, rows)
	if err != nil {
		return err
	}
	items, err := a.itemNames(ctx, q, rows)
	if err != nil {
		return err
	}
	for _, r := range rows {
		row := pages.QueueRowVM{ID: r.ID, URL: q.ItemURL(r.ID), Company: r.CompanyName, OwnerEmail: r.OwnerEmail,
			SubmittedAt: r.SubmittedAt, Status: r.Status, Item: items[r.ID]}
		if row.Company == "" {
			row.Company = names[r.ID]
		}
		if q.KindPrefix != "" {
			row.Kind = pages.Labels(ctx, q.KindPrefix, r.Extra)
		}
		if r.Status == q.Pending {
			row.Age = meter.age(q.Queue, r.SubmittedAt)
		}
		vm.Rows = append(vm.Rows, row)
	}
	return a.render(c, http.StatusOK, pages.QueuePage(a.page(c), vm), pages.QueueTable(vm))
}

// submittedNames finds the names under review for real-name rows of merchants not yet
// named (the company name comes from an approved verification).
func (a *App) submittedNames(ctx context.Context, q reviewQueue, rows []models.QueueRow) (map[uint]string, error) {
	var ids []uint
	for _, r := range rows {
		if q.Queue == models.QueueRealName && r.CompanyName == "" {
			ids = append(ids, r.ID)
		}
	}
	return a.Store.RealNameSubmittedNames(ctx, ids)
}

// itemNames reads what a row is about when the merchant alone does not say it: an
// asset's name and version.
func (a *App) itemNames(ctx context.Context, q reviewQueue, rows []models.QueueRow) (map[uint]string, error) {
	out := map[uint]string{}
	if q.Queue != models.QueueAsset || len(rows) == 0 {
		return out, nil
	}
	ids := make([]uint, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	assets, err := a.Store.AssetNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, as := range assets {
		out[id] = as.Name + " " + as.AssetVersion
	}
	return out, nil
}

func queueStatusOptions(q reviewQueue) []view.Option {
	opts := []view.Option{{Value: "", Label: "admin.queue.pending"}, {Value: "all", Label: "common.all"}}
	for _, s := range q.Statuses {
		opts = append(opts, view.Option{Value: s, Label: pages.StatusKey(q.Kind, s)})
	}
	return opts
}

// filterQuery encodes the non-empty filters (name, value pairs) for pagination links.
func filterQuery(pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	return v.Encode()
}

// decisionForm is the reject form (and the approve form, which only has the token).
type decisionForm struct {
	Reason  string   `form:"reason" validate:"max=60"`
	Reasons []string `form:"reasons" validate:"max=20,dive,max=60"`
	Comment string   `form:"comment"`
}

// checkReasons validates reasons checked from a fixed list (in the list's order, each
// once), with the comment an "other" reason needs.
func checkReasons(errs view.Errors, reasons, chosen []string, comment string) []string {
	var out []string
	other := false
	for _, r := range reasons {
		if slices.Contains(chosen, r) {
			out = append(out, r)
			other = other || isOther(r)
		}
	}
	switch {
	case len(chosen) == 0:
		errs.Set("reasons", "error.reason_required")
	case len(out) != len(slices.Compact(slices.Sorted(slices.Values(chosen)))):
		errs.Set("reasons", "error.choice")
	case other && comment == "" && !errs.Has("comment"):
		errs.Set("comment", "admin.error.comment_required_other")
	}
	return out
}

// checkReason validates a reason chosen from a fixed list, with the comment an "other"
// reason needs.
func checkReason(errs view.Errors, reasons []string, reason, comment string) {
	switch {
	case reason == "":
		errs.Set("reason", "error.reason_required")
	case !slices.Contains(reasons, reason):
		errs.Set("reason", "error.choice")
	case isOther(reason) && comment == "" && !errs.Has("comment"):
		errs.Set("comment", "admin.error.comment_required_other")
	}
}

// detailRenderer renders an item's detail page with the given decision-panel state;
// for htmx it renders the panel alone.
type detailRenderer func(c echo.Context, id uint, status int, panel pages.DecisionVM) error

// decide runs an approve or reject POST of any queue, the console side of the one review
// workflow: a rejection without valid reasons comes back with 422; a decision the item's
// state no longer allows is a 409, one's own a 403.
func (a *App) decide(c echo.Context, q reviewQueue, approve bool, apply func(context.Context, models.Actor, uint, models.Decision) error, show detailRenderer) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f decisionForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if limit := q.commentMax(); utf8.RuneCountInString(f.Comment) > limit && !errs.Has("comment") {
		errs.Set("comment", "error.max_len", "N", limit)
	}
	d := models.Decision{Approve: approve, Comment: f.Comment}
	switch {
	case approve:
	case q.MultiReason:
		d.Reasons = checkReasons(errs, q.Reasons, f.Reasons, f.Comment)
	default:
		checkReason(errs, q.Reasons, f.Reason, f.Comment)
		d.Reason = f.Reason
	}
	if errs.Any() {
		return show(c, id, http.StatusUnprocessableEntity, pages.DecisionVM{Reason: f.Reason, Chosen: f.Reasons, Comment: f.Comment, Errors: errs})
	}
	if err := apply(c.Request().Context(), actor(c), id, d); err != nil {
		return err
	}
	if approve {
		a.flash(c, "success", "admin.decision.approved")
	} else {
		a.flash(c, "success", "admin.decision.rejected")
	}
	return a.redirect(c, q.ListURL)
}

// reviewItem is what the shared parts of a detail page need to know about an item.
type reviewItem struct {
	RefType       string // object type of its files and audit rows
	ID            uint
	MerchantID    uint
	Status        string
	SubmittedAt   *time.Time
	SubmittedBy   *uint
	DecidedAt     *time.Time
	DecidedBy     *uint
	RejectReason  string
	RejectComment string
}

// reviewVM loads what every detail page shows around the submission: the merchant, the
// files, the history with the actors' emails, the age against the SLA and the decision
// panel (which may carry a form that failed validation).
func (a *App) reviewVM(c echo.Context, q reviewQueue, it reviewItem, panel pages.DecisionVM) (pages.ReviewVM, error) {
	ctx := c.Request().Context()
	vm := pages.ReviewVM{Kind: q.Kind, ID: it.ID, TitleKey: q.TitleKey, ListURL: q.ListURL, Status: it.Status, SubmittedAt: it.SubmittedAt}
	m, err := a.Store.MerchantWithOwner(ctx, it.MerchantID)
	if err != nil {
		return vm, err
	}
	vm.Merchant = merchantCard(m)
	files, err := a.Store.FilesFor(ctx, it.RefType, it.ID)
	if err != nil {
		return vm, err
	}
	vm.Files = fileLinks(ctx, files)
	rows, err := a.Store.History(ctx, it.RefType, it.ID)
	if err != nil {
		return vm, err
	}
	if vm.History, err = a.historyEntries(ctx, rows, false); err != nil {
		return vm, err
	}
	meter, err := a.slaMeter(ctx)
	if err != nil {
		return vm, err
	}
	vm.Age = meter.age(q.Queue, it.SubmittedAt)

	d := panel
	d.Kind, d.Status = q.Kind, it.Status
	d.Open = it.Status == q.Pending
	u := currentUser(c)
	d.Own = d.Open && it.SubmittedBy != nil && u != nil && *it.SubmittedBy == u.ID
	d.ApproveURL, d.RejectURL = q.ApproveURL(it.ID), q.RejectURL(it.ID)
	d.Reasons = reasonOptions(q.Reasons)
	d.Multi, d.CommentMax = q.MultiReason, q.commentMax()
	d.DecidedAt, d.RejectReason, d.RejectComment = it.DecidedAt, it.RejectReason, it.RejectComment
	if it.DecidedBy != nil {
		users, err := a.Store.UsersByIDs(ctx, []uint{*it.DecidedBy})
		if err != nil {
			return vm, err
		}
		d.DecidedBy = users[*it.DecidedBy].Email
	}
	vm.Decision = d
	return vm, nil
}

func merchantCard(m models.MerchantRow) pages.MerchantCard {
	return pages.MerchantCard{ID: m.ID, Company: m.CompanyName, OwnerEmail: m.OwnerEmail, RealName: m.RealNameStatus,
		Application: m.ApplicationStatus, Certification: m.CertificationStatus, Active: m.ActivatedAt != nil, Suspended: m.Suspended()}
}

// fileLinks shows uploads inline; a purpose this catalog does not name is left out.
func fileLinks(ctx context.Context, files []models.File) []components.FileLink {
	out := make([]components.FileLink, 0, len(files))
	for _, f := range files {
		key := "file.purpose." + f.Purpose
		if i18n.T(ctx, key) == key {
			key = ""
		}
		out = append(out, components.FileLink{URL: web.FileURL(f.ID), Name: f.Filename, IsImage: f.IsImage(), Purpose: key})
	}
	return out
}

// historyEntries turns audit rows into a timeline with who did what; withObjects names
// the object of each entry too (a merchant's history spans many objects, a record's
// own history does not need it).
func (a *App) historyEntries(ctx context.Context, rows []models.AuditLog, withObjects bool) ([]components.HistoryEntry, error) {
	names, err := a.Store.AuditNamesOf(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]components.HistoryEntry, 0, len(rows))
	for _, e := range pages.AuditEntries(ctx, rows, names) {
		h := components.HistoryEntry{When: i18n.DateTime(ctx, e.At), Who: e.Actor, Action: e.ActionText, Reason: e.Reason, Comment: e.Comment}
		if withObjects {
			h.Object, h.ObjectURL = e.ObjectText, e.ObjectURL
		}
		out = append(out, h)
	}
	return out, nil
}

func uitoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }

// withQuery appends an encoded query to a path, when there is one.
func withQuery(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}
