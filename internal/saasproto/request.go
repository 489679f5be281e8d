package saasproto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Call is one platform → merchant call to build: what, where, with which key.
type Call struct {
	Version     Version
	Activity    string
	Address     string // the production address (base URL)
	AccessKey   string
	EncryptType string            // "1" AES-256 (default) or "2" AES-128
	Params      map[string]string // test parameters by Field name
	TestFlag    string            // "1" on debug calls (default), "0" on real orders
	Now         time.Time
	Nonce       string // V2 and kit; empty draws a random one
	IV          string // AES iv; empty draws a random one per field
	// Body, on a kit call, is the JSON object to send as it is (production syncs with
	// whole user and department lists), instead of one built from Params; testFlag and
	// timeStamp are appended when it is signed.
	Body []byte
}

// FieldError says why one parameter is unusable.
type FieldError struct {
	Field   string
	Problem string // required, too_long, control, digits, time, amount, option, email, mobile, ids, too_many_ids, ext_pair, public_key_*
	Max     int
}

func (e FieldError) Error() string {
	switch e.Problem {
	case "too_long":
		return fmt.Sprintf("%s: longer than %d characters", e.Field, e.Max)
	case "too_many_ids":
		return fmt.Sprintf("%s: more than %d instance ids", e.Field, MaxQueryIDs)
	}
	return e.Field + ": " + e.Problem
}

// Request is a built, signed call, exactly as it goes on the wire.
type Request struct {
	Method    string
	URL       string
	Header    http.Header
	Body      []byte
	Signed    string // the string the signature covers
	Signature string
}

// Errors of Build that are not about one parameter.
var (
	ErrUnknownActivity = errors.New("unknown activity for this protocol version")
	ErrAddress         = errors.New("the production address is not an http(s) URL")
	ErrNoKey           = errors.New("no access key")
)

var (
	amountRE = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,3})?$`)
	mobileRE = regexp.MustCompile(`^\+?[0-9]{5,20}$`)
)

// Validate checks c's parameters against its activity's fields.
func (c Call) Validate() (Spec, []FieldError, error) {
	s, ok := Lookup(c.Version, c.Activity)
	if !ok {
		return s, nil, ErrUnknownActivity
	}
	var errs []FieldError
	for _, fl := range s.Fields {
		if e := validateField(fl, strings.TrimSpace(c.Params[fl.Name])); e != "" {
			fe := FieldError{Field: fl.Name, Problem: e}
			if e == "too_long" {
				fe.Max = fl.Max
			}
			errs = append(errs, fe)
		}
	}
	for i := 1; i <= MaxExtendParams; i++ {
		n := strings.TrimSpace(c.Params[fmt.Sprintf("saasExtendParams.%d.name", i)])
		v := strings.TrimSpace(c.Params[fmt.Sprintf("saasExtendParams.%d.value", i)])
		if (n == "") != (v == "") && hasField(s, fmt.Sprintf("saasExtendParams.%d.name", i)) {
			errs = append(errs, FieldError{Field: fmt.Sprintf("saasExtendParams.%d.name", i), Problem: "ext_pair"})
		}
	}
	return s, errs, nil
}

func hasField(s Spec, name string) bool {
	for _, fl := range s.Fields {
		if fl.Name == name {
			return true
		}
	}
	return false
}

func validateField(fl Field, v string) string {
	if v == "" {
		if fl.Required {
			return "required"
		}
		return ""
	}
	if !utf8.ValidString(v) {
		return "control"
	}
	for _, r := range v {
		if unicode.IsControl(r) && !(fl.Kind == KindPEM && (r == '\n' || r == '\r' || r == '\t')) {
			return "control"
		}
	}
	max := fl.Max
	if max == 0 {
		switch fl.Kind {
		case KindPEM:
			max = 16384
		case KindIDList:
			max = MaxQueryIDs * 65
		default:
			max = 256
		}
	}
	if utf8.RuneCountInString(v) > max {
		return "too_long"
	}
	switch fl.Kind {
	case KindDigits:
		if !allDigits(v) {
			return "digits"
		}
	case KindTime14:
		if _, err := time.Parse("20060102150405", v); err != nil || len(v) != 14 {
			return "time"
		}
	case KindAmount:
		if !amountRE.MatchString(v) {
			return "amount"
		}
	case KindOption:
		for _, o := range fl.Options {
			if v == o {
				return ""
			}
		}
		return "option"
	case KindEmail:
		at := strings.IndexByte(v, '@')
		if at <= 0 || at == len(v)-1 || strings.Count(v, "@") != 1 || strings.ContainsAny(v, " ,;<>") || len(v) > 128 {
			return "email"
		}
	case KindMobile:
		if !mobileRE.MatchString(v) {
			return "mobile"
		}
	case KindIDList:
		ids := strings.Split(v, ",")
		if len(ids) > MaxQueryIDs {
			return "too_many_ids"
		}
		for _, id := range ids {
			if id = strings.TrimSpace(id); id == "" || len(id) > 64 {
				return "ids"
			}
		}
	case KindPEM:
		if _, err := ParsePublicKey(v); err != nil {
			switch {
			case errors.Is(err, ErrPrivateKey):
				return "public_key_private"
			case errors.Is(err, ErrNotRSA):
				return "public_key_rsa"
			case errors.Is(err, ErrRSATooSmall):
				return "public_key_small"
			}
			return "public_key_pem"
		}
	}
	return ""
}

// Build validates c and returns the signed request.
func (c Call) Build() (*Request, []FieldError, error) {
	if c.Body != nil {
		return c.buildKitBody()
	}
	s, errs, err := c.Validate()
	if err != nil || len(errs) > 0 {
		return nil, errs, err
	}
	if c.AccessKey == "" {
		return nil, nil, ErrNoKey
	}
	base, err := url.Parse(strings.TrimSpace(c.Address))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, nil, ErrAddress
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	if c.TestFlag == "" {
		c.TestFlag = "1"
	}
	if c.Nonce == "" {
		c.Nonce = Nonce()
	}
	p := func(name string) string { return strings.TrimSpace(c.Params[name]) }
	switch {
	case s.Kit:
		return c.buildKit(s, base, p)
	case c.Version == V1:
		return c.buildV1(s, base, p)
	default:
		return c.buildV2(s, base, p)
	}
}

func (c Call) buildV1(s Spec, base *url.URL, p func(string) string) (*Request, []FieldError, error) {
	q := base.Query()
	q.Set("activity", s.Activity)
	for _, fl := range s.Fields {
		if strings.Contains(fl.Name, ".") {
			continue
		}
		v := p(fl.Name)
		if v == "" {
			continue
		}
		if fl.Sensitive {
			enc, err := Encrypt(c.AccessKey, c.EncryptType, c.IV, v)
			if err != nil {
				return nil, nil, err
			}
			v = enc
		}
		q.Set(fl.Name, v)
	}
	if hasField(s, "saasExtendParams.1.name") {
		var ext []map[string]string
		for i := 1; i <= MaxExtendParams; i++ {
			if n := p(fmt.Sprintf("saasExtendParams.%d.name", i)); n != "" {
				ext = append(ext, map[string]string{"name": n, "value": p(fmt.Sprintf("saasExtendParams.%d.value", i))})
			}
		}
		if len(ext) > 0 {
			q.Set("saasExtendParams", base64.StdEncoding.EncodeToString(marshal(ext)))
		}
	}
	if hasField(s, "platformParams.tenantName") {
		pp := ordered{}
		for _, k := range []string{"tenantName", "tennantId", "userId"} {
			if v := p("platformParams." + k); v != "" {
				pp = append(pp, kv{k, v})
			}
		}
		if len(pp) > 0 {
			q.Set("platformParams", base64.StdEncoding.EncodeToString(pp.json()))
		}
	}
	q.Set("testFlag", c.TestFlag)
	ts := V1Timestamp(c.Now)
	q.Set("timeStamp", ts)
	q.Del("authToken")
	msg := V1Message(q)
	token := V1AuthToken(c.AccessKey, ts, msg)
	q.Set("authToken", token)
	u := *base
	u.RawQuery = q.Encode()
	return &Request{Method: http.MethodGet, URL: u.String(), Header: http.Header{}, Signed: msg, Signature: token}, nil, nil
}

func (c Call) buildV2(s Spec, base *url.URL, p func(string) string) (*Request, []FieldError, error) {
	body := ordered{{"activity", s.Activity}}
	for _, fl := range s.Fields {
		v := p(fl.Name)
		if fl.Kind == KindIDList {
			v = normalizeIDs(v)
		}
		if v != "" || fl.Required {
			body = append(body, kv{fl.Name, v})
		}
	}
	body = append(body, kv{"testFlag", c.TestFlag})
	raw := body.json()
	ts := MillisTimestamp(c.Now)
	sig := V2Signature(c.AccessKey, c.Nonce, ts, raw)
	q := base.Query()
	q.Set("signature", sig)
	q.Set("timestamp", ts)
	q.Set("nonce", c.Nonce)
	u := *base
	u.RawQuery = q.Encode()
	h := http.Header{}
	h.Set("Content-Type", "application/json;charset=utf8")
	return &Request{Method: http.MethodPost, URL: u.String(), Header: h, Body: raw,
		Signed: V2Canonical(c.AccessKey, c.Nonce, ts, raw), Signature: sig}, nil, nil
}

func (c Call) buildKit(s Spec, base *url.URL, p func(string) string) (*Request, []FieldError, error) {
	var body ordered
	var users, orgs []ordered
	for _, fl := range s.Fields {
		v := p(fl.Name)
		switch {
		case fl.Name == "publicKey" || fl.Name == "oaepDigest":
			continue
		case strings.HasPrefix(fl.Name, "user."):
			if len(users) == 0 {
				users = append(users, ordered{})
			}
			name := strings.TrimPrefix(fl.Name, "user.")
			var val any = v
			if name == "enable" {
				val = v == "true"
			}
			if v != "" || fl.Required {
				users[0] = append(users[0], kv{name, val})
			}
			continue
		case fl.Name == "flag":
			body = append(body, kv{"flag", json.Number(v)})
			continue
		case fl.Name == "clientSecret":
			pub, err := ParsePublicKey(p("publicKey"))
			if err != nil {
				return nil, []FieldError{{Field: "publicKey", Problem: "public_key_pem"}}, nil
			}
			enc, err := EncryptOAEP(pub, p("oaepDigest"), v)
			if err != nil {
				return nil, nil, err
			}
			v = enc
		case s.Activity == AllOrgSync && (fl.Name == "orgCode" || fl.Name == "orgName" || fl.Name == "parentCode"):
			if len(orgs) == 0 {
				orgs = append(orgs, ordered{})
			}
			orgs[0] = append(orgs[0], kv{fl.Name, v})
			continue
		}
		body = append(body, kv{fl.Name, v})
	}
	if users != nil {
		list := make([]json.RawMessage, len(users))
		for i, u := range users {
			list[i] = u.json()
		}
		body = append(body, kv{"userList", list}, kv{"currentSyncTime", V1Timestamp(c.Now)})
	}
	if orgs != nil {
		list := make([]json.RawMessage, len(orgs))
		for i, o := range orgs {
			list[i] = o.json()
		}
		body = append(body, kv{"orgList", list})
	}
	return c.signKit(s, base, body.json())
}

// buildKitBody signs a kit call whose body was made by the caller.
func (c Call) buildKitBody() (*Request, []FieldError, error) {
	s, ok := Lookup(c.Version, c.Activity)
	if !ok || !s.Kit {
		return nil, nil, ErrUnknownActivity
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(c.Body, &obj); err != nil {
		return nil, nil, errors.New("the kit body is not a JSON object")
	}
	if c.AccessKey == "" {
		return nil, nil, ErrNoKey
	}
	base, err := url.Parse(strings.TrimSpace(c.Address))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, nil, ErrAddress
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	if c.Nonce == "" {
		c.Nonce = Nonce()
	}
	return c.signKit(s, base, bytes.TrimSpace(c.Body))
}

// signKit appends testFlag and timeStamp to a kit body (a JSON object) and signs it:
// V2 with x-sign, V1 with the authToken header.
func (c Call) signKit(s Spec, base *url.URL, obj []byte) (*Request, []FieldError, error) {
	testFlag := "1"
	if c.TestFlag == "0" {
		testFlag = "0"
	}
	ts := V1Timestamp(c.Now)
	tail := ordered{{"testFlag", json.Number(testFlag)}, {"timeStamp", ts}}.json()
	raw := append([]byte{}, bytes.TrimSuffix(obj, []byte("}"))...)
	if len(raw) > 1 {
		raw = append(raw, ',')
	}
	raw = append(raw, tail[1:]...)
	u := *base
	u.Path = strings.TrimRight(u.Path, "/") + s.Path()
	u.RawPath = ""
	h := http.Header{}
	h.Set("Content-Type", "application/json;charset=utf8")
	r := &Request{Method: http.MethodPost, URL: u.String(), Header: h, Body: raw}
	if c.Version == V2 {
		ms := MillisTimestamp(c.Now)
		r.Signature = KitSign(c.AccessKey, c.Nonce, ms, raw)
		r.Signed = c.AccessKey + c.Nonce + ms + string(raw)
		h.Set("x-sign", r.Signature)
		h.Set("x-timestamp", ms)
		h.Set("x-nonce", c.Nonce)
		return r, nil, nil
	}
	msg, err := KitV1Message(raw)
	if err != nil {
		return nil, nil, err
	}
	r.Signed = msg
	r.Signature = V1AuthToken(c.AccessKey, ts, msg)
	h.Set("authToken", r.Signature)
	return r, nil, nil
}

// KitV1Message is what a V1 kit call's authToken signs: the body's top-level fields
// except authToken, sorted by name, joined as k=v&k=v; strings as they are, numbers and
// booleans as written, arrays and objects as their compact JSON. The key is accessKey
// plus the body's timeStamp.
func KitV1Message(body []byte) (string, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return "", errors.New("the body is not a JSON object")
	}
	q := url.Values{}
	for k, raw := range m {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			q.Set(k, s)
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return "", err
		}
		q.Set(k, buf.String())
	}
	return V1Message(q), nil
}

func normalizeIDs(v string) string {
	ids := strings.Split(v, ",")
	out := ids[:0]
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return strings.Join(out, ",")
}

// kv and ordered build JSON objects whose keys keep the protocol document's order.
type kv struct {
	k string
	v any
}

type ordered []kv

func (o ordered) json() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshal(e.k))
		b.WriteByte(':')
		b.Write(marshal(e.v))
	}
	b.WriteByte('}')
	return b.Bytes()
}

func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only strings, numbers, booleans, raw JSON and maps of strings are marshalled
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// kitTimeStamp reads the body's timeStamp string, "" when absent.
func kitTimeStamp(body []byte) string {
	var m struct {
		TimeStamp string `json:"timeStamp"`
	}
	_ = json.Unmarshal(body, &m)
	return m.TimeStamp
}
