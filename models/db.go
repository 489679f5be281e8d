// Package models holds the persistent data of the seller center: GORM models, the
// ordered migrations, state transitions and the Store, the only code that queries.
package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine.
type Dialect string

// Supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the pair of connection pools: one writer and a read pool. On PostgreSQL both are
// the same pool; on SQLite the writer has a single connection taking immediate locks.
type DB struct {
	W       *gorm.DB
	R       *gorm.DB
	Dialect Dialect
	path    string // SQLite file
}

// OpenSQLite opens (creating) the database file at path.
func OpenSQLite(path string) (*DB, error) {
	if err := privateFiles(path); err != nil {
		return nil, err
	}
	common := "_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1&_busy_timeout=10000&_cache_size=-16000"
	cfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }, TranslateError: true}
	w, err := gorm.Open(sqlite.Open("file:"+path+"?"+common+"&_txlock=immediate"), cfg)
	if err != nil {
		return nil, err
	}
	wdb, _ := w.DB()
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	r, err := gorm.Open(sqlite.Open("file:"+path+"?"+common+"&_txlock=deferred&_query_only=1"), cfg)
	if err != nil {
		return nil, err
	}
	rdb, _ := r.DB()
	n := max(4, runtime.NumCPU()*2)
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	return &DB{W: w, R: r, Dialect: SQLite, path: path}, nil
}

// privateFiles makes the database's directory 0700 and its files 0600 before SQLite opens
// them: the file is created here, and SQLite gives its -wal and -shm files the mode of the
// database file. An existing installation is tightened the same way.
func privateFiles(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// OpenPostgres connects to dsn.
func OpenPostgres(dsn string) (*DB, error) {
	cfg := &gorm.Config{Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }, TranslateError: true}
	g, err := gorm.Open(postgres.Open(dsn), cfg)
	if err != nil {
		return nil, err
	}
	sdb, _ := g.DB()
	sdb.SetMaxOpenConns(20)
	sdb.SetMaxIdleConns(10)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	if err := g.Exec("SET TIME ZONE 'UTC'").Error; err != nil {
		return nil, err
	}
	return &DB{W: g, R: g, Dialect: Postgres}, nil
}

// Open chooses the engine from dsn: postgres://… or a SQLite file path.
func Open(dsn, sqlitePath string) (*DB, error) {
	if dsn != "" {
		return OpenPostgres(dsn)
	}
	return OpenSQLite(sqlitePath)
}

// WriterSQL is the writer's database/sql handle (sessions store, backups).
func (d *DB) WriterSQL() *sql.DB {
	s, _ := d.W.DB()
	return s
}

// Close closes both pools.
func (d *DB) Close() error {
	ws, _ := d.W.DB()
	rs, _ := d.R.DB()
	err := ws.Close()
	if rs != ws {
		if e := rs.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Backup writes a consistent copy of a SQLite database to dest while writes go on.
func (d *DB) Backup(ctx context.Context, dest string) error {
	if d.Dialect != SQLite {
		return fmt.Errorf("backup: use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	// A connection of its own: the read pool is query-only and the writer must stay free.
	conn, err := sql.Open("sqlite3", "file:"+d.path+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return err
	}
	return os.Chmod(dest, 0o600)
}

// Ping checks the database answers.
func (d *DB) Ping(ctx context.Context) error {
	rs, _ := d.R.DB()
	return rs.PingContext(ctx)
}
