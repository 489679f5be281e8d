// Package testdb gives each test a fresh, migrated database: a copy of a SQLite template
// migrated once per test process, in the test's temporary directory, or, when
// SC_TEST_DATABASE_URL is set, a new PostgreSQL schema.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
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
	dsn    string // PostgreSQL: the server, and the test's schema
	schema string
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
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if dsn := os.Getenv("SC_TEST_DATABASE_URL"); dsn != "" {
		return openPostgres(t, dsn, "", key)
	}
	db, path, err := openSQLiteCopy(t, nil)
	if err != nil {
		t.Fatalf("open test db: %v", err)
	}
	return newEnv(t, db, func() (*models.DB, error) { return models.OpenSQLite(path) }, key, path)
}

// openPostgres gives t a new migrated schema, with the rows of the schema from when from
// is not empty.
func openPostgres(t testing.TB, dsn, from string, key []byte) *Env {
	t.Helper()
	db, schema, schemaDSN, err := openSchema(t, dsn)
	if err == nil {
		err = db.Migrate(context.Background())
	}
	if err == nil && from != "" {
		err = copyRows(db.W, from, schema)
	}
	if err != nil {
		t.Fatalf("open test db: %v", err)
	}
	e := newEnv(t, db, func() (*models.DB, error) { return models.OpenPostgres(schemaDSN) }, key, "")
	e.dsn, e.schema = dsn, schema
	return e
}

// newEnv is the test's environment over db, its secrets sealed with key.
func newEnv(t testing.TB, db *models.DB, reopen func() (*models.DB, error), key []byte, path string) *Env {
	t.Cleanup(func() { db.Close() })
	box, _ := secretbox.New(key)
	clk := clock.NewFake(Start)
	return &Env{DB: db, Store: models.NewStore(db, clk, box, texts(t)), Clock: clk, Box: box, reopen: reopen, key: key, path: path}
}

// Snapshot is a test database's content and the key its secrets are sealed with: later
// tests start from copies of it (OpenSnapshot) instead of building it again. On
// PostgreSQL it is a schema of its own, which Drop removes.
type Snapshot struct {
	data   []byte // SQLite
	dsn    string // PostgreSQL
	schema string
	key    []byte
}

// Snapshot copies the database as it is now; nothing may write to it meanwhile.
func (e *Env) Snapshot() (Snapshot, error) {
	if e.path == "" {
		return e.snapshotPostgres()
	}
	dir, err := os.MkdirTemp("", "sellercenter-snapshot-")
	if err != nil {
		return Snapshot{}, err
	}
	defer os.RemoveAll(dir)
	dst := filepath.Join(dir, "snapshot.db")
	if err := e.DB.W.Exec("VACUUM INTO ?", dst).Error; err != nil {
		return Snapshot{}, err
	}
	data, err := os.ReadFile(dst)
	if err != nil {
		return Snapshot{}, err
	}
	return Snapshot{data: data, key: e.key}, nil
}

// snapshotPostgres copies the test's schema into a new migrated schema that outlives
// the test.
func (e *Env) snapshotPostgres() (Snapshot, error) {
	admin, err := gorm.Open(postgres.Open(e.dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return Snapshot{}, err
	}
	defer closeGorm(admin)
	schema := "snap_" + randomHex()
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		return Snapshot{}, err
	}
	snap := Snapshot{dsn: e.dsn, schema: schema, key: e.key}
	db, err := models.OpenPostgres(schemaURL(e.dsn, schema))
	if err == nil {
		err = db.Migrate(context.Background())
		if err == nil {
			err = copyRows(db.W, e.schema, schema)
		}
		db.Close()
	}
	if err != nil {
		snap.Drop()
		return Snapshot{}, err
	}
	return snap, nil
}

// Drop removes a PostgreSQL snapshot's schema.
func (s Snapshot) Drop() {
	if s.schema == "" {
		return
	}
	if admin, err := gorm.Open(postgres.Open(s.dsn), &gorm.Config{Logger: logger.Discard}); err == nil {
		admin.Exec("DROP SCHEMA " + s.schema + " CASCADE")
		closeGorm(admin)
	}
}

// copyRows copies every table's rows of schema from into the same tables of schema to,
// migrated alike, emptying them first; the ids' sequences continue after the copied ids.
func copyRows(db *gorm.DB, from, to string) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var tables []string
		if err := tx.Raw(`SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'
			ORDER BY table_name`, to).Scan(&tables).Error; err != nil {
			return err
		}
		if len(tables) == 0 {
			return fmt.Errorf("schema %s has no tables", to)
		}
		// Foreign keys and triggers are not checked while the copy is half made.
		if err := tx.Exec("SET LOCAL session_replication_role = replica").Error; err != nil {
			return err
		}
		quoted := make([]string, len(tables))
		for i, name := range tables {
			quoted[i] = pq(to) + "." + pq(name)
		}
		if err := tx.Exec("TRUNCATE " + strings.Join(quoted, ", ")).Error; err != nil {
			return err
		}
		for i, name := range tables {
			if err := tx.Exec("INSERT INTO " + quoted[i] + " SELECT * FROM " + pq(from) + "." + pq(name)).Error; err != nil {
				return fmt.Errorf("copy %s: %w", name, err)
			}
		}
		var serials []struct{ TableName, ColumnName string }
		if err := tx.Raw(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?
			AND column_default LIKE 'nextval(%'`, to).Scan(&serials).Error; err != nil {
			return err
		}
		for _, c := range serials {
			table := pq(to) + "." + pq(c.TableName)
			if err := tx.Exec("SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX("+pq(c.ColumnName)+") FROM "+table+"), 0) + 1, false)",
				table, c.ColumnName).Error; err != nil {
				return fmt.Errorf("sequence of %s.%s: %w", c.TableName, c.ColumnName, err)
			}
		}
		return nil
	})
}

// pq quotes a PostgreSQL identifier.
func pq(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// OpenSnapshot returns a copy of snap for t, its secrets readable with the same key.
func OpenSnapshot(t testing.TB, snap Snapshot) *Env {
	t.Helper()
	if snap.schema != "" {
		return openPostgres(t, snap.dsn, snap.schema, snap.key)
	}
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

// openSchema makes a new schema for t, dropped when it ends, and opens it.
func openSchema(t testing.TB, dsn string) (db *models.DB, schema, schemaDSN string, err error) {
	schema = "t_" + randomHex()
	admin, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, "", "", err
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		closeGorm(admin)
		return nil, "", "", err
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		closeGorm(admin)
	})
	schemaDSN = schemaURL(dsn, schema)
	db, err = models.OpenPostgres(schemaDSN)
	return db, schema, schemaDSN, err
}

// schemaURL is dsn with schema as its search path.
func schemaURL(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func closeGorm(db *gorm.DB) {
	if s, err := db.DB(); err == nil {
		s.Close()
	}
}
