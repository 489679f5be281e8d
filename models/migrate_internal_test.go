package models

import "testing"

// TestMigrationNamesFit: every step's name fits schema_migrations.name (100 characters),
// which PostgreSQL enforces and SQLite does not.
func TestMigrationNamesFit(t *testing.T) {
	for _, m := range migrations {
		if len(m.Name) > 100 {
			t.Errorf("migration %d: name of %d bytes", m.Version, len(m.Name))
		}
	}
}
