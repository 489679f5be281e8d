package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"sellercenter/internal/clock"
	"sellercenter/internal/secretbox"
)

// writeTimeout bounds a write transaction; it runs detached from the request so a
// client that disconnects cannot cut it in half.
const writeTimeout = 15 * time.Second

// Store is the only place that queries the database. Every method reading tenant data
// takes the owner and filters by it in SQL.
type Store struct {
	w, r    *gorm.DB
	dialect Dialect
	clock   clock.Clock
	box     *secretbox.Box
	texts   Texts
	inTx    bool
	batch   *batcher // group commit of the writes that ask for it (batched)
	queued  *jobSignal
	pooled  bool // this transaction queued a pool's job
}

// jobSignal tells this process's job pool that a committed change queued work for it,
// so the pool claims it at once instead of at its next look; other instances sharing
// the database find it at theirs.
type jobSignal struct{ c chan struct{} }

func (j *jobSignal) notify() {
	select {
	case j.c <- struct{}{}:
	default:
	}
}

// PoolJobsQueued receives after a commit that queued jobs for a pool.
func (s *Store) PoolJobsQueued() <-chan struct{} { return s.queued.c }

// Texts renders a message of the catalogs in a language. The store writes a few texts
// itself (SMS codes, deposit memos on bank statements), in the recipient's language;
// models does not import the web layer, so whoever builds the store hands it the catalog.
type Texts interface {
	Text(lang, key string, args map[string]any) string
}

// NewStore builds a store over db.
func NewStore(db *DB, clk clock.Clock, box *secretbox.Box, texts Texts) *Store {
	return &Store{w: db.W, r: db.R, dialect: db.Dialect, clock: clk, box: box, texts: texts, batch: &batcher{}, queued: &jobSignal{c: make(chan struct{}, 1)}}
}

// Now is the store's clock reading.
func (s *Store) Now() time.Time { return s.clock.Now() }

// Actor is who does something, carried into the audit log.
type Actor struct {
	UserID    uint
	Email     string
	RequestID string
	IP        string
}

// Tx runs fn in one write transaction on a context the client cannot cancel.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.txWithin(ctx, writeTimeout, fn)
}

// txWithin is Tx bounded by timeout instead of a request's write timeout: for the
// background work that writes a lot at once.
func (s *Store) txWithin(ctx context.Context, timeout time.Duration, fn func(tx *Store) error) error {
	if s.inTx {
		return fn(s)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	var inner *Store
	err := s.w.WithContext(ctx).Transaction(func(g *gorm.DB) error {
		inner = &Store{w: g, r: g, dialect: s.dialect, clock: s.clock, box: s.box, texts: s.texts, inTx: true}
		return fn(inner)
	})
	if err == nil && inner != nil && inner.pooled && s.queued != nil {
		s.queued.notify()
	}
	return err
}

// forUpdate locks the selected rows on engines that support it (SQLite's writer holds
// the database lock for the whole immediate transaction already).
func (s *Store) forUpdate(q *gorm.DB) *gorm.DB {
	if s.dialect == Postgres {
		return q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

// first maps gorm's not-found to ErrNotFound.
func first(q *gorm.DB, dest any) error {
	err := q.Take(dest).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// saveVersioned writes obj's changed fields only if its version is still ver, bumping it.
func (s *Store) saveVersioned(model any, id uint, ver int, fields map[string]any) error {
	fields["version"] = ver + 1
	fields["updated_at"] = s.clock.Now()
	res := s.w.Model(model).Where("id = ? AND version = ?", id, ver).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrConflict
	}
	return nil
}

// audit appends one audit row inside the current transaction.
func (s *Store) audit(a Actor, action, objType string, objID uint, merchantID *uint, before, after any, reason, comment string) error {
	b, err := jsonOrEmpty(before)
	if err != nil {
		return err
	}
	af, err := jsonOrEmpty(after)
	if err != nil {
		return err
	}
	if err := auditCheck(action, objType, b, af); err != nil {
		return err
	}
	row := AuditLog{
		At: s.clock.Now(), Action: action, ObjectType: objType, ObjectID: objID, MerchantID: merchantID,
		Before: b, After: af, Reason: reason, Comment: comment,
		RequestID: a.RequestID, IP: a.IP, ActorEmail: a.Email,
	}
	if a.UserID != 0 {
		id := a.UserID
		row.ActorID = &id
	}
	return s.w.Create(&row).Error
}

// jsonOrEmpty is an audit payload: empty for nothing, a string as it is, else JSON. A
// value that cannot be written is an error: the audit row and its change fail together.
func jsonOrEmpty(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit payload: %w", err)
	}
	return string(b), nil
}

// Notice is an inbox message to create, with a mail where the user has an address.
type Notice struct {
	UserID   uint
	Kind     string
	TitleKey string
	BodyKey  string
	Args     map[string]any
	To       Target
}

// Target is what a notice points at: a kind of page and the object it shows.
type Target struct {
	Kind string
	Ref  string // the object's id or number; empty for a page of its own
}

// Notice targets.
const (
	TargetRealName      = "realname"
	TargetApplication   = "application"
	TargetCertification = "certification"
	TargetChange        = "change"
	TargetAsset         = "asset"
	TargetProductApp    = "product_application"
	TargetExports       = "exports"
	TargetSellerOrder   = "seller_order"
	TargetBuyerOrder    = "buyer_order"
	TargetSellerCase    = "seller_case"
	TargetBuyerCase     = "buyer_case"
	TargetConsole       = "console"
	TargetSaaSCall      = "saas_call"
	TargetProductProbes = "product_probes"
	// Service supervision: the order's supervision page on each side.
	TargetBuyerSupervision  = "buyer_supervision"
	TargetSellerSupervision = "seller_supervision"
	TargetAdminSupervision  = "admin_supervision"
)

// to is a target for an object with a numeric id.
func to(kind string, id uint) Target { return Target{Kind: kind, Ref: itoaU(id)} }

// notify writes the inbox row and queues its mail in the current transaction.
func (s *Store) notify(n Notice) error {
	args := []byte("{}")
	if n.Args != nil {
		var err error
		if args, err = json.Marshal(n.Args); err != nil {
			return fmt.Errorf("notice %s: %w", n.Kind, err)
		}
	}
	row := Notification{UserID: n.UserID, Kind: n.Kind, TitleKey: n.TitleKey, BodyKey: n.BodyKey,
		Args: string(args), Target: n.To.Kind, TargetRef: n.To.Ref, CreatedAt: s.clock.Now()}
	if err := s.w.Create(&row).Error; err != nil {
		return err
	}
	return s.enqueue(JobNotificationMail, NotificationMailPayload{NotificationID: row.ID}, s.clock.Now(), "")
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// WithClock is the store reading time from c (the demo data writes its history in the
// past through the same rules).
func (s *Store) WithClock(c clock.Clock) *Store {
	cp := *s
	cp.clock = c
	cp.batch = &batcher{} // a batch commits on its leader's store: one clock to a batcher
	return &cp
}
