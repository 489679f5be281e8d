package saasproto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
)

// Encrypt types of the protocol's encryptType field.
const (
	EncryptAES256 = "1" // default
	EncryptAES128 = "2"
)

// SHA1PRNG reproduces Java's sun.security.provider.SecureRandom ("SHA1PRNG") seeded
// once with seed before any output, as merchants' Java code derives AES keys.
type SHA1PRNG struct {
	state     []byte
	remainder []byte
}

// NewSHA1PRNG seeds the generator: state = SHA1(seed).
func NewSHA1PRNG(seed []byte) *SHA1PRNG {
	s := sha1.Sum(seed)
	return &SHA1PRNG{state: s[:]}
}

// Read fills p with the generator's next bytes; it never fails.
func (g *SHA1PRNG) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(g.remainder) == 0 {
			out := sha1.Sum(g.state)
			updateState(g.state, out[:])
			g.remainder = out[:]
		}
		c := copy(p[n:], g.remainder)
		g.remainder = g.remainder[c:]
		n += c
	}
	return n, nil
}

// updateState adds output + 1 to state as Java does: little-endian in array order,
// bytes as signed values, carry by arithmetic shift; an unchanged state gets state[0]++.
func updateState(state, output []byte) {
	last := 1
	changed := false
	for i := range state {
		v := int(int8(state[i])) + int(int8(output[i])) + last
		t := byte(v)
		changed = changed || state[i] != t
		state[i] = t
		last = v >> 8
	}
	if !changed {
		state[0]++
	}
}

// DeriveKey returns the AES key a merchant derives from its access key: the first 32
// (encryptType "1") or 16 (encryptType "2") bytes of SHA1PRNG seeded with the key.
func DeriveKey(accessKey, encryptType string) ([]byte, error) {
	size := 0
	switch encryptType {
	case EncryptAES256, "":
		size = 32
	case EncryptAES128:
		size = 16
	default:
		return nil, fmt.Errorf("encryptType %q is neither 1 (AES-256) nor 2 (AES-128)", encryptType)
	}
	key := make([]byte, size)
	NewSHA1PRNG([]byte(accessKey)).Read(key)
	return key, nil
}

const ivLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// RandomIV returns 16 random alphanumeric characters.
func RandomIV() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = ivLetters[int(b[i])%len(ivLetters)]
	}
	return string(b)
}

// Encrypt seals a sensitive field: iv + Base64(AES-CBC-PKCS5(plain, key, iv)). An empty
// iv draws a random one.
func Encrypt(accessKey, encryptType, iv, plain string) (string, error) {
	if iv == "" {
		iv = RandomIV()
	}
	if len(iv) != aes.BlockSize {
		return "", errors.New("the iv must be 16 characters")
	}
	key, err := DeriveKey(accessKey, encryptType)
	if err != nil {
		return "", err
	}
	block, _ := aes.NewCipher(key)
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	data := append([]byte(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, []byte(iv)).CryptBlocks(data, data)
	return iv + base64.StdEncoding.EncodeToString(data), nil
}

// Decrypt opens a value made by Encrypt with the same access key and encryptType.
func Decrypt(accessKey, encryptType, value string) (string, error) {
	if len(value) < aes.BlockSize+4 {
		return "", errors.New("too short for a 16-character iv and a Base64 ciphertext")
	}
	iv, b64 := value[:aes.BlockSize], value[aes.BlockSize:]
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", errors.New("the text after the 16-character iv is not Base64")
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return "", errors.New("the ciphertext is not a whole number of AES blocks")
	}
	key, err := DeriveKey(accessKey, encryptType)
	if err != nil {
		return "", err
	}
	block, _ := aes.NewCipher(key)
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, []byte(iv)).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize || pad > len(plain) || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return "", errors.New("wrong padding: the key or the encryptType does not match the one used to encrypt")
	}
	return string(plain[:len(plain)-pad]), nil
}
