package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestEveryLiteralKeyExists scans the code for string literals that look like message
// keys (they start with a catalog's top-level prefix) and fails for any key the catalogs
// lack. Literals ending in "." are prefixes completed at run time and are skipped; their
// expansions are covered by the pages' own tests.
func TestEveryLiteralKeyExists(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]bool{}
	for _, k := range c.Keys(EN) {
		p, _, _ := strings.Cut(k, ".")
		prefixes[p] = true
	}
	lit := regexp.MustCompile(`"([a-z_]+(?:\.[A-Za-z0-9_]+)+\.?)"`)
	root := filepath.Join("..", "..")
	missing := map[string]string{}
	for _, dir := range []string{"handlers", "web", "models", "internal"} {
		_ = filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".templ") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
				key := m[1]
				p, _, _ := strings.Cut(key, ".")
				if !prefixes[p] || strings.HasSuffix(key, ".") || strings.HasSuffix(key, "_") || strings.Contains(key, ".go") {
					continue
				}
				// In models, dotted names are audit actions and job kinds; only the
				// notification texts there are message keys.
				if strings.Contains(path, "models") && p != "notify" {
					continue
				}
				if !c.Has(EN, key) {
					missing[key] = path
				}
			}
			return nil
		})
	}
	for k, path := range missing {
		t.Errorf("%s uses %q, which no catalog defines", path, k)
	}
}

// English counts read right: one day, two days; Chinese has one form.
func TestPluralForms(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, zh := c.Localizer(EN), c.Localizer(ZhCN)
	for _, tc := range []struct {
		l    *Localizer
		key  string
		n    any
		want string
	}{
		{en, "catalog.trial_days", 1, "1 day"}, {en, "catalog.trial_days", 14, "14 days"},
		{en, "order.period.month", int64(1), "1 month"}, {en, "common.workdays", 1.5, "1.5 working days"},
		{en, "buyer.pending_count", 1, "You have 1 unpaid order."},
	} {
		if got := tc.l.T(tc.key, "N", tc.n); got != tc.want {
			t.Errorf("%s(%v) = %q, want %q", tc.key, tc.n, got, tc.want)
		}
	}
	if got := zh.T("catalog.trial_days", "N", 1); !strings.Contains(got, "1") || strings.Contains(got, "day") {
		t.Errorf("zh %q", got)
	}
	if got := en.TMap("export.subtitle", map[string]any{"Days": 1}); got != "Exported files can be downloaded for 1 day." {
		t.Errorf("export.subtitle: %q", got)
	}
}

// English pages carry no Chinese UI text: no English message holds Han characters.
func TestEnglishMessagesHaveNoChinese(t *testing.T) {
	files, err := filepath.Glob("locales/*.en.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, r := range line {
				if unicode.Is(unicode.Han, r) {
					t.Errorf("%s:%d: %s", f, i+1, strings.TrimSpace(line))
					break
				}
			}
		}
	}
}
