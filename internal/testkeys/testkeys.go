// Package testkeys makes the RSA and other keys the tests of app credentials need, once
// per test binary (an RSA key of 3072 bits takes a while to generate).
package testkeys

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"sync"
	"time"
)

var (
	once             sync.Once
	rsa3072, rsa2048 *rsa.PrivateKey
	ecKey            *ecdsa.PrivateKey
	certPEM, ecPEM   string
)

func load() {
	var err error
	if rsa3072, err = rsa.GenerateKey(rand.Reader, 3072); err != nil {
		panic(err)
	}
	if rsa2048, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kit test app"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(4102444800, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsa3072.PublicKey, rsa3072)
	if err != nil {
		panic(err)
	}
	certPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	ecDER, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	if err != nil {
		panic(err)
	}
	ecPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}))
}

// RSA3072 is a 3072-bit RSA private key.
func RSA3072() *rsa.PrivateKey { once.Do(load); return rsa3072 }

// PublicPEM is the PKIX PEM of a key's public half.
func PublicPEM(k *rsa.PrivateKey) string {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// PKCS1PublicPEM is the PKCS#1 PEM ("RSA PUBLIC KEY") of a key's public half.
func PKCS1PublicPEM(k *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)}))
}

// PrivatePEM is the PKCS#8 PEM of a private key: what a merchant must never paste.
func PrivatePEM(k *rsa.PrivateKey) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// Public3072 is the PEM public key of RSA3072.
func Public3072() string { return PublicPEM(RSA3072()) }

// Public2048 is a PEM RSA public key too short for the kit.
func Public2048() string { once.Do(load); return PublicPEM(rsa2048) }

// CertificatePEM is a self-signed certificate of RSA3072's public key.
func CertificatePEM() string { once.Do(load); return certPEM }

// ECPublicPEM is a PEM public key that is not RSA (P-256).
func ECPublicPEM() string { once.Do(load); return ecPEM }
