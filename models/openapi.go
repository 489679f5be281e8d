package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm/clause"
)

// APISignature remembers an open-API request signature for its date window, so a
// captured request cannot be replayed.
type APISignature struct {
	Signature string    `gorm:"primaryKey;size:64"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

// ErrReplayed: the signature was used before inside its window.
var ErrReplayed = errors.New("request signature already used")

// APIKey is an access key found by its public identifier, with the secrets that verify
// now: the current one and, during a rotation's grace period, the previous one.
type APIKey struct {
	Key     AccessKey
	Secrets []string
}

// APIKeyByAccess finds an active key by its AccessID (the AK of AK/SK signing).
func (s *Store) APIKeyByAccess(ctx context.Context, accessID string) (APIKey, error) {
	var k AccessKey
	if err := first(s.r.WithContext(ctx).Where("access_id = ?", accessID), &k); err != nil {
		return APIKey{}, err
	}
	if k.Status != KeyActive {
		return APIKey{}, ErrKeyRevoked
	}
	out := APIKey{Key: k}
	cur, err := s.box.Open(k.SecretEnc)
	if err != nil {
		return APIKey{}, err
	}
	out.Secrets = append(out.Secrets, cur)
	if k.PreviousLive(s.clock.Now()) {
		prev, err := s.box.Open(k.PreviousEnc)
		if err != nil {
			return APIKey{}, err
		}
		out.Secrets = append(out.Secrets, prev)
	}
	return out, nil
}

// UseAPISignature records sig until expires; ErrReplayed when it was recorded before.
// Expired signatures are swept on the way.
func (s *Store) UseAPISignature(ctx context.Context, sig string, expires time.Time) error {
	return s.Tx(ctx, func(tx *Store) error {
		if err := tx.w.Exec(`DELETE FROM api_signatures WHERE signature IN
			(SELECT signature FROM api_signatures WHERE expires_at < ? LIMIT 1000)`, tx.clock.Now()).Error; err != nil {
			return err
		}
		res := tx.w.Clauses(clause.OnConflict{DoNothing: true}).Create(&APISignature{Signature: sig, ExpiresAt: expires.UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrReplayed
		}
		return nil
	})
}

// OpenAPIOrder is an order of the merchant as the order query API returns it.
type OpenAPIOrder struct {
	Order Order
	Lines []OrderLine
}

// OpenAPIOrderOf reads the merchant's order by its number, with its lines (only lineNo
// when given). Another merchant's order is ErrNotFound.
func (s *Store) OpenAPIOrderOf(ctx context.Context, merchantID uint, orderNo, lineNo string) (OpenAPIOrder, error) {
	var out OpenAPIOrder
	if err := first(s.r.WithContext(ctx).Where("order_no = ? AND merchant_id = ?", orderNo, merchantID), &out.Order); err != nil {
		return out, err
	}
	q := s.r.WithContext(ctx).Where("order_id = ?", out.Order.ID)
	if lineNo != "" {
		q = q.Where("line_no = ?", lineNo)
	}
	if err := q.Order("line_no").Find(&out.Lines).Error; err != nil {
		return out, err
	}
	if lineNo != "" && len(out.Lines) == 0 {
		return out, ErrNotFound
	}
	return out, nil
}
