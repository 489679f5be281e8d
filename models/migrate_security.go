package models

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sellercenter/internal/money"

	"gorm.io/gorm"
)

// migrateSecurity adds what the security fixes need: the users' session epoch (a password
// change or reset ends every other session), the real-name check's lock and its daily
// limit, and the index the blob sweep reads exports by.
func migrateSecurity(tx *gorm.DB, _ Dialect) error {
	m := tx.Migrator()
	// Databases made by this version already have the columns from the first step's
	// AutoMigrate of the current structs.
	if !m.HasColumn(&User{}, "SessionEpoch") {
		if err := m.AddColumn(&User{}, "SessionEpoch"); err != nil {
			return err
		}
	}
	if !m.HasColumn(&RealNameVerification{}, "LockedAt") {
		if err := m.AddColumn(&RealNameVerification{}, "LockedAt"); err != nil {
			return err
		}
	}
	// The blob sweep looks up export files by key.
	if err := tx.Exec("CREATE INDEX idx_exports_blob_key ON export_jobs (blob_key)").Error; err != nil {
		return err
	}
	return tx.Create(&Setting{Key: SettingRealNameDailyLimit, Value: strconv.Itoa(DefaultRealNameDailySubmissions), UpdatedAt: time.Now().UTC()}).Error
}

// migrateNoticeAmounts moves notices already sent to typed amounts: the amount was stored
// as text ("12.50"), formatted where it was sent; it is now stored in fen (AmountFen)
// and formatted where it is read, so every notice shows money like every page.
func migrateNoticeAmounts(tx *gorm.DB, _ Dialect) error {
	var rows []Notification
	if err := tx.Where("args LIKE ?", `%"Amount":%`).Find(&rows).Error; err != nil {
		return err
	}
	for _, n := range rows {
		var args map[string]any
		if err := json.Unmarshal([]byte(n.Args), &args); err != nil {
			return fmt.Errorf("notification %d: %w", n.ID, err)
		}
		text, ok := args["Amount"].(string)
		if !ok {
			continue
		}
		fen, err := money.ParseYuan(strings.TrimPrefix(text, "-"))
		if err != nil {
			continue // not an amount this code ever wrote: left as it is
		}
		if strings.HasPrefix(text, "-") {
			fen = -fen
		}
		delete(args, "Amount")
		args["AmountFen"] = fen
		b, err := json.Marshal(args)
		if err != nil {
			return err
		}
		if err := tx.Model(&Notification{}).Where("id = ?", n.ID).Update("args", string(b)).Error; err != nil {
			return err
		}
	}
	return nil
}

// noticeLinks maps the addresses notices used to store to what they point at.
var noticeLinks = []struct {
	re   *regexp.Regexp
	kind string
}{
	{regexp.MustCompile(`^/seller/realname$`), TargetRealName},
	{regexp.MustCompile(`^/seller/application$`), TargetApplication},
	{regexp.MustCompile(`^/seller/certification$`), TargetCertification},
	{regexp.MustCompile(`^/seller/changes/(\d+)$`), TargetChange},
	{regexp.MustCompile(`^/seller/assets/(\d+)$`), TargetAsset},
	{regexp.MustCompile(`^/seller/product-applications/(\d+)$`), TargetProductApp},
	{regexp.MustCompile(`^/seller/exports$`), TargetExports},
	{regexp.MustCompile(`^/seller/orders/([A-Za-z0-9-]+)$`), TargetSellerOrder},
	{regexp.MustCompile(`^/buyer/orders/([A-Za-z0-9-]+)$`), TargetBuyerOrder},
	{regexp.MustCompile(`^/seller/after-sales/([A-Za-z0-9-]+)$`), TargetSellerCase},
	{regexp.MustCompile(`^/buyer/after-sales/([A-Za-z0-9-]+)$`), TargetBuyerCase},
	{regexp.MustCompile(`^/admin$`), TargetConsole},
}

// migrateNoticeTargets moves notices from a stored address to what they point at, so
// addresses come from one place (the web layer's URL helpers) and can change there.
func migrateNoticeTargets(tx *gorm.DB, _ Dialect) error {
	m := tx.Migrator()
	for _, col := range []string{"Target", "TargetRef"} {
		if !m.HasColumn(&Notification{}, col) {
			if err := m.AddColumn(&Notification{}, col); err != nil {
				return err
			}
		}
	}
	if !m.HasColumn(&Notification{}, "link") {
		return nil // made by this version: never had addresses
	}
	type row struct {
		ID   uint
		Link string
	}
	var rows []row
	if err := tx.Table("notifications").Select("id, link").Where("link <> ''").Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		for _, l := range noticeLinks {
			mm := l.re.FindStringSubmatch(r.Link)
			if mm == nil {
				continue
			}
			ref := ""
			if len(mm) > 1 {
				ref = mm[1]
			}
			if err := tx.Table("notifications").Where("id = ?", r.ID).
				Updates(map[string]any{"target": l.kind, "target_ref": ref}).Error; err != nil {
				return err
			}
			break
		}
	}
	// Both engines drop a plain column in place (SQLite since 3.35).
	return tx.Exec("ALTER TABLE notifications DROP COLUMN link").Error
}
