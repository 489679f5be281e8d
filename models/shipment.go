package models

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Hardware delivery (domain.md §6.3): the merchant enters the logistics (carrier and
// tracking number) of the shipment; the buyer confirms the signed receipt (签收) and
// accepts, or acceptance happens by itself some days after the receipt. A supervised
// hardware order's delivery needs its shipment; its acceptance is the supervision's.

// Carriers the logistics form offers.
var Carriers = []string{"SF", "JD", "EMS", "ZTO", "YTO", "STO", "YUNDA", "DEPPON", "OTHER"}

// Shipment is the logistics of a hardware order.
type Shipment struct {
	ID           uint   `gorm:"primaryKey"`
	OrderID      uint   `gorm:"not null;uniqueIndex"`
	OrderNo      string `gorm:"size:20;not null"`
	MerchantID   uint   `gorm:"not null;index"`
	BuyerID      uint   `gorm:"not null;index"`
	Carrier      string `gorm:"size:10;not null"`
	TrackingNo   string `gorm:"size:40;not null"`
	ShippedAt    time.Time
	ReceivedAt   *time.Time `gorm:"index:idx_shipments_accept,priority:2"`
	AcceptedAt   *time.Time `gorm:"index:idx_shipments_accept,priority:1"`
	AutoAccepted bool       `gorm:"not null;default:false"`
	Version      int        `gorm:"not null;default:1"`
	CreatedAt    time.Time  `gorm:"not null"`
	UpdatedAt    time.Time  `gorm:"not null"`
}

// Settings of hardware acceptance.
const (
	SettingHardwareAutoAcceptDays = "hardware.auto_accept_days"
	DefaultHardwareAutoAcceptDays = 10
)

var trackingRE = regexp.MustCompile(`^[A-Za-z0-9-]{6,40}$`)

// Shipment errors.
var (
	ErrCarrier         = &FieldError{Field: "carrier", Key: "shipment.error.carrier"}
	ErrTrackingNo      = &FieldError{Field: "tracking_no", Key: "shipment.error.tracking_no"}
	ErrNotShippable    = &RuleError{Key: "shipment.error.not_shippable"}
	ErrReceivedAlready = &RuleError{Key: "shipment.error.received"}
	ErrNotShipped      = &RuleError{Key: "shipment.error.not_shipped"}
	ErrNotReceived     = &RuleError{Key: "shipment.error.not_received"}
	// ErrShipmentFlow: a hardware order with logistics completes by the buyer's
	// acceptance, not by the merchant's hand.
	ErrShipmentFlow = &RuleError{Key: "shipment.error.by_acceptance"}
	// ErrShipmentRequired: a supervised hardware delivery needs its logistics first.
	ErrShipmentRequired = &FieldError{Field: "description", Key: "shipment.error.required"}
)

// shipsByLogistics tells whether an order's product delivers by logistics.
func shipsByLogistics(db *gorm.DB, o Order) (bool, error) {
	if o.ProductType != ProductHardware {
		return false, nil
	}
	var p Product
	if err := first(db.Where("id = ?", o.ProductID), &p); err != nil {
		return false, err
	}
	c, err := p.LiveContent()
	if err != nil {
		return false, nil //nolint:nilerr // no live content: no logistics
	}
	return c.Hardware != nil && c.Hardware.LogisticsRequired, nil
}

// ShipsByLogistics tells whether the order is delivered by logistics.
func (s *Store) ShipsByLogistics(ctx context.Context, o Order) (bool, error) {
	return shipsByLogistics(s.r.WithContext(ctx), o)
}

// ShipOrder is the merchant's logistics entry for one of their hardware orders: while
// the order waits for its delivery (PROCESSING; a supervised one at implementation), and
// correctable until the buyer signs for it.
func (s *Store) ShipOrder(ctx context.Context, a Actor, merchantID uint, orderNo, carrier, trackingNo string) (Shipment, error) {
	carrier = strings.TrimSpace(carrier)
	trackingNo = strings.TrimSpace(trackingNo)
	if !slices.Contains(Carriers, carrier) {
		return Shipment{}, ErrCarrier
	}
	if !trackingRE.MatchString(trackingNo) {
		return Shipment{}, ErrTrackingNo
	}
	var sh Shipment
	err := s.Tx(ctx, func(tx *Store) error {
		var o Order
		if err := first(tx.forUpdate(tx.w.Where("order_no = ? AND merchant_id = ?", orderNo, merchantID)), &o); err != nil {
			return err
		}
		ok, err := shipsByLogistics(tx.w, o)
		if err != nil {
			return err
		}
		if !ok || o.Status != OrderProcessing {
			return ErrNotShippable
		}
		if o.Supervised {
			var sv Supervision
			if err := first(tx.w.Where("order_id = ?", o.ID), &sv); err != nil {
				return err
			}
			if sv.Node != NodeImplement || sv.Frozen {
				return ErrNotShippable
			}
		}
		now := tx.clock.Now()
		switch err := first(tx.forUpdate(tx.w.Where("order_id = ?", o.ID)), &sh); {
		case errors.Is(err, ErrNotFound):
			sh = Shipment{OrderID: o.ID, OrderNo: o.OrderNo, MerchantID: o.MerchantID, BuyerID: o.BuyerID, Carrier: carrier, TrackingNo: trackingNo,
				ShippedAt: now, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := tx.w.Create(&sh).Error; err != nil {
				return err
			}
		case err != nil:
			return err
		case sh.ReceivedAt != nil:
			return ErrReceivedAlready
		default:
			if err := tx.saveVersioned(&Shipment{}, sh.ID, sh.Version, map[string]any{"carrier": carrier, "tracking_no": trackingNo, "shipped_at": now}); err != nil {
				return err
			}
			sh.Carrier, sh.TrackingNo, sh.ShippedAt, sh.Version = carrier, trackingNo, now, sh.Version+1
		}
		mid := o.MerchantID
		if err := tx.audit(a, "shipment.ship", "shipment", sh.ID, &mid, nil, map[string]any{"order_no": o.OrderNo, "carrier": carrier,
			"tracking_no": trackingNo}, "", ""); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: o.BuyerID, Kind: "shipment.shipped", TitleKey: "notify.shipment_shipped.title", BodyKey: "notify.shipment_shipped.body",
			Args: map[string]any{"OrderNo": o.OrderNo, "TrackingNo": trackingNo}, To: Target{Kind: TargetBuyerOrder, Ref: o.OrderNo}})
	})
	return sh, err
}

// ShipmentOf reads an order's shipment for its buyer (buyerID) or merchant
// (merchantID); nil when none was entered.
func (s *Store) ShipmentOf(ctx context.Context, buyerID, merchantID uint, orderNo string) (*Shipment, error) {
	q := s.r.WithContext(ctx).Where("order_no = ?", orderNo)
	switch {
	case buyerID > 0:
		q = q.Where("buyer_id = ?", buyerID)
	case merchantID > 0:
		q = q.Where("merchant_id = ?", merchantID)
	}
	var sh Shipment
	switch err := first(q, &sh); {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &sh, nil
}

// ConfirmReceipt is the buyer's signed receipt (签收) of a shipment.
func (s *Store) ConfirmReceipt(ctx context.Context, a Actor, buyerID uint, orderNo string) (Shipment, error) {
	var sh Shipment
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.buyerShipment(buyerID, orderNo, &sh); err != nil {
			return err
		}
		if sh.ReceivedAt != nil {
			return ErrReceivedAlready
		}
		now := tx.clock.Now()
		if err := tx.saveVersioned(&Shipment{}, sh.ID, sh.Version, map[string]any{"received_at": now}); err != nil {
			return err
		}
		sh.ReceivedAt, sh.Version = &now, sh.Version+1
		mid := sh.MerchantID
		if err := tx.audit(a, "shipment.receive", "shipment", sh.ID, &mid, nil, map[string]any{"order_no": sh.OrderNo}, "", ""); err != nil {
			return err
		}
		return tx.notifyMerchantOf(sh.MerchantID, Notice{Kind: "shipment.received", TitleKey: "notify.shipment_received.title",
			BodyKey: "notify.shipment_received.body", Args: map[string]any{"OrderNo": sh.OrderNo}, To: Target{Kind: TargetSellerOrder, Ref: sh.OrderNo}})
	})
	return sh, err
}

// AcceptShipment is the buyer's acceptance (确认验收) of a received, non-supervised
// hardware order: the order completes. Supervised orders accept in their supervision.
func (s *Store) AcceptShipment(ctx context.Context, a Actor, buyerID uint, orderNo string) (Shipment, error) {
	var sh Shipment
	err := s.Tx(ctx, func(tx *Store) error {
		if err := tx.buyerShipment(buyerID, orderNo, &sh); err != nil {
			return err
		}
		return tx.acceptShipment(a, &sh, false)
	})
	return sh, err
}

// buyerShipment locks the shipment of one of the buyer's orders: ErrNotFound for an
// order that is not theirs, ErrNotShipped while nothing was shipped.
func (s *Store) buyerShipment(buyerID uint, orderNo string, sh *Shipment) error {
	var n int64
	if err := s.w.Model(&Order{}).Where("order_no = ? AND buyer_id = ?", orderNo, buyerID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	if err := first(s.forUpdate(s.w.Where("order_no = ? AND buyer_id = ?", orderNo, buyerID)), sh); err != nil {
		if errors.Is(err, ErrNotFound) {
			return ErrNotShipped
		}
		return err
	}
	return nil
}

// acceptShipment completes a received shipment's order (by the buyer, or by the timer).
func (s *Store) acceptShipment(a Actor, sh *Shipment, auto bool) error {
	switch {
	case sh.ReceivedAt == nil:
		return ErrNotReceived
	case sh.AcceptedAt != nil:
		return ErrIllegalTransition
	}
	var o Order
	if err := first(s.forUpdate(s.w.Where("id = ?", sh.OrderID)), &o); err != nil {
		return err
	}
	now := s.clock.Now()
	if o.Supervised {
		if !auto {
			return ErrSupervisedOnly
		}
		var sv Supervision
		if err := first(s.forUpdate(s.w.Where("order_id = ?", o.ID)), &sv); err != nil {
			return err
		}
		if sv.Node != NodeAcceptance || sv.Frozen {
			return ErrIllegalTransition
		}
		if _, err := s.moveNode(a, &sv, "", "auto_accept", NodeCompleted, "", ""); err != nil {
			return err
		}
		if err := s.completeSupervisedOrder(a, sv); err != nil {
			return err
		}
		if err := s.notifySupervision(sv, NodeAcceptance); err != nil {
			return err
		}
	} else {
		if o.Status != OrderProcessing {
			return ErrIllegalTransition
		}
		note := "order.event.hardware_accepted"
		if auto {
			note = "order.event.hardware_auto_accepted"
		}
		if err := s.moveOrder(a, &o, OrderCompleted, note, map[string]any{"completed_at": now}); err != nil {
			return err
		}
	}
	if err := s.saveVersioned(&Shipment{}, sh.ID, sh.Version, map[string]any{"accepted_at": now, "auto_accepted": auto}); err != nil {
		return err
	}
	sh.AcceptedAt, sh.AutoAccepted, sh.Version = &now, auto, sh.Version+1
	mid := sh.MerchantID
	return s.audit(a, "shipment.accept", "shipment", sh.ID, &mid, nil, map[string]any{"order_no": sh.OrderNo, "auto": auto}, "", "")
}

// AutoAcceptShipments accepts the shipments received more than the setting's days ago
// that nobody accepted (a frozen supervision waits for its appeal). It returns how many.
func (s *Store) AutoAcceptShipments(ctx context.Context) (int, error) {
	days, err := s.SettingInt(ctx, SettingHardwareAutoAcceptDays, DefaultHardwareAutoAcceptDays)
	if err != nil {
		return 0, err
	}
	cutoff := s.clock.Now().AddDate(0, 0, -days)
	var ids []uint
	if err := s.r.WithContext(ctx).Model(&Shipment{}).Where("accepted_at IS NULL AND received_at IS NOT NULL AND received_at <= ?", cutoff).
		Where("NOT EXISTS (SELECT 1 FROM supervisions s WHERE s.order_id = shipments.order_id AND (s.node <> ? OR s.frozen = ?))", NodeAcceptance, true).
		Order("received_at").Limit(supervisionTimerBatch).Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	done := 0
	for _, id := range ids {
		err := s.Tx(ctx, func(tx *Store) error {
			var sh Shipment
			if err := first(tx.forUpdate(tx.w.Where("id = ? AND accepted_at IS NULL", id)), &sh); err != nil {
				return err
			}
			return tx.acceptShipment(Actor{}, &sh, true)
		})
		switch {
		case err == nil:
			done++
		case errors.Is(err, ErrNotFound), errors.Is(err, ErrIllegalTransition), errors.Is(err, ErrConflict):
		default:
			return done, err
		}
	}
	return done, nil
}

func migrateShipments(tx *gorm.DB, _ Dialect) error {
	if err := tx.AutoMigrate(&Shipment{}); err != nil {
		return err
	}
	var n int64
	if err := tx.Model(&Setting{}).Where("key = ?", SettingHardwareAutoAcceptDays).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	return tx.Create(&Setting{Key: SettingHardwareAutoAcceptDays, Value: "10", UpdatedAt: time.Now().UTC()}).Error
}
