package pages

import (
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
