// Package saasdemo is a reference merchant endpoint: the merchant side of the SaaS
// protocol (V1, V2 and the joint-operation kit) as a real merchant implements it. It
// verifies the platform's signatures (timestamp window, nonce replay), answers V1 with
// Body-Sign, encrypts appInfo, is idempotent per order, and answers bad input with the
// documented result codes. Modes make it misbehave on purpose, so the platform's
// checks can be seen failing: a path prefix /misbehave/<mode> selects one per call.
//
// cmd/saasdemo serves it on its own; in development the seller center serves it too,
// so the debugging console works on the first start.
package saasdemo

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"sellercenter/internal/saasproto"
)

// Misbehaviours, selected by Options.Mode or a /misbehave/<mode> path prefix.
const (
	ModeOK            = ""
	ModeWrongBodySign = "wrong-body-sign" // V1 replies signed over another body
	ModeNoBodySign    = "no-body-sign"    // V1 replies without Body-Sign
	ModeSlow          = "slow"            // answers after Options.Slow
	ModeErrorCode     = "error-code"      // answers Options.ErrorCode
	ModeNonJSON       = "non-json"        // an HTML error page with status 200
	ModeHuge          = "huge"            // a 5 MiB body
	ModeReset         = "reset"           // resets the connection without answering
	ModeRedirect      = "redirect"        // redirects to the cloud metadata address
	ModeProcessing    = "processing"      // answers queryInstance with 000004: the instance is still being prepared
)

// Modes lists every misbehaviour.
var Modes = []string{ModeWrongBodySign, ModeNoBodySign, ModeSlow, ModeErrorCode, ModeNonJSON, ModeHuge, ModeReset, ModeRedirect, ModeProcessing}

// Options configure a Server.
type Options struct {
	// Keys returns the access keys the endpoint accepts; a call verifies when one of them
	// signed it, and the reply is signed with that key.
	Keys        func() []string
	Mode        string        // default misbehaviour for every call
	Slow        time.Duration // how long ModeSlow waits; default 30 s
	ErrorCode   string        // what ModeErrorCode answers; default 000005
	EncryptType string        // appInfo encryption, "1" (default) or "2"
	Window      time.Duration // timestamp window; default saasproto.DefaultWindow
	Now         func() time.Time
	// PrivateKey decrypts applicationSync's clientSecret; nil generates a 3072-bit key
	// on first use (PublicKeyPEM shows its public half).
	PrivateKey *rsa.PrivateKey
	OAEPDigest string // default sha256
	// Login, when set, serves the reference app's unified login page at /login.
	Login *LoginOptions
}

// Server is the reference endpoint; it is an http.Handler.
type Server struct {
	o      Options
	nonces saasproto.NonceCache

	mu        sync.Mutex
	instances map[string]*instance // by instanceId
	licenses  map[string]string    // License code → ACTIVE, FREEZE or RELEASED
	byOrder   map[string]string    // orderId/orderLineId → instanceId
	calls     int

	keyOnce sync.Once
	keyErr  error
}

type instance struct {
	ID       string
	Status   string // NORMAL, FREEZE, RELEASED
	SKU      string
	Password string
	Test     bool
}

// maxInstances bounds the memory the endpoint keeps.
const maxInstances = 200000

// New builds a Server.
func New(o Options) *Server {
	if o.Slow <= 0 {
		o.Slow = 30 * time.Second
	}
	if o.ErrorCode == "" {
		o.ErrorCode = "000005"
	}
	if o.EncryptType == "" {
		o.EncryptType = saasproto.EncryptAES256
	}
	if o.Window <= 0 {
		o.Window = saasproto.DefaultWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Keys == nil {
		o.Keys = func() []string { return nil }
	}
	return &Server{o: o, instances: map[string]*instance{}, byOrder: map[string]string{}}
}

// Calls counts the calls answered so far.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// PublicKeyPEM is the public half of the key applicationSync secrets are encrypted to.
func (s *Server) PublicKeyPEM() (string, error) {
	k, err := s.privateKey()
	if err != nil {
		return "", err
	}
	return saasproto.PublicKeyPEM(&k.PublicKey), nil
}

func (s *Server) privateKey() (*rsa.PrivateKey, error) {
	s.keyOnce.Do(func() {
		if s.o.PrivateKey == nil {
			s.o.PrivateKey, s.keyErr = rsa.GenerateKey(rand.Reader, saasproto.MinRSABits)
		}
	})
	return s.o.PrivateKey, s.keyErr
}

type reply struct {
	proto  string // v1, v2, kit1, kit2
	key    string
	fields map[string]any
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	mode := s.o.Mode
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/misbehave/"); ok {
		m, tail, _ := strings.Cut(rest, "/")
		mode, path = m, "/"+tail
	}
	if path == "/login.css" && r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		io.WriteString(w, loginCSS)
		return
	}
	if path == "/login" && r.Method == http.MethodGet {
		// Mounted under a prefix (StripPrefix), the request URI still names it.
		prefix, _, _ := strings.Cut(r.RequestURI, "?")
		s.serveLogin(w, r, strings.TrimSuffix(prefix, "/login"))
		return
	}
	if path == "/public-key.pem" && r.Method == http.MethodGet {
		pemText, err := s.PublicKeyPEM()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		io.WriteString(w, pemText)
		return
	}
	// Read the body first: only then does the server notice a caller that gave up.
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil {
		return
	}
	switch mode {
	case ModeReset:
		reset(w)
		return
	case ModeRedirect:
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		return
	case ModeSlow:
		select {
		case <-time.After(s.o.Slow):
		case <-r.Context().Done():
			return
		}
	case ModeNonJSON:
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		return
	case ModeHuge:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"resultCode":"000000","resultMsg":"`)
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for i := 0; i < 80; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"}`)
		return
	}
	rep := s.handle(r, path, body)
	if mode == ModeErrorCode {
		rep.fields = map[string]any{"resultCode": s.o.ErrorCode, "resultMsg": "demo error: " + saasproto.ResultCodes[s.o.ErrorCode]}
	}
	if _, query := rep.fields["info"]; mode == ModeProcessing && query {
		rep.fields = map[string]any{"resultCode": "000004", "resultMsg": "processing"}
	}
	out, _ := json.Marshal(rep.fields)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if rep.proto == "v1" || rep.proto == "kit1" {
		switch mode {
		case ModeNoBodySign:
		case ModeWrongBodySign:
			w.Header().Set("Body-Sign", saasproto.BodySignHeader(rep.key, append([]byte(" "), out...)))
		default:
			w.Header().Set("Body-Sign", saasproto.BodySignHeader(rep.key, out))
		}
	}
	w.Write(out)
}

func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func result(code, msg string) map[string]any {
	return map[string]any{"resultCode": code, "resultMsg": msg}
}

func (s *Server) handle(r *http.Request, path string, body []byte) reply {
	now := s.o.Now()
	keys := s.o.Keys()
	first := ""
	if len(keys) > 0 {
		first = keys[0]
	}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		for _, k := range keys {
			if err := saasproto.VerifyV1Request(q, k, now, s.o.Window); err == nil {
				return reply{"v1", k, s.activity(saasproto.V1, k, paramsOf(q))}
			}
		}
		return reply{"v1", first, result("000001", "authentication failed: "+v1Reason(q, keys, now, s.o.Window))}
	}
	if r.Method != http.MethodPost {
		return reply{"v2", first, result("000002", "method not allowed")}
	}
	if len(body) > 1<<20 {
		return reply{"v2", first, result("000002", "body too large")}
	}
	if i := strings.Index(path, "/produceAPI/"); i >= 0 {
		name := path[i+len("/produceAPI/"):]
		if v2, ok := strings.CutPrefix(name, "v2/"); ok {
			for _, k := range keys {
				if saasproto.VerifyKitV2(r.Header, body, k, now, s.o.Window, nil) == nil {
					if !s.nonces.Use(r.Header.Get("x-nonce"), now, s.o.Window) {
						return reply{"kit2", k, result("000001", "authentication failed: nonce already used")}
					}
					return reply{"kit2", k, s.kit(v2, body)}
				}
			}
			return reply{"kit2", first, result("000001", "authentication failed: x-sign does not verify")}
		}
		for _, k := range keys {
			if saasproto.VerifyKitV1(r.Header, body, k, now, s.o.Window) == nil {
				return reply{"kit1", k, s.kit(name, body)}
			}
		}
		return reply{"kit1", first, result("000001", "authentication failed: authToken does not verify")}
	}
	q := r.URL.Query()
	for _, k := range keys {
		if err := saasproto.VerifyV2Request(q, body, k, now, s.o.Window, nil); err == nil {
			if !s.nonces.Use(q.Get("nonce"), now, s.o.Window) {
				return reply{"v2", k, result("000001", "authentication failed: nonce already used")}
			}
			var m map[string]any
			if json.Unmarshal(body, &m) != nil {
				return reply{"v2", k, result("000002", "invalid parameter: the body is not a JSON object")}
			}
			p := map[string]string{}
			for name, v := range m {
				if s, ok := v.(string); ok {
					p[name] = s
				}
			}
			return reply{"v2", k, s.activity(saasproto.V2, k, p)}
		}
	}
	reason := "signature does not verify"
	if _, err := saasproto.ParseMillisOrSeconds(q.Get("timestamp")); err != nil {
		reason = "timestamp missing or malformed"
	}
	return reply{"v2", first, result("000001", "authentication failed: "+reason)}
}

func v1Reason(q url.Values, keys []string, now time.Time, window time.Duration) string {
	if len(keys) == 0 {
		return "no access key configured"
	}
	if err := saasproto.VerifyV1Request(q, keys[0], now, window); err == saasproto.ErrTimestamp {
		return "timeStamp missing or outside the allowed window"
	}
	return "authToken does not verify"
}

func paramsOf(q url.Values) map[string]string {
	p := map[string]string{}
	for k, v := range q {
		if len(v) > 0 {
			p[k] = v[0]
		}
	}
	return p
}

// mandatory lists the parameters a merchant refuses to work without.
var mandatory = map[saasproto.Version]map[string][]string{
	saasproto.V1: {
		saasproto.NewInstance:     {"customerId", "businessId", "orderId", "skuCode", "productId"},
		saasproto.QueryInstance:   {"instanceId"},
		saasproto.RefreshInstance: {"orderId", "instanceId", "productId", "expireTime"},
		saasproto.ExpireInstance:  {"instanceId", "orderId"},
		saasproto.InstanceStatus:  {"instanceId", "instanceStatus"},
		saasproto.ReleaseInstance: {"instanceId", "orderId"},
		saasproto.Upgrade:         {"instanceId", "orderId", "skuCode", "productId"},
	},
	saasproto.V2: {
		saasproto.NewInstance:             {"businessId", "orderId", "orderLineId"},
		saasproto.QueryInstance:           {"instanceId"},
		saasproto.RefreshInstance:         {"scene", "orderId", "orderLineId", "instanceId", "productId", "expireTime"},
		saasproto.UpdateInstanceStatus:    {"instanceId", "status"},
		saasproto.ReleaseInstance:         {"instanceId", "orderId", "orderLineId"},
		saasproto.UpgradeInstance:         {"instanceId", "orderId", "orderLineId"},
		saasproto.OrderNotify:             {"orderId", "orderLineId"},
		saasproto.RefreshLicenseCode:      {"scene", "orderId", "orderLineId", "license", "expireTime"},
		saasproto.UpdateLicenseCodeStatus: {"license", "status"},
		saasproto.ReleaseLicenseCode:      {"license"},
	},
}

func (s *Server) activity(v saasproto.Version, key string, p map[string]string) map[string]any {
	act := p["activity"]
	need, ok := mandatory[v][act]
	if !ok {
		return result("000002", "invalid parameter: unknown activity "+act)
	}
	for _, n := range need {
		if strings.TrimSpace(p[n]) == "" {
			return result("000002", "invalid parameter: "+n+" is missing")
		}
	}
	test := p["testFlag"] == "1"
	switch act {
	case saasproto.NewInstance:
		if v == saasproto.V1 {
			for _, n := range []string{"mobilePhone", "email"} {
				if p[n] != "" {
					_, err1 := saasproto.Decrypt(key, saasproto.EncryptAES256, p[n])
					_, err2 := saasproto.Decrypt(key, saasproto.EncryptAES128, p[n])
					if err1 != nil && err2 != nil {
						return result("000002", "invalid parameter: "+n+" cannot be decrypted")
					}
				}
			}
		}
		inst, err := s.provision(p["orderId"]+"/"+p["orderLineId"], p["skuCode"], test)
		if err != "" {
			return result("000100", err)
		}
		out := result("000000", "success")
		out["instanceId"] = inst.ID
		if v == saasproto.V2 {
			return out // the platform reads appInfo through queryInstance
		}
		out["encryptType"] = s.o.EncryptType
		out["appInfo"] = s.appInfo(key, inst)
		return out
	case saasproto.QueryInstance:
		ids := strings.Split(p["instanceId"], ",")
		if len(ids) > saasproto.MaxQueryIDs {
			return result("000002", "invalid parameter: more than 100 instance ids")
		}
		var info []map[string]any
		s.mu.Lock()
		for _, id := range ids {
			if inst := s.lookup(strings.TrimSpace(id)); inst != nil {
				info = append(info, map[string]any{"instanceId": inst.ID, "appInfo": s.appInfo(key, inst), "usageInfo": map[string]any{}})
			}
		}
		s.mu.Unlock()
		if len(info) == 0 {
			return result("000003", "instance not found")
		}
		out := result("000000", "success")
		out["encryptType"] = s.o.EncryptType
		out["info"] = info
		return out
	case saasproto.OrderNotify:
		return result("000000", "success")
	case saasproto.RefreshLicenseCode, saasproto.UpdateLicenseCodeStatus, saasproto.ReleaseLicenseCode:
		return s.license(act, p, test)
	}
	id := p["instanceId"]
	s.mu.Lock()
	defer s.mu.Unlock()
	inst := s.lookup(id)
	if inst == nil {
		if test {
			// A debug call may name an instance this endpoint has not provisioned (or
			// forgot when it restarted): answer as for a real one, without side effects.
			return result("000000", "success")
		}
		return result("000003", "instance not found")
	}
	switch act {
	case saasproto.ExpireInstance:
		inst.Status = "FREEZE"
	case saasproto.InstanceStatus:
		inst.Status = p["instanceStatus"]
	case saasproto.UpdateInstanceStatus:
		switch p["status"] {
		case "FREEZE":
			inst.Status = "FREEZE"
		case "UNFREEZE":
			inst.Status = "NORMAL"
		default:
			return result("000002", "invalid parameter: status must be FREEZE or UNFREEZE")
		}
	case saasproto.RefreshInstance:
		inst.Status = "NORMAL"
	case saasproto.ReleaseInstance:
		inst.Status = "RELEASED"
	case saasproto.Upgrade, saasproto.UpgradeInstance:
		if p["skuCode"] != "" {
			inst.SKU = p["skuCode"]
		}
	}
	return result("000000", "success")
}

// provision returns the instance of an order, creating it once: a resend of the same
// order gets the same instance.
func (s *Server) provision(orderKey, sku string, test bool) (*instance, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.byOrder[orderKey]; ok {
		return s.instances[id], ""
	}
	if len(s.instances) >= maxInstances {
		return nil, "no instance resource available"
	}
	id := "demo-" + randHex(8)
	if !test {
		// A real order's instance is named by the order, so the endpoint knows it again
		// after a restart (a real merchant's system keeps it in its database).
		sum := sha256.Sum256([]byte("instance:" + orderKey))
		id = "demo-" + hex.EncodeToString(sum[:8])
	}
	inst := &instance{ID: id, Status: "NORMAL", SKU: sku, Password: passwordOf(id), Test: test}
	s.instances[inst.ID] = inst
	s.byOrder[orderKey] = inst.ID
	return inst, ""
}

// passwordOf is the login password of an instance, derived from its id.
func passwordOf(id string) string {
	sum := sha256.Sum256([]byte("password:" + id))
	return "Pw-" + hex.EncodeToString(sum[:6])
}

// lookup finds an instance; one named like this endpoint names real orders' instances
// but forgotten (the endpoint restarted) is known again as NORMAL. The caller holds mu.
func (s *Server) lookup(id string) *instance {
	if inst := s.instances[id]; inst != nil {
		return inst
	}
	if len(id) != len("demo-")+16 || !strings.HasPrefix(id, "demo-") {
		return nil
	}
	if _, err := hex.DecodeString(id[5:]); err != nil || len(s.instances) >= maxInstances {
		return nil
	}
	inst := &instance{ID: id, Status: "NORMAL", Password: passwordOf(id)}
	s.instances[id] = inst
	return inst
}

func (s *Server) appInfo(key string, inst *instance) map[string]any {
	user, _ := saasproto.Encrypt(key, s.o.EncryptType, "", "admin")
	pass, _ := saasproto.Encrypt(key, s.o.EncryptType, "", inst.Password)
	return map[string]any{
		"frontEndUrl": "https://demo.saas.example.com/" + inst.ID,
		"adminUrl":    "https://demo.saas.example.com/" + inst.ID + "/admin",
		"userName":    user, "password": pass,
		"memo": "reference endpoint instance",
	}
}

func (s *Server) kit(name string, body []byte) map[string]any {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return result("000002", "invalid parameter: the body is not a JSON object")
	}
	str := func(k string) string {
		var v string
		json.Unmarshal(m[k], &v)
		return v
	}
	var required []string
	switch name {
	case saasproto.TenantSync:
		required = []string{"instanceId", "tenantId", "tenantCode", "name"}
	case saasproto.ApplicationSync:
		required = []string{"instanceId", "tenantId", "appId", "clientId", "clientSecret"}
	case saasproto.AuthSync:
		required = []string{"instanceId", "tenantId", "appId"}
	case saasproto.SingleOrgSync:
		required = []string{"instanceId", "tenantId", "orgCode", "orgName"}
	case saasproto.AllOrgSync:
		required = []string{"instanceId", "tenantId"}
	default:
		return result("000002", "invalid parameter: unknown interface "+name)
	}
	for _, k := range required {
		if str(k) == "" {
			return result("000002", "invalid parameter: "+k+" is missing")
		}
	}
	if _, ok := m["flag"]; !ok && name != saasproto.AllOrgSync {
		return result("000002", "invalid parameter: flag is missing")
	}
	switch name {
	case saasproto.ApplicationSync:
		k, err := s.privateKey()
		if err != nil {
			return result("000005", "internal error")
		}
		if _, err := saasproto.DecryptOAEP(k, s.o.OAEPDigest, str("clientSecret")); err != nil {
			return result("000002", "invalid parameter: clientSecret cannot be decrypted with the app's key")
		}
	case saasproto.AuthSync:
		var users []map[string]any
		if json.Unmarshal(m["userList"], &users) != nil {
			return result("000002", "invalid parameter: userList must be an array")
		}
		if len(users) > 500 {
			return result("000002", "invalid parameter: more than 500 users")
		}
	}
	return result("000000", "Success")
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// license records a License push: the code's state as the merchant's system keeps it.
// Any code is accepted (the platform generates them); a released code stays released.
func (s *Server) license(act string, p map[string]string, test bool) map[string]any {
	if act == saasproto.UpdateLicenseCodeStatus && p["status"] != "FREEZE" && p["status"] != "UNFREEZE" {
		return result("000002", "invalid parameter: status must be FREEZE or UNFREEZE")
	}
	if test {
		return result("000000", "success")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.licenses == nil {
		s.licenses = map[string]string{}
	}
	code := p["license"]
	if s.licenses[code] == "RELEASED" {
		return result("000003", "the license code was released")
	}
	switch {
	case act == saasproto.ReleaseLicenseCode:
		s.licenses[code] = "RELEASED"
	case act == saasproto.UpdateLicenseCodeStatus && p["status"] == "FREEZE":
		s.licenses[code] = "FREEZE"
	default:
		s.licenses[code] = "ACTIVE"
	}
	return result("000000", "success")
}

// License is the state the endpoint keeps for a License code ("" when never pushed).
func (s *Server) License(code string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.licenses[code]
}
