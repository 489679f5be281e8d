package models

import "gorm.io/gorm"

// RunMigrateNoticeAmounts runs migration 14 again over the database, for its test.
func RunMigrateNoticeAmounts(db *DB) error {
	return db.W.Transaction(func(tx *gorm.DB) error { return migrateNoticeAmounts(tx, db.Dialect) })
}
