package models

import (
	"time"

	"gorm.io/gorm"
)

// SupervisionStatements returns the statements of the supervision's timers and queues
// as they run at 100,000 open supervised orders: tests EXPLAIN them.
func SupervisionStatements(db *gorm.DB) []Statement {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	build := func(name string, q func(tx *gorm.DB) *gorm.DB) Statement {
		return Statement{Name: name, SQL: db.ToSQL(func(tx *gorm.DB) *gorm.DB { return q(tx).Find(&[]Supervision{}) })}
	}
	return []Statement{
		build("due reminders", func(tx *gorm.DB) *gorm.DB { return dueReminders(tx, now) }),
		build("due long reminders", func(tx *gorm.DB) *gorm.DB { return dueLongReminders(tx, now) }),
		build("review queue", func(tx *gorm.DB) *gorm.DB {
			return tx.Model(&Supervision{}).Where("node = ?", NodeReview).Order("node_since, id").Limit(20)
		}),
		build("merchant overdue", func(tx *gorm.DB) *gorm.DB {
			return tx.Model(&Supervision{}).Where("node IN ? AND frozen = ? AND node_since <= ?", NodesWaitingOn(SupMerchant), false, now).
				Where("merchant_id = ?", 7)
		}),
		build("merchant list by node", func(tx *gorm.DB) *gorm.DB {
			return tx.Model(&Supervision{}).Where("merchant_id = ? AND node = ?", 7, NodeImplement).Order("node_since DESC").Limit(20)
		}),
		build("open appeals", func(tx *gorm.DB) *gorm.DB {
			return tx.Table("supervision_appeals").Where("status = ?", AppealOpen).Order("created_at, id").Limit(20)
		}),
	}
}
