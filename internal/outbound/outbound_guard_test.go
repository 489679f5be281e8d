package outbound

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutboundHTTPOnlyThroughThisPackage fails if any non-test Go file in the
// module makes HTTP calls without the guarded client.
func TestOutboundHTTPOnlyThroughThisPackage(t *testing.T) {
	forbidden := []string{
		"http.Get(", "http.Post(", "http.Head(", "http.PostForm(",
		"http.DefaultClient", "http.DefaultTransport", "http.Client{", "new(http.Client)",
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	skip := map[string]bool{
		filepath.Join(root, "internal", "outbound"): true,
		// The benchmarks' load generator only ever talks to this machine: its client
		// refuses any target that is not a loopback address.
		filepath.Join(root, "internal", "loadgen"): true,
		filepath.Join(root, "web", "node_modules"): true,
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skip[path] || d.Name() == "node_modules" || (path != root && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(src), "\n") {
			for _, f := range forbidden {
				if strings.Contains(line, f) {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s:%d uses %s; make outbound calls through internal/outbound", rel, i+1, f)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no Go files found; is the module root right?")
	}
}
