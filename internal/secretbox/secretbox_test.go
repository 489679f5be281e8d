package secretbox

import (
	"encoding/base64"
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
	// Flip one bit of the ciphertext itself (replacing characters of its text form could
	// leave the bytes as they were, once in a few thousand runs).
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x01
	if _, err := b.Open("v1:" + base64.RawStdEncoding.EncodeToString(raw)); err == nil {
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
