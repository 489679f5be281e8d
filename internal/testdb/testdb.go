// Package testdb gives each test a fresh, migrated database: a SQLite file in the test's
// temporary directory, or, when SC_TEST_DATABASE_URL is set, a new PostgreSQL schema.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"sellercenter/internal/clock"
	"sellercenter/internal/secretbox"
	"sellercenter/models"
)

// Env is a test's database with a store over a fake clock.
type Env struct {
	DB    *models.DB
	Store *models.Store
	Clock *clock.Fake
	Box   *secretbox.Box
}

// Start is the fake clock's starting time: a Tuesday morning in Beijing.
var Start = time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)

// Open returns a fresh migrated database for t.
func Open(t testing.TB) *Env {
	t.Helper()
	var db *models.DB
	var err error
	if dsn := os.Getenv("SC_TEST_DATABASE_URL"); dsn != "" {
		db, err = openSchema(t, dsn)
	} else {
		db, err = models.OpenSQLite(filepath.Join(t.TempDir(), "test.db"))
	}
	if err != nil {
		t.Fatalf("open test db: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	box, _ := secretbox.New(key)
	clk := clock.NewFake(Start)
	return &Env{DB: db, Store: models.NewStore(db, clk, box), Clock: clk, Box: box}
}

func openSchema(t testing.TB, dsn string) (*models.DB, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, err
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if s, err := admin.DB(); err == nil {
			s.Close()
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return models.OpenPostgres(u.String())
}
