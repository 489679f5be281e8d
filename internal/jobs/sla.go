package jobs

import (
	"context"
	"time"

	"sellercenter/internal/workdays"
	"sellercenter/models"
)

// SLAReminder tells reviewers each working morning how many queue items are past their
// SLA, then schedules its next run.
type SLAReminder struct {
	Store *models.Store
}

// Register adds the reminder handler to w.
func (r *SLAReminder) Register(w *Worker) { w.Handlers[models.JobSLAReminder] = r.run }

// reminderHour is the local hour reminders go out.
const reminderHour = 9

// calendar is the one working-day calendar of the store.
func calendar(ctx context.Context, s *models.Store) (*workdays.Calendar, error) {
	return s.WorkCalendar(ctx)
}

// Schedule queues the next reminder after now (one per day, whatever calls it).
func (r *SLAReminder) Schedule(ctx context.Context) error {
	cal, err := calendar(ctx, r.Store)
	if err != nil {
		return err
	}
	loc := r.Store.CalendarLocation(ctx)
	now := r.Store.Now().In(loc)
	next := time.Date(now.Year(), now.Month(), now.Day(), reminderHour, 0, 0, 0, loc)
	for !next.After(now) || !cal.IsWorkday(next) {
		next = next.AddDate(0, 0, 1)
	}
	return r.Store.Enqueue(ctx, models.JobSLAReminder, struct{}{}, next.UTC(), "sla:"+next.Format(time.DateOnly))
}

func (r *SLAReminder) run(ctx context.Context, _ models.Job) error {
	cal, err := calendar(ctx, r.Store)
	if err != nil {
		return err
	}
	now := r.Store.Now()
	cutoffs := map[models.Queue]time.Time{}
	for q, key := range models.SLASettings {
		days, err := r.Store.SettingInt(ctx, key, models.DefaultSLAWorkdays)
		if err != nil {
			return err
		}
		cutoffs[q] = cal.SubWorkdays(now, days)
	}
	counts, err := r.Store.OverdueCounts(ctx, cutoffs)
	if err != nil {
		return err
	}
	// Deliveries waiting in 华为云复核 past the supervision's working days.
	sup, err := r.Store.SupervisionOverdueOf(ctx, models.SupReviewer, 0)
	if err != nil {
		return err
	}
	total := sup.Overdue
	for _, n := range counts {
		total += n
	}
	if total > 0 {
		err := r.Store.NotifyReviewers(ctx, models.Notice{Kind: "sla.reminder", TitleKey: "notify.sla_reminder.title", BodyKey: "notify.sla_reminder.body",
			Args: map[string]any{"Total": total, "RealName": counts[models.QueueRealName], "Applications": counts[models.QueueApplication],
				"Certifications": counts[models.QueueCertification], "Changes": counts[models.QueueChange], "Assets": counts[models.QueueAsset],
				"Products": counts[models.QueueProductApp], "Reviews": sup.Overdue, "Appeals": sup.Appeals}, To: models.Target{Kind: models.TargetConsole}})
		if err != nil {
			return err
		}
	}
	return r.Schedule(ctx)
}
