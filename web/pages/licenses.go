package pages

import (
	"strconv"

	"sellercenter/models"
	"sellercenter/web/view"
)

// LicenseListVM is the merchant's License codes with the test-code form.
type LicenseListVM struct {
	Rows     []models.LicenseRow
	Products []models.Product // License products delivered by code, for test codes
	Status   string
	Kind     string
	Pager    view.Pager
	Errors   view.Errors
}

// licenseProductOptions are the products a test code may be requested for.
func licenseProductOptions(ps []models.Product, lang string) []view.Option {
	out := make([]view.Option, 0, len(ps))
	for _, p := range ps {
		name := p.NameZh
		if lang == "en" && p.NameEn != "" {
			name = p.NameEn
		}
		out = append(out, view.Option{Value: strconv.FormatUint(uint64(p.ID), 10), Label: name, Raw: true})
	}
	return out
}

var (
	licenseStatusOptions = []view.Option{{Value: models.LicenseAlive, Label: "license.status.ALIVE"},
		{Value: models.LicenseExpired, Label: "license.status.EXPIRED"}, {Value: models.LicenseReleased, Label: "license.status.RELEASED"}}
	licenseKindOptions = []view.Option{{Value: "order", Label: "license.kind.order"}, {Value: "test", Label: "license.kind.test"}}
)
