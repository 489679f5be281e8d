package pages

import (
	"sellercenter/models"
	"sellercenter/web/view"
)

// SpecView is a spec on the product detail page with its sellable periods.
type SpecView struct {
	models.Spec
	Prices []models.SpecPrice
}

// ProductDetailVM is 我的商品 > 详情: the live version, its specs and the applications.
type ProductDetailVM struct {
	Product models.Product
	Content models.ProductContent
	Specs   []SpecView
	Apps    []models.ProductApplication
	Open    bool // a draft or pending application exists
}

// OnSale tells whether listing actions apply.
func (vm ProductDetailVM) OnSale() bool { return vm.Product.Listing == models.ListingOnSale }

// LiveSpecs counts the specs not removed.
func (vm ProductDetailVM) LiveSpecs() int {
	n := 0
	for _, s := range vm.Specs {
		if !s.Removed {
			n++
		}
	}
	return n
}

// DelistVM is the delisting page: the impact first, then the reason and proof.
type DelistVM struct {
	Impact     models.DelistImpact
	BlockedKey string // why the delisting cannot be requested now, or ""
	Reason     string
	Errors     view.Errors
}

// SKU is the spec being delisted, or "" for the whole product.
func (vm DelistVM) SKU() string {
	if vm.Impact.Spec == nil {
		return ""
	}
	return vm.Impact.Spec.SKUCode
}
