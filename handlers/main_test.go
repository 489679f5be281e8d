package handlers

import (
	"os"
	"testing"

	"sellercenter/models"
)

// TestMain hashes the suite's many passwords at bcrypt's minimum cost: the cost of real
// hashes is checked by the model tests, and nothing here depends on it.
func TestMain(m *testing.M) {
	models.UseFastPasswordHashing()
	os.Exit(m.Run())
}
