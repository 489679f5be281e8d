package models

// Statement is a built SQL statement with its arguments.
type Statement struct {
	Name string
	SQL  string
	Args []any
}

// OrderListStatements returns every statement an order list runs for f (console: the
// reviewer console's): the first page, pages after and before a cursor, the capped count
// and the export's stream. Tests EXPLAIN them.
func OrderListStatements(f OrderFilter, console bool) []Statement {
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
		build("first page", func(q *sqlq) { orderListSQL(q, f, st, nil, st.desc, console) }),
		build("page after", func(q *sqlq) { orderListSQL(q, f, st, k, st.desc, console) }),
		build("page before", func(q *sqlq) { orderListSQL(q, f, st, k, !st.desc, console) }),
	}
	if !console {
		out = append(out,
			build("count", func(q *sqlq) { orderCountSQL(q, f, 5000) }),
			build("export", func(q *sqlq) { orderExportSQL(q, f) }))
	}
	return out
}
