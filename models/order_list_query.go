package models

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// OrderPageSize is the number of orders on one page of the order lists.
const OrderPageSize = 50

// Order list sorts. Only these keys reach SQL, through orderSorts; request text is never
// interpolated into a query.
const (
	SortCreatedDesc = "created_desc"
	SortCreatedAsc  = "created_asc"
	SortAmountDesc  = "amount_desc"
	SortAmountAsc   = "amount_asc"
)

// OrderSorts lists the sort keys in display order; the first is the default.
var OrderSorts = []string{SortCreatedDesc, SortCreatedAsc, SortAmountDesc, SortAmountAsc}

// orderSort is the SQL of one sort key: the column of the keyset and its direction. The
// id always breaks ties in the same direction, so equal keys page without skips.
type orderSort struct {
	col  string
	desc bool
	tag  byte // marks cursors, so a cursor of another sort is not misread
}

var orderSorts = map[string]orderSort{
	SortCreatedDesc: {col: "o.created_at", desc: true, tag: 'c'},
	SortCreatedAsc:  {col: "o.created_at", desc: false, tag: 'c'},
	SortAmountDesc:  {col: "o.amount_fen", desc: true, tag: 'a'},
	SortAmountAsc:   {col: "o.amount_fen", desc: false, tag: 'a'},
}

// ValidOrderSort tells whether key is one of OrderSorts.
func ValidOrderSort(key string) bool { _, ok := orderSorts[key]; return ok }

// OrderFilter narrows an order list. Empty fields do not filter. From and To are UTC
// bounds (created_at ≥ From, created_at < To); see DayBounds.
type OrderFilter struct {
	MerchantID uint `json:"merchant_id,omitempty"` // the console's merchant filter; merchant lists set their own
	// MerchantIDs and ProductIDs are the console's filters typed as names: the merchants
	// or products the name stands for (a name matching none holds the id 0, matching none).
	MerchantIDs []uint     `json:"merchant_ids,omitempty"`
	ProductIDs  []uint     `json:"product_ids,omitempty"`
	OrderNo     string     `json:"order_no,omitempty"`
	Customer    string     `json:"customer,omitempty"` // contained in the customer name, any case
	ProductID   uint       `json:"product_id,omitempty"`
	From        *time.Time `json:"from,omitempty"`
	To          *time.Time `json:"to,omitempty"`
	Status      string     `json:"status,omitempty"`
	Kind        string     `json:"kind,omitempty"`
	Sort        string     `json:"sort,omitempty"`
}

// sort is the filter's sort, the default for an unknown key.
func (f OrderFilter) sort() orderSort {
	if s, ok := orderSorts[f.Sort]; ok {
		return s
	}
	return orderSorts[SortCreatedDesc]
}

// ErrBadDate is returned by DayBounds for a date that is not YYYY-MM-DD or a range that
// ends before it starts.
var ErrBadDate = errors.New("models: bad date")

// DayBounds turns a range of calendar days [from, to] (YYYY-MM-DD, either may be empty)
// in loc into UTC bounds: the start of from and the start of the day after to.
func DayBounds(loc *time.Location, from, to string) (start, end *time.Time, err error) {
	day := func(s string) (*time.Time, error) {
		if s == "" {
			return nil, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			return nil, ErrBadDate
		}
		u := t.UTC()
		return &u, nil
	}
	if start, err = day(from); err != nil {
		return nil, nil, err
	}
	if end, err = day(to); err != nil {
		return nil, nil, err
	}
	if end != nil {
		e := end.In(loc).AddDate(0, 0, 1).UTC()
		end = &e
	}
	if start != nil && end != nil && !start.Before(*end) {
		return nil, nil, ErrBadDate
	}
	return start, end, nil
}

// migrateOrderListIndexes serves the sorts the order lists offer beyond migration 6's
// (merchant, …, created_at) indexes: by amount within a merchant, and the reviewer
// console's lists across merchants by date or amount. The id closes each key so keyset
// pages need no sort step.
func migrateOrderListIndexes(tx *gorm.DB, _ Dialect) error {
	for _, stmt := range []string{
		`CREATE INDEX idx_orders_merchant_amount ON orders (merchant_id, amount_fen, id)`,
		`CREATE INDEX idx_orders_created ON orders (created_at, id)`,
		`CREATE INDEX idx_orders_amount ON orders (amount_fen, id)`,
	} {
		if err := tx.Exec(stmt).Error; err != nil {
			return err
		}
	}
	return nil
}

// OrderRow is one line of an order list: only the columns the list shows.
type OrderRow struct {
	ID            uint
	OrderNo       string
	CreatedAt     time.Time
	Status        string
	Kind          string
	ProductNameZh string
	ProductNameEn string
	SpecName      string
	CustomerName  string
	AmountFen     int64
	RefundedFen   int64
	MerchantID    uint
	MerchantName  string // the console's list only
}

// ProductName is the row's product name in the user's language.
func (r OrderRow) ProductName(lang string) string {
	return Order{ProductNameZh: r.ProductNameZh, ProductNameEn: r.ProductNameEn}.ProductName(lang)
}

// OrderPage is one keyset page of an order list. Next and Prev are opaque cursors, empty
// when there is no such page.
type OrderPage struct {
	Rows       []OrderRow
	Next, Prev string
}

// OrderCursor says where a page starts: after (older/next) or before (newer/previous) an
// opaque cursor taken from another page. Both empty is the first page.
type OrderCursor struct {
	After, Before string
}

// cursorKey is a decoded cursor: the sort key's value and the id of a row.
type cursorKey struct {
	key int64 // unix nanoseconds for created_at, fen for amounts
	id  uint
}

// encodeCursor makes a row's position an opaque URL-safe token.
func encodeCursor(s orderSort, r OrderRow) string {
	key := r.AmountFen
	if s.tag == 'c' {
		key = r.CreatedAt.UnixNano()
	}
	b := make([]byte, 0, 40)
	b = append(b, s.tag, ':')
	b = strconv.AppendInt(b, key, 36)
	b = append(b, ':')
	b = strconv.AppendUint(b, uint64(r.ID), 36)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor of sort s. Anything malformed, or a cursor of another
// sort, reads as no cursor: the list starts at its first page. A tampered but well-formed
// cursor only moves the page start within the owner's own filtered rows.
func decodeCursor(s orderSort, c string) (cursorKey, bool) {
	if c == "" || len(c) > 64 {
		return cursorKey{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) < 5 || raw[0] != s.tag || raw[1] != ':' {
		return cursorKey{}, false
	}
	k, id, ok := strings.Cut(string(raw[2:]), ":")
	if !ok {
		return cursorKey{}, false
	}
	key, err := strconv.ParseInt(k, 36, 64)
	if err != nil {
		return cursorKey{}, false
	}
	n, err := strconv.ParseUint(id, 36, 32)
	if err != nil || n == 0 {
		return cursorKey{}, false
	}
	if s.tag == 'c' && (key < 0 || key > 1<<62) {
		return cursorKey{}, false
	}
	return cursorKey{key: key, id: uint(n)}, true
}

// sqlq builds one statement: its text and the arguments of its placeholders.
type sqlq struct {
	b    strings.Builder
	args []any
}

func (q *sqlq) add(sql string, args ...any) {
	q.b.WriteString(sql)
	q.args = append(q.args, args...)
}

// in writes sql followed by a parenthesized placeholder per id.
func (q *sqlq) in(sql string, ids []uint) {
	q.b.WriteString(sql)
	q.b.WriteByte('(')
	for i, id := range ids {
		if i > 0 {
			q.b.WriteByte(',')
		}
		q.b.WriteByte('?')
		q.args = append(q.args, id)
	}
	q.b.WriteByte(')')
}

// orderWhere writes the WHERE clause of a filter: every condition is a column of an
// index prefix or a residual test on rows the index already narrowed to one merchant.
func orderWhere(q *sqlq, f OrderFilter) {
	q.add(" WHERE 1=1")
	if f.MerchantID != 0 {
		q.add(" AND o.merchant_id = ?", f.MerchantID)
	}
	if f.OrderNo != "" {
		q.add(" AND o.order_no = ?", f.OrderNo)
	}
	if f.Status != "" {
		q.add(" AND o.status = ?", f.Status)
	}
	if f.Kind != "" {
		q.add(" AND o.kind = ?", f.Kind)
	}
	if f.ProductID != 0 {
		q.add(" AND o.product_id = ?", f.ProductID)
	}
	if len(f.MerchantIDs) > 0 {
		q.in(" AND o.merchant_id IN ", f.MerchantIDs)
	}
	if len(f.ProductIDs) > 0 {
		q.in(" AND o.product_id IN ", f.ProductIDs)
	}
	if f.From != nil {
		q.add(" AND o.created_at >= ?", *f.From)
	}
	if f.To != nil {
		q.add(" AND o.created_at < ?", *f.To)
	}
	if f.Customer != "" {
		q.add(` AND LOWER(o.customer_name) LIKE ? ESCAPE '\'`, "%"+escapeLike(strings.ToLower(f.Customer))+"%")
	}
}

// keyArg is a cursor's key as the column's SQL value.
func keyArg(s orderSort, k cursorKey) any {
	if s.tag == 'c' {
		return time.Unix(0, k.key).UTC()
	}
	return k.key
}

// listColumns are an order list's columns, in OrderRow's order; the console's add the
// merchant's name.
var (
	listColumns = []string{"o.id", "o.order_no", "o.created_at", "o.status", "o.kind", "o.product_name_zh", "o.product_name_en",
		"o.spec_name", "o.customer_name", "o.amount_fen", "o.merchant_id", "o.refunded_fen"}
	consoleListColumns = append(append([]string{}, listColumns...), "COALESCE(m.company_name, '')")
)

// orderListSQL writes the page query of f starting at cursor k in direction desc.
func orderListSQL(q *sqlq, f OrderFilter, s orderSort, k *cursorKey, desc, console, packed bool) {
	q.add("SELECT ")
	if console {
		selectColumns(q, consoleListColumns, packed)
		q.add(" FROM orders o LEFT JOIN merchants m ON m.id = o.merchant_id")
	} else {
		selectColumns(q, listColumns, packed)
		q.add(" FROM orders o")
	}
	orderWhere(q, f)
	if k != nil {
		// The redundant bound on the key alone lets the index seek; the OR breaks ties by id.
		v := keyArg(s, *k)
		if desc {
			q.add(" AND "+s.col+" <= ? AND ("+s.col+" < ? OR o.id < ?)", v, v, k.id)
		} else {
			q.add(" AND "+s.col+" >= ? AND ("+s.col+" > ? OR o.id > ?)", v, v, k.id)
		}
	}
	if desc {
		q.add(" ORDER BY " + s.col + " DESC, o.id DESC")
	} else {
		q.add(" ORDER BY " + s.col + " ASC, o.id ASC")
	}
	q.add(" LIMIT " + strconv.Itoa(OrderPageSize+1))
}

// Orders is one page of the merchant's orders: one query over the index that fits the
// filter, no count.
func (s *Store) Orders(ctx context.Context, merchantID uint, f OrderFilter, c OrderCursor) (OrderPage, error) {
	if merchantID == 0 {
		return OrderPage{}, ErrNotFound
	}
	f.MerchantID = merchantID
	return s.orderPage(ctx, f, c, false)
}

// AdminOrders is one page of orders across merchants for the reviewer console (read
// only), with each order's merchant name; f.MerchantID narrows to one merchant.
func (s *Store) AdminOrders(ctx context.Context, f OrderFilter, c OrderCursor) (OrderPage, error) {
	return s.orderPage(ctx, f, c, true)
}

func (s *Store) orderPage(ctx context.Context, f OrderFilter, c OrderCursor, console bool) (OrderPage, error) {
	st := f.sort()
	var k *cursorKey
	backward := false
	if key, ok := decodeCursor(st, c.After); ok {
		k = &key
	} else if key, ok := decodeCursor(st, c.Before); ok {
		k, backward = &key, true
	}
	var q sqlq
	packed := s.dialect == SQLite
	orderListSQL(&q, f, st, k, st.desc != backward, console, packed)
	rows, err := s.queryRows(ctx, &q) // one page: at most OrderPageSize+1 rows
	if err != nil {
		return OrderPage{}, err
	}
	defer rows.Close()
	out := make([]OrderRow, 0, OrderPageSize+1)
	var raw sql.RawBytes
	for rows.Next() {
		var r OrderRow
		if packed {
			err = rows.Scan(&raw)
			if err == nil {
				err = unpackOrderRow(string(raw), &r, console)
			}
		} else {
			dest := []any{&r.ID, &r.OrderNo, &r.CreatedAt, &r.Status, &r.Kind, &r.ProductNameZh, &r.ProductNameEn, &r.SpecName, &r.CustomerName, &r.AmountFen, &r.MerchantID, &r.RefundedFen}
			if console {
				dest = append(dest, &r.MerchantName)
			}
			err = rows.Scan(dest...)
		}
		if err != nil {
			return OrderPage{}, err
		}
		r.CreatedAt = r.CreatedAt.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return OrderPage{}, err
	}
	more := len(out) > OrderPageSize
	if more {
		out = out[:OrderPageSize]
	}
	page := OrderPage{Rows: out}
	if backward {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		if len(out) > 0 {
			page.Next = encodeCursor(st, out[len(out)-1])
			if more {
				page.Prev = encodeCursor(st, out[0])
			}
		}
		return page, nil
	}
	if len(out) > 0 {
		if more {
			page.Next = encodeCursor(st, out[len(out)-1])
		}
		if k != nil {
			page.Prev = encodeCursor(st, out[0])
		}
	}
	return page, nil
}

// unpackOrderRow splits a packed list row into r.
func unpackOrderRow(s string, r *OrderRow, console bool) error {
	var buf [13]string
	f := buf[:len(listColumns)]
	if console {
		f = buf[:len(consoleListColumns)]
	}
	if err := splitPacked(s, f); err != nil {
		return err
	}
	id, err := packedInt(f[0])
	if err != nil {
		return err
	}
	if r.CreatedAt, err = parseStoredTime(f[2]); err != nil {
		return err
	}
	if r.AmountFen, err = packedInt(f[9]); err != nil {
		return err
	}
	mid, err := packedInt(f[10])
	if err != nil {
		return err
	}
	if r.RefundedFen, err = packedInt(f[11]); err != nil {
		return err
	}
	r.ID, r.MerchantID = uint(id), uint(mid)
	r.OrderNo, r.Status, r.Kind, r.ProductNameZh, r.ProductNameEn, r.SpecName, r.CustomerName = f[1], f[3], f[4], f[5], f[6], f[7], f[8]
	if console {
		r.MerchantName = f[12]
	}
	return nil
}

// CountOrders counts the merchant's orders matching f, reading at most limit+1 index
// entries (limit ≤ 0 counts them all): enough to tell whether an export is small.
func (s *Store) CountOrders(ctx context.Context, merchantID uint, f OrderFilter, limit int64) (int64, error) {
	if merchantID == 0 {
		return 0, ErrNotFound
	}
	f.MerchantID = merchantID
	var q sqlq
	orderCountSQL(&q, f, limit)
	rows, err := s.query(ctx, &q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err == nil {
		err = rows.Err()
	}
	return n, err
}

// query runs a built statement on the read pool through database/sql, without the ORM.
func (s *Store) query(ctx context.Context, q *sqlq) (*sql.Rows, error) {
	return s.r.ConnPool.QueryContext(ctx, s.rebind(q.b.String()), q.args...)
}

// queryRows is query for statements whose rows are read in a tight loop. The SQLite
// driver reads every row of a statement whose context can be cancelled on a goroutine
// of its own (so that it can interrupt the read), which over many rows costs more than
// the reading itself: a million-row export took half as long again. On SQLite the
// statement therefore runs detached from ctx's cancellation; a caller reading an
// unbounded number of rows checks ctx between rows itself.
func (s *Store) queryRows(ctx context.Context, q *sqlq) (*sql.Rows, error) {
	if s.dialect == SQLite {
		ctx = context.WithoutCancel(ctx)
	}
	return s.query(ctx, q)
}

// rebind turns ? placeholders into PostgreSQL's $n (the statements built here carry no
// question marks inside literals).
func (s *Store) rebind(q string) string {
	if s.dialect != Postgres {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// ProductNameRow is a product's id and names, for filter choices.
type ProductNameRow struct {
	ID             uint
	NameZh, NameEn string
}

// ProductNames lists the merchant's products, newest first, for the order filter.
func (s *Store) ProductNames(ctx context.Context, merchantID uint) ([]ProductNameRow, error) {
	var rows []ProductNameRow
	err := s.r.WithContext(ctx).Model(&Product{}).Select("id, name_zh, name_en").
		Where("merchant_id = ?", merchantID).Order("id DESC").Limit(500).Scan(&rows).Error
	return rows, err
}

// orderCountSQL writes the count of f's rows, reading at most limit+1 (limit > 0).
func orderCountSQL(q *sqlq, f OrderFilter, limit int64) {
	q.add("SELECT COUNT(*) FROM (SELECT 1 FROM orders o")
	orderWhere(q, f)
	if limit > 0 {
		q.add(" LIMIT " + strconv.FormatInt(limit+1, 10))
	}
	q.add(") t")
}
