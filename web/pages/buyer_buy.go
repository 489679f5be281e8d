package pages

import (
	"sellercenter/models"
	"sellercenter/web/view"
)

// BuySpec is a spec the buy page offers, as a link that switches the form to it.
type BuySpec struct {
	SKU      string
	Name     string
	URL      string
	Selected bool
	Trial    bool
}

// BuyForm is the buyer's choice as typed: strings, so bad input comes back as typed.
type BuyForm struct {
	ProductID uint
	SKU       string
	Period    string
	Count     string
	Quantity  string
	Trial     bool
	Region    string
}

// BuyVM is the buy page (and its confirmation): the product, the spec chooser, the
// options the chosen spec offers and the live quote.
type BuyVM struct {
	ProductName string
	ProductType string
	ProductURL  string
	Specs       []BuySpec
	SpecName    string
	BillingMode string
	Periods     []view.Option
	Linear      string // "" without a linear attribute
	LinearMin   int
	LinearMax   int
	TrialDays   int // 0: no trial offered
	Regions     []view.Option
	Form        BuyForm
	Quote       QuoteVM
	Errors      view.Errors
	Key         string // the confirmation's idempotency key
	EditURL     string // back from the confirmation to the form, values kept
	RegionName  string
}

// PeriodBilled tells whether the spec is sold by month or year (a count to choose).
func (vm BuyVM) PeriodBilled() bool { return vm.BillingMode == models.BillingPeriod }

// TrialChosen tells whether the trial box is ticked on a spec offering one.
func (vm BuyVM) TrialChosen() bool { return vm.Form.Trial && vm.TrialDays > 0 }

// ResourceActionVM is a renewal, upgrade or trial conversion form with its quote.
type ResourceActionVM struct {
	Action      string // renew | upgrade | convert
	Resource    models.Resource
	ProductName string
	State       string
	ActionURL   string
	Periods     []view.Option
	Period      string
	Count       string
	Targets     []view.Option
	SKU         string
	Quote       QuoteVM
	Key         string
	Errors      view.Errors
}
