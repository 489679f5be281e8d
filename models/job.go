package models

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Job kinds.
const (
	JobNotificationMail = "notification_mail"
	JobAccountMail      = "account_mail"
	JobDeliverOutbox    = "deliver_outbox"
	JobSLAReminder      = "sla_reminder"
	JobBlobSweep        = "blob_sweep"
)

// NotificationMailPayload asks for the mail copy of an inbox message.
type NotificationMailPayload struct {
	NotificationID uint `json:"notification_id"`
}

// AccountMailPayload asks for an account mail (verification, reset) with a raw token.
type AccountMailPayload struct {
	UserID  uint   `json:"user_id"`
	Purpose string `json:"purpose"`
	Token   string `json:"token"`
}

// DeliverOutboxPayload asks to hand one outbox message to its gateway.
type DeliverOutboxPayload struct {
	MessageID uint `json:"message_id"`
}

// enqueue adds a job in the current transaction; a non-empty dedup key makes it unique.
func (s *Store) enqueue(kind string, payload any, runAt time.Time, dedup string) error {
	return s.enqueueGroup(kind, "", payload, runAt, dedup)
}

// enqueueGroup adds a job in the current transaction; a group (a merchant) makes it a
// pool's job, run concurrently within the group's bound.
func (s *Store) enqueueGroup(kind, group string, payload any, runAt time.Time, dedup string) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	j := Job{Kind: kind, Group: group, Pooled: group != "", Payload: string(b), Status: JobQueued, RunAt: runAt, MaxAttempts: 8, CreatedAt: now, UpdatedAt: now}
	if j.Pooled && !runAt.After(now) {
		s.pooled = true // due now: the pool hears of it on commit
	}
	if dedup != "" {
		j.DedupKey = &dedup
		return s.w.Clauses(clause.OnConflict{DoNothing: true}).Create(&j).Error
	}
	return s.w.Create(&j).Error
}

// EnqueueGroup adds a job of a concurrency group outside any other change.
func (s *Store) EnqueueGroup(ctx context.Context, kind, group string, payload any, runAt time.Time, dedup string) error {
	return s.Tx(ctx, func(tx *Store) error { return tx.enqueueGroup(kind, group, payload, runAt, dedup) })
}

// ClaimGroupJobs takes up to n due jobs of kinds for worker, leasing them for lease, and
// at most room[group] (default perGroup) of each group: the caller says how many more of
// each group it can take now, and a group with no room left is not even read. Several
// instances may claim at once: on PostgreSQL the candidates are locked with SKIP LOCKED,
// on SQLite the writer holds the database.
func (s *Store) ClaimGroupJobs(ctx context.Context, worker string, kinds []string, n int, room map[string]int, perGroup int, lease time.Duration) ([]Job, error) {
	var jobs []Job
	if n <= 0 {
		return nil, nil
	}
	where, args := "kind IN ?", []any{kinds}
	var full []string
	for g, r := range room {
		if r <= 0 {
			full = append(full, g)
		}
	}
	if len(full) > 0 {
		where, args = where+" AND job_group NOT IN ?", append(args, full)
	}
	if due, err := s.anyDue(ctx, true, where, args); err != nil || !due {
		return nil, err
	}
	err := s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		candidates, err := tx.dueJobs(now, true, where, args, n*4, "id", "job_group")
		if err != nil {
			return err
		}
		taken := map[string]int{}
		var ids []uint
		for _, j := range candidates {
			if len(ids) == n {
				break
			}
			limit, ok := room[j.Group]
			if !ok {
				limit = perGroup
			}
			if taken[j.Group] >= limit {
				continue
			}
			taken[j.Group]++
			ids = append(ids, j.ID)
		}
		if len(ids) == 0 {
			return nil
		}
		if err := tx.w.Model(&Job{}).Where("id IN ?", ids).Updates(map[string]any{
			"status": JobRunning, "locked_by": worker, "locked_until": now.Add(lease), "attempts": gorm.Expr("attempts + 1"), "updated_at": now,
		}).Error; err != nil {
			return err
		}
		return tx.w.Where("id IN ?", ids).Order("run_at, id").Find(&jobs).Error
	})
	return jobs, err
}

// ReleaseJobs gives claimed jobs that were never started back to the queue, due at
// once, as if they had not been claimed (a pool stopping, or holding one too long).
func (s *Store) ReleaseJobs(ctx context.Context, worker string, ids []uint) error {
	if len(ids) == 0 {
		return nil
	}
	return s.Tx(ctx, func(tx *Store) error {
		return tx.w.Model(&Job{}).Where("id IN ? AND status = ? AND locked_by = ?", ids, JobRunning, worker).Updates(map[string]any{
			"status": JobQueued, "locked_by": "", "locked_until": nil, "attempts": gorm.Expr("attempts - 1"), "updated_at": tx.clock.Now()}).Error
	})
}

// Enqueue adds a job outside any other change.
func (s *Store) Enqueue(ctx context.Context, kind string, payload any, runAt time.Time, dedup string) error {
	return s.Tx(ctx, func(tx *Store) error { return tx.enqueue(kind, payload, runAt, dedup) })
}

// ClaimJobs takes up to n due jobs for worker, leasing them for lease.
func (s *Store) ClaimJobs(ctx context.Context, worker string, n int, lease time.Duration) ([]Job, error) {
	var jobs []Job
	if due, err := s.anyDue(ctx, false, "", nil); err != nil || !due {
		return nil, err
	}
	err := s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		// Jobs of a group are a pool's (ClaimGroupJobs), not this sequential worker's.
		var err error
		if jobs, err = tx.dueJobs(now, false, "", nil, n); err != nil {
			return err
		}
		until := now.Add(lease)
		for i := range jobs {
			jobs[i].Status, jobs[i].LockedBy, jobs[i].LockedUntil = JobRunning, worker, &until
			jobs[i].Attempts++
			if err := tx.w.Model(&Job{}).Where("id = ?", jobs[i].ID).Updates(map[string]any{
				"status": JobRunning, "locked_by": worker, "locked_until": until, "attempts": gorm.Expr("attempts + 1"), "updated_at": now,
			}).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return jobs, err
}

// dueJobs reads up to n jobs of the pool (pooled) or of the sequential worker to claim,
// oldest first: queued ones whose time has come, read in run_at order from
// idx_jobs_claim (never sorting a backlog, never passing over the other's), then
// running ones whose lease ended (an instance died holding them). On PostgreSQL the rows
// are locked, and rows another instance holds are skipped. where narrows further;
// cols, when given, are the only columns read.
func (s *Store) dueJobs(now time.Time, pooled bool, where string, args []any, n int, cols ...string) ([]Job, error) {
	lock := func(q *gorm.DB) *gorm.DB {
		if len(cols) > 0 {
			q = q.Model(&Job{}).Select(cols)
		}
		if where != "" {
			q = q.Where(where, args...)
		}
		if s.dialect == Postgres {
			return q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		return q
	}
	var out []Job
	if err := lock(s.w.Where("status = ? AND pooled = ? AND run_at <= ?", JobQueued, pooled, now).Order("run_at").Limit(n)).Find(&out).Error; err != nil {
		return nil, err
	}
	if len(out) < n {
		var stale []Job
		if err := lock(s.w.Where("status = ? AND pooled = ? AND locked_until < ?", JobRunning, pooled, now).Limit(n - len(out))).Find(&stale).Error; err != nil {
			return nil, err
		}
		out = append(out, stale...)
	}
	return out, nil
}

// anyDue tells, from a reader, whether a job of the pool (pooled) or of the worker is
// due: an idle worker or pool polls without taking the write lock (on SQLite, the whole
// database's).
func (s *Store) anyDue(ctx context.Context, pooled bool, where string, args []any) (bool, error) {
	now := s.clock.Now()
	narrow := func(q *gorm.DB) *gorm.DB {
		if where != "" {
			return q.Where(where, args...)
		}
		return q
	}
	var ids []uint
	if err := narrow(s.r.WithContext(ctx).Model(&Job{}).Where("status = ? AND pooled = ? AND run_at <= ?", JobQueued, pooled, now)).
		Order("run_at").Limit(1).Pluck("id", &ids).Error; err != nil || len(ids) > 0 {
		return len(ids) > 0, err
	}
	err := narrow(s.r.WithContext(ctx).Model(&Job{}).Where("status = ? AND pooled = ? AND locked_until < ?", JobRunning, pooled, now)).
		Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}

// FinishJob marks a job done.
func (s *Store) FinishJob(ctx context.Context, id uint) error {
	return s.Tx(ctx, func(tx *Store) error {
		return tx.w.Model(&Job{}).Where("id = ?", id).Updates(map[string]any{
			"status": JobDone, "locked_until": nil, "last_error": "", "updated_at": tx.clock.Now()}).Error
	})
}

// RetryJob records a failure and schedules the next try, or gives up after MaxAttempts.
func (s *Store) RetryJob(ctx context.Context, j Job, cause error) error {
	return s.Tx(ctx, func(tx *Store) error {
		now := tx.clock.Now()
		msg := cause.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		fields := map[string]any{"last_error": msg, "locked_until": nil, "updated_at": now}
		if j.Attempts >= j.MaxAttempts {
			fields["status"] = JobFailed
		} else {
			backoff := time.Duration(1<<min(j.Attempts, 10)) * 30 * time.Second
			fields["status"], fields["run_at"] = JobQueued, now.Add(backoff)
		}
		return tx.w.Model(&Job{}).Where("id = ?", j.ID).Updates(fields).Error
	})
}

// JobByID reads one job (tests and the console).
func (s *Store) JobByID(ctx context.Context, id uint) (Job, error) {
	var j Job
	return j, first(s.r.WithContext(ctx).Where("id = ?", id), &j)
}
