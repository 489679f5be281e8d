// Package testdb gives each test a fresh, migrated database: a copy of a SQLite template
// migrated once per test process, in the test's temporary directory, or, when
// SC_TEST_DATABASE_URL is set, a new PostgreSQL schema.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"sellercenter/internal/clock"
	"sellercenter/internal/secretbox"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

// Env is a test's database with a store over a fake clock.
type Env struct {
	DB    *models.DB
	Store *models.Store
	Clock *clock.Fake
	Box   *secretbox.Box
	// reopen opens another connection pool to the same database: a second instance.
	reopen func() (*models.DB, error)
	key    []byte
	path   string // the SQLite file; empty on PostgreSQL
}

// SecondInstance is another store over the same database through connections of its own,
// with the same clock, key and catalog: a second app instance sharing the database.
func (e *Env) SecondInstance(t testing.TB) *models.Store {
	t.Helper()
	db, err := e.reopen()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return models.NewStore(db, e.Clock, e.Box, texts(t))
}

// Start is the fake clock's starting time: a Tuesday morning in Beijing.
var Start = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

// Open returns a fresh migrated database for t.
func Open(t testing.TB) *Env {
	t.Helper()
	var db *models.DB
	var err error
	var reopen func() (*models.DB, error)
	var path string
	if dsn := os.Getenv("SC_TEST_DATABASE_URL"); dsn != "" {
		var schemaDSN string
		db, schemaDSN, err = openSchema(t, dsn)
		if err == nil {
			err = db.Migrate(context.Background())
		}
		reopen = func() (*models.DB, error) { return models.OpenPostgres(schemaDSN) }
	} else {
		db, path, err = openSQLiteCopy(t, nil)
		reopen = func() (*models.DB, error) { return models.OpenSQLite(path) }
	}
	if err != nil {
		t.Fatalf("open test db: %v", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return newEnv(t, db, reopen, key, path)
}

// newEnv is the test's environment over db, its secrets sealed with key.
func newEnv(t testing.TB, db *models.DB, reopen func() (*models.DB, error), key []byte, path string) *Env {
	t.Cleanup(func() { db.Close() })
	box, _ := secretbox.New(key)
	clk := clock.NewFake(Start)
	return &Env{DB: db, Store: models.NewStore(db, clk, box, texts(t)), Clock: clk, Box: box, reopen: reopen, key: key, path: path}
}

// Snapshot is a SQLite test database's content and the key its secrets are sealed
// with: later tests start from copies of it (OpenSnapshot) instead of building it again.
type Snapshot struct {
	data []byte
	key  []byte
}

// Snapshot copies the database as it is now; nothing may write to it meanwhile. ok is
// false on PostgreSQL, whose tests build their data each time.
func (e *Env) Snapshot() (snap Snapshot, ok bool, err error) {
	if e.path == "" {
		return Snapshot{}, false, nil
	}
	dir, err := os.MkdirTemp("", "sellercenter-snapshot-")
	if err != nil {
		return Snapshot{}, false, err
	}
	defer os.RemoveAll(dir)
	dst := filepath.Join(dir, "snapshot.db")
	if err := e.DB.W.Exec("VACUUM INTO ?", dst).Error; err != nil {
		return Snapshot{}, false, err
	}
	data, err := os.ReadFile(dst)
	if err != nil {
		return Snapshot{}, false, err
	}
	return Snapshot{data: data, key: e.key}, true, nil
}

// OpenSnapshot returns a copy of snap for t, its secrets readable with the same key.
func OpenSnapshot(t testing.TB, snap Snapshot) *Env {
	t.Helper()
	db, path, err := openSQLiteCopy(t, snap.data)
	if err != nil {
		t.Fatalf("open test db: %v", err)
	}
	return newEnv(t, db, func() (*models.DB, error) { return models.OpenSQLite(path) }, snap.key, path)
}

// catalog is the message catalog, loaded once per test process.
var catalog struct {
	once sync.Once
	cat  *i18n.Catalog
	err  error
}

// texts is the catalog the store writes its own messages with.
func texts(t testing.TB) *i18n.Catalog {
	catalog.once.Do(func() { catalog.cat, catalog.err = i18n.Load() })
	if catalog.err != nil {
		t.Fatalf("catalog: %v", catalog.err)
	}
	return catalog.cat
}

// template is the migrated SQLite database every test starts from, made once per test
// process: copying it costs a fraction of migrating a new database for each test.
var template struct {
	once  sync.Once
	bytes []byte
	err   error
}

// openSQLiteCopy opens a copy of data, or of the template when data is nil, in the
// test's temporary directory.
func openSQLiteCopy(t testing.TB, data []byte) (*models.DB, string, error) {
	if data == nil {
		template.once.Do(func() { template.bytes, template.err = migratedSQLite() })
		if template.err != nil {
			return nil, "", template.err
		}
		data = template.bytes
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, "", err
	}
	db, err := models.OpenSQLite(path)
	if err != nil {
		return nil, "", err
	}
	// The copy is at the current schema already; this only checks that it says so.
	return db, path, db.Migrate(context.Background())
}

// migratedSQLite migrates a new database and returns its file, checkpointed whole.
func migratedSQLite() ([]byte, error) {
	dir, err := os.MkdirTemp("", "sellercenter-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	db, err := models.OpenSQLite(path)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.W.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error; err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

func openSchema(t testing.TB, dsn string) (*models.DB, string, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, "", err
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		return nil, "", err
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if s, err := admin.DB(); err == nil {
			s.Close()
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := models.OpenPostgres(u.String())
	return db, u.String(), err
}
