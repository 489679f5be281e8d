package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
