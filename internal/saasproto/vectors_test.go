package saasproto

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// vectors are the protocol's test vectors, computed independently (openssl and a
// separate SHA1PRNG port). Every expected value below comes from that file.
type vectors struct {
	AccessKey   string `json:"accessKey"`
	V1AuthToken struct {
		TimeStamp string            `json:"timeStamp"`
		Params    map[string]string `json:"params"`
		Message   string            `json:"message"`
		AuthToken string            `json:"authToken"`
	} `json:"v1_authToken"`
	V1BodySign struct {
		Body      string `json:"body"`
		Signature string `json:"signature"`
	} `json:"v1_bodySign"`
	V2Signature struct {
		Nonce     string `json:"nonce"`
		Timestamp string `json:"timestamp"`
		Body      string `json:"body"`
		Signature string `json:"signature"`
	} `json:"v2_signature"`
	KitV2XSign struct {
		Nonce     string `json:"nonce"`
		Timestamp string `json:"timestamp"`
		Body      string `json:"body"`
		XSign     string `json:"xSign"`
	} `json:"kit_v2_xsign"`
	AESKeyDerivation []struct {
		AccessKey string `json:"accessKey"`
		Key256    string `json:"key256_hex"`
		Key128    string `json:"key128_hex"`
	} `json:"aes_key_derivation"`
	AESEncrypt []struct {
		AccessKey   string `json:"accessKey"`
		Plaintext   string `json:"plaintext"`
		IV          string `json:"iv"`
		EncryptType string `json:"encryptType"`
		Value       string `json:"value"`
	} `json:"aes_encrypt"`
	APIG struct {
		Method        string            `json:"method"`
		URL           string            `json:"url"`
		Headers       map[string]string `json:"headers"`
		Body          string            `json:"body"`
		AK            string            `json:"ak"`
		SK            string            `json:"sk"`
		SignedHeaders string            `json:"signedHeaders"`
		Signature     string            `json:"signature"`
	} `json:"apig_sdk_hmac_sha256"`
}

// loadVectors reads the shared vectors: SC_SAAS_VECTORS when set, else the copy kept in
// testdata (TestVectorCopyIsCurrent keeps it equal to the shared file when that is here).
func loadVectors(t *testing.T) vectors {
	t.Helper()
	paths := []string{os.Getenv("SC_SAAS_VECTORS"), filepath.Join("testdata", "saas-vectors.json")}
	for _, p := range paths {
		if p == "" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var v vectors
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return v
	}
	t.Fatal("saas-vectors.json not found")
	return vectors{}
}

func TestV1AuthTokenVector(t *testing.T) {
	v := loadVectors(t)
	q := url.Values{}
	for k, val := range v.V1AuthToken.Params {
		q.Set(k, val)
	}
	q.Set("authToken", "ignored")
	if got := V1Message(q); got != v.V1AuthToken.Message {
		t.Fatalf("message\n got %s\nwant %s", got, v.V1AuthToken.Message)
	}
	if got := V1AuthToken(v.AccessKey, v.V1AuthToken.TimeStamp, v.V1AuthToken.Message); got != v.V1AuthToken.AuthToken {
		t.Fatalf("authToken %s, want %s", got, v.V1AuthToken.AuthToken)
	}
	// Round trip through an encoded query: the message is built from decoded values.
	enc, _ := url.ParseQuery(q.Encode())
	if V1Message(enc) != v.V1AuthToken.Message {
		t.Fatal("decoded query gives a different message")
	}
}

func TestBodySignVector(t *testing.T) {
	v := loadVectors(t)
	body := []byte(v.V1BodySign.Body)
	if got := BodySignature(v.AccessKey, body); got != v.V1BodySign.Signature {
		t.Fatalf("body signature %s, want %s", got, v.V1BodySign.Signature)
	}
	hdr := `sign_type="HMAC-SHA256", signature= "` + v.V1BodySign.Signature + `"`
	if BodySignHeader(v.AccessKey, body) != hdr {
		t.Fatalf("header %q", BodySignHeader(v.AccessKey, body))
	}
	if msg := VerifyBodySign(v.AccessKey, hdr, body); msg != "" {
		t.Fatalf("valid Body-Sign refused: %s", msg)
	}
	for _, variant := range []string{
		`sign_type="HMAC-SHA256",signature="` + v.V1BodySign.Signature + `"`,
		`sign_type=HMAC-SHA256, signature=` + v.V1BodySign.Signature,
	} {
		if msg := VerifyBodySign(v.AccessKey, variant, body); msg != "" {
			t.Errorf("%q refused: %s", variant, msg)
		}
	}
	cases := []struct{ header, want string }{
		{"", "http header->bodySign is empty."},
		{"   ", "http header->bodySign is empty."},
		{`sign_type="HMAC-SHA1", signature= "` + v.V1BodySign.Signature + `"`, "http header->sign_type is not equals HMAC-SHA256 or signature is empty."},
		{`sign_type="HMAC-SHA256", signature= ""`, "http header->sign_type is not equals HMAC-SHA256 or signature is empty."},
		{`signature= "` + v.V1BodySign.Signature + `"`, "http header->sign_type is not equals HMAC-SHA256 or signature is empty."},
		{`sign_type="HMAC-SHA256", signature= "AAAA"`, "Failed to verify the HTTP Body signature. Expected signature value: " + v.V1BodySign.Signature},
	}
	for _, c := range cases {
		if got := VerifyBodySign(v.AccessKey, c.header, body); got != c.want {
			t.Errorf("header %q: got %q, want %q", c.header, got, c.want)
		}
	}
	// One byte more in the body breaks the signature.
	if VerifyBodySign(v.AccessKey, hdr, append(body, ' ')) == "" {
		t.Fatal("a changed body kept its signature")
	}
}

func TestV2SignatureVector(t *testing.T) {
	v := loadVectors(t)
	s := v.V2Signature
	if got := V2Signature(v.AccessKey, s.Nonce, s.Timestamp, []byte(s.Body)); got != s.Signature {
		t.Fatalf("V2 signature %s, want %s", got, s.Signature)
	}
	k := v.KitV2XSign
	if got := KitSign(v.AccessKey, k.Nonce, k.Timestamp, []byte(k.Body)); got != k.XSign {
		t.Fatalf("kit x-sign %s, want %s", got, k.XSign)
	}
}

func TestAESVectors(t *testing.T) {
	v := loadVectors(t)
	for _, d := range v.AESKeyDerivation {
		k, err := DeriveKey(d.AccessKey, EncryptAES256)
		if err != nil || hex.EncodeToString(k) != d.Key256 {
			t.Errorf("%s: AES-256 key %x, want %s", d.AccessKey, k, d.Key256)
		}
		if d.Key128 != "" {
			k, err := DeriveKey(d.AccessKey, EncryptAES128)
			if err != nil || hex.EncodeToString(k) != d.Key128 {
				t.Errorf("%s: AES-128 key %x, want %s", d.AccessKey, k, d.Key128)
			}
		}
	}
	for _, e := range v.AESEncrypt {
		got, err := Encrypt(e.AccessKey, e.EncryptType, e.IV, e.Plaintext)
		if err != nil || got != e.Value {
			t.Errorf("encrypt type %s: %s (%v), want %s", e.EncryptType, got, err, e.Value)
		}
		plain, err := Decrypt(e.AccessKey, e.EncryptType, e.Value)
		if err != nil || plain != e.Plaintext {
			t.Errorf("decrypt type %s: %q (%v)", e.EncryptType, plain, err)
		}
		other := EncryptAES128
		if e.EncryptType == EncryptAES128 {
			other = EncryptAES256
		}
		if p, err := Decrypt(e.AccessKey, other, e.Value); err == nil && p == e.Plaintext {
			t.Errorf("decrypting with the other encryptType gave the plaintext")
		}
	}
}

func TestAPIGVector(t *testing.T) {
	v := loadVectors(t)
	a := v.APIG
	u, _ := url.Parse(a.URL)
	h := http.Header{}
	for k, val := range a.Headers {
		h.Set(k, val)
	}
	r := APIGRequest{Method: a.Method, URL: u, Header: h, Body: []byte(a.Body)}
	signed := APIGSignedHeaders(r)
	if got := joinSemi(signed); got != a.SignedHeaders {
		t.Fatalf("signed headers %s, want %s", got, a.SignedHeaders)
	}
	if got := APIGSignature(r, signed, a.Headers["X-Sdk-Date"], a.SK); got != a.Signature {
		t.Fatalf("APIG signature %s, want %s", got, a.Signature)
	}
}

func joinSemi(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ";"
		}
		out += x
	}
	return out
}

// TestVectorCopyIsCurrent compares the kept copy with the design folder's file when the
// project sits beside it, so the copy cannot drift from the independent oracle.
func TestVectorCopyIsCurrent(t *testing.T) {
	shared, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "testdata", "saas-vectors.json"))
	if err != nil {
		t.Skip("the shared design folder is not beside this checkout")
	}
	kept, err := os.ReadFile(filepath.Join("testdata", "saas-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(shared) != string(kept) {
		t.Fatal("internal/saasproto/testdata/saas-vectors.json differs from the shared vectors: copy the shared file")
	}
}
