// Package blobstore keeps uploaded files and generated exports behind a small interface;
// the local implementation stores them under random names in one directory.
package blobstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrTooLarge is returned when the content exceeds the limit given to Put.
var ErrTooLarge = errors.New("blobstore: content too large")

// ErrNotFound is returned for a key that does not exist.
var ErrNotFound = errors.New("blobstore: not found")

// Store saves and opens blobs by opaque key.
type Store interface {
	// Put stores at most limit bytes from r under a new random key.
	Put(ctx context.Context, r io.Reader, limit int64) (key string, size int64, err error)
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
	// Walk calls fn with every stored key and when it was written, in no order.
	Walk(ctx context.Context, fn func(key string, written time.Time) error) error
}

// Local stores blobs as files in a directory.
type Local struct {
	dir string
}

// NewLocal returns a store rooted at dir, creating it.
func NewLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	return &Local{dir: dir}, nil
}

func newKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func (l *Local) path(key string) (string, error) {
	if len(key) != 32 || strings.Trim(key, "0123456789abcdef") != "" {
		return "", ErrNotFound
	}
	return filepath.Join(l.dir, key[:2], key), nil
}

// Put implements Store.
func (l *Local) Put(_ context.Context, r io.Reader, limit int64) (string, int64, error) {
	key, err := newKey()
	if err != nil {
		return "", 0, err
	}
	p, _ := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, io.LimitReader(r, limit+1))
	if err != nil {
		tmp.Close()
		return "", 0, err
	}
	if n > limit {
		tmp.Close()
		return "", 0, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", 0, err
	}
	if err := tmp.Close(); err != nil {
		return "", 0, err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", 0, fmt.Errorf("blobstore: %w", err)
	}
	return key, n, nil
}

// Open implements Store.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete implements Store.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	err = os.Remove(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Walk implements Store. Files being written (".upload-*") are not keys yet.
func (l *Local) Walk(ctx context.Context, fn func(key string, written time.Time) error) error {
	return filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		key := d.Name()
		if _, perr := l.path(key); perr != nil {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, os.ErrNotExist) {
			return nil // removed meanwhile
		}
		if err != nil {
			return err
		}
		return fn(key, info.ModTime())
	})
}
