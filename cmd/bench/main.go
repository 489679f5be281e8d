// Command bench measures the performance bars of the quality document (P1–P5) on this
// machine: it runs the Go benchmarks, generates (or reuses) a database of a million
// orders, starts the real server on it on loopback, drives load with internal/loadgen,
// and prints a table of the figures, most of them as ratios against a baseline
// measured in the same run, which it also writes to BENCHMARKS.md.
//
// Run it through `go tool task bench`, which builds the server first.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	"sellercenter/internal/loadgen"
)

type options struct {
	bin        string
	dataRoot   string
	merchants  int
	orders     int
	seed       uint64
	regen      bool
	conns      int
	p3Conns    int
	duration   time.Duration
	rounds     int
	goBench    string
	benchPkgs  string
	benchTime  string
	out        string
	skipGoTest bool
	p6Orders   int
	cpuProfile string
	only       string
}

// result is one line of the table; ok is nil where no bar applies.
type result struct {
	bar, what, value, target string
	ok                       *bool
}

type bench struct {
	ctx     context.Context
	opt     options
	ds      dataset
	srv     *server
	results []result
	notes   []string
	goOut   string
	facts   []string
}

func main() {
	var o options
	flag.StringVar(&o.bin, "server", "data/bench/sellercenter", "the server binary to measure (built by the task)")
	flag.StringVar(&o.dataRoot, "data", "data/bench", "where generated databases are cached")
	flag.IntVar(&o.merchants, "merchants", 1000, "merchants in the generated database")
	flag.IntVar(&o.orders, "orders", 1_000_000, "orders in the generated database (the largest merchant holds 10 %)")
	flag.Uint64Var(&o.seed, "rand-seed", 1, "the generator's random seed")
	flag.BoolVar(&o.regen, "regen", false, "generate the database again even when cached")
	flag.IntVar(&o.conns, "conns", 64, "concurrent connections of the P1 load")
	flag.IntVar(&o.p3Conns, "p3-conns", 4, "concurrent connections of the P3 page loads")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "length of one load round")
	flag.IntVar(&o.rounds, "rounds", 2, "alternating rounds of the P1 page and its in-memory baseline")
	flag.StringVar(&o.goBench, "bench", ".", "go test -bench pattern")
	flag.StringVar(&o.benchPkgs, "bench-pkgs", "./models/... ./handlers/... ./internal/...", "packages whose Go benchmarks run")
	flag.StringVar(&o.benchTime, "benchtime", "1s", "go test -benchtime")
	flag.BoolVar(&o.skipGoTest, "skip-go-bench", false, "skip the Go benchmarks")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "the report to write (empty: none)")
	flag.IntVar(&o.p6Orders, "p6-orders", 10_000, "paid SaaS orders P6 provisions")
	flag.StringVar(&o.only, "only", "", "run one bar (p6, p7 or p8) and print it without writing the report")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	b := &bench{ctx: ctx, opt: o}
	if err := b.run(); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func (b *bench) run() error {
	b.facts = machineFacts(b.opt.bin)
	fmt.Println(strings.Join(b.facts, "\n"))
	if only := map[string]func() error{"p6": b.p6, "p7": b.p7, "p8": b.p8}[b.opt.only]; only != nil {
		run := only
		if err := run(); err != nil {
			return err
		}
		fmt.Println()
		fmt.Println(b.table())
		return nil
	}
	if !b.opt.skipGoTest {
		if err := b.goBenchmarks(); err != nil {
			return err
		}
	}
	ds, err := ensureData(b.opt.dataRoot, b.opt.bin, dataSpec{b.opt.merchants, b.opt.orders, 10, b.opt.seed}, b.opt.regen)
	if err != nil {
		return err
	}
	b.p5(ds)
	if b.ds, err = ds.workingCopy(filepath.Join(b.opt.dataRoot, "run")); err != nil {
		return err
	}
	if err := b.p4(); err != nil {
		return err
	}
	defer func() {
		if b.srv != nil {
			b.srv.stop()
		}
	}()
	merchant, err := b.login(b.ds.largest)
	if err != nil {
		return err
	}
	reviewer, err := b.login("reviewer@bulk.sellercenter.local")
	if err != nil {
		return err
	}
	if err := b.p1(merchant); err != nil {
		return err
	}
	if err := b.p3(merchant, reviewer); err != nil {
		return err
	}
	if _, hwm, err := b.srv.memory(); err == nil {
		b.notes = append(b.notes, fmt.Sprintf("Server peak RSS over the P1 and P3 loads: %s.", mb(hwm)))
	}
	b.srv.stop()
	b.srv = nil
	if err := b.p2(); err != nil {
		return err
	}
	if err := b.p6(); err != nil {
		return err
	}
	if err := b.p7(); err != nil {
		return err
	}
	if err := b.p8(); err != nil {
		return err
	}
	b.facts = append(b.facts, "Load average at the end: "+loadAvg())
	table := b.table()
	fmt.Println()
	fmt.Println(table)
	if b.opt.out == "" {
		return nil
	}
	return os.WriteFile(b.opt.out, []byte(b.report(table)), 0o644)
}

// login opens a session with its own connection pool for a generated account.
func (b *bench) login(email string) (*loadgen.Client, error) {
	c, err := loadgen.NewClient(b.srv.base, max(b.opt.conns, b.opt.p3Conns))
	if err != nil {
		return nil, err
	}
	return c, c.Login(b.ctx, email, benchPassword)
}

func (b *bench) add(bar, what, value, target string, ok *bool) {
	b.results = append(b.results, result{bar, what, value, target, ok})
	fmt.Printf("  %-3s %-58s %s\n", bar, what, value)
}

func pass(v bool) *bool { return &v }

// goBenchmarks runs the Go benchmarks before the server starts, so they have the
// machine to themselves.
func (b *bench) goBenchmarks() error {
	args := append([]string{"test", "-run", "^$", "-bench", b.opt.goBench, "-benchtime", b.opt.benchTime, "-benchmem", "-count", "1"},
		strings.Fields(b.opt.benchPkgs)...)
	fmt.Println("go", strings.Join(args, " "))
	out, err := exec.CommandContext(b.ctx, "go", args...).CombinedOutput()
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "pkg:") || strings.HasPrefix(l, "FAIL") || strings.HasPrefix(l, "---") {
			keep = append(keep, l)
		}
	}
	b.goOut = "$ go " + strings.Join(args, " ") + "\n" + strings.Join(keep, "\n")
	fmt.Println(strings.Join(keep, "\n"))
	if err != nil {
		return fmt.Errorf("go benchmarks: %v\n%s", err, out)
	}
	return nil
}

// p5: the generator's own figure (P5 asks for the generator; issue 4 for a million
// orders in under a minute).
func (b *bench) p5(ds dataset) {
	how := "cached, generated " + ds.generated.UTC().Format("2006-01-02 15:04 UTC")
	if ds.fresh {
		how = "generated by this run"
	}
	ok := ds.took > 0 && ds.took < time.Minute
	b.add("P5", fmt.Sprintf("generate %d orders (%s)", ds.orders, how), ds.took.Round(100*time.Millisecond).String(), "< 1m0s", pass(ok))
}

// p4: start to serving on the existing database (median of three, after a first start
// that applies pending migrations), then idle RSS of the server kept for the load.
func (b *bench) p4() error {
	first, err := startServer(b.opt.bin, b.ds.dir)
	if err != nil {
		return err
	}
	first.stop()
	var starts []time.Duration
	for range 3 {
		s, err := startServer(b.opt.bin, b.ds.dir)
		if err != nil {
			return err
		}
		starts = append(starts, s.ready)
		s.stop()
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	med := starts[1]
	b.add("P4", "start to serving on the existing database (median of 3)", med.Round(time.Millisecond).String(), "< 1s", pass(med < time.Second))
	if b.srv, err = startServer(b.opt.bin, b.ds.dir); err != nil {
		return err
	}
	waitIdle(b.ctx, 3*time.Second)
	rss, _, err := b.srv.memory()
	if err != nil {
		return err
	}
	b.add("P4", "idle server RSS", mb(rss), "< 60 MB", pass(rss < 60e6))
	return nil
}

// p3: p99 of reviewer queues, catalog search and the merchant's dashboard, page by page.
func (b *bench) p3(merchant, reviewer *loadgen.Client) error {
	anon, err := loadgen.NewClient(b.srv.base, b.opt.p3Conns)
	if err != nil {
		return err
	}
	return b.holdP3([]p3Page{
		{"reviewer dashboard /admin", reviewer, "/admin"},
		{"reviewer queue /admin/product-applications", reviewer, "/admin/product-applications"},
		{"reviewer merchant list /admin/merchants", reviewer, "/admin/merchants"},
		{"reviewer merchant search", reviewer, "/admin/merchants?q=" + url.QueryEscape("星云")},
		{"reviewer dispute queue /admin/disputes", reviewer, "/admin/disputes"},
		{"reviewer order list /admin/orders (all merchants)", reviewer, "/admin/orders"},
		{"catalog search ?q=协同", anon, "/catalog?q=" + url.QueryEscape("协同")},
		{"catalog search ?q=teamwork", anon, "/catalog?q=teamwork"},
		{"merchant dashboard /seller (largest merchant)", merchant, "/seller"},
		{"merchant after-sales queue /seller/after-sales", merchant, "/seller/after-sales"},
		{"merchant data analysis /seller/analytics", merchant, "/seller/analytics"},
	})
}

// p3Page is one page the P3 bar holds: its name in the report, who loads it, its path.
type p3Page struct {
	name string
	c    *loadgen.Client
	path string
}

// holdP3 loads each page alone for the P3 duration at the P3 connections and reports
// its p99 against the bar.
func (b *bench) holdP3(pages []p3Page) error {
	for _, p := range pages {
		if err := p.c.Get(b.ctx, p.path); err != nil {
			b.add("P3", p.name, "not measured: "+err.Error(), "", nil)
			continue
		}
		s := b.load(p.c, p.path, b.opt.p3Conns, b.opt.duration)
		b.add("P3", fmt.Sprintf("%s: p99 at %d conns (p50 %s, %.0f req/s)", p.name, b.opt.p3Conns, loadgen.Ms(s.P50), s.Throughput), loadgen.Ms(s.P99), "< 100 ms",
			pass(s.P99 < 100*time.Millisecond && s.Errors == 0))
	}
	return nil
}

// load runs GET path from conns workers for d after a short warm-up.
func (b *bench) load(c *loadgen.Client, path string, conns int, d time.Duration) loadgen.Summary {
	s := loadgen.Run(b.ctx, loadgen.Options{Concurrency: conns, Duration: d, Warmup: time.Second}, func(ctx context.Context) error {
		return c.Get(ctx, path)
	})
	fmt.Printf("      %s: %s\n", path, s)
	return s
}

// machineFacts says what the figures were measured on.
func machineFacts(bin string) []string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(data), "\n", 2)[0]); len(f) >= 2 {
			var kb int64
			fmt.Sscan(f[1], &kb)
			mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	goVer, _ := exec.Command("go", "env", "GOVERSION").Output()
	cli := "sqlite3 CLI not installed"
	if out, err := exec.Command("sqlite3", "--version").Output(); err == nil {
		cli = "sqlite3 CLI " + strings.Fields(string(out))[0]
	}
	driver := ""
	if out, err := exec.Command("go", "version", "-m", bin).Output(); err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			if f := strings.Fields(l); len(f) >= 3 && f[0] == "dep" && f[1] == "github.com/mattn/go-sqlite3" {
				driver = ", server driver mattn/go-sqlite3 " + f[2]
			}
		}
	}
	return []string{
		fmt.Sprintf("Machine: %s, %d cores, %s memory, Linux %s, %s, %s%s.", cpu, numCPU(), mem,
			strings.TrimSpace(string(kernel)), strings.TrimSpace(string(goVer)), cli, driver),
		"Load average at the start: " + loadAvg() + " (the machine may be shared; ratios are measured in the same run for that reason).",
	}
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
