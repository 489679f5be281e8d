package pages

import (
	"context"
	"encoding/json"
	"sellercenter/web/i18n"
	"strconv"
	"strings"

	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/view"
)

// ProductListVM is 我的商品.
type ProductListVM struct {
	Items   []models.ProductRow
	Type    string
	Listing string
	Active  bool
	Pager   view.Pager
}

// ProductAppListVM is 我的申请.
type ProductAppListVM struct {
	Items  []models.ProductAppRow
	Status string
	Kind   string
	Pager  view.Pager
}

// SpecRow is one row of the spec table as typed.
type SpecRow struct {
	Key, Name, NameEn, Billing          string
	Year, Month, OneTime, Hour, Package string
	Linear, LinearMin, LinearMax, Trial string
	Regions                             []string // image specs
}

// SupportRow is one support offer as typed.
type SupportRow struct{ Content, Hours, Phone, Email string }

// ProductFields are the editor's values as typed, so a refused form shows them again.
type ProductFields struct {
	Category       string   `form:"category" validate:"omitempty,max=30"`
	NameZh         string   `form:"name_zh" validate:"max=100"`
	NameEn         string   `form:"name_en" validate:"max=100"`
	Version        string   `form:"version" validate:"max=40"`
	Summary        string   `form:"summary" validate:"max=500"`
	Description    string   `form:"description" validate:"max=20000"`
	Highlights     string   `form:"highlights" validate:"max=2000"`
	CustomerCases  string   `form:"customer_cases" validate:"max=2000"`
	UserGuide      string   `form:"user_guide" validate:"max=2000"`
	SupportContent []string `form:"support_content" validate:"max=20,dive,max=200"`
	SupportHours   []string `form:"support_hours" validate:"max=20,dive,max=100"`
	SupportPhone   []string `form:"support_phone" validate:"max=20,dive,max=40"`
	SupportEmail   []string `form:"support_email" validate:"max=20,dive,max=100"`
	Supervised     string   `form:"supervised" validate:"omitempty,oneof=yes no"`
	Scenario       string   `form:"supervision_scenario" validate:"omitempty,oneof=general empower base"`
	PublicSale     string   `form:"public_sale" validate:"omitempty,oneof=yes no"`
	SalesObjects   string   `form:"sales_objects" validate:"omitempty,oneof=all enterprise personal named"`
	NamedBuyers    string   `form:"named_buyers" validate:"max=2000"`
	SalesRegions   []string `form:"sales_regions" validate:"max=50,dive,max=40"`
	PurchaseLimit  string   `form:"purchase_limit"` // checked by the handler: 0–999
	AssetID        string   `form:"asset_id" validate:"max=12"`
	// SaaS
	ProvisionMode string   `form:"provision_mode" validate:"omitempty,oneof=on_purchase after_acceptance"`
	UserAuth      string   `form:"user_auth" validate:"omitempty,oneof=none mobile email"`
	EncryptType   string   `form:"encrypt_type" validate:"omitempty,oneof=1 2"`
	ExtParams     []string `form:"ext_params" validate:"max=3,dive,max=40"`
	Platforms     []string `form:"platforms" validate:"max=2,dive,oneof=welink industrial"`
	SaaSAddressID string   `form:"saas_address_id" validate:"max=12"`
	BusinessModel string   `form:"business_model" validate:"omitempty,oneof=general joint"`
	KitAppID      string   `form:"kit_app_id" validate:"max=12"`
	// License
	Delivery       string `form:"delivery" validate:"omitempty,oneof=online_code system_code hardware_code offline package_deploy"`
	PackageAssetID string `form:"package_asset_id" validate:"max=12"`
	// LicenseAddressID is the License address online codes' changes are pushed to.
	LicenseAddressID string `form:"license_address_id" validate:"max=12"`
	// Service
	FlowTemplate       string `form:"flow_template" validate:"omitempty,oneof=standard custom"`
	AvgDeliveryDays    string `form:"avg_delivery_days" validate:"max=3"`
	AcceptanceStandard string `form:"acceptance_standard" validate:"max=2000"`
	// Image and hardware
	PerCore   string `form:"per_core" validate:"omitempty,oneof=yes no"`
	Logistics string `form:"logistics" validate:"omitempty,oneof=yes no"`
	// Specs, one entry per table row.
	SpecKey       []string `form:"spec_key" validate:"max=12,dive,max=40"`
	SpecName      []string `form:"spec_name" validate:"max=12"`
	SpecNameEn    []string `form:"spec_name_en" validate:"max=12"`
	SpecBilling   []string `form:"spec_billing" validate:"max=12"`
	SpecYear      []string `form:"spec_year" validate:"max=12"`
	SpecMonth     []string `form:"spec_month" validate:"max=12"`
	SpecOneTime   []string `form:"spec_one_time" validate:"max=12"`
	SpecHour      []string `form:"spec_hour" validate:"max=12"`
	SpecPackage   []string `form:"spec_package" validate:"max=12"`
	SpecLinear    []string `form:"spec_linear" validate:"max=12"`
	SpecLinearMin []string `form:"spec_linear_min" validate:"max=12"`
	SpecLinearMax []string `form:"spec_linear_max" validate:"max=12"`
	SpecTrial     []string `form:"spec_trial" validate:"max=12"`
	// SpecRegion holds "row:code" for each region ticked in a spec row (image specs).
	SpecRegion []string `form:"spec_region" validate:"max=500,dive,max=50"`
	// Upgrade rules, by spec name: one entry per row.
	UpgradeFrom []string `form:"upgrade_from" validate:"max=10,dive,max=100"`
	UpgradeTo   []string `form:"upgrade_to" validate:"max=10,dive,max=100"`
}

// UpgradeRow is one upgrade rule row of the form.
type UpgradeRow struct{ From, To string }

// UpgradeRows are the rule rows: the saved ones and two empty rows.
func (f ProductFields) UpgradeRows() []UpgradeRow {
	n := max(len(f.UpgradeFrom), len(f.UpgradeTo))
	out := make([]UpgradeRow, 0, n+2)
	for i := 0; i < n; i++ {
		out = append(out, UpgradeRow{From: at(f.UpgradeFrom, i), To: at(f.UpgradeTo, i)})
	}
	return append(out, UpgradeRow{}, UpgradeRow{})
}

// SpecNameOptions offers the named spec rows for upgrade rules.
func (f ProductFields) SpecNameOptions() []view.Option {
	var out []view.Option
	for _, r := range f.Specs() {
		if r.Name != "" {
			out = append(out, view.Option{Value: r.Name, Label: r.Name, Raw: true})
		}
	}
	return out
}

func at(list []string, i int) string {
	if i < len(list) {
		return strings.TrimSpace(list[i])
	}
	return ""
}

// Specs are the typed spec rows.
func (f ProductFields) Specs() []SpecRow {
	n := max(len(f.SpecKey), len(f.SpecName), len(f.SpecBilling))
	out := make([]SpecRow, n)
	for i := range out {
		out[i] = SpecRow{Key: at(f.SpecKey, i), Name: at(f.SpecName, i), NameEn: at(f.SpecNameEn, i), Billing: at(f.SpecBilling, i),
			Year: at(f.SpecYear, i), Month: at(f.SpecMonth, i), OneTime: at(f.SpecOneTime, i), Hour: at(f.SpecHour, i),
			Package: at(f.SpecPackage, i), Linear: at(f.SpecLinear, i), LinearMin: at(f.SpecLinearMin, i),
			LinearMax: at(f.SpecLinearMax, i), Trial: at(f.SpecTrial, i)}
	}
	for _, v := range f.SpecRegion {
		if i, code, ok := SpecRegionValue(v); ok && i < n {
			out[i].Regions = append(out[i].Regions, code)
		}
	}
	return out
}

// SpecRegionValue splits a spec_region entry "row:code"; ok is false when malformed.
func SpecRegionValue(v string) (row int, code string, ok bool) {
	r, code, found := strings.Cut(v, ":")
	n, err := strconv.Atoi(r)
	if !found || err != nil || n < 0 || n >= 100 || code == "" {
		return 0, "", false
	}
	return n, code, true
}

// SpecRegionEntry is the spec_region value of a ticked region in row i.
func SpecRegionEntry(i int, code string) string { return strconv.Itoa(i) + ":" + code }

// Support are the typed support rows.
func (f ProductFields) Support() []SupportRow {
	n := max(len(f.SupportContent), len(f.SupportHours), len(f.SupportPhone), len(f.SupportEmail))
	out := make([]SupportRow, n)
	for i := range out {
		out[i] = SupportRow{at(f.SupportContent, i), at(f.SupportHours, i), at(f.SupportPhone, i), at(f.SupportEmail, i)}
	}
	return out
}

// MaxSpecs bounds the spec table.
const MaxSpecs = 10

// ProductAppVM is the application editor.
type ProductAppVM struct {
	App         models.ProductApplication
	Product     models.Product
	Form        ProductFields
	Errors      view.Errors
	Gaps        []models.Missing
	GapsFailed  bool   // a submit was refused for these gaps
	Preview     string // the saved description, sanitized by the handler
	Assets      []models.Asset
	Packages    []models.Asset
	Addresses   []models.ProductionAddress // the merchant's basic SaaS production addresses
	KitApps     []models.KitApp            // the merchant's app credentials a 联营 product may link
	Logo        *uint
	Media       []uint
	EULA        *uint
	ReqTemplate *uint
	DelTemplate *uint
	Regions     models.RegionRules // what the regions may be, with the offered catalog entries
	// Summary is the application as a reader sees it, shown instead of the form when it
	// cannot be edited (pending, approved).
	Summary *ProductAppReviewVM
}

// RegionChoice is one region checkbox of the editor. Outside marks a ticked region the
// rules no longer allow: it stays visible so that saving explains it instead of
// dropping it unseen.
type RegionChoice struct {
	Region  models.Region // only Code is set for a code the catalog does not offer
	Checked bool
	Outside bool
}

func (vm ProductAppVM) regionChoices(chosen []string) []RegionChoice {
	byCode := map[string]models.Region{}
	for _, r := range vm.Regions.Catalog {
		byCode[r.Code] = r
	}
	ticked, seen := setOf(chosen), map[string]bool{}
	var out []RegionChoice
	for _, code := range vm.Regions.Allowed() {
		seen[code] = true
		out = append(out, RegionChoice{Region: byCode[code], Checked: ticked[code]})
	}
	for _, code := range chosen {
		if seen[code] {
			continue
		}
		seen[code] = true
		r, ok := byCode[code]
		if !ok {
			r = models.Region{Code: code}
		}
		out = append(out, RegionChoice{Region: r, Checked: true, Outside: true})
	}
	return out
}

// SalesRegionChoices are the product's sales-region checkboxes.
func (vm ProductAppVM) SalesRegionChoices() []RegionChoice {
	return vm.regionChoices(vm.Form.SalesRegions)
}

// SpecRegionChoices are one spec row's region checkboxes.
func (vm ProductAppVM) SpecRegionChoices(r SpecRow) []RegionChoice {
	return vm.regionChoices(r.Regions)
}

// regionChoiceLabel is a checkbox's region name in the reader's language, or the bare
// code when the catalog does not name it.
func regionChoiceLabel(lang string, c RegionChoice) string {
	if n := regionDisplayName(lang, c.Region); n != "" {
		return n
	}
	return c.Region.Code
}

// SpecRows are the rows to render: what was typed, padded with empty rows.
func (vm ProductAppVM) SpecRows() []SpecRow {
	rows := vm.Form.Specs()
	if !vm.Errors.Any() {
		for i := 0; i < 2 && len(rows) < MaxSpecs; i++ {
			rows = append(rows, SpecRow{})
		}
	}
	return rows
}

// SupportRows are the support rows to render: at least four, one empty at the end.
func (vm ProductAppVM) SupportRows() []SupportRow {
	rows := vm.Form.Support()
	for len(rows) < models.MinSupportItems || (!vm.Errors.Any() && rows[len(rows)-1] != SupportRow{}) {
		rows = append(rows, SupportRow{})
	}
	return rows
}

// ListingBadge maps a listing state to its label and tone.
func ListingBadge(listing string) components.BadgeProps {
	tone := map[string]string{models.ListingOnSale: "green", models.ListingStopped: "yellow", models.ListingDelisted: "red"}[listing]
	return components.BadgeProps{Label: "product.listing." + listing, Tone: tone, TestID: "listing"}
}

// ProductAppStatusBadge maps an application state to its label and tone.
func ProductAppStatusBadge(status string) components.BadgeProps {
	tone := map[string]string{models.PAPending: "yellow", models.PAApproved: "green", models.PARejected: "red"}[status]
	return components.BadgeProps{Label: "product_app.status." + status, Tone: tone, TestID: "app-status"}
}

// ProductName is the product's name in the reader's language, falling back to the other.
func ProductName(lang, zh, en string) string {
	if (lang == "zh-CN" && zh != "") || en == "" {
		return zh
	}
	return en
}

func optionsOf(prefix string, values ...string) []view.Option {
	out := make([]view.Option, len(values))
	for i, v := range values {
		out[i] = view.Option{Value: v, Label: prefix + v}
	}
	return out
}

var (
	productTypes     = []string{models.ProductSaaS, models.ProductLicense, models.ProductImage, models.ProductService, models.ProductHardware}
	listingOptions   = optionsOf("product.listing.", models.ListingNotListed, models.ListingOnSale, models.ListingStopped, models.ListingDelisted)
	appStatusOptions = optionsOf("product_app.status.", models.PADraft, models.PAPending, models.PAApproved, models.PARejected)
	appKindOptions   = optionsOf("product_app.kind.", models.AppPublish, models.AppModify, models.AppUnhide, models.AppRemoveSpec, models.AppRemoveProduct)
	salesOptions     = optionsOf("product.sales.", models.SalesAll, models.SalesEnterprise, models.SalesPersonal, models.SalesNamed)
	provisionOptions = optionsOf("product.provision.", "on_purchase", "after_acceptance")
	userAuthOptions  = optionsOf("product.user_auth.", "none", "mobile", "email")
	encryptOptions   = []view.Option{{Value: "1", Label: "product.encrypt.aes256"}, {Value: "2", Label: "product.encrypt.aes128"}}
	platformOptions  = optionsOf("product.platform.", models.Platforms...)
	businessOptions  = optionsOf("product.business.", models.BusinessGeneral, models.BusinessJoint)
	deliveryOptions  = optionsOf("product.delivery.", "online_code", "system_code", "hardware_code", "offline", "package_deploy")
	flowOptions      = optionsOf("product.flow.", "standard", "custom")
	billingOptions   = optionsOf("product.billing.", models.BillingPeriod, models.BillingOneTime, models.BillingOnDemand, models.BillingPackage)
	linearOptions    = optionsOf("product.linear.", "amount", "disk_size", "bandwidth")
)

// ProductTypes lists the types a merchant can create.
func ProductTypes() []string { return productTypes }

func typeOptions() []view.Option { return optionsOf("product.type.", productTypes...) }

func categoryOptions() []view.Option {
	return optionsOf("product.category.", models.ProductCategories...)
}

func assetOptions(as []models.Asset) []view.Option {
	out := make([]view.Option, len(as))
	for i, a := range as {
		out[i] = view.Option{Value: uitoa(a.ID), Label: a.Name + " " + a.AssetVersion, Raw: true}
	}
	return out
}

// gapAnchor is where a checklist item links to in the editor.
func gapAnchor(field string) string {
	switch field {
	case "support", "specs", "service", "media", "logo", "eula":
		return "#card-" + field
	}
	return "#f-" + field
}

// rejectReasons splits the stored comma-separated reason keys.
func rejectReasons(raw string) []string {
	var out []string
	for _, k := range strings.Split(raw, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// ProductNewVM starts a product of one type.
type ProductNewVM struct {
	Type, Category, NameZh, NameEn string
	Errors                         view.Errors
}

// specValue is the typed value of one of a spec row's price fields.
func specValue(r SpecRow, name string) string {
	switch name {
	case "spec_year":
		return r.Year
	case "spec_month":
		return r.Month
	case "spec_one_time":
		return r.OneTime
	case "spec_hour":
		return r.Hour
	case "spec_package":
		return r.Package
	}
	return ""
}

// richTextKeys are the rich-text editor's toolbar titles (Trix's names for them).
var richTextKeys = []string{"bold", "italic", "strike", "link", "heading1", "quote", "code", "bullets", "numbers",
	"outdent", "indent", "undo", "redo", "url", "urlPlaceholder", "unlink", "remove", "attachFiles", "captionPlaceholder"}

// richTextLang is the editor's toolbar titles in the reader's language, as JSON.
func richTextLang(ctx context.Context) string {
	m := make(map[string]string, len(richTextKeys))
	for _, k := range richTextKeys {
		m[k] = i18n.T(ctx, "richtext."+k)
	}
	b, _ := json.Marshal(m)
	return string(b)
}
