package pages

import (
	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/view"
)

// ApplicationFields are the typed values of the application form.
type ApplicationFields struct {
	Website, Employees, YearsInBusiness, RegisteredCapital, Intro        string
	ContactName, ContactMobile, ContactEmail, ServiceEmail, ServicePhone string
	Address, SignerName                                                  string
	ProductTypes                                                         []string
	Agree                                                                bool
}

// ApplicationVM is the onboarding application page.
type ApplicationVM struct {
	Merchant models.Merchant
	Current  *models.OnboardingApplication
	Files    []components.FileLink
	History  []models.OnboardingApplication
	CanApply bool
	Locked   bool
	Form     ApplicationFields
	Errors   view.Errors
}

func (f ApplicationFields) typeSet() map[string]bool {
	out := map[string]bool{}
	for _, t := range f.ProductTypes {
		out[t] = true
	}
	return out
}

func productTypeOptions() []view.Option {
	var out []view.Option
	for _, t := range models.ProductTypes {
		out = append(out, view.Option{Value: t, Label: "product_type." + t})
	}
	return out
}

// ApplicationStatusBadge maps a status to its label and tone.
func ApplicationStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.ApplicationApproved: "green", models.ApplicationPending: "yellow", models.ApplicationRejected: "red"}[status]
	return components.BadgeProps{Label: "application.status." + status, Tone: tone, TestID: "application-status"}
}
