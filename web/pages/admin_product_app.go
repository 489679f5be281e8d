package pages

import (
	"sellercenter/models"
	"sellercenter/web/components"
)

// ProductAppReviewVM is one product application in the reviewer console: the proposed
// content (or, for unhide and removals, the live one with the merchant's reason).
type ProductAppReviewVM struct {
	Review          ReviewVM
	App             models.ProductApplication
	Product         models.Product
	C               *models.ProductContent
	DescriptionHTML string // sanitized again by the handler
	AssetURL        string
	PackageAssetURL string
	ContentFiles    []components.FileLink
	SalesRegions    []RegionName
	SalesRegionsAll string // what no sales regions means for the type, in the reader's language
	PurchaseLimit   string // resolved text
	Specs           []ProductSpecRow
	Rules           [][2]string // from, to spec names
	Diff            []DiffRow   // modify only
	Reason          string      // unhide, remove_spec, remove_product
	SpecKey         string
	SpecName        string
	SaaSAddress     *models.ProductionAddress // the production address the content names
	DebugCases      []models.DebugCaseView    // reviewers: the product's debug cases
}

// ProductSpecRow is one spec of the submission; SKU is set for a live spec.
type ProductSpecRow struct {
	Content models.SpecContent
	SKU     string
	Prices  []SpecPriceVM
	Regions []string
}

// SpecPriceVM is one sellable period of a spec, with its productId once live.
type SpecPriceVM struct {
	Period      string
	Label       string // message key
	Fen         int64
	ProductCode string
}

// Changed counts the diff rows that differ.
func (vm ProductAppReviewVM) Changed() int {
	n := 0
	for _, d := range vm.Diff {
		if d.Changed {
			n++
		}
	}
	return n
}
