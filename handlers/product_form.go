package handlers

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sellercenter/internal/money"
	"sellercenter/internal/richtext"
	"sellercenter/models"
	"sellercenter/web/pages"
	"sellercenter/web/view"
)

// Product uploads: images ≤5 MB (logo, ≤5 media), PDFs ≤10 MB.
var (
	productImageTypes = []string{"image/jpeg", "image/png", "image/gif"}
	pdfTypes          = []string{"application/pdf"}
	productLogoRule   = UploadRule{Field: "logo", Purpose: models.FileProductLogo, Types: productImageTypes, MaxBytes: 5 << 20, MaxFiles: 1, MinWidth: 100, MinHeight: 100}
	productMediaRule  = UploadRule{Field: "media", Purpose: models.FileProductMedia, Types: productImageTypes, MaxBytes: 5 << 20, MaxFiles: 5, MinWidth: 640, MinHeight: 360}
	productEULARule   = UploadRule{Field: "eula", Purpose: models.FileProductEULA, Types: pdfTypes, MaxBytes: docMaxBytes, MaxFiles: 1}
	reqTemplateRule   = UploadRule{Field: "requirement_template", Purpose: models.FileRequirementTemplate, Types: pdfTypes, MaxBytes: docMaxBytes, MaxFiles: 1}
	delTemplateRule   = UploadRule{Field: "delivery_template", Purpose: models.FileDeliveryTemplate, Types: pdfTypes, MaxBytes: docMaxBytes, MaxFiles: 1}
)

func productUploadRules(typ string) []UploadRule {
	rules := []UploadRule{productLogoRule, productMediaRule, productEULARule}
	if typ == models.ProductService {
		rules = append(rules, reqTemplateRule, delTemplateRule)
	}
	return rules
}

var newSpecKeyRE = regexp.MustCompile(`^new-[0-9]{1,3}$`)

// productForm is the application editor's form.
type productForm struct {
	pages.ProductFields
	addresses []models.ProductionAddress // the merchant's addresses a SaaS product may name
	kitApps   []models.KitApp            // the merchant's app credentials a 联营 product may link
}

func yes(s string) bool { return s == "yes" }

// content turns the typed form into content, checking what tags cannot: emails, ids of
// the offered assets, numbers, regions against the rules and the spec table. prev is the
// saved content, whose file ids and spec keys carry over.
func (f *productForm) content(prev models.ProductContent, assets, packages []models.Asset, regions models.RegionRules, errs view.Errors) models.ProductContent {
	set := func(field, key string, args ...any) {
		if !errs.Has(field) {
			errs.Set(field, key, args...)
		}
	}
	c := models.ProductContent{Type: prev.Type, BusinessModel: models.BusinessGeneral, Category: f.Category, NameZh: f.NameZh, NameEn: f.NameEn,
		Version: f.Version, LogoFileID: prev.LogoFileID, MediaFileIDs: prev.MediaFileIDs, Summary: f.Summary,
		Description: richtext.Sanitize(f.Description), Highlights: f.Highlights, CustomerCases: f.CustomerCases, UserGuide: f.UserGuide,
		EULAFileID: prev.EULAFileID, CopyrightID: prev.CopyrightID, Supervised: yes(f.Supervised), SupervisionScenario: f.Scenario, PublicSale: yes(f.PublicSale),
		SalesObjects: f.SalesObjects, SalesRegions: uniq(f.SalesRegions), PurchaseLimit: purchaseLimit(f.PurchaseLimit, errs)}
	if rf := regions.CheckSalesRegions(c.SalesRegions); !rf.OK() {
		set("sales_regions", rf.Key, rf.Args...)
	}
	if c.Category != "" && !slices.Contains(models.ProductCategories, c.Category) {
		set("category", "error.choice")
	}
	for i, s := range f.Support() {
		if s == (pages.SupportRow{}) {
			continue
		}
		if s.Email != "" && validate.Var(s.Email, "email") != nil {
			set("support_email-"+strconv.Itoa(i), "error.email")
		}
		c.Support = append(c.Support, models.SupportItem{Content: s.Content, Hours: s.Hours, Phone: s.Phone, Email: s.Email})
	}
	for _, e := range strings.FieldsFunc(f.NamedBuyers, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '，' }) {
		if validate.Var(e, "email") != nil {
			set("named_buyers", "product.error_named_buyer")
		}
		c.NamedBuyers = append(c.NamedBuyers, strings.ToLower(e))
	}
	switch c.Type {
	case models.ProductSaaS, models.ProductImage:
		c.AssetID = assetChoice(f.AssetID, assets, "asset_id", errs)
	}
	switch c.Type {
	case models.ProductSaaS:
		sf := &models.SaaSFields{ProvisionMode: f.ProvisionMode, UserAuth: f.UserAuth, EncryptType: f.EncryptType, Platforms: f.Platforms}
		if f.SaaSAddressID != "" {
			for _, ad := range f.addresses {
				if ad.InterfaceType == models.InterfaceSaaS && strconv.FormatUint(uint64(ad.ID), 10) == f.SaaSAddressID {
					id := ad.ID
					sf.AddressID = &id
				}
			}
			if sf.AddressID == nil {
				set("saas_address_id", "error.choice")
			}
		}
		if f.BusinessModel == models.BusinessJoint {
			c.BusinessModel = models.BusinessJoint
			for _, app := range f.kitApps {
				if strconv.FormatUint(uint64(app.ID), 10) == f.KitAppID {
					id := app.ID
					sf.KitAppID = &id
				}
			}
			if f.KitAppID != "" && sf.KitAppID == nil {
				set("kit_app_id", "error.choice")
			}
		}
		for _, p := range f.ExtParams {
			if p = strings.TrimSpace(p); p != "" {
				sf.ExtParams = append(sf.ExtParams, p)
			}
		}
		c.SaaS = sf
	case models.ProductLicense:
		c.License = &models.LicenseFields{Delivery: f.Delivery, PackageAssetID: assetChoice(f.PackageAssetID, packages, "package_asset_id", errs)}
		if f.LicenseAddressID != "" {
			for _, ad := range f.addresses {
				if ad.InterfaceType == models.InterfaceLicense && strconv.FormatUint(uint64(ad.ID), 10) == f.LicenseAddressID {
					id := ad.ID
					c.License.AddressID = &id
				}
			}
			if c.License.AddressID == nil {
				set("license_address_id", "error.choice")
			}
		}
	case models.ProductService:
		sf := &models.ServiceFields{FlowTemplate: f.FlowTemplate, AcceptanceStandard: f.AcceptanceStandard}
		if prev.Service != nil {
			sf.RequirementTemplateFileID, sf.DeliveryTemplateFileID = prev.Service.RequirementTemplateFileID, prev.Service.DeliveryTemplateFileID
		}
		if f.AvgDeliveryDays != "" {
			n, err := strconv.Atoi(f.AvgDeliveryDays)
			if err != nil || n < 1 || n > 365 {
				set("avg_delivery_days", "product.error_delivery_days")
			}
			sf.AvgDeliveryDays = n
		}
		c.Service = sf
	case models.ProductImage:
		c.Image = &models.ImageFields{PerCore: yes(f.PerCore)}
	case models.ProductHardware:
		c.Hardware = &models.HardwareFields{LogisticsRequired: yes(f.Logistics)}
	}
	c.Specs = f.specs(prev, c.Type == models.ProductImage && !c.Image.PerCore, regions, c.SalesRegions, errs)
	c.UpgradeRules = f.upgradeRules(c.Specs, errs)
	return c
}

// purchaseLimit reads the per-buyer purchase limit: empty is 0 (no limit).
func purchaseLimit(raw string, errs view.Errors) int {
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > models.MaxPurchaseLimit {
		errs.Set("purchase_limit", models.KeyPurchaseLimit)
		return 0
	}
	return n
}

// uniq drops repeated values, keeping the first of each.
func uniq(list []string) []string {
	var out []string
	for _, v := range list {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// upgradeRules reads the rule rows (spec names) into rules between spec keys and checks
// them: a target may not be cheaper than its source.
func (f *productForm) upgradeRules(specs []models.SpecContent, errs view.Errors) []models.UpgradeRule {
	keyOf := map[string]string{}
	for _, s := range specs {
		keyOf[s.Name] = s.Key
	}
	var rules []models.UpgradeRule
	var rows []int
	for i, r := range f.UpgradeRows() {
		if r.From == "" && r.To == "" {
			continue
		}
		from, okF := keyOf[r.From]
		to, okT := keyOf[r.To]
		if !okF || !okT || from == "" || to == "" {
			errs.Set("upgrade-"+strconv.Itoa(i), "product.error_upgrade_spec")
			continue
		}
		rules = append(rules, models.UpgradeRule{From: from, To: to})
		rows = append(rows, i)
	}
	check := models.ProductContent{Specs: specs, UpgradeRules: rules}
	if i, key := check.CheckUpgradeRules(); i >= 0 {
		errs.Set("upgrade-"+strconv.Itoa(rows[i]), key)
	}
	return rules
}

// assetChoice accepts only one of the offered assets.
func assetChoice(raw string, offered []models.Asset, field string, errs view.Errors) *uint {
	if raw == "" {
		return nil
	}
	for _, a := range offered {
		if strconv.FormatUint(uint64(a.ID), 10) == raw {
			id := a.ID
			return &id
		}
	}
	errs.Set(field, "error.choice")
	return nil
}

// specs reads the spec table; empty rows are ignored, errors name the row. Spec regions
// follow the region rules and stay within the product's sales regions when it has any.
func (f *productForm) specs(prev models.ProductContent, free bool, regions models.RegionRules, sales []string, errs view.Errors) []models.SpecContent {
	known := map[string]bool{}
	for _, s := range prev.Specs {
		known[s.Key] = true
	}
	rows := f.Specs()
	for _, v := range f.SpecRegion {
		if i, _, ok := pages.SpecRegionValue(v); !ok || i >= len(rows) {
			errs.Set("specs", "error.choice")
		}
	}
	var out []models.SpecContent
	names, keys := map[string]bool{}, map[string]bool{}
	for i, r := range rows {
		if r.Name == "" && r.NameEn == "" && r.Billing == "" && r.Year == "" && r.Month == "" && r.OneTime == "" && r.Hour == "" && r.Package == "" && r.Linear == "" && r.Trial == "" {
			continue
		}
		n := strconv.Itoa(i)
		set := func(field, key string, args ...any) {
			if !errs.Has(field + "-" + n) {
				errs.Set(field+"-"+n, key, args...)
			}
		}
		s := models.SpecContent{Key: r.Key, Name: r.Name, NameEn: r.NameEn, BillingMode: r.Billing, LinearAttr: r.Linear, Regions: uniq(r.Regions)}
		if len([]rune(s.NameEn)) > 100 {
			set("spec_name_en", "error.max_len", "N", 100)
		}
		switch rf := regions.CheckSpecRegions(s.Regions, sales); rf.Key {
		case "":
		case models.KeyRegionImageOnly: // the table has no region column to show it in
			errs.Set("specs", rf.Key)
		default:
			set("spec_regions", rf.Key, rf.Args...)
		}
		if !(known[s.Key] || newSpecKeyRE.MatchString(s.Key)) || keys[s.Key] {
			s.Key = ""
		}
		switch folded := strings.ToLower(s.Name); {
		case s.Name == "":
			set("spec_name", "error.required")
		case len([]rune(s.Name)) > 100:
			set("spec_name", "error.max_len", "N", 100)
		case names[folded]:
			set("spec_name", "product.error_spec_dup")
		default:
			names[folded] = true
		}
		if !slices.Contains([]string{models.BillingPeriod, models.BillingOneTime, models.BillingOnDemand, models.BillingPackage}, s.BillingMode) {
			set("spec_billing", "error.choice")
		}
		price := func(field, raw string, mode string) *int64 {
			if raw == "" || s.BillingMode != mode {
				return nil
			}
			fen, err := money.ParseYuan(raw)
			if err != nil {
				set(field, moneyErrKey(err))
				return nil
			}
			if fen == 0 && !free {
				set(field, "product.error_price_zero")
				return nil
			}
			return &fen
		}
		s.YearFen = price("spec_year", r.Year, models.BillingPeriod)
		s.MonthFen = price("spec_month", r.Month, models.BillingPeriod)
		s.OneTimeFen = price("spec_one_time", r.OneTime, models.BillingOneTime)
		s.HourFen = price("spec_hour", r.Hour, models.BillingOnDemand)
		s.PackageFen = price("spec_package", r.Package, models.BillingPackage)
		switch s.LinearAttr {
		case "":
		case "amount", "disk_size", "bandwidth":
			lo, err1 := strconv.Atoi(r.LinearMin)
			hi, err2 := strconv.Atoi(r.LinearMax)
			if err1 != nil || err2 != nil || lo < 1 || hi < lo || hi > 1000000 {
				set("spec_linear", "product.error_linear_range")
			}
			s.LinearMin, s.LinearMax = lo, hi
		default:
			set("spec_linear", "error.choice")
		}
		if r.Trial != "" && r.Trial != "0" {
			d, err := strconv.Atoi(r.Trial)
			switch {
			case err != nil || !models.TrialDaysValid(d):
				set("spec_trial", "product.error_trial_range")
			case s.BillingMode != models.BillingPeriod:
				set("spec_trial", "product.error_trial_period")
			}
			s.TrialDays = d
		}
		if s.Key != "" {
			keys[s.Key] = true
		}
		out = append(out, s)
	}
	if len(out) > pages.MaxSpecs {
		errs.Set("specs", "product.error_too_many_specs", "N", pages.MaxSpecs)
	}
	next := 1
	for i := range out {
		if out[i].Key != "" {
			continue
		}
		for keys["new-"+strconv.Itoa(next)] {
			next++
		}
		out[i].Key = "new-" + strconv.Itoa(next)
		keys[out[i].Key] = true
	}
	return out
}
