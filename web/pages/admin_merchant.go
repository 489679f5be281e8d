package pages

import (
	"time"

	"sellercenter/models"
	"sellercenter/web/components"
	"sellercenter/web/view"
)

// MerchantListVM is the merchant directory.
type MerchantListVM struct {
	Q             string
	Status        string
	StatusOptions []view.Option
	Errors        view.Errors
	Rows          []MerchantRowVM
	Pager         view.Pager
}

// MerchantRowVM is one merchant in the directory.
type MerchantRowVM struct {
	ID            uint
	Company       string
	OwnerEmail    string
	State         string // onboarding, active, suspended
	RealName      string
	Application   string
	Certification string
	CreatedAt     time.Time
}

// MerchantDetailVM is one merchant: profile, onboarding, submissions, history and the
// suspend or reinstate form.
type MerchantDetailVM struct {
	M           models.MerchantRow
	Owner       models.User
	State       string
	LogoURL     string
	Submissions []SubmissionLink
	History     []components.HistoryEntry
	AuditURL    string
	Action      MerchantActionVM
	// What the merchant sells and has sold: the newest of each, with the way to all.
	Products      []models.ProductRow
	ProductsTotal int64
	ProductsURL   string
	Orders        []models.OrderRow
	OrdersURL     string
	Assets        []models.Asset
	AssetsTotal   int64
	AssetsURL     string
}

// SubmissionLink is a merchant's latest submission of one kind.
type SubmissionLink struct {
	TitleKey string
	Kind     string
	Status   string
	URL      string
	At       *time.Time
}

// MerchantActionVM is the suspend form (for a merchant in good standing) or the
// reinstate form (for a suspended one).
type MerchantActionVM struct {
	MerchantID uint
	Suspended  bool
	Reasons    []view.Option
	Reason     string
	Comment    string
	Errors     view.Errors
}
