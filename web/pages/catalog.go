package pages

import (
	"context"
	"strings"

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
	SalesRegions    []string          // codes the product is sold in; none: every region
	SpecRegions     bool              // an image product: each spec names its regions
	RegionNames     map[string]string // code → name in the reader's language
	PurchaseLimit   int               // live purchases one buyer may hold; 0: no limit
}

// RegionList names regions for buyers; none reads as allKey says.
func (vm CatalogProductVM) RegionList(ctx context.Context, codes []string, allKey string) string {
	if len(codes) == 0 {
		return i18n.T(ctx, allKey)
	}
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = code
		if n := vm.RegionNames[code]; n != "" {
			parts[i] = n
		}
	}
	sep := ", "
	if i18n.Lang(ctx) == i18n.ZhCN {
		sep = "、"
	}
	return strings.Join(parts, sep)
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

// canBuy tells whether the reader may be offered to buy: a buyer, or a visitor who can
// log in as one.
func canBuy(p view.Page) bool { return p.User == nil || p.User.Role == string(models.RoleBuyer) }
