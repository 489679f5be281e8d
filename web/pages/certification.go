package pages

import (
	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/view"
)

// CertificationFields are the typed values of every wizard step.
type CertificationFields struct {
	CreditCode, TaxpayerType, InvoiceType, RegisteredAddr, FinanceName, FinancePhone, FinanceEmail string
	AccountName, BankName, BankBranch, BankAccount, Currency                                       string
	HasRelatedSupplier, RelatedSuppliers                                                           string
	Amount                                                                                         string
}

// CertificationFieldsFrom fills the form from the saved certification; the account number
// is never sent back to the browser.
func CertificationFieldsFrom(c models.BusinessCertification, company string) CertificationFields {
	f := CertificationFields{CreditCode: c.CreditCode, TaxpayerType: c.TaxpayerType, InvoiceType: c.InvoiceType,
		RegisteredAddr: c.RegisteredAddr, FinanceName: c.FinanceName, FinancePhone: c.FinancePhone, FinanceEmail: c.FinanceEmail,
		AccountName: c.AccountName, BankName: c.BankName, BankBranch: c.BankBranch, Currency: c.Currency, RelatedSuppliers: c.RelatedSuppliers}
	if f.AccountName == "" {
		f.AccountName = company
	}
	if f.Currency == "" {
		f.Currency = "CNY"
	}
	if c.SurveyDone {
		f.HasRelatedSupplier = "no"
		if c.HasRelatedSupplier {
			f.HasRelatedSupplier = "yes"
		}
	}
	return f
}

// CertificationVM is the wizard page.
type CertificationVM struct {
	Cert        models.BusinessCertification
	Step        string // empty: show the result
	CompanyName string
	Locked      bool // the application is not approved yet
	Form        CertificationFields
	Errors      view.Errors
	DevOutbox   bool
}

// WizardStep is one entry of the wizard's progress bar.
type WizardStep struct {
	Key     string
	Done    bool
	Current bool
}

// Steps lists the wizard's progress.
func (vm CertificationVM) Steps() []WizardStep {
	c := vm.Cert
	done := map[string]bool{"basics": c.BasicsDone, "bank": c.BankDone, "survey": c.SurveyDone,
		"transfer": c.TransferVerifiedAt != nil || c.Status == models.CertInReview || c.Status == models.CertCertified,
		"submit":   c.Status == models.CertInReview || c.Status == models.CertCertified}
	var out []WizardStep
	for _, k := range []string{"basics", "bank", "survey", "transfer", "submit"} {
		out = append(out, WizardStep{Key: k, Done: done[k], Current: k == vm.Step})
	}
	return out
}

var (
	taxpayerOptions = []view.Option{{Value: "general", Label: "certification.taxpayer.general"}, {Value: "small_scale", Label: "certification.taxpayer.small_scale"}}
	invoiceOptions  = []view.Option{{Value: "vat_special", Label: "certification.invoice.vat_special"}, {Value: "vat_general", Label: "certification.invoice.vat_general"}}
	currencyOptions = []view.Option{{Value: "CNY", Label: "certification.currency.CNY"}}
	yesNoOptions    = []view.Option{{Value: "no", Label: "common.no"}, {Value: "yes", Label: "common.yes"}}
	scenarioOptions = []view.Option{{Value: "", Label: "supervision.scenario.default"}, {Value: "general", Label: "supervision.scenario.general"},
		{Value: "empower", Label: "supervision.scenario.empower"}, {Value: "base", Label: "supervision.scenario.base"}}
)

// CertStatusBadge maps a status to its label and tone.
func CertStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.CertCertified: "green", models.CertInReview: "yellow", models.CertAwaitingTransfer: "blue",
		models.CertRejected: "red", models.CertLocked: "red"}[status]
	return components.BadgeProps{Label: "certification.status." + status, Tone: tone, TestID: "certification-status"}
}
