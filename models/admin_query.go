package models

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Queue names the reviewer queues.
type Queue string

// Reviewer queues.
const (
	QueueRealName      Queue = "realname"
	QueueApplication   Queue = "application"
	QueueCertification Queue = "certification"
	QueueChange        Queue = "change"
	QueueAsset         Queue = "asset"
	QueueProductApp    Queue = "product_app"
)

type queueDef struct {
	table   string
	extra   string // column shown as the item's kind
	pending []string
	product bool // items belong to a product: filter by its type, search its names
	// What a search matches besides the merchant's name and owner email: text
	// expressions matched in part, columns matched whole (ids pasted from elsewhere),
	// and the item's own id when the search is a number ("42" or "#42").
	like  []string
	exact []string
	byID  bool
}

var queueDefs = map[Queue]queueDef{
	QueueRealName:      {table: "real_name_verifications", extra: "method", pending: []string{RealNameInReview, RealNameLocked}},
	QueueApplication:   {table: "onboarding_applications", extra: "product_types", pending: []string{ApplicationPending}},
	QueueCertification: {table: "business_certifications", extra: "status", pending: []string{CertInReview}},
	QueueChange:        {table: "change_requests", extra: "kind", pending: []string{ChangePending}},
	// The asset row shows "name version", so that is what a reviewer types.
	QueueAsset: {table: "assets", extra: "kind", pending: []string{AssetScanning},
		like: []string{"LOWER(x.name || ' ' || x.asset_version)"}, exact: []string{"x.image_id"}, byID: true},
	QueueProductApp: {table: "product_applications", extra: "kind", pending: []string{PAPending}, product: true,
		like: []string{"LOWER(p.name_zh)", "LOWER(p.name_en)"}, byID: true},
}

// queueSearch is the WHERE clause of a queue search for q and its arguments.
func (def queueDef) queueSearch(q string) (string, []any) {
	like := "%" + escapeLike(strings.ToLower(q)) + "%"
	conds := []string{`LOWER(m.company_name) LIKE ? ESCAPE '\'`, `u.email LIKE ? ESCAPE '\'`}
	args := []any{like, like}
	for _, expr := range def.like {
		conds = append(conds, expr+` LIKE ? ESCAPE '\'`)
		args = append(args, like)
	}
	for _, col := range def.exact {
		conds = append(conds, col+" IN (?, ?)")
		args = append(args, q, strings.ToLower(q))
	}
	if id, err := strconv.ParseUint(strings.TrimPrefix(q, "#"), 10, 32); def.byID && err == nil && id > 0 {
		conds = append(conds, "x.id = ?")
		args = append(args, id)
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// QueueFilter narrows a reviewer queue. Status empty means the pending states.
type QueueFilter struct {
	Status      string
	Q           string
	Kind        string // the kind column's value; empty for every kind
	ProductType string // product queues only
	Page        int
	Per         int
}

// QueueRow is one item of a reviewer queue.
type QueueRow struct {
	ID            uint
	MerchantID    uint
	CompanyName   string
	OwnerEmail    string
	Status        string
	Extra         string
	SubmittedAt   *time.Time
	UpdatedAt     time.Time
	SubmittedByID uint
}

// QueueItems lists a queue, oldest first for pending items (the SLA order).
func (s *Store) QueueItems(ctx context.Context, q Queue, f QueueFilter) ([]QueueRow, int64, error) {
	def := queueDefs[q]
	base := s.r.WithContext(ctx).Table(def.table + " AS x").
		Joins("JOIN merchants m ON m.id = x.merchant_id").
		Joins("JOIN users u ON u.id = m.owner_user_id")
	pending := f.Status == ""
	switch {
	case pending:
		base = base.Where("x.status IN ?", def.pending)
	case f.Status != "all":
		base = base.Where("x.status = ?", f.Status)
	}
	if f.Kind != "" {
		base = base.Where("x."+def.extra+" = ?", f.Kind)
	}
	if def.product {
		base = base.Joins("JOIN products p ON p.id = x.product_id")
		if f.ProductType != "" {
			base = base.Where("p.type = ?", f.ProductType)
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond, args := def.queueSearch(q)
		base = base.Where(cond, args...)
	}
	var total int64
	if err := base.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	order := "x.submitted_at DESC, x.id DESC"
	if pending {
		order = "x.submitted_at ASC, x.id ASC"
	}
	submitter := "x.submitted_by_id"
	var rows []QueueRow
	err := base.Select("x.id, x.merchant_id, m.company_name, u.email AS owner_email, x.status, x." + def.extra + " AS extra, x.submitted_at, x.updated_at, COALESCE(" + submitter + ", 0) AS submitted_by_id").
		Order(order).Offset((f.Page - 1) * f.Per).Limit(f.Per).Scan(&rows).Error
	return rows, total, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// QueueStat is a queue's size and the submission time of its oldest item.
type QueueStat struct {
	Queue  Queue
	Count  int64
	Oldest *time.Time
}

// QueueStats counts every pending queue, plus locked certifications.
func (s *Store) QueueStats(ctx context.Context) ([]QueueStat, int64, error) {
	var out []QueueStat
	for _, q := range []Queue{QueueRealName, QueueApplication, QueueCertification, QueueChange, QueueAsset, QueueProductApp} {
		def := queueDefs[q]
		var row struct {
			N      int64
			Oldest *string
		}
		if err := s.r.WithContext(ctx).Table(def.table).Where("status IN ?", def.pending).
			Select("COUNT(*) AS n, MIN(submitted_at) AS oldest").Scan(&row).Error; err != nil {
			return nil, 0, err
		}
		st := QueueStat{Queue: q, Count: row.N}
		if row.Oldest != nil {
			if t, ok := parseDBTime(*row.Oldest); ok {
				st.Oldest = &t
			}
		}
		out = append(out, st)
	}
	var locked int64
	err := s.r.WithContext(ctx).Model(&BusinessCertification{}).Where("status = ?", CertLocked).Count(&locked).Error
	return out, locked, err
}

// parseDBTime reads an aggregate timestamp, which drivers return as text.
func parseDBTime(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05.999999-07"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// History lists the audit rows of one object, oldest first.
func (s *Store) History(ctx context.Context, objType string, objID uint) ([]AuditLog, error) {
	var rows []AuditLog
	err := s.r.WithContext(ctx).Where("object_type = ? AND object_id = ?", objType, objID).Order("id").Limit(200).Find(&rows).Error
	return rows, err
}

// MerchantFilter narrows the merchant directory.
type MerchantFilter struct {
	Q      string
	Status string // onboarding, active, suspended, or empty for all
	Page   int
	Per    int
}

// MerchantRow is one merchant in the directory.
type MerchantRow struct {
	Merchant
	OwnerEmail string
}

// Merchants lists merchants for the reviewer console, newest first.
func (s *Store) Merchants(ctx context.Context, f MerchantFilter) ([]MerchantRow, int64, error) {
	q := s.r.WithContext(ctx).Table("merchants AS m").Joins("JOIN users u ON u.id = m.owner_user_id")
	switch f.Status {
	case "onboarding":
		q = q.Where("m.activated_at IS NULL AND m.suspended_at IS NULL")
	case "active":
		q = q.Where("m.activated_at IS NOT NULL AND m.suspended_at IS NULL")
	case "suspended":
		q = q.Where("m.suspended_at IS NOT NULL")
	}
	if f.Q != "" {
		like := "%" + escapeLike(strings.ToLower(f.Q)) + "%"
		q = q.Where("(LOWER(m.company_name) LIKE ? ESCAPE '\\' OR u.email LIKE ? ESCAPE '\\')", like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []MerchantRow
	err := q.Select("m.*, u.email AS owner_email").Order("m.created_at DESC, m.id DESC").
		Offset((f.Page - 1) * f.Per).Limit(f.Per).Scan(&rows).Error
	return rows, total, err
}

// MerchantOwner reads a merchant's owner account.
func (s *Store) MerchantOwner(ctx context.Context, m Merchant) (User, error) {
	return s.UserByID(ctx, m.OwnerUserID)
}

// SuspendMerchant stops a merchant: their sessions end at the next request and they
// cannot log in until reinstated.
func (s *Store) SuspendMerchant(ctx context.Context, a Actor, id uint, reason, comment string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &m); err != nil {
			return err
		}
		if m.Suspended() {
			return ErrIllegalTransition
		}
		now := tx.clock.Now()
		if err := tx.saveVersioned(&Merchant{}, m.ID, m.Version, map[string]any{"suspended_at": now, "suspend_reason": reason}); err != nil {
			return err
		}
		if err := tx.audit(a, "merchant.suspend", "merchant", m.ID, &m.ID, "active", "suspended", reason, comment); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: m.OwnerUserID, Kind: "merchant.suspend", TitleKey: "notify.merchant_suspended.title",
			BodyKey: "notify.merchant_suspended.body", Args: map[string]any{"ReasonKey": reason, "Comment": comment}})
	})
}

// ReinstateMerchant lifts a suspension.
func (s *Store) ReinstateMerchant(ctx context.Context, a Actor, id uint, comment string) error {
	return s.Tx(ctx, func(tx *Store) error {
		var m Merchant
		if err := first(tx.forUpdate(tx.w.Where("id = ?", id)), &m); err != nil {
			return err
		}
		if !m.Suspended() {
			return ErrIllegalTransition
		}
		if err := tx.saveVersioned(&Merchant{}, m.ID, m.Version, map[string]any{"suspended_at": nil, "suspend_reason": ""}); err != nil {
			return err
		}
		if err := tx.audit(a, "merchant.reinstate", "merchant", m.ID, &m.ID, "suspended", "active", "", comment); err != nil {
			return err
		}
		return tx.notify(Notice{UserID: m.OwnerUserID, Kind: "merchant.reinstate", TitleKey: "notify.merchant_reinstated.title",
			BodyKey: "notify.merchant_reinstated.body", Args: map[string]any{"Comment": comment}})
	})
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	Action     string // prefix, e.g. "realname."
	Actor      string // actor email
	ObjectType string
	MerchantID uint
	// MerchantIDs: the merchants a name typed in the filter stands for (the id 0 when
	// it matches none).
	MerchantIDs []uint
	From, To    *time.Time
	Page, Per   int
}

// auditQuery is the audit log narrowed by f.
func (s *Store) auditQuery(ctx context.Context, f AuditFilter) *gorm.DB {
	q := s.r.WithContext(ctx).Model(&AuditLog{})
	if f.Action != "" {
		q = q.Where("action LIKE ? ESCAPE '\\'", escapeLike(f.Action)+"%")
	}
	if f.Actor != "" {
		q = q.Where("actor_email = ?", NormalizeEmail(f.Actor))
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.MerchantID != 0 {
		q = q.Where("merchant_id = ?", f.MerchantID)
	}
	if len(f.MerchantIDs) > 0 {
		q = q.Where("merchant_id IN ?", f.MerchantIDs)
	}
	if f.From != nil {
		q = q.Where("at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("at < ?", *f.To)
	}
	return q
}

// AuditLogs lists audit rows, newest first.
func (s *Store) AuditLogs(ctx context.Context, f AuditFilter) ([]AuditLog, int64, error) {
	q := s.auditQuery(ctx, f)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []AuditLog
	err := q.Order("at DESC, id DESC").Offset((f.Page - 1) * f.Per).Limit(f.Per).Find(&rows).Error
	return rows, total, err
}

// EachAuditBatch reads every audit row f selects, newest first, in batches of n read
// page by page (keyset on time and id), and hands each batch to fn: an export of the
// whole log never holds more than one batch.
func (s *Store) EachAuditBatch(ctx context.Context, f AuditFilter, n int, fn func([]AuditLog) error) error {
	var last *AuditLog
	for {
		q := s.auditQuery(ctx, f)
		if last != nil {
			q = q.Where("at < ? OR (at = ? AND id < ?)", last.At, last.At, last.ID)
		}
		var rows []AuditLog
		if err := q.Order("at DESC, id DESC").Limit(n).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(rows); err != nil {
			return err
		}
		if len(rows) < n {
			return nil
		}
		last = &rows[len(rows)-1]
	}
}

// Reviewers lists reviewer accounts.
func (s *Store) Reviewers(ctx context.Context) ([]User, error) {
	var rows []User
	err := s.r.WithContext(ctx).Where("role = ?", RoleReviewer).Order("created_at DESC").Limit(500).Find(&rows).Error
	return rows, err
}

// UsersByIDs reads several users (names for histories and queues).
func (s *Store) UsersByIDs(ctx context.Context, ids []uint) (map[uint]User, error) {
	out := map[uint]User{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []User
	if err := s.r.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, u := range rows {
		out[u.ID] = u
	}
	return out, nil
}

// NameMatchMax is how many merchants or products a filter typed as a name stands for.
const NameMatchMax = 50

// Named is a merchant or product found by name: Name is what a filter is typed as,
// Label what a suggestion shows (a product's Chinese and English names).
type Named struct {
	ID          uint
	Name, Label string
}

// MerchantsNamed finds merchants whose company name or owner's address contains q (any
// case), company names first alphabetically.
func (s *Store) MerchantsNamed(ctx context.Context, q string, limit int) ([]Named, error) {
	like := "%" + escapeLike(strings.ToLower(strings.TrimSpace(q))) + "%"
	var out []Named
	err := s.r.WithContext(ctx).Table("merchants AS m").Joins("JOIN users u ON u.id = m.owner_user_id").
		Select("m.id, CASE WHEN m.company_name <> '' THEN m.company_name ELSE u.email END AS name").
		Where(`(LOWER(m.company_name) LIKE ? ESCAPE '\' OR u.email LIKE ? ESCAPE '\')`, like, like).
		Order("name, m.id").Limit(limit).Scan(&out).Error
	for i := range out {
		out[i].Label = out[i].Name
	}
	return out, err
}

// ProductsNamed finds products whose Chinese or English name contains q (any case).
func (s *Store) ProductsNamed(ctx context.Context, q string, limit int) ([]Named, error) {
	like := "%" + escapeLike(strings.ToLower(strings.TrimSpace(q))) + "%"
	var rows []struct {
		ID             uint
		NameZh, NameEn string
	}
	err := s.r.WithContext(ctx).Table("products").Select("id, name_zh, name_en").
		Where(`(LOWER(name_zh) LIKE ? ESCAPE '\' OR LOWER(name_en) LIKE ? ESCAPE '\')`, like, like).
		Order("name_zh, id").Limit(limit).Scan(&rows).Error
	out := make([]Named, len(rows))
	for i, r := range rows {
		out[i] = Named{ID: r.ID, Name: r.NameZh, Label: r.NameZh}
		if r.NameEn != "" && r.NameEn != r.NameZh {
			out[i].Label = r.NameZh + " / " + r.NameEn
		}
	}
	return out, err
}
