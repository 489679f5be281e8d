package models

import (
	"context"
	"errors"
)

// MerchantWithOwner reads a merchant and its owner's email for the reviewer console.
func (s *Store) MerchantWithOwner(ctx context.Context, id uint) (MerchantRow, error) {
	var row MerchantRow
	err := first(s.r.WithContext(ctx).Table("merchants AS m").Joins("JOIN users u ON u.id = m.owner_user_id").
		Select("m.*, u.email AS owner_email").Where("m.id = ?", id), &row)
	return row, err
}

// MerchantDossier is a merchant with its latest submissions, as a reviewer sees it.
type MerchantDossier struct {
	MerchantRow
	Owner         User
	RealName      *RealNameVerification // latest, abandoned ones included
	Application   *OnboardingApplication
	Certification *BusinessCertification
	Changes       []ChangeRequest // newest first, at most 10
}

// MerchantDetail reads a merchant's dossier for the reviewer console.
func (s *Store) MerchantDetail(ctx context.Context, id uint) (MerchantDossier, error) {
	var d MerchantDossier
	var err error
	if d.MerchantRow, err = s.MerchantWithOwner(ctx, id); err != nil {
		return d, err
	}
	if d.Owner, err = s.UserByID(ctx, d.OwnerUserID); err != nil {
		return d, err
	}
	var rn RealNameVerification
	switch err := first(s.r.WithContext(ctx).Where("merchant_id = ?", id).Order("id DESC"), &rn); {
	case err == nil:
		d.RealName = &rn
	case !errors.Is(err, ErrNotFound):
		return d, err
	}
	switch app, err := s.CurrentApplication(ctx, id); {
	case err == nil:
		d.Application = &app
	case !errors.Is(err, ErrNotFound):
		return d, err
	}
	var cert BusinessCertification
	switch err := first(s.r.WithContext(ctx).Where("merchant_id = ?", id), &cert); {
	case err == nil:
		d.Certification = &cert
	case !errors.Is(err, ErrNotFound):
		return d, err
	}
	d.Changes, _, err = s.ChangeRequests(ctx, id, 1, 10)
	return d, err
}

// RealNameSubmittedNames reads the names given in real-name submissions, by id: a
// merchant has no company name until its first verification is approved, so the
// queue shows the name under review instead.
func (s *Store) RealNameSubmittedNames(ctx context.Context, ids []uint) (map[uint]string, error) {
	out := map[uint]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   uint
		Name string
	}
	if err := s.r.WithContext(ctx).Model(&RealNameVerification{}).Select("id, name").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
