package models

import "context"

// ProductAppName is what a product application's queue row shows about its product.
type ProductAppName struct {
	AppID  uint
	NameZh string
	NameEn string
	Type   string
}

// ProductAppNames reads the product names and types of several applications.
func (s *Store) ProductAppNames(ctx context.Context, appIDs []uint) (map[uint]ProductAppName, error) {
	out := map[uint]ProductAppName{}
	if len(appIDs) == 0 {
		return out, nil
	}
	var rows []ProductAppName
	if err := s.r.WithContext(ctx).Table("product_applications AS a").Joins("JOIN products p ON p.id = a.product_id").
		Where("a.id IN ?", appIDs).Select("a.id AS app_id, p.name_zh, p.name_en, p.type").Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.AppID] = r
	}
	return out, nil
}

// ProductApplicationByID reads any product application (reviewer console).
func (s *Store) ProductApplicationByID(ctx context.Context, id uint) (ProductApplication, error) {
	var a ProductApplication
	return a, first(s.r.WithContext(ctx).Where("id = ?", id), &a)
}

// ProductByID reads any product (reviewer console).
func (s *Store) ProductByID(ctx context.Context, id uint) (Product, error) {
	var p Product
	return p, first(s.r.WithContext(ctx).Where("id = ?", id), &p)
}

// FilesByIDs reads files by id, for content that refers to its uploads by id.
func (s *Store) FilesByIDs(ctx context.Context, ids []uint) (map[uint]File, error) {
	out := map[uint]File{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []File
	if err := s.r.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, f := range rows {
		out[f.ID] = f
	}
	return out, nil
}
