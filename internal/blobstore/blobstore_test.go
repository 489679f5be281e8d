package blobstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

func TestLocalPutOpenDelete(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	key, n, err := s.Put(ctx, strings.NewReader("hello"), 10)
	if err != nil || n != 5 {
		t.Fatalf("put: %v %d", err, n)
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "hello" {
		t.Fatalf("got %q", b)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestLocalRejectsOversizeAndBadKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := NewLocal(dir)
	if _, _, err := s.Put(ctx, bytes.NewReader(make([]byte, 11)), 10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversize: %v", err)
	}
	for _, k := range []string{"../etc/passwd", "", "ZZ", strings.Repeat("a", 31) + "/"} {
		if _, err := s.Open(ctx, k); !errors.Is(err, ErrNotFound) {
			t.Errorf("key %q: %v", k, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		sub, _ := os.ReadDir(dir + "/" + e.Name())
		if len(sub) != 0 {
			t.Fatalf("oversize upload left a file behind: %v", sub)
		}
	}
}
