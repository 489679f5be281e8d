package models

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Product types (接入类型). The type is a plain code so API, container, data and AI
// products can be added by listing them here with their own fields.
const (
	ProductSaaS     = "saas"
	ProductLicense  = "license"
	ProductImage    = "image"
	ProductService  = "service"
	ProductHardware = "hardware"
)

// Listing states of a product as buyers see it.
const (
	ListingNotListed = "NOT_LISTED" // never approved for sale
	ListingOnSale    = "ON_SALE"    // 在售
	ListingStopped   = "STOPPED"    // 停售: the platform stopped sales
	ListingDelisted  = "DELISTED"   // 退市: removed for good
)

// Business models.
const (
	BusinessGeneral = "general" // 通用: merchant ↔ buyer contract
	BusinessJoint   = "joint"   // 联营: platform ↔ merchant
)

// Billing modes of a spec.
const (
	BillingPeriod   = "period"    // 包周期: year/month prices
	BillingOneTime  = "one_time"  // 一次性/按次
	BillingOnDemand = "on_demand" // 按需 (per hour)
	BillingPackage  = "package"   // 套餐包
)

// Sales objects.
const (
	SalesAll        = "all"
	SalesEnterprise = "enterprise"
	SalesPersonal   = "personal"
	SalesNamed      = "named"
)

// ProductCategories lists the catalog's categories (message keys product.category.<code>).
var ProductCategories = []string{"office", "security", "dev_tools", "data", "ai", "industry", "website", "ecommerce", "professional"}

// SupportItem is one support offer of a product: what, when and how to reach it.
type SupportItem struct {
	Content string `json:"content"`
	Hours   string `json:"hours"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
}

// Platforms a SaaS product or a joint-operation app is distributed to; products there
// are hidden-sale.
const (
	PlatformWeLink     = "welink"     // WeLink open platform
	PlatformIndustrial = "industrial" // industrial software cloud
)

// Platforms lists them in display order.
var Platforms = []string{PlatformWeLink, PlatformIndustrial}

// SaaSFields are the SaaS-only fields.
type SaaSFields struct {
	ProvisionMode string   `json:"provision_mode"`       // on_purchase | after_acceptance
	UserAuth      string   `json:"user_auth"`            // none | mobile | email
	EncryptType   string   `json:"encrypt_type"`         // "1" AES-256, "2" AES-128
	ExtParams     []string `json:"ext_params"`           // at most 3
	Platforms     []string `json:"platforms"`            // of Platforms: those products are hidden-sale
	AddressID     *uint    `json:"address_id,omitempty"` // the production address (basic SaaS interface) called for it
	KitAppID      *uint    `json:"kit_app_id,omitempty"` // 联营: the app credential the kit syncs and unified login use
}

// SaaSAddress is the production address content names, if any.
func (c ProductContent) SaaSAddress() *uint {
	if c.Type != ProductSaaS || c.SaaS == nil {
		return nil
	}
	return c.SaaS.AddressID
}

// LicenseFields are the License-only fields.
type LicenseFields struct {
	Delivery       string `json:"delivery"` // online_code | system_code | hardware_code | offline | package_deploy
	PackageAssetID *uint  `json:"package_asset_id,omitempty"`
	// AddressID is the License address online codes' changes are pushed to.
	AddressID *uint `json:"address_id,omitempty"`
}

// ServiceFields are the professional-service fields.
type ServiceFields struct {
	FlowTemplate              string `json:"flow_template"`
	AvgDeliveryDays           int    `json:"avg_delivery_days"`
	RequirementTemplateFileID *uint  `json:"requirement_template_file_id,omitempty"`
	DeliveryTemplateFileID    *uint  `json:"delivery_template_file_id,omitempty"`
	AcceptanceStandard        string `json:"acceptance_standard"`
}

// ImageFields are the image-only fields.
type ImageFields struct {
	PerCore bool `json:"per_core"` // priced per vCPU core; otherwise free of software charge
}

// HardwareFields are the hardware-only fields.
type HardwareFields struct {
	LogisticsRequired bool `json:"logistics_required"`
}

// ProductContent is everything a merchant writes about a product. Applications carry it
// as a snapshot; the product row holds the approved (live) copy.
type ProductContent struct {
	Type          string        `json:"type"`
	BusinessModel string        `json:"business_model"`
	Category      string        `json:"category"`
	NameZh        string        `json:"name_zh"`
	NameEn        string        `json:"name_en"`
	Version       string        `json:"version"`
	LogoFileID    *uint         `json:"logo_file_id,omitempty"`
	MediaFileIDs  []uint        `json:"media_file_ids"`
	Summary       string        `json:"summary"`
	Description   string        `json:"description"` // sanitized HTML
	Highlights    string        `json:"highlights"`
	CustomerCases string        `json:"customer_cases"`
	UserGuide     string        `json:"user_guide"`
	Support       []SupportItem `json:"support"`
	EULAFileID    *uint         `json:"eula_file_id,omitempty"`
	CopyrightID   *uint         `json:"copyright_file_id,omitempty"` // review only
	Supervised    bool          `json:"supervised"`
	// SupervisionScenario is the scenario its supervised orders run in (general, empower,
	// base); empty: 联营 products under the platform's review (empower), others general.
	SupervisionScenario string          `json:"supervision_scenario,omitempty"`
	PublicSale          bool            `json:"public_sale"`
	SalesObjects        string          `json:"sales_objects"`
	NamedBuyers         []string        `json:"named_buyers"`
	SalesRegions        []string        `json:"sales_regions"`
	PurchaseLimit       int             `json:"purchase_limit"` // most live purchases one buyer may hold; 0: no limit
	AssetID             *uint           `json:"asset_id,omitempty"`
	SaaS                *SaaSFields     `json:"saas,omitempty"`
	License             *LicenseFields  `json:"license,omitempty"`
	Service             *ServiceFields  `json:"service,omitempty"`
	Image               *ImageFields    `json:"image,omitempty"`
	Hardware            *HardwareFields `json:"hardware,omitempty"`
	Specs               []SpecContent   `json:"specs"`
	UpgradeRules        []UpgradeRule   `json:"upgrade_rules"`
}

// SpecContent is a spec (规格/SKU) as written in an application. Key identifies the spec
// across applications: the live spec's SKU code, or a draft key for a new spec.
type SpecContent struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`              // Chinese
	NameEn      string   `json:"name_en,omitempty"` // English; the Chinese name stands in when empty
	BillingMode string   `json:"billing_mode"`
	YearFen     *int64   `json:"year_fen,omitempty"`
	MonthFen    *int64   `json:"month_fen,omitempty"`
	OneTimeFen  *int64   `json:"one_time_fen,omitempty"`
	HourFen     *int64   `json:"hour_fen,omitempty"`
	PackageFen  *int64   `json:"package_fen,omitempty"`
	LinearAttr  string   `json:"linear_attr"` // "" | amount | disk_size | bandwidth
	LinearMin   int      `json:"linear_min"`
	LinearMax   int      `json:"linear_max"`
	TrialDays   int      `json:"trial_days"` // 0: no trial; 3–180, period specs only
	Regions     []string `json:"regions"`    // image specs
}

// UpgradeRule lets buyers of one spec move to another (by spec keys).
type UpgradeRule struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MinDescriptionRunes is the publishing standard's minimum description length.
const MinDescriptionRunes = 400

// MinSupportItems is the publishing standard's minimum number of support offers.
const MinSupportItems = 4

// Missing is one publishing-standard item an application does not meet yet: Field names
// the form field to link to, Key the message key.
type Missing struct {
	Field    string
	Key      string
	Activity string // a debug case still missing: its activity
	Protocol string // and the protocol version it is needed in
}

// textRunes counts the visible characters of sanitized HTML.
func textRunes(html string) int {
	var b strings.Builder
	in := false
	for _, r := range html {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return utf8.RuneCountInString(strings.TrimSpace(b.String()))
}

// StandardsGaps checks content against the publishing standards (商品发布规范) and lists
// what is missing, in form order. Asset state is checked by the store, which knows it.
func (c ProductContent) StandardsGaps() []Missing {
	var out []Missing
	add := func(field, key string) { out = append(out, Missing{Field: field, Key: key}) }
	if c.NameZh == "" || c.NameEn == "" {
		add("name_zh", "standards.names")
	}
	if c.Category == "" {
		add("category", "standards.category")
	}
	if c.LogoFileID == nil {
		add("logo", "standards.logo")
	}
	if len(c.MediaFileIDs) == 0 {
		add("media", "standards.media")
	}
	if c.Summary == "" {
		add("summary", "standards.summary")
	}
	if textRunes(c.Description) < MinDescriptionRunes {
		add("description", "standards.description")
	}
	complete := 0
	for _, s := range c.Support {
		if s.Content != "" && s.Hours != "" && (s.Phone != "" || s.Email != "") {
			complete++
		}
	}
	if complete < MinSupportItems {
		add("support", "standards.support")
	}
	if c.EULAFileID == nil {
		add("eula", "standards.eula")
	}
	if c.SalesObjects == SalesNamed && len(c.NamedBuyers) == 0 {
		add("named_buyers", "standards.named_buyers")
	}
	switch c.Type {
	case ProductSaaS, ProductImage:
		if c.AssetID == nil {
			add("asset", "standards.asset")
		}
		if s := c.SaaS; s != nil {
			if c.BusinessModel == BusinessJoint && s.KitAppID == nil {
				add("kit_app_id", "standards.kit_app")
			}
			if len(s.Platforms) > 0 && c.PublicSale {
				add("public_sale", "standards.platforms_hidden")
			}
		}
	case ProductLicense:
		if c.License == nil || c.License.Delivery == "" {
			add("delivery", "standards.license_delivery")
		}
	case ProductService:
		if c.Service == nil || c.Service.RequirementTemplateFileID == nil || c.Service.DeliveryTemplateFileID == nil || c.Service.AcceptanceStandard == "" {
			add("service", "standards.service")
		}
	}
	if len(c.Specs) == 0 {
		add("specs", "standards.specs")
	}
	for _, s := range c.Specs {
		if !s.Priced() {
			add("specs", "standards.spec_prices")
			break
		}
	}
	return out
}

// Priced tells whether the spec has the prices its billing mode needs.
func (s SpecContent) Priced() bool {
	switch s.BillingMode {
	case BillingPeriod:
		return s.YearFen != nil || s.MonthFen != nil
	case BillingOneTime:
		return s.OneTimeFen != nil
	case BillingOnDemand:
		return s.HourFen != nil
	case BillingPackage:
		return s.PackageFen != nil
	}
	return false
}

// Product is what a merchant sells. Its columns hold the approved (live) version; the
// indexed ones serve the catalog and the lists.
type Product struct {
	ID         uint   `gorm:"primaryKey"`
	MerchantID uint   `gorm:"not null;index:idx_products_merchant,priority:1"`
	Type       string `gorm:"size:20;not null"`
	Category   string `gorm:"size:30;not null;default:'';index:idx_products_catalog,priority:2"`
	NameZh     string `gorm:"size:100;not null;default:''"`
	NameEn     string `gorm:"size:100;not null;default:''"`
	Listing    string `gorm:"size:20;not null;index:idx_products_catalog,priority:1"`
	Hidden     bool   `gorm:"not null;default:false"`
	HiddenAt   *time.Time
	AssetID    *uint `gorm:"index"`
	// SaaSAddressID mirrors the live content's production address, for the key and
	// address pages' "used by" lists.
	SaaSAddressID *uint  `gorm:"column:saas_address_id"`
	Content       string `gorm:"type:text;not null;default:'{}'"` // live ProductContent JSON
	ListedAt      *time.Time
	DelistedAt    *time.Time
	// StoppedAt, StopReason: the platform stopped sales (停售); StopHid remembers that
	// the stop hid the product, so restoring it unhides it.
	StoppedAt  *time.Time
	StopReason string    `gorm:"size:40;not null;default:''"`
	StopHid    bool      `gorm:"not null;default:false"`
	Version    int       `gorm:"not null;default:1"`
	CreatedAt  time.Time `gorm:"not null;index:idx_products_merchant,priority:2"`
	UpdatedAt  time.Time `gorm:"not null"`
}

// Spec is a live spec of a product. SKUCode is stable for the spec's life.
type Spec struct {
	ID          uint      `gorm:"primaryKey"`
	ProductID   uint      `gorm:"not null;index:idx_specs_product,priority:1"`
	MerchantID  uint      `gorm:"not null;index"`
	SKUCode     string    `gorm:"size:40;not null;uniqueIndex"`
	Name        string    `gorm:"size:100;not null"`
	BillingMode string    `gorm:"size:20;not null"`
	Content     string    `gorm:"type:text;not null"` // SpecContent JSON
	Hidden      bool      `gorm:"not null;default:false"`
	Removed     bool      `gorm:"not null;default:false"`
	SortOrder   int       `gorm:"not null;default:0;index:idx_specs_product,priority:2"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

// SpecPrice is one sellable (spec × period type): its own productId and price in fen.
type SpecPrice struct {
	ID          uint   `gorm:"primaryKey"`
	SpecID      uint   `gorm:"not null;uniqueIndex:idx_spec_prices_period,priority:1"`
	PeriodType  string `gorm:"size:20;not null;uniqueIndex:idx_spec_prices_period,priority:2"` // year, month, one_time, hour, package
	ProductCode string `gorm:"size:40;not null;uniqueIndex"`                                   // the protocol's productId
	PriceFen    int64  `gorm:"not null"`
}

// Product application kinds (我的申请).
const (
	AppPublish       = "publish"
	AppModify        = "modify"
	AppUnhide        = "unhide"
	AppRemoveSpec    = "remove_spec"
	AppRemoveProduct = "remove_product"
)

// Product application states.
const (
	PADraft    = "DRAFT"
	PAPending  = "PENDING"
	PAApproved = "APPROVED"
	PARejected = "REJECTED"
)

// ProductApplication is one reviewed change to what buyers see. Snapshot holds the
// proposed ProductContent for publish and modify.
type ProductApplication struct {
	ID            uint   `gorm:"primaryKey"`
	MerchantID    uint   `gorm:"not null;index:idx_papps_merchant,priority:1"`
	ProductID     uint   `gorm:"not null;index:idx_papps_product,priority:1"`
	Kind          string `gorm:"size:20;not null"`
	Status        string `gorm:"size:20;not null;index:idx_papps_status,priority:1"`
	Snapshot      string `gorm:"type:text;not null;default:'{}'"`
	AssetID       *uint  `gorm:"index"`                       // the snapshot's asset, so assets in use by drafts are known
	SaaSAddressID *uint  `gorm:"column:saas_address_id"`      // the snapshot's production address
	SpecKey       string `gorm:"size:40;not null;default:''"` // remove_spec
	Reason        string `gorm:"size:1000;not null;default:''"`
	RejectReasons string `gorm:"size:1000;not null;default:''"` // comma-separated reason keys
	RejectComment string `gorm:"size:2000;not null;default:''"`
	SubmittedByID *uint
	SubmittedAt   *time.Time `gorm:"index:idx_papps_status,priority:2"`
	DecidedAt     *time.Time
	DecidedByID   *uint
	Version       int       `gorm:"not null;default:1"`
	CreatedAt     time.Time `gorm:"not null;index:idx_papps_merchant,priority:2;index:idx_papps_product,priority:2"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// Editable tells whether the merchant may still change the application.
func (a *ProductApplication) Editable() bool { return a.Status == PADraft || a.Status == PARejected }

// Submit sends the application to review.
func (a *ProductApplication) Submit(userID uint, now time.Time) error {
	if !a.Editable() {
		return ErrIllegalTransition
	}
	a.Status, a.SubmittedAt, a.SubmittedByID = PAPending, &now, &userID
	a.RejectReasons, a.RejectComment = "", ""
	return nil
}

// Withdraw takes a pending application back to draft (撤回).
func (a *ProductApplication) Withdraw() error {
	if a.Status != PAPending {
		return ErrIllegalTransition
	}
	a.Status = PADraft
	return nil
}

// Approve accepts the application.
func (a *ProductApplication) Approve(reviewerID uint, now time.Time) error {
	if a.Status != PAPending {
		return ErrIllegalTransition
	}
	if a.SubmittedByID != nil && *a.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	a.Status, a.DecidedAt, a.DecidedByID = PAApproved, &now, &reviewerID
	return nil
}

// Reject refuses the application with structured reasons and a comment.
func (a *ProductApplication) Reject(reviewerID uint, now time.Time, reasons []string, comment string) error {
	if a.Status != PAPending {
		return ErrIllegalTransition
	}
	if a.SubmittedByID != nil && *a.SubmittedByID == reviewerID {
		return ErrOwnSubmission
	}
	if len(reasons) == 0 {
		return ErrIllegalTransition
	}
	a.Status, a.DecidedAt, a.DecidedByID = PARejected, &now, &reviewerID
	a.RejectReasons, a.RejectComment = strings.Join(reasons, ","), comment
	return nil
}

// CheckUpgradeRules tells which upgrade rule breaks the rules, with the message key:
// both ends must be distinct specs of the content, the target may not be cheaper than
// the source for any period the source is sold by, and a rule appears once.
func (c ProductContent) CheckUpgradeRules() (int, string) {
	specs := map[string]SpecContent{}
	for _, s := range c.Specs {
		specs[s.Key] = s
	}
	seen := map[UpgradeRule]bool{}
	for i, r := range c.UpgradeRules {
		from, okF := specs[r.From]
		to, okT := specs[r.To]
		switch {
		case !okF || !okT || r.From == r.To:
			return i, "product.error_upgrade_spec"
		case seen[r]:
			return i, "product.error_upgrade_dup"
		case from.BillingMode != to.BillingMode:
			return i, "product.error_upgrade_billing"
		}
		seen[r] = true
		fp, tp := PeriodPrices(from), PeriodPrices(to)
		for period, price := range fp {
			if target, ok := tp[period]; ok && target < price {
				return i, "product.error_upgrade_cheaper"
			}
		}
	}
	return -1, ""
}

// DisplayName is the spec's name in lang: its English name on English pages when the
// merchant gave one, the Chinese name otherwise.
func (s Spec) DisplayName(lang string) string {
	if lang == "zh-CN" || !strings.Contains(s.Content, `"name_en"`) {
		return s.Name
	}
	var c SpecContent
	if json.Unmarshal([]byte(s.Content), &c) != nil || c.NameEn == "" {
		return s.Name
	}
	return c.NameEn
}
