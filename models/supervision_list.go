package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"sellercenter/internal/workdays"
)

// Supervision lists for the three centers, the reviewers' queues, the overdue counts
// and the timers that remind whoever must act.

// SupervisionRow is one supervised order in a list: its supervision and what the order
// says about it.
type SupervisionRow struct {
	Supervision
	ProductNameZh string
	ProductNameEn string
	ProductType   string
	CustomerName  string
	AmountFen     int64
}

// SupervisionFilter narrows a list: Node "" is every node; Q an order number.
type SupervisionFilter struct {
	Node    string
	Q       string
	Frozen  bool // only supervisions an appeal froze
	Waiting bool // only those waiting on the side listing them
	Overdue bool // only those waiting on the side past the reminder's working days
	Page    int
	Per     int
}

// NodesWaitingOn are the nodes where actor must act.
func NodesWaitingOn(actor string) []string {
	var out []string
	for _, n := range SupervisionNodes {
		if SupervisionWaitsOn(n) == actor {
			out = append(out, n)
		}
	}
	return out
}

// Supervisions lists the supervised orders of a buyer (actor SupBuyer, owner its id), a
// merchant (SupMerchant) or, for a reviewer, all of them: newest node first, except the
// reviewers' 华为云复核 queue, oldest first.
func (s *Store) Supervisions(ctx context.Context, actor string, owner uint, f SupervisionFilter) ([]SupervisionRow, int64, error) {
	q, err := scopeSupervisions(s.r.WithContext(ctx).Table("supervisions s"), actor, owner, "s.")
	if err != nil {
		return nil, 0, err
	}
	if f.Node != "" {
		q = q.Where("s.node = ?", f.Node)
	}
	if f.Frozen {
		q = q.Where("s.frozen = ?", true)
	}
	if f.Waiting || f.Overdue {
		q = q.Where("s.node IN ? AND s.frozen = ?", NodesWaitingOn(actor), false)
	}
	if f.Overdue {
		cutoff, err := s.supervisionReminderCutoff(ctx)
		if err != nil {
			return nil, 0, err
		}
		q = q.Where("s.node_since <= ?", cutoff)
	}
	if no := strings.ToUpper(strings.TrimSpace(f.Q)); no != "" {
		q = q.Where("s.order_no = ?", no)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	order := "s.node_since DESC, s.id DESC"
	if f.Waiting || f.Overdue || (actor == SupReviewer && f.Node == NodeReview) {
		order = "s.node_since, s.id"
	}
	per := max(f.Per, 1)
	var rows []SupervisionRow
	err = q.Select("s.*, o.product_name_zh, o.product_name_en, o.product_type, o.customer_name, o.amount_fen").
		Joins("JOIN orders o ON o.id = s.order_id").Order(order).Limit(per).Offset((max(f.Page, 1) - 1) * per).Scan(&rows).Error
	return rows, total, err
}

// SupervisionCounts counts a side's supervisions by node ("" is all of them, "frozen"
// those under appeal, "frozen:<node>" those under appeal at a node).
func (s *Store) SupervisionCounts(ctx context.Context, actor string, owner uint) (map[string]int64, error) {
	q, err := scopeSupervisions(s.r.WithContext(ctx).Model(&Supervision{}), actor, owner, "")
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Node   string
		Frozen bool
		N      int64
	}
	if err := q.Select("node, frozen, COUNT(*) AS n").Group("node, frozen").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Node] += r.N
		out[""] += r.N
		if r.Frozen {
			out["frozen"] += r.N
			out["frozen:"+r.Node] += r.N
		}
	}
	return out, nil
}

// AppealRow is an appeal in the reviewers' queue with its order's names.
type AppealRow struct {
	SupervisionAppeal
	ProductNameZh string
	ProductNameEn string
	CustomerName  string
}

// OpenAppeals lists the appeals waiting for a reviewer, oldest first.
func (s *Store) OpenAppeals(ctx context.Context, page, per int) ([]AppealRow, int64, error) {
	q := s.r.WithContext(ctx).Table("supervision_appeals a").Where("a.status = ?", AppealOpen)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	per = max(per, 1)
	var rows []AppealRow
	err := q.Select("a.*, o.product_name_zh, o.product_name_en, o.customer_name").
		Joins("JOIN supervisions s ON s.id = a.supervision_id").Joins("JOIN orders o ON o.id = s.order_id").
		Order("a.created_at, a.id").Limit(per).Offset((max(page, 1) - 1) * per).Scan(&rows).Error
	return rows, total, err
}

// WorkCalendar is the working-day calendar of the settings and the holidays.
func (s *Store) WorkCalendar(ctx context.Context) (*workdays.Calendar, error) {
	hol, work, err := s.HolidayList(ctx)
	if err != nil {
		return nil, err
	}
	return workdays.New(s.CalendarLocation(ctx), hol, work), nil
}

// supervisionReminderCutoff is the moment a node entered at or before has waited past
// the reminder's working days.
func (s *Store) supervisionReminderCutoff(ctx context.Context) (time.Time, error) {
	cal, err := s.WorkCalendar(ctx)
	if err != nil {
		return time.Time{}, err
	}
	days, err := s.SettingInt(ctx, SettingSupReminderWorkdays, DefaultSupReminderWorkdays)
	if err != nil {
		return time.Time{}, err
	}
	return cal.SubWorkdays(s.clock.Now(), days), nil
}

// SupervisionOverdue is what waits on a side past the reminder's working days, and for
// reviewers the open appeals.
type SupervisionOverdue struct {
	Overdue int64
	Appeals int64
}

// SupervisionOverdueOf counts the open supervisions waiting past the reminder's working
// days on a buyer (actor SupBuyer, owner its id), a merchant (SupMerchant) or reviewers
// (华为云复核, with the open appeals).
func (s *Store) SupervisionOverdueOf(ctx context.Context, actor string, owner uint) (SupervisionOverdue, error) {
	var out SupervisionOverdue
	cutoff, err := s.supervisionReminderCutoff(ctx)
	if err != nil {
		return out, err
	}
	db := s.r.WithContext(ctx)
	q, err := scopeSupervisions(db.Model(&Supervision{}).Where("node IN ? AND frozen = ? AND node_since <= ?", NodesWaitingOn(actor), false, cutoff),
		actor, owner, "")
	if err != nil {
		return out, err
	}
	if actor == SupReviewer {
		if err := db.Model(&SupervisionAppeal{}).Where("status = ?", AppealOpen).Count(&out.Appeals).Error; err != nil {
			return out, err
		}
	}
	return out, q.Count(&out.Overdue).Error
}

// JobSupervisionTimers is the supervision's timer pass: reminders and the long
// non-acceptance reminders.
const JobSupervisionTimers = "supervision_timers"

// SupervisionTimerPeriod is how often the pass runs.
const SupervisionTimerPeriod = 10 * time.Minute

// supervisionTimerBatch bounds one transaction of the pass.
const supervisionTimerBatch = 500

// ScheduleSupervisionTimers queues the next pass after d (one per period).
func (s *Store) ScheduleSupervisionTimers(ctx context.Context, d time.Duration) error {
	at := s.clock.Now().Add(d).Truncate(SupervisionTimerPeriod)
	return s.Enqueue(ctx, JobSupervisionTimers, struct{}{}, at, "supervision_timers:"+at.UTC().Format("200601021504"))
}

// TimerPass is what one pass did.
type TimerPass struct {
	Reminded     int // whoever must act was reminded after the working days
	LongReminded int // buyers not accepting for the long period were reminded
}

// remindedNodes are the nodes whose actor is reminded: the buyer's and the merchant's.
var remindedNodes = []string{NodeRequirement, NodeConfirm, NodeImplement, NodeAcceptance}

// RunSupervisionTimers reminds whoever must act on a supervision waiting past the
// reminder's working days (once per node), and the buyer (with the merchant) of a
// delivery not accepted for the long period (once more). Frozen supervisions wait for
// their appeal instead.
func (s *Store) RunSupervisionTimers(ctx context.Context) (TimerPass, error) {
	var pass TimerPass
	cutoff, err := s.supervisionReminderCutoff(ctx)
	if err != nil {
		return pass, err
	}
	longDays, err := s.SettingInt(ctx, SettingSupAcceptanceDays, DefaultSupAcceptanceDays)
	if err != nil {
		return pass, err
	}
	now := s.clock.Now()
	long := time.Duration(longDays) * 24 * time.Hour
	for {
		n, err := s.remindBatch(ctx, func(tx *Store) ([]Supervision, error) {
			var rows []Supervision
			err := dueReminders(tx.w, cutoff).Find(&rows).Error
			return rows, err
		}, "reminder")
		pass.Reminded += n
		if err != nil || n < supervisionTimerBatch {
			if err != nil {
				return pass, err
			}
			break
		}
	}
	for {
		n, err := s.remindBatch(ctx, func(tx *Store) ([]Supervision, error) {
			var rows []Supervision
			err := dueLongReminders(tx.w, now.Add(-long)).Find(&rows).Error
			return rows, err
		}, "long")
		pass.LongReminded += n
		if err != nil || n < supervisionTimerBatch {
			return pass, err
		}
	}
}

// dueReminders selects the next supervisions waiting past the cutoff on the buyer or the
// merchant, not reminded at their node yet (idx_supervisions_timer).
func dueReminders(db *gorm.DB, cutoff time.Time) *gorm.DB {
	return db.Model(&Supervision{}).Where("node IN ? AND reminded_at IS NULL AND node_since <= ? AND frozen = ?", remindedNodes, cutoff, false).
		Order("node_since").Limit(supervisionTimerBatch)
}

// dueLongReminders selects the next deliveries waiting for acceptance since before, not
// reminded of it yet (idx_supervisions_long).
func dueLongReminders(db *gorm.DB, before time.Time) *gorm.DB {
	return db.Model(&Supervision{}).Where("node = ? AND long_reminded_at IS NULL AND node_since <= ? AND frozen = ?", NodeAcceptance, before, false).
		Order("node_since").Limit(supervisionTimerBatch)
}

// remindBatch reminds the supervisions pick finds, in one transaction.
func (s *Store) remindBatch(ctx context.Context, pick func(tx *Store) ([]Supervision, error), kind string) (int, error) {
	n := 0
	err := s.Tx(ctx, func(tx *Store) error {
		rows, err := pick(tx)
		if err != nil {
			return err
		}
		now := tx.clock.Now()
		// The merchants' owners in one read, not one per reminder.
		mids := make([]uint, 0, len(rows))
		for _, sv := range rows {
			mids = append(mids, sv.MerchantID)
		}
		var ms []Merchant
		if err := tx.w.Select("id, owner_user_id").Where("id IN ?", mids).Find(&ms).Error; err != nil {
			return err
		}
		owners := make(map[uint]uint, len(ms))
		for _, m := range ms {
			owners[m.ID] = m.OwnerUserID
		}
		ids := make([]uint, 0, len(rows))
		for _, sv := range rows {
			ids = append(ids, sv.ID)
			if err := tx.remind(sv, owners[sv.MerchantID], kind); err != nil {
				return err
			}
		}
		col := "reminded_at"
		if kind == "long" {
			col = "long_reminded_at"
		}
		if len(ids) > 0 {
			if err := tx.w.Model(&Supervision{}).Where("id IN ?", ids).Update(col, now).Error; err != nil {
				return err
			}
		}
		n = len(rows)
		return nil
	})
	if errors.Is(err, ErrConflict) {
		return n, nil
	}
	return n, err
}

// remind tells whoever must act at the supervision's node (for the long reminder, the
// buyer and the merchant, whose owner is merchantOwner).
func (s *Store) remind(sv Supervision, merchantOwner uint, kind string) error {
	args := map[string]any{"OrderNo": sv.OrderNo, "NodeKey": "supervision.node." + sv.Node}
	title, body := "notify.supervision_reminder.title", "notify.supervision_reminder.body"
	if kind == "long" {
		title, body = "notify.supervision_long.title", "notify.supervision_long.body"
	}
	buyer := Notice{UserID: sv.BuyerID, Kind: "supervision.reminder", TitleKey: title, BodyKey: body, Args: args,
		To: Target{Kind: TargetBuyerSupervision, Ref: sv.OrderNo}}
	merchant := Notice{UserID: merchantOwner, Kind: "supervision.reminder", TitleKey: title, BodyKey: body, Args: args,
		To: Target{Kind: TargetSellerSupervision, Ref: sv.OrderNo}}
	if kind == "long" || SupervisionWaitsOn(sv.Node) == SupBuyer {
		if err := s.notify(buyer); err != nil {
			return err
		}
		if kind != "long" {
			return nil
		}
	}
	return s.notify(merchant)
}

// OrderByID reads an order (the supervision page's summary; callers read it only for a
// supervision they may see).
func (s *Store) OrderByID(ctx context.Context, id uint) (Order, error) {
	var o Order
	return o, first(s.r.WithContext(ctx).Where("id = ?", id), &o)
}
