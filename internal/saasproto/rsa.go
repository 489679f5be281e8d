package saasproto

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// MinRSABits is the smallest RSA modulus accepted for app credentials.
const MinRSABits = 3072

// OAEP digests of an app credential.
const (
	OAEPSHA256 = "sha256" // default
	OAEPSHA1   = "sha1"
)

// Errors of ParsePublicKey; callers map them to messages.
var (
	ErrPrivateKey  = errors.New("this is a private key: paste the public key only")
	ErrNotPEM      = errors.New("not a PEM public key")
	ErrNotRSA      = errors.New("not an RSA public key")
	ErrRSATooSmall = errors.New("RSA key shorter than 3072 bits")
)

// ParsePublicKey reads a PEM RSA public key (PKIX "PUBLIC KEY" or PKCS#1 "RSA PUBLIC
// KEY") of at least MinRSABits. A private key is refused with ErrPrivateKey.
func ParsePublicKey(pemText string) (*rsa.PublicKey, error) {
	if strings.Contains(pemText, "PRIVATE KEY") {
		return nil, ErrPrivateKey
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, ErrNotPEM
	}
	var pub *rsa.PublicKey
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, ErrNotPEM
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, ErrNotRSA
		}
		pub = rk
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, ErrNotPEM
		}
		pub = k
	default:
		return nil, ErrNotPEM
	}
	if pub.N.BitLen() < MinRSABits {
		return nil, fmt.Errorf("%w: %d bits", ErrRSATooSmall, pub.N.BitLen())
	}
	return pub, nil
}

func oaepHash(digest string) (crypto.Hash, error) {
	switch digest {
	case OAEPSHA256, "":
		return crypto.SHA256, nil
	case OAEPSHA1:
		return crypto.SHA1, nil
	}
	return 0, fmt.Errorf("OAEP digest %q is neither sha256 nor sha1", digest)
}

// EncryptOAEP encrypts secret with the merchant's public key (RSA-OAEP, MGF1 with the
// same digest) and returns it Base64-encoded, as applicationSync sends clientSecret.
func EncryptOAEP(pub *rsa.PublicKey, digest, secret string) (string, error) {
	h, err := oaepHash(digest)
	if err != nil {
		return "", err
	}
	var out []byte
	if h == crypto.SHA1 {
		out, err = rsa.EncryptOAEP(sha1.New(), rand.Reader, pub, []byte(secret), nil)
	} else {
		out, err = rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, []byte(secret), nil)
	}
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// DecryptOAEP is the merchant side of EncryptOAEP.
func DecryptOAEP(priv *rsa.PrivateKey, digest, value string) (string, error) {
	h, err := oaepHash(digest)
	if err != nil {
		return "", err
	}
	data, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return "", errors.New("clientSecret is not Base64")
	}
	var out []byte
	if h == crypto.SHA1 {
		out, err = rsa.DecryptOAEP(sha1.New(), nil, priv, data, nil)
	} else {
		out, err = rsa.DecryptOAEP(sha256.New(), nil, priv, data, nil)
	}
	if err != nil {
		return "", errors.New("clientSecret cannot be decrypted with this key and OAEP digest")
	}
	return string(out), nil
}

// PublicKeyPEM encodes pub as a PKIX "PUBLIC KEY" PEM block.
func PublicKeyPEM(pub *rsa.PublicKey) string {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
