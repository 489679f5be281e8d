package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// dataset is the generated database the run measures, cached between runs.
type dataset struct {
	dir       string
	db        string
	generated time.Time     // when the cached set was made
	took      time.Duration // how long the generator took, as it printed
	fresh     bool          // made by this run
	largest   string        // the largest merchant's login
	orders    int
	// largestOrders is how many orders the largest merchant holds.
	largestOrders int
}

// Generated logins share one password; the data never leaves this machine.
const benchPassword = "bench-password-1"

var tookLine = regexp.MustCompile(`in ([0-9.]+(?:ms|s|m[0-9.]+s|h[0-9.]+m[0-9.]+s)) \(indexes`)

// dataSpec is what the generator is asked for.
type dataSpec struct {
	merchants, orders, share int
	seed                     uint64
}

func (s dataSpec) args() []string {
	return []string{"--merchants", strconv.Itoa(s.merchants), "--orders", strconv.Itoa(s.orders),
		"--largest-share", strconv.Itoa(s.share), "--rand-seed", strconv.FormatUint(s.seed, 10)}
}

// generatorVersion fingerprints the generator's source, so that a changed generator
// makes its data set again instead of reusing one it would no longer make.
func generatorVersion() string {
	files, _ := filepath.Glob(filepath.Join("internal", "seed", "bulk*.go"))
	h := sha256.New()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		h.Write([]byte(f))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}

// ensureData returns the cached data set for spec, generating it with the server
// binary's seed command when absent (or when regen is set).
func ensureData(root, bin string, spec dataSpec, regen bool) (dataset, error) {
	key := fmt.Sprintf("m%d-o%d-p%d-s%d", spec.merchants, spec.orders, spec.share, spec.seed)
	dir := filepath.Join(root, key+"-g"+generatorVersion())
	// Sets an older generator made for the same sizes are of no more use.
	if old, err := filepath.Glob(filepath.Join(root, key+"*")); err == nil {
		for _, o := range old {
			if o != dir {
				_ = os.RemoveAll(o)
			}
		}
	}
	ds := dataset{dir: dir, db: filepath.Join(dir, "sellercenter.db"), orders: spec.orders}
	stamp := filepath.Join(dir, "seed.txt")
	if regen {
		if err := os.RemoveAll(dir); err != nil {
			return ds, err
		}
	}
	out, err := os.ReadFile(stamp)
	if err != nil {
		if err := os.RemoveAll(dir); err != nil {
			return ds, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return ds, err
		}
		cmd := exec.Command(bin, append(append([]string{"seed"}, spec.args()...), "--password", benchPassword)...)
		cmd.Env = serverEnv(dir, "127.0.0.1:0")
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		fmt.Printf("generating %d orders for %d merchants into %s …\n", spec.orders, spec.merchants, dir)
		if err := cmd.Run(); err != nil {
			return ds, fmt.Errorf("seed: %v\n%s", err, buf.String())
		}
		out = buf.Bytes()
		fmt.Print(buf.String())
		// The stamp is written last: a run cut short generates again.
		if err := os.WriteFile(stamp, out, 0o644); err != nil {
			return ds, err
		}
		ds.fresh = true
	}
	if st, err := os.Stat(stamp); err == nil {
		ds.generated = st.ModTime()
	}
	if m := tookLine.FindSubmatch(out); m != nil {
		ds.took, _ = time.ParseDuration(string(m[1]))
	}
	if m := regexp.MustCompile(`largest merchant: (\S+) \((\d+) orders\)`).FindSubmatch(out); m != nil {
		ds.largest = string(m[1])
		ds.largestOrders, _ = strconv.Atoi(string(m[2]))
	}
	if ds.largest == "" {
		return ds, fmt.Errorf("%s does not name the largest merchant; run with --regen", stamp)
	}
	return ds, nil
}

// workingCopy copies the cached set into a fresh run directory, so that what a run
// writes (sessions, exports, their files) never accumulates in the cache.
func (ds dataset) workingCopy(runDir string) (dataset, error) {
	if err := os.RemoveAll(runDir); err != nil {
		return ds, err
	}
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return ds, err
	}
	for _, name := range []string{"sellercenter.db", "secret.key"} {
		if err := copyFile(filepath.Join(ds.dir, name), filepath.Join(runDir, name)); err != nil {
			return ds, err
		}
	}
	ds.dir, ds.db = runDir, filepath.Join(runDir, "sellercenter.db")
	return ds, nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
