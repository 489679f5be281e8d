package handlers

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

const merchantsPerPage = 20

// merchantStates are the directory's state filter values.
var merchantStates = []string{"onboarding", "active", "suspended"}

// AdminMerchantList is the merchant directory: search, state filter, pages.
func (a *App) AdminMerchantList(c echo.Context) error {
	var f queueFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if f.Status != "" && !slices.Contains(merchantStates, f.Status) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	page := pageParam(c)
	vm := pages.MerchantListVM{Q: f.Q, Status: f.Status, StatusOptions: merchantStateOptions(), Errors: errs,
		Pager: view.Pager{Page: page, PerPage: merchantsPerPage, BaseURL: web.AdminMerchants(), Query: filterQuery("status", f.Status, "q", f.Q)}}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.MerchantListPage(a.page(c), vm), pages.MerchantTable(vm))
	}
	rows, total, err := a.Store.Merchants(c.Request().Context(), models.MerchantFilter{Q: f.Q, Status: f.Status, Page: page, Per: merchantsPerPage})
	if err != nil {
		return err
	}
	vm.Pager.Total = total
	for _, m := range rows {
		vm.Rows = append(vm.Rows, pages.MerchantRowVM{ID: m.ID, Company: m.CompanyName, OwnerEmail: m.OwnerEmail,
			State: merchantState(m.Merchant), RealName: m.RealNameStatus, Application: m.ApplicationStatus,
			Certification: m.CertificationStatus, CreatedAt: m.CreatedAt})
	}
	return a.render(c, http.StatusOK, pages.MerchantListPage(a.page(c), vm), pages.MerchantTable(vm))
}

func merchantStateOptions() []view.Option {
	opts := []view.Option{{Value: "", Label: "common.all"}}
	for _, s := range merchantStates {
		opts = append(opts, view.Option{Value: s, Label: pages.StatusKey(pages.KindMerchant, s)})
	}
	return opts
}

func merchantState(m models.Merchant) string {
	switch {
	case m.Suspended():
		return "suspended"
	case m.ActivatedAt != nil:
		return "active"
	}
	return "onboarding"
}

// AdminMerchantShow is one merchant: profile, onboarding, latest submissions, history.
func (a *App) AdminMerchantShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	return a.showMerchant(c, id, http.StatusOK, pages.MerchantActionVM{})
}

// suspendForm is the reason and comment for a suspension.
type suspendForm struct {
	Reason  string `form:"reason" validate:"max=60"`
	Comment string `form:"comment" validate:"max=1000"`
}

// AdminMerchantSuspend stops a merchant: their sessions end and they cannot log in.
func (a *App) AdminMerchantSuspend(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f suspendForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	checkReason(errs, suspendReasons, f.Reason, f.Comment)
	if errs.Any() {
		return a.showMerchant(c, id, http.StatusUnprocessableEntity, pages.MerchantActionVM{Reason: f.Reason, Comment: f.Comment, Errors: errs})
	}
	if err := a.Store.SuspendMerchant(c.Request().Context(), actor(c), id, f.Reason, f.Comment); err != nil {
		return err
	}
	a.flash(c, "success", "admin.merchant.suspended_flash")
	return a.redirect(c, web.AdminMerchant(id))
}

// reinstateForm is the comment for lifting a suspension.
type reinstateForm struct {
	Comment string `form:"comment" validate:"required,max=1000"`
}

// AdminMerchantReinstate lifts a suspension.
func (a *App) AdminMerchantReinstate(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var f reinstateForm
	errs, err := bindForm(c, &f)
	if err != nil {
		return err
	}
	if errs.Any() {
		return a.showMerchant(c, id, http.StatusUnprocessableEntity, pages.MerchantActionVM{Comment: f.Comment, Errors: errs})
	}
	if err := a.Store.ReinstateMerchant(c.Request().Context(), actor(c), id, f.Comment); err != nil {
		return err
	}
	a.flash(c, "success", "admin.merchant.reinstated_flash")
	return a.redirect(c, web.AdminMerchant(id))
}

const merchantHistoryRows = 30

// merchantListRows is how many products, orders and assets the merchant's page shows.
const merchantListRows = 8

func (a *App) showMerchant(c echo.Context, id uint, status int, action pages.MerchantActionVM) error {
	ctx := c.Request().Context()
	d, err := a.Store.MerchantDetail(ctx, id)
	if err != nil {
		return err
	}
	logs, _, err := a.Store.AuditLogs(ctx, models.AuditFilter{MerchantID: id, Page: 1, Per: merchantHistoryRows})
	if err != nil {
		return err
	}
	history, err := a.historyEntries(ctx, logs, true)
	if err != nil {
		return err
	}
	action.MerchantID, action.Suspended, action.Reasons = id, d.Suspended(), reasonOptions(suspendReasons)
	vm := pages.MerchantDetailVM{M: d.MerchantRow, Owner: d.Owner, State: merchantState(d.Merchant), Submissions: submissionLinks(d),
		History: history, AuditURL: web.AdminAudit() + "?" + filterQuery("merchant", uitoa(id)), Action: action}
	if d.LogoFileID != nil {
		vm.LogoURL = web.FileURL(*d.LogoFileID)
	}
	if vm.Products, vm.ProductsTotal, err = a.Store.Products(ctx, id, models.ProductFilter{Page: 1, Per: merchantListRows}); err != nil {
		return err
	}
	if vm.Assets, vm.AssetsTotal, err = a.Store.Assets(ctx, id, models.AssetFilter{Page: 1, Per: merchantListRows}); err != nil {
		return err
	}
	orders, err := a.Store.AdminOrders(ctx, models.OrderFilter{MerchantID: id}, models.OrderCursor{})
	if err != nil {
		return err
	}
	vm.Orders = orders.Rows[:min(len(orders.Rows), merchantListRows)]
	q := filterQuery("q", cmp.Or(d.CompanyName, d.OwnerEmail))
	vm.ProductsURL, vm.AssetsURL = withQuery(web.AdminProductApps(), q), withQuery(web.AdminAssets(), q)
	vm.OrdersURL = withQuery(web.AdminOrders(), filterQuery("merchant", uitoa(id)))
	p := a.page(c)
	return a.render(c, status, pages.MerchantDetailPage(p, vm), pages.MerchantActionPanel(p.CSRF, vm.Action, d.SuspendReason, d.SuspendedAt))
}

// submissionLinks lists the merchant's latest submission of each kind, newest changes too.
func submissionLinks(d models.MerchantDossier) []pages.SubmissionLink {
	var out []pages.SubmissionLink
	if v := d.RealName; v != nil {
		at := v.SubmittedAt
		if at == nil {
			at = &v.CreatedAt
		}
		out = append(out, pages.SubmissionLink{TitleKey: realNameQueue.TitleKey, Kind: pages.KindRealName, Status: v.Status, URL: web.AdminRealName(v.ID), At: at})
	}
	if app := d.Application; app != nil {
		at := app.SubmittedAt
		out = append(out, pages.SubmissionLink{TitleKey: applicationQueue.TitleKey, Kind: pages.KindApplication, Status: app.Status, URL: web.AdminApplication(app.ID), At: &at})
	}
	if cert := d.Certification; cert != nil {
		out = append(out, pages.SubmissionLink{TitleKey: certificationQueue.TitleKey, Kind: pages.KindCertification, Status: cert.Status, URL: web.AdminCertification(cert.ID), At: cert.SubmittedAt})
	}
	for _, r := range d.Changes {
		at := r.SubmittedAt
		out = append(out, pages.SubmissionLink{TitleKey: "admin.change_kind." + r.Kind, Kind: pages.KindChange, Status: r.Status, URL: web.AdminChange(r.ID), At: &at})
	}
	return out
}
