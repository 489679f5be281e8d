package models

import (
	"context"
)

// UnreadCount is the user's number of unread inbox messages.
func (s *Store) UnreadCount(ctx context.Context, userID uint) (int64, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, err
}

// Notifications lists the user's inbox, newest first.
func (s *Store) Notifications(ctx context.Context, userID uint, unreadOnly bool, page, per int) ([]Notification, int64, error) {
	q := s.r.WithContext(ctx).Model(&Notification{}).Where("user_id = ?", userID)
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []Notification
	err := q.Order("created_at DESC, id DESC").Offset((page - 1) * per).Limit(per).Find(&rows).Error
	return rows, total, err
}

// NotificationByID reads one of the user's messages.
func (s *Store) NotificationByID(ctx context.Context, userID, id uint) (Notification, error) {
	var n Notification
	return n, first(s.r.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID), &n)
}

// MarkNotificationRead marks one of the user's messages read.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id uint) (Notification, error) {
	var n Notification
	err := s.Tx(ctx, func(tx *Store) error {
		if err := first(tx.w.Where("id = ? AND user_id = ?", id, userID), &n); err != nil {
			return err
		}
		if n.ReadAt == nil {
			now := tx.clock.Now()
			n.ReadAt = &now
			return tx.w.Model(&n).Update("read_at", now).Error
		}
		return nil
	})
	return n, err
}

// MarkAllNotificationsRead marks the user's whole inbox read.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		return tx.w.Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Update("read_at", tx.clock.Now()).Error
	})
}

// OutboxMessages lists the newest sent or kept messages (dev outbox page).
func (s *Store) OutboxMessages(ctx context.Context, limit int) ([]OutboxMessage, error) {
	var rows []OutboxMessage
	err := s.r.WithContext(ctx).Order("id DESC").Limit(limit).Find(&rows).Error
	return rows, err
}

// AddOutbox records a message to send and queues its delivery.
func (s *Store) AddOutbox(ctx context.Context, channel, to, subject, body string) error {
	return s.Tx(ctx, func(tx *Store) error { return tx.addOutbox(channel, to, subject, body) })
}

// addMessage puts a text of the catalogs (key.subject and key.body) into the outbox, in
// the language of the merchant it goes to.
func (s *Store) addMessage(merchantID uint, channel, to, key string, args map[string]any) error {
	var lang string
	if err := s.w.Model(&User{}).Select("users.locale").Joins("JOIN merchants ON merchants.owner_user_id = users.id").
		Where("merchants.id = ?", merchantID).Scan(&lang).Error; err != nil {
		return err
	}
	return s.addOutbox(channel, to, s.texts.Text(lang, key+".subject", args), s.texts.Text(lang, key+".body", args))
}

func (s *Store) addOutbox(channel, to, subject, body string) error {
	m := OutboxMessage{Channel: channel, To: to, Subject: subject, Body: body, Status: OutboxPending, CreatedAt: s.clock.Now()}
	if err := s.w.Create(&m).Error; err != nil {
		return err
	}
	return s.enqueue(JobDeliverOutbox, DeliverOutboxPayload{MessageID: m.ID}, s.clock.Now(), "")
}

// OutboxMessageByID reads one outbox message.
func (s *Store) OutboxMessageByID(ctx context.Context, id uint) (OutboxMessage, error) {
	var m OutboxMessage
	return m, first(s.r.WithContext(ctx).Where("id = ?", id), &m)
}

// MarkOutbox records a delivery result.
func (s *Store) MarkOutbox(ctx context.Context, id uint, status, lastErr string) error {
	return s.Tx(ctx, func(tx *Store) error {
		fields := map[string]any{"status": status, "last_error": lastErr}
		if status == OutboxSent {
			fields["sent_at"] = tx.clock.Now()
		}
		return tx.w.Model(&OutboxMessage{}).Where("id = ?", id).Updates(fields).Error
	})
}

// NotificationForMail reads a notification and its recipient for the mail job.
func (s *Store) NotificationForMail(ctx context.Context, id uint) (Notification, User, error) {
	var n Notification
	if err := first(s.r.WithContext(ctx).Where("id = ?", id), &n); err != nil {
		return n, User{}, err
	}
	u, err := s.UserByID(ctx, n.UserID)
	return n, u, err
}

// AddOutboxOnce records a message unless one with the same source was already made, so
// a mail job that runs twice sends one mail.
func (s *Store) AddOutboxOnce(ctx context.Context, source, channel, to, subject, body string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var n int64
		if err := tx.w.Model(&OutboxMessage{}).Where("source = ?", source).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		m := OutboxMessage{Channel: channel, To: to, Subject: subject, Body: body, Status: OutboxPending, Source: source, CreatedAt: tx.clock.Now()}
		if err := tx.w.Create(&m).Error; err != nil {
			return err
		}
		return tx.enqueue(JobDeliverOutbox, DeliverOutboxPayload{MessageID: m.ID}, tx.clock.Now(), "")
	})
}
