package models

import (
	"context"
)

// NewFile is an upload already written to the blob store.
type NewFile struct {
	OwnerUserID     uint
	OwnerMerchantID *uint
	Purpose         string
	BlobKey         string
	Filename        string
	ContentType     string
	Size            int64
}

// CreateFile records an upload not yet attached to anything.
func (s *Store) CreateFile(ctx context.Context, f NewFile) (File, error) {
	row := File{OwnerUserID: f.OwnerUserID, OwnerMerchantID: f.OwnerMerchantID, Purpose: f.Purpose, BlobKey: f.BlobKey,
		Filename: f.Filename, ContentType: f.ContentType, Size: f.Size, CreatedAt: s.clock.Now()}
	err := s.Tx(ctx, func(tx *Store) error { return tx.w.Create(&row).Error })
	return row, err
}

// FileForUser reads a file the user may see: their own, their merchant's, or any file
// for a reviewer.
func (s *Store) FileForUser(ctx context.Context, u User, id uint) (File, error) {
	var f File
	q := s.r.WithContext(ctx).Where("id = ?", id)
	if u.Role != RoleReviewer {
		if u.MerchantID != nil {
			q = q.Where("owner_user_id = ? OR owner_merchant_id = ?", u.ID, *u.MerchantID)
		} else {
			q = q.Where("owner_user_id = ?", u.ID)
		}
	}
	return f, first(q, &f)
}

// FilesFor lists the files attached to an object.
func (s *Store) FilesFor(ctx context.Context, refType string, refID uint) ([]File, error) {
	var rows []File
	err := s.r.WithContext(ctx).Where("ref_type = ? AND ref_id = ?", refType, refID).Order("id").Find(&rows).Error
	return rows, err
}

// FilesForMany lists the files attached to several objects of one type.
func (s *Store) FilesForMany(ctx context.Context, refType string, ids []uint) (map[uint][]File, error) {
	out := map[uint][]File{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []File
	if err := s.r.WithContext(ctx).Where("ref_type = ? AND ref_id IN ?", refType, ids).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, f := range rows {
		out[f.RefID] = append(out[f.RefID], f)
	}
	return out, nil
}

// attachFiles links uploads (owned by merchantID) to an object in the current transaction.
func (s *Store) attachFiles(merchantID uint, refType string, refID uint, fileIDs []uint) error {
	if len(fileIDs) == 0 {
		return nil
	}
	res := s.w.Model(&File{}).Where("id IN ? AND owner_merchant_id = ? AND ref_id = 0", fileIDs, merchantID).
		Updates(map[string]any{"ref_type": refType, "ref_id": refID})
	if res.Error != nil {
		return res.Error
	}
	if int(res.RowsAffected) != len(fileIDs) {
		return ErrNotFound
	}
	return nil
}
