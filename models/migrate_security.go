package models

import (
	"strconv"
	"time"

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
