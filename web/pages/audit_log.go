package pages

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"sellercenter/internal/export"
	"sellercenter/internal/money"
	"sellercenter/models"
	"sellercenter/web"
	"sellercenter/web/i18n"
)

// AuditEntry is one audit row as a reader sees it: who, the action and the object by
// name, and each changed field with its label and formatted values.
type AuditEntry struct {
	At          time.Time
	Actor       string // an address, or the name of the platform, the demo data or the command line
	ActorSystem bool
	Seeded      bool // written by the demo data on someone's behalf
	IP          string
	Action      string // code
	ActionText  string
	ObjectType  string // code
	ObjectText  string // "Order 2026…", "Real-name verification · Acme Ltd"
	ObjectURL   string
	Merchant    string
	MerchantURL string
	Changes     []AuditChange
	Reason      string
	Comment     string
	RequestID   string
}

// AuditChange is one field of an audited change; Before is empty when the row records
// the value without an earlier one (a new record, an amount that came with the event).
type AuditChange struct {
	Field         string
	Before, After string
}

// AuditEntries presents a page of audit rows with the names read for them.
func AuditEntries(ctx context.Context, rows []models.AuditLog, names models.AuditNames) []AuditEntry {
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = auditEntry(ctx, r, names)
	}
	return out
}

func auditEntry(ctx context.Context, r models.AuditLog, names models.AuditNames) AuditEntry {
	e := AuditEntry{At: r.At, IP: r.IP, Action: r.Action, ActionText: ActionLabel(ctx, r.Action), ObjectType: r.ObjectType,
		Comment: r.Comment, RequestID: r.RequestID}
	e.Actor, e.ActorSystem = auditActor(ctx, r, names)
	e.Seeded = r.RequestID == models.ActorSeed && r.ActorID != nil
	if r.MerchantID != nil {
		e.Merchant = names.Merchants[*r.MerchantID]
		e.MerchantURL = web.AdminMerchant(*r.MerchantID)
	}
	e.ObjectText, e.ObjectURL = auditObject(ctx, r, names)
	e.Changes = AuditChanges(ctx, r.Action, r.ObjectType, r.Before, r.After)
	e.Reason = auditReason(ctx, r.Reason)
	return e
}

// auditActor names who acted: the platform's own jobs, the demo data and the command
// line by name, people by their address.
func auditActor(ctx context.Context, r models.AuditLog, names models.AuditNames) (string, bool) {
	if r.ActorID == nil {
		switch r.ActorEmail {
		case "", models.ActorSystem:
			return i18n.T(ctx, "audit.actor.system"), true
		case models.ActorSeed:
			return i18n.T(ctx, "audit.actor.seed"), true
		case models.ActorCLI:
			return i18n.T(ctx, "audit.actor.cli"), true
		}
		return r.ActorEmail, false
	}
	if r.ActorEmail != "" {
		return r.ActorEmail, false
	}
	return names.Actors[*r.ActorID], false
}

// auditObject names the object and links it to its page in the console, where it has one.
func auditObject(ctx context.Context, r models.AuditLog, names models.AuditNames) (text, url string) {
	if r.ObjectType == "" {
		return "", ""
	}
	kind := Label(ctx, "admin.object.", r.ObjectType)
	if r.ObjectID == 0 {
		return kind, ""
	}
	name := "#" + uitoa(r.ObjectID)
	n, known := names.Objects[models.AuditRef{Type: r.ObjectType, ID: r.ObjectID}]
	if known {
		name = n.Zh
		if i18n.Lang(ctx) != i18n.ZhCN {
			name = n.En
		}
	}
	switch r.ObjectType {
	case "realname", "application", "certification", "change", "merchant":
		if r.MerchantID != nil && names.Merchants[*r.MerchantID] != "" {
			name = names.Merchants[*r.MerchantID]
		}
	}
	text = kind + " · " + name
	switch r.ObjectType {
	case "realname":
		url = web.AdminRealName(r.ObjectID)
	case "application":
		url = web.AdminApplication(r.ObjectID)
	case "certification":
		url = web.AdminCertification(r.ObjectID)
	case "change":
		url = web.AdminChange(r.ObjectID)
	case "asset":
		url = web.AdminAsset(r.ObjectID)
	case "merchant":
		url = web.AdminMerchant(r.ObjectID)
	case "product_application":
		url = web.AdminProductApp(r.ObjectID)
	case "order":
		if known {
			url = web.AdminOrder(n.Page)
		}
	case "refund":
		if known && n.Case {
			url = web.AdminDispute(n.Page)
		} else if known {
			url = web.AdminOrder(n.Page)
		}
	}
	return text, url
}

// auditReason shows a reason: reason keys and order history notes in the reader's
// language, several reasons joined, anything else as stored.
func auditReason(ctx context.Context, reason string) string {
	if strings.Contains(reason, ",") {
		return Labels(ctx, "", reason)
	}
	return keyOr(ctx, reason, reason)
}

// AuditChanges lists the fields an audit row changed, each with its label and its
// values formatted for the reader; fields equal on both sides are left out.
func AuditChanges(ctx context.Context, action, objType, before, after string) []AuditChange {
	b, a := auditFields(action, before), auditFields(action, after)
	keys := make([]string, 0, len(b)+len(a))
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	out := make([]AuditChange, 0, len(keys))
	for _, k := range keys {
		if k == "order_no" || k == "refund_no" { // the object's own number, shown as the object
			continue
		}
		bv, av := auditValue(ctx, objType, k, b[k]), auditValue(ctx, objType, k, a[k])
		if bv == av && b[k] != nil {
			continue
		}
		if b[k] == nil {
			bv = ""
		}
		out = append(out, AuditChange{Field: auditFieldLabel(ctx, objType, k), Before: bv, After: av})
	}
	return out
}

// auditFields reads a stored value as fields: a JSON object's fields (snake case,
// without encrypted ones), or a single value under the field it stands for.
func auditFields(action, v string) map[string]any {
	if v == "" {
		return nil
	}
	if strings.HasPrefix(v, "{") {
		var m map[string]any
		if json.Unmarshal([]byte(v), &m) == nil {
			out := make(map[string]any, len(m))
			for k, x := range m {
				if k = models.SnakeCase(k); !strings.HasSuffix(k, "_enc") && x != nil {
					out[k] = x
				}
			}
			return out
		}
	}
	var single any = v
	if v == "true" || v == "false" {
		single = v == "true"
	}
	return map[string]any{models.AuditSingleField(action): single}
}

// auditFieldLabel is a field's label: a setting by its own name, anything else from the
// audit catalog.
func auditFieldLabel(ctx context.Context, objType, field string) string {
	if objType == "setting" {
		return Label(ctx, "settings.key.", field)
	}
	return i18n.T(ctx, "audit.field."+field)
}

const auditValueMax = 200

// auditValue formats one value: amounts as money, states, kinds and codes by their
// labels, times in the reader's zone, yes or no, anything else as stored, cut short.
func auditValue(ctx context.Context, objType, field string, v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		if x {
			return i18n.T(ctx, "common.yes")
		}
		return i18n.T(ctx, "common.no")
	case float64:
		if strings.HasSuffix(field, "_fen") {
			return money.Display(int64(x))
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k, y := range x {
			if y != nil && y != "" {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + auditValue(ctx, objType, k, x[k])
		}
		return cut(strings.Join(parts, ", "))
	case []any:
		parts := make([]string, len(x))
		for i, y := range x {
			parts[i] = auditValue(ctx, objType, field, y)
		}
		return cut(strings.Join(parts, ", "))
	case string:
		if x == "" {
			return "—"
		}
		if prefix := auditCodePrefix(objType, field); prefix != "" {
			if objType == "setting" {
				return Labels(ctx, prefix, x)
			}
			return Label(ctx, prefix, x)
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return i18n.DateTime(ctx, t)
		}
		if field == "format" {
			return strings.ToUpper(x)
		}
		return cut(x)
	}
	return ""
}

// auditCodePrefix is the message key prefix of a field holding a code, by object type.
func auditCodePrefix(objType, field string) string {
	switch field {
	case "status":
		switch objType {
		case "order":
			return "order.status."
		case "refund":
			return "aftersales.status."
		case "product_application":
			return "admin.status.product_app."
		case "realname", "application", "certification", "change", "merchant", "asset":
			return "admin.status." + objType + "."
		case "access_key":
			return "saas.key_status."
		}
	case "interface_type":
		return "saas.interface."
	case "protocol":
		return "saas.protocol."
	case "kind":
		switch objType {
		case "order":
			return "order.kind."
		case "refund":
			return "aftersales.kind."
		case "change":
			return "admin.change_kind."
		case "asset":
			return "admin.asset_kind."
		case "product_application":
			return "product_app.kind."
		}
	case "type":
		return "product.type."
	case "role":
		return "audit.role."
	case "method":
		return "admin.method."
	case "subject":
		return "admin.subject."
	case "taxpayer_type":
		return "admin.taxpayer."
	case "invoice_type":
		return "admin.invoice."
	case "subject_type":
		return "buyer.subject."
	case models.SettingImageFlavors:
		return "admin.flavor."
	}
	return ""
}

func cut(s string) string {
	if r := []rune(s); len(r) > auditValueMax {
		return string(r[:auditValueMax]) + "…"
	}
	return s
}

// AuditCSVHeader is the header row of the log's CSV download.
func AuditCSVHeader(ctx context.Context) []string {
	keys := []string{"admin.audit.when", "admin.audit.who", "admin.audit.action", "admin.audit.object", "admin.audit.merchant",
		"admin.audit.change", "common.reason", "common.comment", "admin.audit.ip", "admin.audit.request_id"}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = i18n.T(ctx, k)
	}
	return out
}

// AuditCSVRow is one entry of the CSV download; text people typed is defused so a
// spreadsheet never runs it as a formula.
func AuditCSVRow(ctx context.Context, e AuditEntry) []string {
	changes := make([]string, len(e.Changes))
	for i, ch := range e.Changes {
		changes[i] = ch.Field + ": " + ch.After
		if ch.Before != "" {
			changes[i] = ch.Field + ": " + ch.Before + " → " + ch.After
		}
	}
	row := []string{i18n.DateTime(ctx, e.At), e.Actor, e.ActionText, e.ObjectText, e.Merchant, strings.Join(changes, "; "),
		e.Reason, e.Comment, e.IP, e.RequestID}
	for i := range row {
		row[i] = export.GuardFormula(row[i])
	}
	return row
}
