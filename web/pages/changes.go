package pages

import (
	"encoding/json"
	"strconv"

	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/view"
)

// ProfileVM is the merchant information page.
type ProfileVM struct {
	Merchant models.Merchant
	Cert     models.BusinessCertification
	Recent   []models.ChangeRequest
}

// ChangeListVM lists change requests.
type ChangeListVM struct {
	Items []models.ChangeRequest
	Pager view.Pager
}

// ChangeFormVM is a change request form.
type ChangeFormVM struct {
	Kind    string
	Profile models.ProfileChange
	Cert    models.CertificationChange
	Errors  view.Errors
}

// DiffRow is one field of a change: the live value and the proposed one.
type DiffRow struct {
	Field   string // message key
	Before  string
	After   string
	Changed bool
}

// ChangeShowVM is one change request.
type ChangeShowVM struct {
	Request models.ChangeRequest
	Diff    []DiffRow
}

// ChangeStatusBadge maps a status to its label and tone.
func ChangeStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.ChangeApproved: "green", models.ChangePending: "yellow", models.ChangeRejected: "red", models.ChangeWithdrawn: "gray"}[status]
	return components.BadgeProps{Label: "changes.status." + status, Tone: tone, TestID: "change-status"}
}

// ChangeDiff lists the fields of a change request with their old and new values; the
// encrypted account number never leaves the server.
func ChangeDiff(r models.ChangeRequest) []DiffRow {
	var before, after map[string]any
	_ = json.Unmarshal([]byte(r.Before), &before)
	_ = json.Unmarshal([]byte(r.Payload), &after)
	var fields []string
	if r.Kind == models.ChangeProfile {
		fields = []string{"website", "intro", "logo_file_id", "contact_name", "contact_mobile", "contact_email", "service_email", "service_phone", "address"}
	} else {
		fields = []string{"taxpayer_type", "invoice_type", "registered_addr", "finance_name", "finance_phone", "finance_email", "bank_name", "bank_branch", "bank_account_masked"}
	}
	rows := make([]DiffRow, 0, len(fields))
	for _, f := range fields {
		b, a := jsonText(before[f]), jsonText(after[f])
		rows = append(rows, DiffRow{Field: "changes.field." + f, Before: b, After: a, Changed: a != b})
	}
	return rows
}

func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatInt(int64(x), 10)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
