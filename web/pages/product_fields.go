package pages

import (
	"strconv"
	"strings"

	"sellercenter/internal/money"
	"sellercenter/models"
)

// flagValue is a flag as the form's radio buttons carry it.
func flagValue(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func yuanText(v *int64) string {
	if v == nil {
		return ""
	}
	return money.FormatYuan(*v)
}

func idText(v *uint) string {
	if v == nil {
		return ""
	}
	return strconv.FormatUint(uint64(*v), 10)
}

// ProductFieldsOf is saved content as the product form shows it.
func ProductFieldsOf(c models.ProductContent) ProductFields {
	f := ProductFields{Category: c.Category, NameZh: c.NameZh, NameEn: c.NameEn, Version: c.Version, Summary: c.Summary,
		Description: c.Description, Highlights: c.Highlights, CustomerCases: c.CustomerCases, UserGuide: c.UserGuide,
		Supervised: flagValue(c.Supervised), Scenario: c.SupervisionScenario, PublicSale: flagValue(c.PublicSale), SalesObjects: c.SalesObjects,
		NamedBuyers: strings.Join(c.NamedBuyers, "\n"), AssetID: idText(c.AssetID), SalesRegions: c.SalesRegions,
		PurchaseLimit: strconv.Itoa(c.PurchaseLimit)}
	for _, s := range c.Support {
		f.SupportContent, f.SupportHours = append(f.SupportContent, s.Content), append(f.SupportHours, s.Hours)
		f.SupportPhone, f.SupportEmail = append(f.SupportPhone, s.Phone), append(f.SupportEmail, s.Email)
	}
	if s := c.SaaS; s != nil {
		f.ProvisionMode, f.UserAuth, f.EncryptType, f.ExtParams, f.Platforms = s.ProvisionMode, s.UserAuth, s.EncryptType, s.ExtParams, s.Platforms
		f.SaaSAddressID = idText(s.AddressID)
		f.KitAppID = idText(s.KitAppID)
	}
	f.BusinessModel = c.BusinessModel
	if f.BusinessModel == "" {
		f.BusinessModel = models.BusinessGeneral
	}
	if l := c.License; l != nil {
		f.Delivery, f.PackageAssetID, f.LicenseAddressID = l.Delivery, idText(l.PackageAssetID), idText(l.AddressID)
	}
	if s := c.Service; s != nil {
		f.FlowTemplate, f.AcceptanceStandard = s.FlowTemplate, s.AcceptanceStandard
		if s.AvgDeliveryDays > 0 {
			f.AvgDeliveryDays = strconv.Itoa(s.AvgDeliveryDays)
		}
	}
	if c.Image != nil {
		f.PerCore = flagValue(c.Image.PerCore)
	}
	if c.Hardware != nil {
		f.Logistics = flagValue(c.Hardware.LogisticsRequired)
	}
	for _, s := range c.Specs {
		trial, lo, hi := "", "", ""
		if s.TrialDays > 0 {
			trial = strconv.Itoa(s.TrialDays)
		}
		if s.LinearAttr != "" {
			lo, hi = strconv.Itoa(s.LinearMin), strconv.Itoa(s.LinearMax)
		}
		f.SpecKey, f.SpecName, f.SpecBilling = append(f.SpecKey, s.Key), append(f.SpecName, s.Name), append(f.SpecBilling, s.BillingMode)
		f.SpecNameEn = append(f.SpecNameEn, s.NameEn)
		f.SpecYear, f.SpecMonth, f.SpecOneTime = append(f.SpecYear, yuanText(s.YearFen)), append(f.SpecMonth, yuanText(s.MonthFen)), append(f.SpecOneTime, yuanText(s.OneTimeFen))
		f.SpecHour, f.SpecPackage, f.SpecLinear = append(f.SpecHour, yuanText(s.HourFen)), append(f.SpecPackage, yuanText(s.PackageFen)), append(f.SpecLinear, s.LinearAttr)
		f.SpecLinearMin, f.SpecLinearMax, f.SpecTrial = append(f.SpecLinearMin, lo), append(f.SpecLinearMax, hi), append(f.SpecTrial, trial)
		for _, code := range s.Regions {
			f.SpecRegion = append(f.SpecRegion, SpecRegionEntry(len(f.SpecKey)-1, code))
		}
	}
	name := map[string]string{}
	for _, s := range c.Specs {
		name[s.Key] = s.Name
	}
	for _, r := range c.UpgradeRules {
		f.UpgradeFrom, f.UpgradeTo = append(f.UpgradeFrom, name[r.From]), append(f.UpgradeTo, name[r.To])
	}
	return f
}
