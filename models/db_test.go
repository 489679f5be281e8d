package models_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"sellercenter/models"
)

func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := models.OpenSQLite(filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			db.W.Create(&models.Holiday{Date: "d" + itoa(i), Name: "x"})
		}
	}()
	dest := filepath.Join(dir, "copy.db")
	err = db.Backup(ctx, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := models.OpenSQLite(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var res string
	if err := cp.R.Raw("PRAGMA integrity_check").Scan(&res).Error; err != nil || res != "ok" {
		t.Fatalf("integrity %q %v", res, err)
	}
	var n int64
	if err := cp.R.Model(&models.Setting{}).Count(&n).Error; err != nil || n == 0 {
		t.Fatalf("copy has %d settings, %v", n, err)
	}
	if err := db.Backup(ctx, dest); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
}

func TestSQLitePragmas(t *testing.T) {
	t.Parallel()
	db, err := models.OpenSQLite(filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(pragma, want string) {
		var v string
		if err := db.W.Raw("PRAGMA " + pragma).Scan(&v).Error; err != nil || v != want {
			t.Errorf("%s = %q (%v), want %q", pragma, v, err, want)
		}
	}
	check("journal_mode", "wal")
	check("synchronous", "2") // FULL
	check("foreign_keys", "1")
	check("busy_timeout", "10000")
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	s := ""
	for i > 0 {
		s = string(digits[i%10]) + s
		i /= 10
	}
	return s
}

// TestDatabaseFilesArePrivate: the data directory is 0700 and the database, its WAL and
// shared-memory files and backups are 0600, whatever the umask; an installation made
// with looser modes is tightened at the next start.
func TestDatabaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sellercenter.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := models.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{dir: 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600, backup: 0o600}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %o, want %o", filepath.Base(p), fi.Mode().Perm(), mode)
		}
	}
}
