package models

import (
	"context"
	"encoding/json"
	"time"
)

// ExportExpired marks an export whose file was removed after the retention period.
const ExportExpired = "EXPIRED"

// Export formats.
const (
	ExportCSV  = "csv"
	ExportXLSX = "xlsx"
)

// Export job kinds.
const (
	JobExport        = "order_export"
	JobExportCleanup = "export_cleanup"
)

// ExportPayload asks for one export file to be produced.
type ExportPayload struct {
	ExportID uint `json:"export_id"`
}

// What an export holds besides orders (an empty kind): one bill's lines, or trade details.
const (
	ExportBill   = "bill"
	ExportTrades = "trades"
)

// ExportSpec is what an export job stores in its Filter column: what it exports (its
// kind and filter) and the language of the header and labels.
type ExportSpec struct {
	Kind   string       `json:"kind,omitempty"`
	Filter OrderFilter  `json:"filter"`
	BillNo string       `json:"bill_no,omitempty"`
	Trades *TradeFilter `json:"trades,omitempty"`
	Lang   string       `json:"lang"`
}

// owned binds the spec to the merchant and returns it encoded, with its audit action
// and details.
func (sp ExportSpec) owned(merchantID uint, format string) (string, string, map[string]any, error) {
	action, details := "order.export", map[string]any{"format": format}
	switch sp.Kind {
	case ExportBill:
		action, details["bill_no"] = "bill.export", sp.BillNo
	case ExportTrades:
		if sp.Trades == nil {
			sp.Trades = &TradeFilter{}
		}
		sp.Trades.MerchantID = merchantID
		action, details["filter"] = "bill.export", *sp.Trades
	default:
		sp.Filter.MerchantID = merchantID
		details["filter"] = sp.Filter
	}
	b, err := json.Marshal(sp)
	return string(b), action, details, err
}

// FilePrefix is the start of the export's file name.
func (sp ExportSpec) FilePrefix() string {
	switch sp.Kind {
	case ExportBill:
		return "bill-" + sp.BillNo
	case ExportTrades:
		return "trades"
	}
	return "orders"
}

// Spec decodes the job's filter and language.
func (e ExportJob) Spec() (ExportSpec, error) {
	var sp ExportSpec
	err := json.Unmarshal([]byte(e.Filter), &sp)
	return sp, err
}

// Finished tells whether the export no longer changes.
func (e ExportJob) Finished() bool {
	return e.Status == ExportDone || e.Status == ExportFailed || e.Status == ExportExpired
}

// Downloadable tells whether the export's file may be fetched at now.
func (e ExportJob) Downloadable(now time.Time) bool {
	return e.Status == ExportDone && e.BlobKey != "" && (e.ExpiresAt == nil || e.ExpiresAt.After(now))
}

// Percent is the export's progress, 0–100.
func (e ExportJob) Percent() int {
	switch {
	case e.Status == ExportDone:
		return 100
	case e.Total <= 0:
		return 0
	}
	return int(min(e.Done*100/e.Total, 100))
}

// CreateExport records a background export of what sp names of the merchant's (orders
// matching a filter, a bill's lines, trade details) and queues the job that writes it,
// in one transaction.
func (s *Store) CreateExport(ctx context.Context, a Actor, merchantID uint, format string, sp ExportSpec) (ExportJob, error) {
	spec, action, details, err := sp.owned(merchantID, format)
	if err != nil {
		return ExportJob{}, err
	}
	var e ExportJob
	err = s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		e = ExportJob{MerchantID: merchantID, UserID: a.UserID, Format: format, Filter: spec, Status: ExportQueued,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&e).Error; err != nil {
			return err
		}
		if err := tx.enqueue(JobExport, ExportPayload{ExportID: e.ID}, now, ""); err != nil {
			return err
		}
		return tx.audit(a, action, "export", e.ID, &merchantID, nil, details, "", "")
	})
	return e, err
}

// RecordDirectExport records an export that was downloaded at once, with its copy kept in
// the blob store for the retention setting's days, so the export records list every
// export and each can be fetched again.
func (s *Store) RecordDirectExport(ctx context.Context, a Actor, merchantID uint, format string, sp ExportSpec, key, name string, size, rows int64) (ExportJob, error) {
	spec, action, details, err := sp.owned(merchantID, format)
	if err != nil {
		return ExportJob{}, err
	}
	days, err := s.SettingInt(ctx, SettingExportRetention, DefaultExportRetention)
	if err != nil {
		return ExportJob{}, err
	}
	var e ExportJob
	err = s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		expires := now.AddDate(0, 0, days)
		e = ExportJob{MerchantID: merchantID, UserID: a.UserID, Format: format, Filter: spec, Status: ExportDone,
			Total: rows, Done: rows, BlobKey: key, FileName: name, Bytes: size, ExpiresAt: &expires, FinishedAt: &now,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.w.Create(&e).Error; err != nil {
			return err
		}
		details["rows"] = rows
		return tx.audit(a, action, "export", e.ID, &merchantID, nil, details, "", "")
	})
	return e, err
}

// Exports lists the merchant's exports, newest first.
func (s *Store) Exports(ctx context.Context, merchantID uint, page, per int) ([]ExportJob, int64, error) {
	q := s.r.WithContext(ctx).Model(&ExportJob{}).Where("merchant_id = ?", merchantID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []ExportJob
	err := q.Order("created_at DESC, id DESC").Offset((page - 1) * per).Limit(per).Find(&rows).Error
	return rows, total, err
}

// ExportOf reads the merchant's export; another merchant's is ErrNotFound.
func (s *Store) ExportOf(ctx context.Context, merchantID, id uint) (ExportJob, error) {
	var e ExportJob
	return e, first(s.r.WithContext(ctx).Where("id = ? AND merchant_id = ?", id, merchantID), &e)
}

// ExportByID reads an export for its job.
func (s *Store) ExportByID(ctx context.Context, id uint) (ExportJob, error) {
	var e ExportJob
	return e, first(s.r.WithContext(ctx).Where("id = ?", id), &e)
}

// StartExport moves a queued export (or one a crashed worker left running) to RUNNING
// with its row count; false when it is already finished.
func (s *Store) StartExport(ctx context.Context, id uint, total int64) (bool, error) {
	var started bool
	err := s.Tx(ctx, func(tx *Store) error {
		res := tx.w.Model(&ExportJob{}).Where("id = ? AND status IN ?", id, []string{ExportQueued, ExportRunning}).
			Updates(map[string]any{"status": ExportRunning, "total": total, "done": 0, "error": "", "updated_at": tx.clock.Now()})
		started = res.RowsAffected == 1
		return res.Error
	})
	return started, err
}

// ExportProgress records how many rows a running export has written.
func (s *Store) ExportProgress(ctx context.Context, id uint, done int64) error {
	return s.Tx(ctx, func(tx *Store) error {
		return tx.w.Model(&ExportJob{}).Where("id = ? AND status = ?", id, ExportRunning).
			Updates(map[string]any{"done": done, "updated_at": tx.clock.Now()}).Error
	})
}

// FinishExport records a written file, kept for the retention setting's days; false when
// the export was no longer running (the caller then deletes its file).
func (s *Store) FinishExport(ctx context.Context, id uint, key, name string, size, rows int64) (bool, error) {
	days, err := s.SettingInt(ctx, SettingExportRetention, DefaultExportRetention)
	if err != nil {
		return false, err
	}
	var done bool
	err = s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		expires := now.AddDate(0, 0, days)
		res := tx.w.Model(&ExportJob{}).Where("id = ? AND status = ?", id, ExportRunning).
			Updates(map[string]any{"status": ExportDone, "blob_key": key, "file_name": name, "bytes": size, "done": rows,
				"total": rows, "finished_at": now, "expires_at": expires, "updated_at": now})
		if res.Error != nil || res.RowsAffected != 1 {
			return res.Error
		}
		done = true
		var e ExportJob
		if err := first(tx.w.Where("id = ?", id), &e); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: e.UserID, Kind: "export.ready", TitleKey: "notify.export_ready.title",
			BodyKey: "notify.export_ready.body", Args: map[string]any{"Rows": rows, "Days": days}, To: Target{Kind: TargetExports}})
	})
	return done, err
}

// FailExport records why an export failed: final marks it FAILED, otherwise it waits in
// the queue for the job's next attempt.
func (s *Store) FailExport(ctx context.Context, id uint, msg string, final bool) error {
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		fields := map[string]any{"status": ExportQueued, "error": msg, "updated_at": now}
		if final {
			fields["status"], fields["finished_at"] = ExportFailed, now
		}
		return tx.w.Model(&ExportJob{}).Where("id = ? AND status IN ?", id, []string{ExportQueued, ExportRunning}).Updates(fields).Error
	})
}

// ExpiredExports lists up to limit finished exports whose files are past their expiry.
func (s *Store) ExpiredExports(ctx context.Context, limit int) ([]ExportJob, error) {
	var rows []ExportJob
	err := s.r.WithContext(ctx).Where("status = ? AND expires_at <= ?", ExportDone, s.clock.Now()).
		Order("expires_at").Limit(limit).Find(&rows).Error
	return rows, err
}

// ExpireExport marks an export's file removed.
func (s *Store) ExpireExport(ctx context.Context, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		return tx.w.Model(&ExportJob{}).Where("id = ? AND status = ?", id, ExportDone).
			Updates(map[string]any{"status": ExportExpired, "blob_key": "", "updated_at": tx.clock.Now()}).Error
	})
}
