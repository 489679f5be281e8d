package models

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// CatalogFilter narrows the public catalog. Empty fields do not filter.
type CatalogFilter struct {
	Q        string
	Category string
	Type     string
	Page     int
	Per      int
}

// CatalogPrice is the lowest price a product is offered from, for one period type.
type CatalogPrice struct {
	PeriodType string
	PriceFen   int64
}

// CatalogItem is one product card of the catalog: the live product and its lowest offer.
type CatalogItem struct {
	Product
	Lowest *CatalogPrice
}

// CatalogDetail is a product page: the live product and content with the specs on offer.
type CatalogDetail struct {
	Product Product
	Content ProductContent
	Specs   []CatalogSpec
}

// CatalogSpec is a spec on offer (not hidden, not removed) with its prices.
type CatalogSpec struct {
	Spec    Spec
	Content SpecContent
	Prices  []SpecPrice
}

// PeriodOrder breaks ties between equal lowest prices of different period types.
var PeriodOrder = []string{"month", "year", "hour", "one_time", "package"}

// CatalogProducts lists the products buyers may browse: on sale and not hidden, newest
// listing first, with each product's lowest live price read in one query.
func (s *Store) CatalogProducts(ctx context.Context, f CatalogFilter) ([]CatalogItem, int64, error) {
	q := s.r.WithContext(ctx).Model(&Product{}).Where("listing = ? AND hidden = ?", ListingOnSale, false)
	if f.Category != "" {
		q = q.Where("category = ?", f.Category)
	}
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if f.Q != "" {
		like := "%" + escapeLike(strings.ToLower(f.Q)) + "%"
		q = q.Where("(LOWER(name_zh) LIKE ? ESCAPE '\\' OR LOWER(name_en) LIKE ? ESCAPE '\\')", like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var ps []Product
	if err := q.Order("listed_at DESC, id DESC").Offset((f.Page - 1) * f.Per).Limit(f.Per).Find(&ps).Error; err != nil {
		return nil, 0, err
	}
	items := make([]CatalogItem, len(ps))
	ids := make([]uint, len(ps))
	for i, p := range ps {
		items[i].Product, ids[i] = p, p.ID
	}
	lowest, err := s.lowestPrices(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range items {
		items[i].Lowest = lowest[items[i].ID]
	}
	return items, total, nil
}

// lowestPrices reads, in one query, the lowest price of the offered specs (not hidden,
// not removed) of each product; ties go to the period type first in PeriodOrder.
func (s *Store) lowestPrices(ctx context.Context, productIDs []uint) (map[uint]*CatalogPrice, error) {
	out := map[uint]*CatalogPrice{}
	if len(productIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ProductID  uint
		PeriodType string
		PriceFen   int64
	}
	err := s.r.WithContext(ctx).Table("spec_prices AS sp").
		Select("s.product_id, sp.period_type, MIN(sp.price_fen) AS price_fen").
		Joins("JOIN specs s ON s.id = sp.spec_id").
		Where("s.product_id IN ? AND s.hidden = ? AND s.removed = ?", productIDs, false, false).
		Group("s.product_id, sp.period_type").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	rank := func(period string) int {
		if i := slices.Index(PeriodOrder, period); i >= 0 {
			return i
		}
		return len(PeriodOrder)
	}
	for _, r := range rows {
		cur := out[r.ProductID]
		if cur == nil || r.PriceFen < cur.PriceFen || (r.PriceFen == cur.PriceFen && rank(r.PeriodType) < rank(cur.PeriodType)) {
			out[r.ProductID] = &CatalogPrice{PeriodType: r.PeriodType, PriceFen: r.PriceFen}
		}
	}
	return out, nil
}

// CatalogProduct reads a product page: the product must be on sale (hidden ones too, as
// they stay reachable by link); only the live content and the offered specs are read,
// never an application.
func (s *Store) CatalogProduct(ctx context.Context, id uint) (CatalogDetail, error) {
	var out CatalogDetail
	db := s.r.WithContext(ctx)
	if err := first(db.Where("id = ? AND listing = ?", id, ListingOnSale), &out.Product); err != nil {
		return out, err
	}
	c, err := out.Product.LiveContent()
	if err != nil {
		return out, err
	}
	out.Content = c
	var specs []Spec
	if err := db.Where("product_id = ? AND hidden = ? AND removed = ?", id, false, false).Order("sort_order, id").Find(&specs).Error; err != nil {
		return out, err
	}
	ids := make([]uint, len(specs))
	for i, sp := range specs {
		ids[i] = sp.ID
	}
	prices, err := s.SpecPrices(ctx, ids)
	if err != nil {
		return out, err
	}
	bySpec := map[uint][]SpecPrice{}
	for _, pr := range prices {
		bySpec[pr.SpecID] = append(bySpec[pr.SpecID], pr)
	}
	for _, sp := range specs {
		cs := CatalogSpec{Spec: sp, Prices: bySpec[sp.ID]}
		slices.SortFunc(cs.Prices, func(a, b SpecPrice) int {
			return slices.Index(PeriodOrder, a.PeriodType) - slices.Index(PeriodOrder, b.PeriodType)
		})
		_ = json.Unmarshal([]byte(sp.Content), &cs.Content)
		out.Specs = append(out.Specs, cs)
	}
	return out, nil
}

// CatalogFile reads a file anyone may see: an image of the product's own merchant that
// an on-sale product's live content names as its logo or a media image. Everything else
// is ErrNotFound.
func (s *Store) CatalogFile(ctx context.Context, fileID uint) (File, error) {
	var f File
	db := s.r.WithContext(ctx)
	if err := first(db.Where("id = ? AND owner_merchant_id IS NOT NULL", fileID), &f); err != nil {
		return f, err
	}
	if !f.IsImage() {
		return File{}, ErrNotFound
	}
	// Narrow in SQL to the merchant's on-sale products whose content mentions the id
	// where a logo or a media id can stand, then check the decoded content exactly.
	n := strconv.FormatUint(uint64(fileID), 10)
	var ps []Product
	err := db.Select("id, content").
		Where("merchant_id = ? AND listing = ?", *f.OwnerMerchantID, ListingOnSale).
		Where("(content LIKE ? OR content LIKE ? OR content LIKE ? OR content LIKE ? OR content LIKE ? OR content LIKE ?)",
			`%"logo_file_id":`+n+`,%`, `%"logo_file_id":`+n+`}%`, `%[`+n+`]%`, `%[`+n+`,%`, `%,`+n+`,%`, `%,`+n+`]%`).
		Find(&ps).Error
	if err != nil {
		return File{}, err
	}
	for _, p := range ps {
		c, err := p.LiveContent()
		if err != nil {
			continue
		}
		if (c.LogoFileID != nil && *c.LogoFileID == fileID) || slices.Contains(c.MediaFileIDs, fileID) {
			return f, nil
		}
	}
	return File{}, ErrNotFound
}
