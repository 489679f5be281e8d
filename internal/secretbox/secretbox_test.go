package secretbox

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	key, err := LoadKey("", filepath.Join(t.TempDir(), "k"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := b.Seal("91310000MA1FL0X123")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "MA1FL0X") {
		t.Fatalf("sealed value leaks plaintext: %s", sealed)
	}
	plain, err := b.Open(sealed)
	if err != nil || plain != "91310000MA1FL0X123" {
		t.Fatalf("open = %q, %v", plain, err)
	}
	// Tamper with the last two characters, always changing them (a fixed "AA" left a
	// ciphertext that happened to end in it unchanged, one time in 4096).
	tail := "AA"
	if strings.HasSuffix(sealed, tail) {
		tail = "BB"
	}
	if _, err := b.Open(sealed[:len(sealed)-2] + tail); err == nil {
		t.Fatal("tampered ciphertext opened")
	}
}

func TestLoadKeyPersists(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k")
	k1, _ := LoadKey("", p)
	k2, _ := LoadKey("", p)
	if string(k1) != string(k2) {
		t.Fatal("key file not reused")
	}
	if _, err := LoadKey("zz", p); err == nil {
		t.Fatal("bad hex key accepted")
	}
}

func TestMask(t *testing.T) {
	cases := map[string]string{"110101199003071234": "1101**********1234", "abc": "***"}
	for in, want := range cases {
		if got := Mask(in, 4); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
