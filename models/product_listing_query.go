package models

import (
	"context"
	"errors"
)

// ErrLastSpec: the product's last live spec cannot be removed alone; delist the product.
var ErrLastSpec = errors.New("the last live spec cannot be removed; delist the product instead")

// SpecsOf lists every spec of one of the merchant's products, removed ones included, in order.
func (s *Store) SpecsOf(ctx context.Context, merchantID, productID uint) ([]Spec, error) {
	var rows []Spec
	err := s.r.WithContext(ctx).Where("product_id = ? AND merchant_id = ?", productID, merchantID).
		Order("sort_order, id").Find(&rows).Error
	return rows, err
}

// ApplicationsOfProduct lists the applications of one of the merchant's products, newest first.
func (s *Store) ApplicationsOfProduct(ctx context.Context, merchantID, productID uint) ([]ProductApplication, error) {
	var rows []ProductApplication
	err := s.r.WithContext(ctx).Where("product_id = ? AND merchant_id = ?", productID, merchantID).
		Order("created_at DESC, id DESC").Find(&rows).Error
	return rows, err
}

// hasOpenApplication tells whether the product has a draft or pending application.
func (s *Store) hasOpenApplication(productID uint) (bool, error) {
	var open int64
	err := s.w.Model(&ProductApplication{}).Where("product_id = ? AND status IN ?", productID, []string{PADraft, PAPending}).Count(&open).Error
	return open > 0, err
}

// liveSpecOf reads one live (not removed) spec of the merchant's product by its SKU code.
func (s *Store) liveSpecOf(merchantID, productID uint, sku string) (Spec, error) {
	var sp Spec
	return sp, first(s.w.Where("product_id = ? AND merchant_id = ? AND sku_code = ? AND removed = ?", productID, merchantID, sku, false), &sp)
}

// delistBlocked tells why the product (sku "") or one of its specs cannot be delisted now,
// or nil when it can. The spec must exist (checked by the caller).
func (s *Store) delistBlocked(p Product, sku string) error {
	switch {
	case p.Listing == ListingDelisted, p.Listing == ListingNotListed:
		return ErrIllegalTransition
	case sku != "" && p.Listing != ListingOnSale:
		return ErrIllegalTransition
	}
	open, err := s.hasOpenApplication(p.ID)
	if err != nil {
		return err
	}
	if open {
		return ErrOpenApplication
	}
	if sku != "" {
		var live int64
		if err := s.w.Model(&Spec{}).Where("product_id = ? AND removed = ?", p.ID, false).Count(&live).Error; err != nil {
			return err
		}
		if live <= 1 {
			return ErrLastSpec
		}
	}
	return nil
}

// DelistImpact is what a delisting affects, shown before the merchant confirms. Blocked
// says why the delisting cannot be applied for now (nil when it can).
type DelistImpact struct {
	Product       Product
	Spec          *Spec
	Subscriptions int64
	OpenOrders    int64
	Blocked       error
}

// DelistImpact reads one of the merchant's products (and, for sku, its live spec) with the
// active subscriptions and open orders a delisting affects.
func (s *Store) DelistImpact(ctx context.Context, merchantID, productID uint, sku string) (DelistImpact, error) {
	var out DelistImpact
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.w.Where("id = ? AND merchant_id = ?", productID, merchantID), &out.Product); err != nil {
			return err
		}
		subs := tx.w.Model(&Subscription{}).Where("merchant_id = ? AND product_id = ? AND status = ? AND (expires_at IS NULL OR expires_at > ?)",
			merchantID, productID, SubActive, tx.clock.Now())
		orders := tx.w.Model(&Order{}).Where("merchant_id = ? AND product_id = ? AND status IN ?", merchantID, productID, OpenOrderStatuses)
		if sku != "" {
			sp, err := tx.liveSpecOf(merchantID, productID, sku)
			if err != nil {
				return err
			}
			out.Spec = &sp
			subs = subs.Where("spec_id = ?", sp.ID)
			orders = orders.Where("spec_id = ?", sp.ID)
		}
		if err := subs.Count(&out.Subscriptions).Error; err != nil {
			return err
		}
		if err := orders.Count(&out.OpenOrders).Error; err != nil {
			return err
		}
		blocked := tx.delistBlocked(out.Product, sku)
		if blocked != nil && !errors.Is(blocked, ErrIllegalTransition) && !errors.Is(blocked, ErrOpenApplication) && !errors.Is(blocked, ErrLastSpec) {
			return blocked
		}
		out.Blocked = blocked
		return nil
	})
	return out, err
}

// NewUnhideApplication asks to show a hidden product (sku "") or spec again: the
// application goes to review at once.
func (s *Store) NewUnhideApplication(ctx context.Context, act Actor, merchantID, productID uint, sku string) (ProductApplication, error) {
	var app ProductApplication
	err := s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", productID, merchantID)), &p); err != nil {
			return err
		}
		hidden := p.Hidden
		if sku != "" {
			sp, err := tx.liveSpecOf(merchantID, productID, sku)
			if err != nil {
				return err
			}
			hidden = sp.Hidden
		}
		if !hidden || p.Listing != ListingOnSale {
			return ErrIllegalTransition
		}
		return tx.createPendingApplication(act, p, AppUnhide, sku, "", &app)
	})
	return app, err
}

// DelistInput is a delisting request: the spec (empty for the whole product), the reason
// and the uploaded proof files.
type DelistInput struct {
	SKU    string
	Reason string
	Proofs Uploads // recorded with the application
}

// NewDelistApplication asks to remove a spec (remove_spec) or the whole product
// (remove_product) for good; the application goes to review at once with its proof files.
func (s *Store) NewDelistApplication(ctx context.Context, act Actor, merchantID, productID uint, in DelistInput) (ProductApplication, error) {
	var app ProductApplication
	err := s.Tx(ctx, func(tx *Store) error {
		var p Product
		if err := first(tx.forUpdate(tx.w.Where("id = ? AND merchant_id = ?", productID, merchantID)), &p); err != nil {
			return err
		}
		kind := AppRemoveProduct
		if in.SKU != "" {
			if _, err := tx.liveSpecOf(merchantID, productID, in.SKU); err != nil {
				return err
			}
			kind = AppRemoveSpec
		}
		if err := tx.delistBlocked(p, in.SKU); err != nil {
			return err
		}
		if err := tx.createPendingApplication(act, p, kind, in.SKU, in.Reason, &app); err != nil {
			return err
		}
		_, err := tx.recordUploadsFor(act, merchantID, "product_application", app.ID, in.Proofs)
		return err
	})
	return app, err
}

// createPendingApplication records an application submitted at once (unhide, delist),
// refusing a second open one, with its audit row.
func (s *Store) createPendingApplication(act Actor, p Product, kind, sku, reason string, app *ProductApplication) error {
	open, err := s.hasOpenApplication(p.ID)
	if err != nil {
		return err
	}
	if open {
		return ErrOpenApplication
	}
	now := s.clock.Now()
	uid := act.UserID
	*app = ProductApplication{MerchantID: p.MerchantID, ProductID: p.ID, Kind: kind, Status: PAPending, SpecKey: sku, Reason: reason,
		SubmittedAt: &now, SubmittedByID: &uid, CreatedAt: now, UpdatedAt: now}
	if err := s.w.Create(app).Error; err != nil {
		return err
	}
	return s.audit(act, "product_application.submit", "product_application", app.ID, &p.MerchantID, nil,
		map[string]string{"kind": kind, "status": PAPending, "spec": sku}, reason, "")
}
