package models

import (
	"context"
	"errors"
	"slices"
)

// MaxPurchaseLimit bounds a product's per-buyer purchase limit (0 means no limit).
const MaxPurchaseLimit = 999

// Message keys of the region and purchase-limit rules; the region keys take the
// offending code as their argument ("key:code").
const (
	KeyRegionUnknown       = "product.error_region_unknown"
	KeyRegionNotReplicated = "product.error_region_not_replicated"
	KeyRegionNotSold       = "product.error_spec_region_not_sold"
	KeyRegionImageOnly     = "product.error_spec_regions_image_only"
	KeyPurchaseLimit       = "product.error_purchase_limit"
)

// RegionRules are the regions a product may be sold in. Offered is what the region
// catalog offers the merchant (the asset form's rules: active regions, restricted ones
// only where the merchant already has an image), in catalog order. For an image product
// whose image is chosen, Replicated lists the regions that image is replicated to and
// ImageChosen is set: the product and its specs can only be sold where the image is.
type RegionRules struct {
	Image       bool // the product is an image product: its specs carry regions
	ImageChosen bool
	Offered     []string
	Replicated  []string
	Catalog     []Region // the offered entries, for their names
}

// Allowed lists the codes the product may be sold in, in catalog order. A product with
// no sales regions chosen is sold in all of them.
func (r RegionRules) Allowed() []string {
	if !r.ImageChosen {
		return r.Offered
	}
	var out []string
	for _, code := range r.Offered {
		if slices.Contains(r.Replicated, code) {
			out = append(out, code)
		}
	}
	return out
}

// Refusal is why a value is refused: a message key and its arguments (name, value
// pairs); the zero Refusal refuses nothing.
type Refusal struct {
	Key  string
	Args []any
}

// OK tells whether nothing was refused.
func (r Refusal) OK() bool { return r.Key == "" }

// regionRefusal tells why code may not be used, naming it.
func (r RegionRules) regionRefusal(code string) Refusal {
	switch {
	case !slices.Contains(r.Offered, code):
		return Refusal{KeyRegionUnknown, []any{"N", code}}
	case r.ImageChosen && !slices.Contains(r.Replicated, code):
		return Refusal{KeyRegionNotReplicated, []any{"N", code}}
	}
	return Refusal{}
}

// CheckSalesRegions tells why the product's sales regions are refused.
func (r RegionRules) CheckSalesRegions(codes []string) Refusal {
	for _, code := range codes {
		if rf := r.regionRefusal(code); !rf.OK() {
			return rf
		}
	}
	return Refusal{}
}

// CheckSpecRegions tells why a spec's regions are refused: each must be allowed for the
// product and, when the product names its sales regions, among them.
func (r RegionRules) CheckSpecRegions(codes, sales []string) Refusal {
	if len(codes) > 0 && !r.Image {
		return Refusal{Key: KeyRegionImageOnly}
	}
	for _, code := range codes {
		if rf := r.regionRefusal(code); !rf.OK() {
			return rf
		}
		if len(sales) > 0 && !slices.Contains(sales, code) {
			return Refusal{KeyRegionNotSold, []any{"N", code}}
		}
	}
	return Refusal{}
}

// check applies the purchase limit's bounds and the region rules to whole content.
func (r RegionRules) check(c ProductContent) error {
	if c.PurchaseLimit < 0 || c.PurchaseLimit > MaxPurchaseLimit {
		return &FieldError{Field: "purchase_limit", Key: KeyPurchaseLimit}
	}
	return r.checkRegions(c)
}

// checkRegions applies the rules to the content's sales and spec regions.
func (r RegionRules) checkRegions(c ProductContent) error {
	if rf := r.CheckSalesRegions(c.SalesRegions); !rf.OK() {
		return &FieldError{Field: "sales_regions", Key: rf.Key, Args: rf.Args}
	}
	for _, s := range c.Specs {
		if rf := r.CheckSpecRegions(s.Regions, c.SalesRegions); !rf.OK() {
			return &FieldError{Field: "specs", Key: rf.Key, Args: rf.Args}
		}
	}
	return nil
}

// ProductRegionRules reads the region rules for a product of the type whose content
// names assetID (nil: none chosen). Only the merchant's own image asset counts.
func (s *Store) ProductRegionRules(ctx context.Context, merchantID uint, typ string, assetID *uint) (RegionRules, error) {
	r := RegionRules{Image: typ == ProductImage}
	regions, err := s.RegionsFor(ctx, merchantID)
	if err != nil {
		return r, err
	}
	r.Catalog = regions
	for _, reg := range regions {
		r.Offered = append(r.Offered, reg.Code)
	}
	if !r.Image || assetID == nil {
		return r, nil
	}
	var a Asset
	err = first(s.r.WithContext(ctx).Select("id, kind").Where("id = ? AND merchant_id = ?", *assetID, merchantID), &a)
	switch {
	case errors.Is(err, ErrNotFound):
		return r, nil
	case err != nil:
		return r, err
	case a.Kind != AssetImage:
		return r, nil
	}
	r.ImageChosen = true
	err = s.r.WithContext(ctx).Model(&AssetRegion{}).Where("asset_id = ? AND merchant_id = ?", a.ID, merchantID).
		Order("region_code").Pluck("region_code", &r.Replicated).Error
	return r, err
}
