package pages

import (
	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/view"
)

// RealNameVM is the real-name page.
type RealNameVM struct {
	Merchant  models.Merchant
	Current   *models.RealNameVerification
	Files     []components.FileLink
	History   []models.RealNameVerification
	CanStart  bool
	DevOutbox bool
}

// RealNameFields are the typed values of the submission form.
type RealNameFields struct {
	Name, CertType, CertNumber, LegalRepName, Phone, BankName, BankAccount string
}

// RealNameFormVM is the submission form for one subject and method.
type RealNameFormVM struct {
	Subject string
	Method  string
	Upgrade bool // a personal verification is being upgraded to enterprise
	Form    RealNameFields
	Errors  view.Errors
}

// MethodDef is the chosen method's definition.
func (vm RealNameFormVM) MethodDef() models.RealNameMethod {
	m, _ := models.RealNameMethodByCode(vm.Method)
	return m
}

func subjectOptions(upgrade bool) []view.Option {
	if upgrade {
		return []view.Option{{Value: models.SubjectEnterprise, Label: "realname.subject.enterprise"}}
	}
	return []view.Option{{Value: models.SubjectEnterprise, Label: "realname.subject.enterprise"}, {Value: models.SubjectPersonal, Label: "realname.subject.personal"}}
}

func methodOptions(subject string) []view.Option {
	var out []view.Option
	for _, m := range models.RealNameMethods {
		if m.Subject == subject {
			out = append(out, view.Option{Value: m.Code, Label: "realname.method." + m.Code})
		}
	}
	return out
}

func certTypeOptions(subject string) []view.Option {
	if subject == models.SubjectEnterprise {
		return []view.Option{{Value: models.CertUSCC, Label: "realname.cert_type.uscc"}}
	}
	return []view.Option{
		{Value: models.CertResidentID, Label: "realname.cert_type.resident_id"},
		{Value: models.CertPassport, Label: "realname.cert_type.passport"},
		{Value: models.CertHKMOPass, Label: "realname.cert_type.hkmo_pass"},
	}
}

// RealNameStatusBadge maps a status to its label and tone.
func RealNameStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.RealNameVerified: "green", models.RealNameInReview: "yellow", models.RealNameAwaitingCheck: "blue",
		models.RealNameRejected: "red", models.RealNameLocked: "red", models.RealNameAbandoned: "gray", models.RealNameNotVerified: "gray"}[status]
	return components.BadgeProps{Label: "realname.status." + status, Tone: tone, TestID: "realname-status"}
}
