package pages

import (
	"context"

	"sellercenter/models"
	"sellercenter/web/i18n"
	"sellercenter/web/view"
)

// CatalogCard is one product of the public catalog, in the reader's language.
type CatalogCard struct {
	ID       uint
	Name     string
	Summary  string
	Type     string
	Category string
	LogoURL  string // empty without a logo
	Lowest   *models.CatalogPrice
}

// CatalogVM is the public catalog: the filters, one page of cards and the pager.
type CatalogVM struct {
	Q, Category, Type string
	Cards             []CatalogCard
	Pager             view.Pager
	Errors            view.Errors
}

// CatalogProductVM is a public product page. DescriptionHTML is sanitized again by the
// handler; nothing else is raw.
type CatalogProductVM struct {
	ID              uint
	Name, OtherName string
	Type, Category  string
	Version         string
	Summary         string
	LogoURL         string
	MediaURLs       []string
	DescriptionHTML string
	Highlights      string
	CustomerCases   string
	Support         []models.SupportItem
	Specs           []models.CatalogSpec
}

// CatalogTypes lists the product types the catalog filters by.
func CatalogTypes() []string { return productTypes }

func catalogTypeOptions() []view.Option {
	return append([]view.Option{{Value: "", Label: "common.all"}}, optionsOf("product.type.", productTypes...)...)
}

func catalogCategoryOptions() []view.Option {
	return append([]view.Option{{Value: "", Label: "common.all"}}, optionsOf("product.category.", models.ProductCategories...)...)
}

// periodKey is the message key of a price's period, e.g. "per month".
func periodKey(period string) string { return "catalog.per." + period }

// lowestPrice is a card's "from ¥x/period".
func lowestPrice(ctx context.Context, lp *models.CatalogPrice) string {
	return i18n.T(ctx, "catalog.from", "Price", i18n.Money(ctx, lp.PriceFen), "Period", i18n.T(ctx, periodKey(lp.PeriodType)))
}
