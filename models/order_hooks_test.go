package models

import "gorm.io/gorm"

// Statement is a built SQL statement with its arguments.
type Statement struct {
	Name string
	SQL  string
	Args []any
}

// OrderListStatements returns every statement an order list runs for f (console: the
// reviewer console's): the first page, pages after and before a cursor, the capped count
// and the export's stream as the dialect runs it. Tests EXPLAIN them.
func OrderListStatements(d Dialect, f OrderFilter, console bool) []Statement {
	st := f.sort()
	k := &cursorKey{key: 1, id: 1}
	if st.tag == 'c' {
		k.key = 1_700_000_000_000_000_000
	}
	build := func(name string, fn func(q *sqlq)) Statement {
		var q sqlq
		fn(&q)
		return Statement{Name: name, SQL: q.b.String(), Args: q.args}
	}
	out := []Statement{
		build("first page", func(q *sqlq) { orderListSQL(q, f, st, nil, st.desc, console, d == SQLite) }),
		build("page after", func(q *sqlq) { orderListSQL(q, f, st, k, st.desc, console, d == SQLite) }),
		build("page before", func(q *sqlq) { orderListSQL(q, f, st, k, !st.desc, console, d == SQLite) }),
	}
	if !console {
		out = append(out,
			build("count", func(q *sqlq) { orderCountSQL(q, f, 5000) }),
			build("export", func(q *sqlq) { orderExportSQL(q, f, d == SQLite) }))
	}
	return out
}

// ParseStoredTime is parseStoredTime, for its table test.
var ParseStoredTime = parseStoredTime

// MigrateOrderKindLabels is migration 12's step, for its test.
var MigrateOrderKindLabels = migrateOrderKindLabels

// DebugCallsSQL is the debug history's statement for f, values inlined, for EXPLAIN.
func DebugCallsSQL(db *DB, merchantID uint, f DebugCallFilter) string {
	if f.Limit == 0 {
		f.Limit = 30
	}
	return db.R.ToSQL(func(tx *gorm.DB) *gorm.DB { return debugCallsQuery(tx, merchantID, f).Find(&[]DebugCall{}) })
}
