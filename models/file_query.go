package models

import (
	"context"
)

// Upload is a file written to the blob store for a submission. The store method that
// saves the submission records it (creates its files row) in its own transaction, so a
// refused submission leaves no row; its blob is removed by the caller, or by the blob
// sweep when the process died in between.
type Upload struct {
	Purpose     string
	BlobKey     string
	Filename    string
	ContentType string
	Size        int64
}

// Uploads are a submission's new files.
type Uploads []Upload

// First is the first upload of a purpose, or nil.
func (ups Uploads) First(purpose string) *Upload {
	for i := range ups {
		if ups[i].Purpose == purpose {
			return &ups[i]
		}
	}
	return nil
}

// recordUploads creates the rows of ups, owned by the actor (and the merchant, if any),
// in the current transaction; their ids come back by purpose.
func (s *Store) recordUploads(a Actor, merchantID *uint, ups Uploads) (map[string][]uint, error) {
	ids := map[string][]uint{}
	for _, u := range ups {
		row := File{OwnerUserID: a.UserID, OwnerMerchantID: merchantID, Purpose: u.Purpose, BlobKey: u.BlobKey,
			Filename: u.Filename, ContentType: u.ContentType, Size: u.Size, CreatedAt: s.clock.Now()}
		if err := s.w.Create(&row).Error; err != nil {
			return nil, err
		}
		ids[u.Purpose] = append(ids[u.Purpose], row.ID)
	}
	return ids, nil
}

// recordUploadsFor records ups attached to an object created in this transaction.
func (s *Store) recordUploadsFor(a Actor, merchantID uint, refType string, refID uint, ups Uploads) (map[string][]uint, error) {
	ids, err := s.recordUploads(a, &merchantID, ups)
	if err != nil {
		return nil, err
	}
	var all []uint
	for _, v := range ids {
		all = append(all, v...)
	}
	return ids, s.attachFiles(merchantID, refType, refID, all)
}

// one is the first id of a purpose, or nil.
func one(ids map[string][]uint, purpose string) *uint {
	if v := ids[purpose]; len(v) > 0 {
		return &v[0]
	}
	return nil
}

// KnownBlobs tells which of keys a row still points to: a file, or an export.
func (s *Store) KnownBlobs(ctx context.Context, keys []string) (map[string]bool, error) {
	known := map[string]bool{}
	for _, q := range []struct{ table string }{{"files"}, {"export_jobs"}} {
		var found []string
		if err := s.r.WithContext(ctx).Table(q.table).Where("blob_key IN ?", keys).Pluck("blob_key", &found).Error; err != nil {
			return nil, err
		}
		for _, k := range found {
			known[k] = true
		}
	}
	return known, nil
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
