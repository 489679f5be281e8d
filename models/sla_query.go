package models

import (
	"context"
	"time"
)

// OverdueCounts counts, per queue, the pending items submitted at or before the queue's
// cutoff (the moment its SLA ran out).
func (s *Store) OverdueCounts(ctx context.Context, cutoffs map[Queue]time.Time) (map[Queue]int64, error) {
	out := map[Queue]int64{}
	for q, cutoff := range cutoffs {
		def := queueDefs[q]
		var n int64
		if err := s.r.WithContext(ctx).Table(def.table).Where("status IN ? AND submitted_at <= ?", def.pending, cutoff).Count(&n).Error; err != nil {
			return nil, err
		}
		out[q] = n
	}
	return out, nil
}

// DefaultSLAWorkdays is a review queue's SLA when its setting is absent.
const DefaultSLAWorkdays = 3

// SLASettings maps each queue to its setting key.
var SLASettings = map[Queue]string{
	QueueRealName:      SettingRealNameSLA,
	QueueApplication:   SettingApplicationSLA,
	QueueCertification: SettingCertSLA,
	QueueChange:        SettingChangeSLA,
	QueueAsset:         SettingAssetSLA,
	QueueProductApp:    SettingProductSLA,
}

// NotifyReviewers sends one inbox message (and mail) to every active reviewer.
func (s *Store) NotifyReviewers(ctx context.Context, n Notice) error {
	return s.Tx(ctx, func(tx *Store) error {
		var ids []uint
		if err := tx.w.Model(&User{}).Where("role = ? AND status = ?", RoleReviewer, UserActive).Pluck("id", &ids).Error; err != nil {
			return err
		}
		for _, id := range ids {
			n.UserID = id
			if err := tx.notify(n); err != nil {
				return err
			}
		}
		return nil
	})
}
