package models

import "context"

// Batched exposes the group commit to the tests.
func (s *Store) Batched(ctx context.Context, fn func(tx *Store) error) error {
	return s.batched(ctx, fn)
}
