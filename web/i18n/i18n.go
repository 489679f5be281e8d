// Package i18n resolves message keys to English or Simplified Chinese and formats dates
// and money for the reader's locale. Catalogs live in locales/<area>.<lang>.json.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"sellercenter/internal/money"
)

//go:embed locales/*.json
var localeFS embed.FS

// Supported locales, default first.
const (
	EN   = "en"
	ZhCN = "zh-CN"
)

// Locales lists the supported locales, default first.
var Locales = []string{EN, ZhCN}

var matcher = language.NewMatcher([]language.Tag{language.English, language.SimplifiedChinese})

// Catalog holds every message of every locale.
type Catalog struct {
	bundle *goi18n.Bundle
	keys   map[string]map[string]bool // locale → keys
	zone   *time.Location
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, keys: map[string]map[string]bool{}}
	files, err := fs.Glob(localeFS, "locales/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := localeFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(data, path.Base(f))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		lang := mf.Tag.String()
		if c.keys[lang] == nil {
			c.keys[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if c.keys[lang][m.ID] {
				return nil, fmt.Errorf("%s: key %q defined twice", f, m.ID)
			}
			c.keys[lang][m.ID] = true
		}
	}
	c.zone, err = time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Keys returns the sorted keys of a locale (for the completeness test).
func (c *Catalog) Keys(locale string) []string {
	out := make([]string, 0, len(c.keys[locale]))
	for k := range c.keys[locale] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has tells whether key exists in locale.
func (c *Catalog) Has(locale, key string) bool { return c.keys[locale][key] }

// Match picks the supported locale for an Accept-Language header or a stored choice.
func Match(prefs ...string) string {
	for _, p := range prefs {
		switch p {
		case EN, ZhCN:
			return p
		}
	}
	tags := []language.Tag{}
	for _, p := range prefs {
		if p == "" {
			continue
		}
		t, _, err := language.ParseAcceptLanguage(p)
		if err == nil {
			tags = append(tags, t...)
		}
	}
	if len(tags) == 0 {
		return EN
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return EN
	}
	return Locales[idx]
}

// Text renders key in lang with args: the catalog as the store's models.Texts.
func (c *Catalog) Text(lang, key string, args map[string]any) string {
	return c.Localizer(Match(lang)).TMap(key, args)
}

// Localizer renders messages in one locale and zone.
type Localizer struct {
	Lang string
	Zone *time.Location
	l    *goi18n.Localizer
	c    *Catalog
}

// Localizer returns the localizer for a supported locale.
func (c *Catalog) Localizer(lang string) *Localizer {
	if lang != ZhCN {
		lang = EN
	}
	return &Localizer{Lang: lang, Zone: c.zone, l: goi18n.NewLocalizer(c.bundle, lang), c: c}
}

// T resolves key with args given as name, value pairs. A missing key renders as the key
// itself so a gap is visible (and the catalog test fails).
func (l *Localizer) T(key string, args ...any) string {
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
		}
	}
	return l.localize(key, data)
}

// localize renders key: in its plural form for the count among data when the message
// has plural forms, else its one form.
func (l *Localizer) localize(key string, data map[string]any) string {
	if n := pluralCount(data); n != nil {
		if s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data, PluralCount: n}); err == nil {
			return s
		}
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return key
	}
	return s
}

// pluralArgs are the arguments a message's plural form follows, the first one present:
// English messages counting something have "one" and "other" forms.
var pluralArgs = []string{"N", "Days", "Count"}

// pluralCount is the number a message's plural form follows, or nil.
func pluralCount(data map[string]any) any {
	for _, name := range pluralArgs {
		switch v := data[name].(type) {
		case int, int64, int32:
			return v
		case uint:
			return int64(v)
		case uint64:
			return strconv.FormatUint(v, 10)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case float32:
			return strconv.FormatFloat(float64(v), 'f', -1, 32)
		}
	}
	return nil
}

// TMap resolves key with a ready argument map (notifications store theirs as JSON).
func (l *Localizer) TMap(key string, data map[string]any) string {
	return l.localize(key, data)
}

type ctxKey struct{}

// With attaches a localizer to ctx.
func With(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the context's localizer; nil when none was attached.
func From(ctx context.Context) *Localizer {
	l, _ := ctx.Value(ctxKey{}).(*Localizer)
	return l
}

// T resolves key in the context's locale.
func T(ctx context.Context, key string, args ...any) string {
	if l := From(ctx); l != nil {
		return l.T(key, args...)
	}
	return key
}

// Lang is the context's locale.
func Lang(ctx context.Context) string {
	if l := From(ctx); l != nil {
		return l.Lang
	}
	return EN
}

func zone(ctx context.Context) *time.Location {
	if l := From(ctx); l != nil && l.Zone != nil {
		return l.Zone
	}
	return time.UTC
}

// DateTime formats t for the reader (zone and locale).
func DateTime(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(zone(ctx))
	if Lang(ctx) == ZhCN {
		return t.Format("2006年1月2日 15:04")
	}
	return t.Format("Jan 2, 2006 15:04")
}

// Date formats the date of t for the reader.
func Date(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(zone(ctx))
	if Lang(ctx) == ZhCN {
		return t.Format("2006年1月2日")
	}
	return t.Format("Jan 2, 2006")
}

// DateTimePtr formats an optional time.
func DateTimePtr(ctx context.Context, t *time.Time) string {
	if t == nil {
		return "—"
	}
	return DateTime(ctx, *t)
}

// Money formats fen as yuan with thousands separators, e.g. ¥1,234.50 (the same in both
// languages).
func Money(_ context.Context, fen int64) string { return money.Display(fen) }

// WorkDays formats an age in working days with one decimal.
func WorkDays(ctx context.Context, d float64) string {
	return T(ctx, "common.workdays", "N", fmt.Sprintf("%.1f", d))
}

// Args decodes arguments stored as JSON (notifications) and formats them for the
// reader as FormatArgs does.
func (l *Localizer) Args(raw string) map[string]any {
	var args map[string]any
	d := json.NewDecoder(strings.NewReader(raw))
	d.UseNumber()
	_ = d.Decode(&args)
	return l.FormatArgs(args)
}

// FormatArgs formats typed message arguments for the reader, in place: a name ending in
// "Key" is a message key ({"ReasonKey": "reason.realname.other"} also provides "Reason"
// in the reader's language), one ending in "Fen" an amount ({"AmountFen": 123450}
// provides "Amount": "¥1,234.50").
func (l *Localizer) FormatArgs(args map[string]any) map[string]any {
	for k, v := range args {
		if strings.HasSuffix(k, "Fen") && len(k) > 3 {
			if fen, ok := toInt64(v); ok {
				args[strings.TrimSuffix(k, "Fen")] = money.Display(fen)
			}
			continue
		}
		if s, ok := v.(string); ok && strings.HasSuffix(k, "Key") && len(k) > 3 {
			if s == "" {
				args[strings.TrimSuffix(k, "Key")] = ""
			} else {
				args[strings.TrimSuffix(k, "Key")] = l.T(s)
			}
		}
	}
	return args
}

// toInt64 reads a whole number however it was decoded.
func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), n == float64(int64(n))
	}
	return 0, false
}

// TArgs renders key in the request's language with typed arguments (see FormatArgs).
func TArgs(ctx context.Context, key string, args map[string]any) string {
	l := From(ctx)
	if l == nil {
		return key
	}
	copied := make(map[string]any, len(args))
	for k, v := range args {
		copied[k] = v
	}
	return l.TMap(key, l.FormatArgs(copied))
}
