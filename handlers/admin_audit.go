package handlers

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

const auditPerPage = 50

// auditAreas are the action prefixes the log can be filtered by (every registered
// action's), auditObjects the object types.
var (
	auditAreas   = actionAreas(models.AuditActions)
	auditObjects = models.AuditObjects
)

func actionAreas(actions []string) []string {
	var out []string
	for _, a := range actions {
		area, _, _ := strings.Cut(a, ".")
		if !slices.Contains(out, area) {
			out = append(out, area)
		}
	}
	return out
}

// auditFilterForm is the audit log's filter bar. Numbers and dates arrive as text so a
// malformed one becomes a message, not a failed bind.
type auditFilterForm struct {
	Action     string `query:"action" form:"action"`
	Actor      string `query:"actor" form:"actor" validate:"max=254"`
	ObjectType string `query:"object_type" form:"object_type"`
	Merchant   string `query:"merchant" form:"merchant" validate:"max=100"` // a name or an id
	From       string `query:"from" form:"from" validate:"max=10"`
	To         string `query:"to" form:"to" validate:"max=10"`
}

// auditFilter reads the log's filters from the query.
func (a *App) auditFilter(c echo.Context) (auditFilterForm, models.AuditFilter, view.Errors, error) {
	var f auditFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return f, models.AuditFilter{}, nil, err
	}
	if (f.Action != "" && !slices.Contains(auditAreas, f.Action)) || (f.ObjectType != "" && !slices.Contains(auditObjects, f.ObjectType)) {
		return f, models.AuditFilter{}, nil, echo.NewHTTPError(http.StatusBadRequest)
	}
	filter := models.AuditFilter{Actor: f.Actor, ObjectType: f.ObjectType, Page: pageParam(c), Per: auditPerPage}
	if f.Action != "" {
		filter.Action = f.Action + "."
	}
	if !errs.Has("merchant") {
		if filter.MerchantIDs, err = a.namedIDs(c.Request().Context(), suggestMerchants, f.Merchant); err != nil {
			return f, filter, nil, err
		}
	}
	loc := a.Store.CalendarLocation(c.Request().Context())
	filter.From = parseDay(errs, "from", f.From, loc, 0)
	filter.To = parseDay(errs, "to", f.To, loc, 1) // up to the end of that day
	if filter.From != nil && filter.To != nil && !filter.To.After(*filter.From) {
		errs.Set("to", "admin.error.date_range")
	}
	return f, filter, errs, nil
}

// query is the filter as a query string, without the page.
func (f auditFilterForm) query() string {
	return filterQuery("action", f.Action, "actor", f.Actor, "object_type", f.ObjectType, "merchant", f.Merchant, "from", f.From, "to", f.To)
}

// AdminAuditList is the audit log: every decision with who, when, what and why.
func (a *App) AdminAuditList(c echo.Context) error {
	f, filter, errs, err := a.auditFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vm := pages.AuditVM{Action: f.Action, Actor: f.Actor, ObjectType: f.ObjectType, Merchant: f.Merchant, From: f.From, To: f.To,
		Zone: a.Store.CalendarLocation(ctx).String(), ActionOptions: auditOptions(auditAreas, "admin.audit.area."),
		ObjectOptions: auditOptions(auditObjects, "admin.object."), Errors: errs, CSVURL: withQuery(web.AdminAuditCSV(), f.query()),
		Pager: view.Pager{Page: filter.Page, PerPage: auditPerPage, BaseURL: web.AdminAudit(), Query: f.query()}}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.AuditPage(a.page(c), vm), pages.AuditTable(vm))
	}
	rows, total, err := a.Store.AuditLogs(ctx, filter)
	if err != nil {
		return err
	}
	vm.Pager.Total = total
	names, err := a.Store.AuditNamesOf(ctx, rows)
	if err != nil {
		return err
	}
	vm.Rows = pages.AuditEntries(ctx, rows, names)
	return a.render(c, http.StatusOK, pages.AuditPage(a.page(c), vm), pages.AuditTable(vm))
}

const auditCSVBatch = 500

// AdminAuditCSV downloads the log as the filters select it, every row, in the reader's
// language: UTF-8 with a byte order mark, read and written batch by batch.
func (a *App) AdminAuditCSV(c echo.Context) error {
	_, filter, errs, err := a.auditFilter(c)
	if err != nil {
		return err
	}
	if errs.Any() {
		return echo.NewHTTPError(http.StatusUnprocessableEntity)
	}
	ctx := c.Request().Context()
	w, err := startCSV(c, "audit-"+a.Clock.Now().In(a.Store.CalendarLocation(ctx)).Format("20060102-1504")+".csv")
	if err != nil {
		return err
	}
	if err := w.Write(pages.AuditCSVHeader(ctx)); err != nil {
		return err
	}
	return a.Store.EachAuditBatch(ctx, filter, auditCSVBatch, func(rows []models.AuditLog) error {
		names, err := a.Store.AuditNamesOf(ctx, rows)
		if err != nil {
			return err
		}
		for _, e := range pages.AuditEntries(ctx, rows, names) {
			if err := w.Write(pages.AuditCSVRow(ctx, e)); err != nil {
				return err
			}
		}
		w.Flush()
		return w.Error()
	})
}

// parseDay reads a YYYY-MM-DD date as the start of that day (plus days) in loc.
func parseDay(errs view.Errors, field, s string, loc *time.Location, days int) *time.Time {
	if s == "" || errs.Has(field) {
		return nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		errs.Set(field, "admin.error.date")
		return nil
	}
	d = d.AddDate(0, 0, days).UTC()
	return &d
}

func auditOptions(codes []string, prefix string) []view.Option {
	opts := []view.Option{{Value: "", Label: "common.all"}}
	for _, c := range codes {
		opts = append(opts, view.Option{Value: c, Label: prefix + c})
	}
	return opts
}
