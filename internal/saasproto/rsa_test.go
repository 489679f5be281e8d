package saasproto

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"hash"
	"testing"
)

// TestOAEPDecryptsWithTheMatchingPrivateKey: what applicationSync sends as clientSecret
// is opened by the merchant's private key with the standard library's RSA-OAEP (MGF1
// with the same digest), for both digests, and not with the other digest.
func TestOAEPDecryptsWithTheMatchingPrivateKey(t *testing.T) {
	t.Parallel()
	priv, err := rsa.GenerateKey(rand.Reader, MinRSABits)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "3f1c0b6e9a2d4e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"
	for digest, h := range map[string]func() hash.Hash{OAEPSHA256: sha256.New, OAEPSHA1: sha1.New} {
		enc, err := EncryptOAEP(pub, digest, secret)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(raw) != MinRSABits/8 {
			t.Fatalf("%s: %d bytes (%v), want one %d-bit block", digest, len(raw), err, MinRSABits)
		}
		got, err := rsa.DecryptOAEP(h(), nil, priv, raw, nil)
		if err != nil || string(got) != secret {
			t.Fatalf("%s: decrypted %q (%v)", digest, got, err)
		}
		other := sha1.New
		if digest == OAEPSHA1 {
			other = sha256.New
		}
		if _, err := rsa.DecryptOAEP(other(), nil, priv, raw, nil); err == nil {
			t.Fatalf("%s: opened with the other digest", digest)
		}
		if again, _ := EncryptOAEP(pub, digest, secret); again == enc {
			t.Fatalf("%s: two encryptions are equal: OAEP must be randomised", digest)
		}
	}
	if _, err := EncryptOAEP(pub, "md5", secret); err == nil {
		t.Fatal("an unknown digest was used")
	}
}
