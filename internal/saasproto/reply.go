package saasproto

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Result codes of merchant replies (§5).
var ResultCodes = map[string]string{
	"000000": "success",
	"000001": "authentication failed",
	"000002": "invalid parameter",
	"000003": "instance not found",
	"000004": "processing",
	"000005": "internal error",
	"000100": "no instance resource available",
	"000101": "mobile empty or duplicate",
	"000102": "email empty or duplicate",
	"000103": "already purchased",
	"000104": "internal service error",
	"000105": "already subscribed to the benefit",
	"000106": "sold out",
	"000107": "SaaS email domain duplicate",
}

// ResultCodeList is ResultCodes' keys in order.
func ResultCodeList() []string {
	out := make([]string, 0, len(ResultCodes))
	for k := range ResultCodes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check names, in the order a reply is checked.
const (
	CheckTransport  = "transport"
	CheckHTTPStatus = "http_status"
	CheckBodySign   = "body_sign"
	CheckJSON       = "json"
	CheckFields     = "fields"
	CheckSignature  = "signature"
	CheckResultCode = "result_code"
	CheckAppInfo    = "app_info"
)

// CheckStatus is a check's verdict.
type CheckStatus string

// Verdicts.
const (
	Pass CheckStatus = "pass"
	Fail CheckStatus = "fail"
	Skip CheckStatus = "skip" // not run: an earlier check failed, or nothing to check
)

// Check is one verdict on a reply. Message is the exact English text (the protocol's
// own words where it has them); Problem and Args let a user interface say it in the
// reader's language.
type Check struct {
	Name    string      `json:"name"`
	Status  CheckStatus `json:"status"`
	Problem string      `json:"problem,omitempty"`
	Args    []string    `json:"args,omitempty"`
	Message string      `json:"message"`
}

func pass(name, problem, msg string, args ...string) Check {
	return Check{Name: name, Status: Pass, Problem: problem, Args: args, Message: msg}
}

func fail(name, problem, msg string, args ...string) Check {
	return Check{Name: name, Status: Fail, Problem: problem, Args: args, Message: msg}
}

func skip(name string) Check {
	return Check{Name: name, Status: Skip, Problem: "skipped", Message: "not checked"}
}

// AppInfo is an instance's access information, decrypted.
type AppInfo struct {
	InstanceID  string `json:"instanceId,omitempty"`
	FrontEndURL string `json:"frontEndUrl,omitempty"`
	AdminURL    string `json:"adminUrl,omitempty"`
	UserName    string `json:"userName,omitempty"`
	Password    string `json:"password,omitempty"`
	Memo        string `json:"memo,omitempty"`
}

// Outcome is the verdict on one reply.
type Outcome struct {
	Checks      []Check   `json:"checks"`
	ResultCode  string    `json:"resultCode,omitempty"`
	ResultMsg   string    `json:"resultMsg,omitempty"`
	InstanceIDs []string  `json:"instanceIds,omitempty"`
	AppInfo     []AppInfo `json:"appInfo,omitempty"`
}

// Passed tells whether no check failed.
func (o Outcome) Passed() bool {
	for _, c := range o.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return len(o.Checks) > 0
}

// Failed returns the first failing check.
func (o Outcome) Failed() (Check, bool) {
	for _, c := range o.Checks {
		if c.Status == Fail {
			return c, true
		}
	}
	return Check{}, false
}

// TransportFailure is the outcome of a call that got no usable answer; problem is one of
// timeout, blocked, redirect, too_large, connect, and detail the error text.
func TransportFailure(c Call, problem, detail string) Outcome {
	msgs := map[string]string{
		"timeout":   "no answer within the timeout: " + detail,
		"blocked":   "the address is not allowed: " + detail,
		"redirect":  "the merchant answered with a redirect, which is not followed: " + detail,
		"too_large": "the answer is larger than allowed: " + detail,
		"connect":   "the call failed: " + detail,
	}
	o := Outcome{Checks: []Check{fail(CheckTransport, problem, msgs[problem], detail)}}
	for _, n := range checkNames(c)[1:] {
		o.Checks = append(o.Checks, skip(n))
	}
	return o
}

func checkNames(c Call) []string {
	names := []string{CheckTransport, CheckHTTPStatus}
	if c.Version == V1 {
		names = append(names, CheckBodySign)
	}
	names = append(names, CheckJSON, CheckFields, CheckSignature, CheckResultCode)
	if s, _ := Lookup(c.Version, c.Activity); !s.Kit && (c.Activity == NewInstance && c.Version == V1 || c.Activity == QueryInstance) {
		names = append(names, CheckAppInfo)
	}
	return names
}

// Evaluate checks a merchant's reply to call c as the platform does.
func Evaluate(c Call, status int, header http.Header, body []byte) Outcome {
	var o Outcome
	add := func(ch Check) { o.Checks = append(o.Checks, ch) }
	rest := func(from int) {
		for _, n := range checkNames(c)[from:] {
			add(skip(n))
		}
	}
	add(pass(CheckTransport, "", "answered"))
	if status < 200 || status > 299 {
		add(fail(CheckHTTPStatus, "status", fmt.Sprintf("HTTP status %d, expected 200", status), fmt.Sprint(status)))
		rest(2)
		return o
	}
	add(pass(CheckHTTPStatus, "", fmt.Sprintf("HTTP status %d", status), fmt.Sprint(status)))
	if c.Version == V1 {
		if msg := VerifyBodySign(c.AccessKey, header.Get("Body-Sign"), body); msg != "" {
			problem := "body_sign_mismatch"
			switch msg {
			case MsgBodySignEmpty:
				problem = "body_sign_empty"
			case MsgBodySignType:
				problem = "body_sign_type"
			}
			add(fail(CheckBodySign, problem, msg))
			rest(3)
			return o
		}
		add(pass(CheckBodySign, "", "Body-Sign verified"))
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		add(fail(CheckJSON, "json", "the body is not a JSON object: "+snippet(body), snippet(body)))
		rest(len(o.Checks))
		return o
	}
	add(pass(CheckJSON, "", "JSON object"))
	fieldsAt := len(o.Checks)
	str := func(name string) (string, string) { // value, problem
		raw, ok := m[name]
		if !ok || string(raw) == "null" {
			return "", "missing"
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", "not_string"
		}
		return s, ""
	}
	var missing []string
	code, p1 := str("resultCode")
	if p1 != "" {
		missing = append(missing, fieldProblem("resultCode", p1))
	}
	msgText, p2 := str("resultMsg")
	if p2 != "" {
		missing = append(missing, fieldProblem("resultMsg", p2))
	}
	o.ResultCode, o.ResultMsg = code, msgText
	success := code == "000000"
	spec, _ := Lookup(c.Version, c.Activity)
	var infos []map[string]json.RawMessage
	encryptType := c.EncryptType
	processing := code == "000004" && c.Version == V2 && (c.Activity == NewInstance || c.Activity == QueryInstance)
	if !spec.Kit && (success || processing && c.Activity == NewInstance) {
		if et, p := str("encryptType"); p == "" && et != "" {
			encryptType = et
		}
		switch {
		case c.Activity == NewInstance && c.Version == V2:
			// The V2 reply may name the instance; the protocol does not require it (the
			// platform learns it through queryInstance), but a wrong type is an error.
			if id, p := str("instanceId"); p == "not_string" {
				missing = append(missing, fieldProblem("instanceId", p))
			} else if id != "" {
				o.InstanceIDs = []string{id}
			}
		case c.Activity == NewInstance && c.Version == V1:
			id, p := str("instanceId")
			if p != "" || id == "" {
				missing = append(missing, fieldProblem("instanceId", orMissing(p)))
			} else {
				o.InstanceIDs = []string{id}
			}
			if raw, ok := m["appInfo"]; ok && string(raw) != "null" {
				var ai map[string]json.RawMessage
				if json.Unmarshal(raw, &ai) != nil {
					missing = append(missing, fieldProblem("appInfo", "not_object"))
				} else {
					ai["instanceId"], _ = json.Marshal(id)
					infos = append(infos, ai)
				}
			}
		case c.Activity == QueryInstance:
			raw, ok := m["info"]
			var list []map[string]json.RawMessage
			if !ok || json.Unmarshal(raw, &list) != nil {
				missing = append(missing, fieldProblem("info", orMissing(map[bool]string{true: "not_array"}[ok])))
				break
			}
			for i, it := range list {
				var id string
				if json.Unmarshal(it["instanceId"], &id) != nil || id == "" {
					missing = append(missing, fieldProblem(fmt.Sprintf("info[%d].instanceId", i), "missing"))
					continue
				}
				o.InstanceIDs = append(o.InstanceIDs, id)
				if rawAI, ok := it["appInfo"]; ok && string(rawAI) != "null" {
					var ai map[string]json.RawMessage
					if json.Unmarshal(rawAI, &ai) != nil {
						missing = append(missing, fieldProblem(fmt.Sprintf("info[%d].appInfo", i), "not_object"))
						continue
					}
					ai["instanceId"] = it["instanceId"]
					infos = append(infos, ai)
				}
			}
		}
	}
	if len(missing) > 0 {
		add(fail(CheckFields, "fields", "mandatory fields: "+strings.Join(missing, "; "), strings.Join(missing, "; ")))
	} else {
		add(pass(CheckFields, "", "mandatory fields present"))
	}
	if p1 != "" {
		rest(fieldsAt + 1)
		return o
	}
	if code == "000001" {
		add(fail(CheckSignature, "signature", "resultCode 000001 authentication failed: the merchant did not accept the request's signature; check that both sides use the same access key"))
	} else {
		add(pass(CheckSignature, "", "the merchant accepted the signature"))
	}
	meaning, known := ResultCodes[code]
	accepted := success || processing
	switch {
	case !known:
		add(fail(CheckResultCode, "code_unknown", fmt.Sprintf("unknown resultCode %q: not one of the protocol's codes", code), code))
	case accepted:
		add(pass(CheckResultCode, "code_"+code, "resultCode "+code+" "+meaning, code))
	default:
		add(fail(CheckResultCode, "code_"+code, "resultCode "+code+" "+meaning+": resultMsg "+msgText, code, msgText))
	}
	if len(checkNames(c)) > len(o.Checks) {
		if len(infos) == 0 {
			add(Check{Name: CheckAppInfo, Status: Skip, Problem: "no_app_info", Message: "no appInfo in the reply"})
			return o
		}
		var bad []string
		for _, ai := range infos {
			var info AppInfo
			get := func(k string) string {
				var s string
				json.Unmarshal(ai[k], &s)
				return s
			}
			info.InstanceID, info.FrontEndURL, info.AdminURL, info.Memo = get("instanceId"), get("frontEndUrl"), get("adminUrl"), get("memo")
			for _, k := range []string{"userName", "password"} {
				v := get(k)
				if v == "" {
					continue
				}
				plain, err := Decrypt(c.AccessKey, encryptType, v)
				if err != nil {
					bad = append(bad, fmt.Sprintf("appInfo.%s cannot be decrypted with the access key (encryptType %s): %v", k, orDefault(encryptType), err))
					continue
				}
				if k == "userName" {
					info.UserName = plain
				} else {
					info.Password = plain
				}
			}
			o.AppInfo = append(o.AppInfo, info)
		}
		if len(bad) > 0 {
			add(fail(CheckAppInfo, "app_info", strings.Join(bad, "; "), orDefault(encryptType)))
		} else {
			add(pass(CheckAppInfo, "", "appInfo decrypted (encryptType "+orDefault(encryptType)+")", orDefault(encryptType)))
		}
	}
	return o
}

func orDefault(et string) string {
	if et == "" {
		return EncryptAES256
	}
	return et
}

func orMissing(p string) string {
	if p == "" {
		return "missing"
	}
	return p
}

func fieldProblem(name, problem string) string {
	switch problem {
	case "missing":
		return name + " is missing"
	case "not_string":
		return name + " must be a string"
	case "not_object":
		return name + " must be an object"
	case "not_array":
		return name + " must be an array"
	}
	return name + ": " + problem
}

func snippet(b []byte) string {
	const max = 120
	s := strings.ToValidUTF8(string(b), "?")
	if s == "" {
		return "(empty body)"
	}
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
