package models_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"sellercenter/models"
)

func TestBackupWhileWriting(t *testing.T) {
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
