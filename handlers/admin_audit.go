package handlers

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

const auditPerPage = 50

// auditAreas are the action prefixes the log can be filtered by; auditObjects the
// object types.
var (
	auditAreas   = []string{"realname", "application", "certification", "change", "asset", "merchant", "user", "setting", "holiday", "region"}
	auditObjects = []string{"realname", "application", "certification", "change", "asset", "merchant", "user", "setting", "holiday", "region"}
)

// auditFilterForm is the audit log's filter bar. Numbers and dates arrive as text so a
// malformed one becomes a message, not a failed bind.
type auditFilterForm struct {
	Action     string `query:"action" form:"action"`
	Actor      string `query:"actor" form:"actor" validate:"max=254"`
	ObjectType string `query:"object_type" form:"object_type"`
	MerchantID string `query:"merchant_id" form:"merchant_id" validate:"omitempty,max=10,numeric"`
	From       string `query:"from" form:"from" validate:"max=10"`
	To         string `query:"to" form:"to" validate:"max=10"`
}

// AdminAuditList is the audit log: every decision with who, when, what and why.
func (a *App) AdminAuditList(c echo.Context) error {
	var f auditFilterForm
	errs, err := bindQuery(c, &f)
	if err != nil {
		return err
	}
	if (f.Action != "" && !slices.Contains(auditAreas, f.Action)) || (f.ObjectType != "" && !slices.Contains(auditObjects, f.ObjectType)) {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	filter := models.AuditFilter{Actor: f.Actor, ObjectType: f.ObjectType, Page: pageParam(c), Per: auditPerPage}
	if f.Action != "" {
		filter.Action = f.Action + "."
	}
	if f.MerchantID != "" && !errs.Has("merchant_id") {
		id, err := strconv.ParseUint(f.MerchantID, 10, 32)
		if err != nil {
			errs.Set("merchant_id", "error.number")
		}
		filter.MerchantID = uint(id)
	}
	loc := a.Store.CalendarLocation(ctx)
	filter.From = parseDay(errs, "from", f.From, loc, 0)
	filter.To = parseDay(errs, "to", f.To, loc, 1) // up to the end of that day
	if filter.From != nil && filter.To != nil && !filter.To.After(*filter.From) {
		errs.Set("to", "admin.error.date_range")
	}
	vm := pages.AuditVM{Action: f.Action, Actor: f.Actor, ObjectType: f.ObjectType, MerchantID: f.MerchantID, From: f.From, To: f.To, Zone: loc.String(),
		ActionOptions: auditOptions(auditAreas, "admin.audit.area."), ObjectOptions: auditOptions(auditObjects, "admin.object."), Errors: errs,
		Pager: view.Pager{Page: filter.Page, PerPage: auditPerPage, BaseURL: web.AdminAudit(), Query: filterQuery("action", f.Action,
			"actor", f.Actor, "object_type", f.ObjectType, "merchant_id", f.MerchantID, "from", f.From, "to", f.To)}}
	if errs.Any() {
		return a.render(c, http.StatusUnprocessableEntity, pages.AuditPage(a.page(c), vm), pages.AuditTable(vm))
	}
	rows, total, err := a.Store.AuditLogs(ctx, filter)
	if err != nil {
		return err
	}
	vm.Pager.Total = total
	for _, r := range rows {
		vm.Rows = append(vm.Rows, auditRow(r))
	}
	return a.render(c, http.StatusOK, pages.AuditPage(a.page(c), vm), pages.AuditTable(vm))
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

// auditRow prepares one entry for display.
func auditRow(r models.AuditLog) pages.AuditRowVM {
	row := pages.AuditRowVM{At: r.At, Actor: r.ActorEmail, Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID,
		Before: auditValue(r.Before), After: auditValue(r.After), Reason: r.Reason, Comment: r.Comment, RequestID: r.RequestID, IP: r.IP}
	if r.MerchantID != nil {
		row.MerchantID = *r.MerchantID
	}
	if r.ObjectID != 0 {
		row.ObjectURL = objectURL(r.ObjectType, r.ObjectID)
	}
	return row
}

// objectURL links an audited object to its page in the console, where it has one.
func objectURL(objType string, id uint) string {
	switch objType {
	case "realname":
		return web.AdminRealName(id)
	case "application":
		return web.AdminApplication(id)
	case "certification":
		return web.AdminCertification(id)
	case "change":
		return web.AdminChange(id)
	case "asset":
		return web.AdminAsset(id)
	case "merchant":
		return web.AdminMerchant(id)
	}
	return ""
}

const auditValueMax = 300

// auditValue shows a before or after value: a JSON object as "key: value" pairs without
// its encrypted fields, anything else as stored, cut short.
func auditValue(s string) string {
	if s == "" {
		return ""
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err == nil && m != nil {
		keys := make([]string, 0, len(m))
		for k := range m {
			if !strings.HasSuffix(k, "_enc") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			v, ok := m[k].(string)
			if !ok {
				b, _ := json.Marshal(m[k])
				v = string(b)
			}
			parts[i] = k + ": " + v
		}
		s = strings.Join(parts, ", ")
	}
	if r := []rune(s); len(r) > auditValueMax {
		s = string(r[:auditValueMax]) + "…"
	}
	return s
}
