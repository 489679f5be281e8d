package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// To-do kinds: what waits on a merchant. The overview lists them and counts them, and
// nothing else counts what waits on a merchant: a new kind of work (interface calls,
// deliveries, bills) is added here.
const (
	TodoOnboarding      = "onboarding"        // an onboarding step only the merchant can take
	TodoAfterSales      = "after_sales"       // cases waiting for the merchant's answer
	TodoDeliveries      = "deliveries"        // paid orders the merchant delivers and confirms
	TodoProductRejected = "product_rejected"  // products whose latest application was rejected
	TodoAssetRejected   = "asset_rejected"    // assets rejected by the scan or a reviewer
	TodoChangeRejected  = "change_rejected"   // information changes whose latest request was rejected
	TodoExportReady     = "export_ready"      // finished exports not downloaded yet
	TodoSaaSCallsFailed = "saas_calls_failed" // production calls that failed and wait for the merchant's restart
	TodoSupervision     = "supervision"       // supervised orders waiting for the merchant's confirmation or delivery
	TodoSupervisionLate = "supervision_late"  // of those, the ones waiting past the reminder's working days
)

// Todo is one kind of work waiting on a merchant, and how much of it.
type Todo struct {
	Kind  string
	Count int64
}

// Todos is what waits on a merchant.
type Todos []Todo

// Total is everything that waits on the merchant.
func (t Todos) Total() int64 {
	var n int64
	for _, x := range t {
		n += x.Count
	}
	return n
}

// MerchantTodos counts what waits on the merchant in the records, in the order the
// overview lists them (the onboarding steps
// are added by the caller, which reads them anyway), one count per kind, in SQL.
func (s *Store) MerchantTodos(ctx context.Context, merchantID uint, onboardingSteps int64) (Todos, error) {
	db := s.r.WithContext(ctx)
	now := s.clock.Now()
	lateCutoff, err := s.supervisionReminderCutoff(ctx)
	if err != nil {
		return nil, err
	}
	counts := []struct {
		kind string
		q    *gorm.DB
	}{
		{TodoAfterSales, db.Table("refunds").Where("refunds.merchant_id = ?", merchantID).Where(awaitsMerchantSQL)},
		// SaaS orders whose instance the merchant's system provisions complete with their
		// calls; only those waiting for the merchant's acceptance are the merchant's work.
		{TodoDeliveries, db.Table("orders").Where("merchant_id = ? AND status = ? AND supervised = ?", merchantID, OrderProcessing, false).
			Where("NOT EXISTS (SELECT 1 FROM saas_instances i WHERE i.subscription_id = orders.subscription_id AND i.status <> ?)", InstanceAwaiting)},
		{TodoProductRejected, db.Table("product_applications AS a").Where("a.merchant_id = ? AND a.status = ?", merchantID, PARejected).
			Where("NOT EXISTS (SELECT 1 FROM product_applications b WHERE b.product_id = a.product_id AND b.id > a.id)")},
		{TodoAssetRejected, db.Table("assets").Where("merchant_id = ? AND status = ?", merchantID, AssetRejected)},
		{TodoChangeRejected, db.Table("change_requests AS a").Where("a.merchant_id = ? AND a.status = ?", merchantID, ChangeRejected).
			Where("NOT EXISTS (SELECT 1 FROM change_requests b WHERE b.merchant_id = a.merchant_id AND b.kind = a.kind AND b.id > a.id)")},
		{TodoExportReady, db.Table("export_jobs").Where("merchant_id = ? AND status = ? AND blob_key <> '' AND downloaded_at IS NULL", merchantID, ExportDone).
			Where("(expires_at IS NULL OR expires_at > ?)", now)},
		{TodoSaaSCallsFailed, db.Table("saas_calls").Where("merchant_id = ? AND status = ? AND order_failed = ?", merchantID, CallFailed, false)},
		{TodoSupervision, db.Table("supervisions").Where("merchant_id = ? AND node IN ? AND frozen = ?", merchantID, NodesWaitingOn(SupMerchant), false)},
		{TodoSupervisionLate, db.Table("supervisions").Where("merchant_id = ? AND node IN ? AND frozen = ? AND node_since <= ?",
			merchantID, NodesWaitingOn(SupMerchant), false, lateCutoff)},
	}
	out := Todos{{Kind: TodoOnboarding, Count: onboardingSteps}}
	for _, c := range counts {
		var n int64
		if err := c.q.Count(&n).Error; err != nil {
			return nil, err
		}
		out = append(out, Todo{Kind: c.kind, Count: n})
	}
	return out, nil
}

// MarkExportDownloaded records an export's first download (later ones change nothing).
func (s *Store) MarkExportDownloaded(ctx context.Context, merchantID, id uint) error {
	return s.w.WithContext(ctx).Model(&ExportJob{}).Where("id = ? AND merchant_id = ? AND downloaded_at IS NULL", id, merchantID).
		Updates(map[string]any{"downloaded_at": s.clock.Now(), "updated_at": s.clock.Now()}).Error
}

// migrateExportDownloads adds the first-download time; exports finished before it are
// taken as seen.
func migrateExportDownloads(tx *gorm.DB, _ Dialect) error {
	m := tx.Migrator()
	if !m.HasColumn(&ExportJob{}, "DownloadedAt") {
		if err := m.AddColumn(&ExportJob{}, "DownloadedAt"); err != nil {
			return err
		}
	}
	return tx.Model(&ExportJob{}).Where("status = ? AND downloaded_at IS NULL", ExportDone).Update("downloaded_at", time.Now().UTC()).Error
}
