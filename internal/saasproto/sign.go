package saasproto

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// V1TimeLayout is the V1 timeStamp format: UTC yyyyMMddHHmmssSSS.
const V1TimeLayout = "20060102150405.000"

// V1Timestamp formats t as a V1 timeStamp.
func V1Timestamp(t time.Time) string {
	return strings.Replace(t.UTC().Format(V1TimeLayout), ".", "", 1)
}

// ParseV1Timestamp reads a V1 timeStamp (17 digits, UTC).
func ParseV1Timestamp(s string) (time.Time, error) {
	if len(s) != 17 || !allDigits(s) {
		return time.Time{}, errors.New("timeStamp must be 17 digits yyyyMMddHHmmssSSS")
	}
	return time.ParseInLocation(V1TimeLayout, s[:14]+"."+s[14:], time.UTC)
}

// V1Message is the string a V1 authToken signs: every parameter except authToken,
// URL-decoded, sorted by name in byte order, joined as k=v&k=v. A name given more than
// once contributes its first value, as the merchant's request.getParameter does.
func V1Message(params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != "authToken" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		if vs := params[k]; len(vs) > 0 {
			b.WriteString(vs[0])
		}
	}
	return b.String()
}

// V1AuthToken is Base64(HMAC-SHA256(key = accessKey + timeStamp, message)).
func V1AuthToken(accessKey, timeStamp, message string) string {
	return base64.StdEncoding.EncodeToString(hmacSHA256([]byte(accessKey+timeStamp), []byte(message)))
}

// BodySignature is Base64(HMAC-SHA256(key = accessKey, body)), the V1 reply signature.
func BodySignature(accessKey string, body []byte) string {
	return base64.StdEncoding.EncodeToString(hmacSHA256([]byte(accessKey), body))
}

// BodySignHeader is the Body-Sign header value a merchant sends with a V1 reply.
func BodySignHeader(accessKey string, body []byte) string {
	return `sign_type="HMAC-SHA256", signature= "` + BodySignature(accessKey, body) + `"`
}

// The platform's Body-Sign verdicts, word for word: merchants' code compares them.
const (
	MsgBodySignEmpty    = "http header->bodySign is empty."
	MsgBodySignType     = "http header->sign_type is not equals HMAC-SHA256 or signature is empty."
	MsgBodySignMismatch = "Failed to verify the HTTP Body signature. Expected signature value: "
)

// ParseBodySign reads sign_type and signature from a Body-Sign header value. It accepts
// the spacing and quoting variants merchants send: `k="v"`, `k= "v"`, `k=v`.
func ParseBodySign(header string) (signType, signature string) {
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch k {
		case "sign_type":
			signType = v
		case "signature":
			signature = v
		}
	}
	return signType, signature
}

// VerifyBodySign checks a V1 reply's Body-Sign header against the exact body bytes.
// It returns "" when the signature is right, else the platform's message.
func VerifyBodySign(accessKey, header string, body []byte) string {
	if strings.TrimSpace(header) == "" {
		return MsgBodySignEmpty
	}
	signType, signature := ParseBodySign(header)
	if signType != "HMAC-SHA256" || signature == "" {
		return MsgBodySignType
	}
	want := BodySignature(accessKey, body)
	if !hmac.Equal([]byte(signature), []byte(want)) {
		return MsgBodySignMismatch + want
	}
	return ""
}

// V2Canonical is accessKey + nonce + timestamp + lowercaseHex(HMAC-SHA256(accessKey, body)).
func V2Canonical(accessKey, nonce, timestamp string, body []byte) string {
	return accessKey + nonce + timestamp + hex.EncodeToString(hmacSHA256([]byte(accessKey), body))
}

// V2Signature is uppercaseHex(HMAC-SHA256(accessKey, V2Canonical(…))), sent as the
// signature query parameter of a V2 call.
func V2Signature(accessKey, nonce, timestamp string, body []byte) string {
	return strings.ToUpper(hex.EncodeToString(hmacSHA256([]byte(accessKey), []byte(V2Canonical(accessKey, nonce, timestamp, body)))))
}

// KitSign is the V2 kit x-sign: uppercaseHex(HMAC-SHA256(accessKey, accessKey + nonce +
// timestamp + body)).
func KitSign(accessKey, nonce, timestamp string, body []byte) string {
	msg := make([]byte, 0, len(accessKey)+len(nonce)+len(timestamp)+len(body))
	msg = append(append(append(append(msg, accessKey...), nonce...), timestamp...), body...)
	return strings.ToUpper(hex.EncodeToString(hmacSHA256([]byte(accessKey), msg)))
}

// Nonce returns a fresh random nonce of 64 uppercase hex characters.
func Nonce() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return strings.ToUpper(hex.EncodeToString(b))
}

// MillisTimestamp formats t as Unix milliseconds, the V2 and kit timestamp.
func MillisTimestamp(t time.Time) string {
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func hmacSHA256(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
