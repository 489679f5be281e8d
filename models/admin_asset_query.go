package models

import "context"

// AssetNames reads the names and versions of assets by id, for the reviewer queue's rows.
func (s *Store) AssetNames(ctx context.Context, ids []uint) (map[uint]Asset, error) {
	out := map[uint]Asset{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Asset
	if err := s.r.WithContext(ctx).Select("id, name, asset_version").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, a := range rows {
		out[a.ID] = a
	}
	return out, nil
}
