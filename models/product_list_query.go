package models

import "context"

// ProductFilter narrows the merchant's product list.
type ProductFilter struct {
	Type, Listing string
	Page, Per     int
}

// ProductRow is a product in the merchant's list with its latest application, if any.
type ProductRow struct {
	Product
	App *ProductApplication
}

// Products lists the merchant's products, newest first, each with its latest application.
func (s *Store) Products(ctx context.Context, merchantID uint, f ProductFilter) ([]ProductRow, int64, error) {
	q := s.r.WithContext(ctx).Model(&Product{}).Where("merchant_id = ?", merchantID)
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if f.Listing != "" {
		q = q.Where("listing = ?", f.Listing)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var ps []Product
	if err := q.Order("created_at DESC, id DESC").Offset((f.Page - 1) * f.Per).Limit(f.Per).Find(&ps).Error; err != nil {
		return nil, 0, err
	}
	rows := make([]ProductRow, len(ps))
	ids := make([]uint, len(ps))
	for i, p := range ps {
		rows[i].Product, ids[i] = p, p.ID
	}
	if len(ids) == 0 {
		return rows, total, nil
	}
	var apps []ProductApplication
	if err := s.r.WithContext(ctx).Where("merchant_id = ? AND product_id IN ?", merchantID, ids).Order("id DESC").Find(&apps).Error; err != nil {
		return nil, 0, err
	}
	latest := map[uint]*ProductApplication{}
	for i := range apps {
		if latest[apps[i].ProductID] == nil {
			latest[apps[i].ProductID] = &apps[i]
		}
	}
	for i := range rows {
		rows[i].App = latest[rows[i].ID]
	}
	return rows, total, nil
}

// ProductAppFilter narrows the merchant's application list.
type ProductAppFilter struct {
	Status, Kind string
	Page, Per    int
}

// ProductAppRow is an application with the names of its product.
type ProductAppRow struct {
	ProductApplication
	NameZh, NameEn, ProductType string
}

// ProductApplications lists the merchant's product applications, newest first.
func (s *Store) ProductApplications(ctx context.Context, merchantID uint, f ProductAppFilter) ([]ProductAppRow, int64, error) {
	q := s.r.WithContext(ctx).Model(&ProductApplication{}).Where("product_applications.merchant_id = ?", merchantID)
	if f.Status != "" {
		q = q.Where("product_applications.status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("product_applications.kind = ?", f.Kind)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []ProductAppRow
	err := q.Select("product_applications.*, products.name_zh, products.name_en, products.type AS product_type").
		Joins("JOIN products ON products.id = product_applications.product_id AND products.merchant_id = product_applications.merchant_id").
		Order("product_applications.created_at DESC, product_applications.id DESC").
		Offset((f.Page - 1) * f.Per).Limit(f.Per).Scan(&rows).Error
	return rows, total, err
}

// ProductCounts are a merchant's products by where they stand.
type ProductCounts struct {
	Drafts   int64 // never approved for sale, no application waiting
	Pending  int64 // an application waits for a reviewer
	OnSale   int64 // in the catalog
	Hidden   int64 // on sale, hidden from the catalog (hidden sale)
	Stopped  int64
	Delisted int64
}

// ProductCountsOf counts the merchant's products by listing state, and those with an
// application waiting, in two grouped queries.
func (s *Store) ProductCountsOf(ctx context.Context, merchantID uint) (ProductCounts, error) {
	var out ProductCounts
	db := s.r.WithContext(ctx)
	var rows []struct {
		Listing string
		Hidden  bool
		N       int64
	}
	if err := db.Table("products").Select("listing, hidden, COUNT(*) AS n").Where("merchant_id = ?", merchantID).
		Group("listing, hidden").Scan(&rows).Error; err != nil {
		return out, err
	}
	for _, r := range rows {
		switch {
		case r.Listing == ListingOnSale && r.Hidden:
			out.Hidden += r.N
		case r.Listing == ListingOnSale:
			out.OnSale += r.N
		case r.Listing == ListingStopped:
			out.Stopped += r.N
		case r.Listing == ListingDelisted:
			out.Delisted += r.N
		default:
			out.Drafts += r.N
		}
	}
	var pendingNew int64
	if err := db.Table("product_applications AS a").Joins("JOIN products p ON p.id = a.product_id").
		Where("a.merchant_id = ? AND a.status = ?", merchantID, PAPending).Select("COUNT(DISTINCT a.product_id)").
		Scan(&out.Pending).Error; err != nil {
		return out, err
	}
	if err := db.Table("product_applications AS a").Joins("JOIN products p ON p.id = a.product_id").
		Where("a.merchant_id = ? AND a.status = ? AND p.listing = ?", merchantID, PAPending, ListingNotListed).
		Select("COUNT(DISTINCT a.product_id)").Scan(&pendingNew).Error; err != nil {
		return out, err
	}
	out.Drafts -= pendingNew // a first application waiting: pending, no longer a draft
	return out, nil
}
