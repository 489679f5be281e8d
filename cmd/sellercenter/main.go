// Command sellercenter runs the seller center: the web server with its workers, and the
// admin subcommands (reviewer accounts, demo seed, backup, migrations).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata"

	"sellercenter/handlers"
	"sellercenter/internal/blobstore"
	"sellercenter/internal/clock"
	"sellercenter/internal/config"
	"sellercenter/internal/jobs"
	"sellercenter/internal/mail"
	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdebug"
	"sellercenter/internal/saasproto"
	"sellercenter/internal/secretbox"
	"sellercenter/internal/seed"
	"sellercenter/models"
	"sellercenter/web/i18n"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "saas" {
		// Runs on a merchant's own machine (their CI): no configuration, no database.
		os.Exit(saasCmd(os.Args[2:], os.Stdout, os.Stderr))
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "sellercenter:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  sellercenter [serve]                                  start the server (migrates, seeds demo data unless production)
  sellercenter migrate                                  apply database migrations
  sellercenter seed                                     create the demo accounts (if absent) and print their logins
  sellercenter seed --merchants N --orders M [--largest-share 10] [--buyers B] [--rand-seed S] [--password P]
                                                        generate a benchmark data set into an empty database:
                                                        N merchants, M orders, one merchant with 10 % of them
  sellercenter admin create-reviewer --email E [--admin] [--name N]
                                                        create a reviewer; the password is read from stdin or generated
  sellercenter backup FILE                              write a consistent copy of the SQLite database to FILE
  sellercenter bills run [--period YYYYMM]              make the bills of a month (default: the last one) now;
                                                        running it again adds nothing twice
  sellercenter saas debug --activity A --url URL --key KEY [--version v1|v2] [--encrypt-type 1|2]
                          [--param name=value …] [--timeout 5s] [--json]
                                                        send one signed test call to a production address and check
                                                        the reply; exit 0 all checks passed, 1 a check failed, 2 bad usage`

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	switch cmd {
	case "serve", "migrate", "seed", "admin", "backup", "bills":
	case "saas":
		if code := saasCmd(args, stdout, os.Stderr); code != 0 {
			return fmt.Errorf("saas: exit status %d", code)
		}
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	env, err := open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer env.db.Close()
	switch cmd {
	case "migrate":
		fmt.Fprintln(stdout, "migrations applied")
		return nil
	case "seed":
		if len(args) > 0 {
			return seedBulk(ctx, env, args, stdout)
		}
		return seedDemo(ctx, env, stdout)
	case "admin":
		return adminCmd(ctx, env, args, stdin, stdout)
	case "bills":
		return billsCmd(ctx, env, args, stdout)
	case "backup":
		if len(args) != 1 {
			return errors.New("backup needs a destination file")
		}
		if err := env.db.Backup(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "backup written to", args[0])
		return nil
	}
	return serve(ctx, env, stdout)
}

// billsCmd runs `sellercenter bills run [--period YYYYMM]`: the month's bill run, as the
// job makes it on the bill day.
func billsCmd(ctx context.Context, env *environment, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "run" {
		return errors.New("usage: sellercenter bills run [--period YYYYMM]")
	}
	fs := flag.NewFlagSet("bills run", flag.ContinueOnError)
	fs.SetOutput(stdout)
	last := models.BillPeriodOf(env.store.Now(), env.store.CalendarLocation(ctx)).Prev()
	period := fs.String("period", last.String(), "the month to bill, YYYYMM")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	p, ok := models.ParseBillPeriod(*period)
	if !ok {
		return fmt.Errorf("bills run: %q is not a month (YYYYMM)", *period)
	}
	start := time.Now()
	res, err := env.store.RunBills(ctx, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "period %s: %d bills, %d lines made, %d already made, in %s\n", res.Period, res.Bills, res.Lines, res.Skipped,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// saasCmd runs `sellercenter saas debug …` and returns its exit status.
func saasCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "debug" {
		fmt.Fprintln(stderr, "usage: sellercenter saas debug --activity A --url URL --key KEY [options]; see sellercenter saas debug --help")
		return saasdebug.ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return saasdebug.RunCLI(ctx, args[1:], stdout, stderr)
}

type environment struct {
	cfg   config.Config
	db    *models.DB
	store *models.Store
	blobs *blobstore.Local
	box   *secretbox.Box
	cat   *i18n.Catalog
	log   *slog.Logger
}

func open(ctx context.Context, cfg config.Config, log *slog.Logger) (*environment, error) {
	key, err := secretbox.LoadKey(cfg.SecretKey, filepath.Join(cfg.DataDir, "secret.key"))
	if err != nil {
		return nil, err
	}
	box, err := secretbox.New(key)
	if err != nil {
		return nil, err
	}
	db, err := models.Open(cfg.DatabaseURL, cfg.SQLitePath())
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	blobs, err := blobstore.NewLocal(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		db.Close()
		return nil, err
	}
	cat, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	return &environment{cfg: cfg, db: db, store: models.NewStore(db, clock.Real{}, box, cat), blobs: blobs, box: box, cat: cat, log: log}, nil
}

func (env *environment) putBlob(ctx context.Context, data []byte) (string, error) {
	key, _, err := env.blobs.Put(ctx, bytes.NewReader(data), int64(len(data)))
	return key, err
}

func seedDemo(ctx context.Context, env *environment, stdout io.Writer) error {
	if env.cfg.Production {
		return errors.New("demo data cannot be seeded in production: it includes an admin account")
	}
	done, err := seed.Seeded(ctx, env.store)
	if err != nil {
		return err
	}
	loginsFile := filepath.Join(env.cfg.DataDir, "demo-logins.txt")
	if done {
		fmt.Fprintf(stdout, "demo data present; logins were written to %s at first start\n", loginsFile)
		return nil
	}
	refKey, err := env.referenceKey()
	if err != nil {
		return err
	}
	logins, err := seed.DemoWith(ctx, env.store, env.putBlob, seed.DemoOptions{SaaSAddress: env.cfg.BaseURL + handlers.SaaSDemoPath, RefKey: refKey})
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("Demo logins (passwords generated for this installation):\n")
	for _, l := range logins {
		fmt.Fprintf(&b, "  %-9s %-36s %s   (%s)\n", l.Role, l.Email, l.Password, l.Note)
	}
	if err := os.WriteFile(loginsFile, []byte(b.String()), 0o600); err != nil && env.cfg.DatabaseURL == "" {
		return err
	}
	fmt.Fprint(stdout, b.String())
	return nil
}

// seedBulk generates the benchmark data set and prints its logins and how long it took.
func seedBulk(ctx context.Context, env *environment, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var o seed.BulkOptions
	fs.IntVar(&o.Merchants, "merchants", 1000, "active merchants with products on sale")
	fs.IntVar(&o.Orders, "orders", 100000, "orders, one line each")
	fs.IntVar(&o.LargestShare, "largest-share", 10, "percentage of the orders the first merchant holds (every other holds fewer)")
	fs.IntVar(&o.Buyers, "buyers", 0, "buyers (0: one per 20 orders, at least 50)")
	fs.IntVar(&o.SpanDays, "span-days", 365, "days up to now the orders are created over")
	fs.Uint64Var(&o.Seed, "rand-seed", 1, "random seed: the same seed gives the same data")
	fs.StringVar(&o.Password, "password", "", "password of every generated account (default: generated and printed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.Password == "" {
		var err error
		if o.Password, err = seed.RandomPassword(); err != nil {
			return err
		}
	}
	res, err := seed.Bulk(ctx, env.db, env.store, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d merchants, %d products, %d buyers, %d orders (%d paid, %d after-sales cases) in %s (indexes: %s)\n",
		res.Merchants, res.Products, res.Buyers, res.Orders, res.Payments, res.Refunds, res.Elapsed.Round(time.Millisecond), res.Indexing.Round(time.Millisecond))
	fmt.Fprintf(stdout, "largest merchant: %s (%d orders)\n", res.LargestMerchantEmail, res.LargestOrders)
	fmt.Fprintf(stdout, "reviewer:         %s\n", res.ReviewerEmail)
	fmt.Fprintf(stdout, "busiest buyer:    %s\n", res.BuyerEmail)
	fmt.Fprintf(stdout, "password (every generated account): %s\n", o.Password)
	return nil
}

func adminCmd(ctx context.Context, env *environment, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create-reviewer" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("create-reviewer", flag.ContinueOnError)
	email := fs.String("email", "", "the reviewer's email")
	name := fs.String("name", "", "display name")
	admin := fs.Bool("admin", false, "also an admin (settings, reviewer accounts)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || !strings.Contains(*email, "@") {
		return errors.New("create-reviewer needs --email")
	}
	pw := ""
	if f, ok := stdin.(*os.File); !ok || !isTerminal(f) {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	generated := pw == ""
	if generated {
		var err error
		if pw, err = seed.RandomPassword(); err != nil {
			return err
		}
	}
	if len(pw) < 10 || len(pw) > models.MaxPasswordBytes {
		return errors.New("the password must be 10 to 72 bytes")
	}
	if *name == "" {
		*name = strings.Split(*email, "@")[0]
	}
	u, err := env.store.CreateUser(ctx, models.Actor{Email: models.ActorCLI, RequestID: models.ActorCLI}, models.NewAccount{
		Email: *email, Password: pw, Role: models.RoleReviewer, Name: *name, IsAdmin: *admin, Verified: true})
	var fe *models.FieldError
	if errors.As(err, &fe) {
		return fmt.Errorf("%s is already registered", *email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reviewer %s created (id %d, admin %v)\n", u.Email, u.ID, u.IsAdmin)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func serve(ctx context.Context, env *environment, stdout io.Writer) error {
	cfg := env.cfg
	if cfg.Demo {
		if err := seedDemo(ctx, env, stdout); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	client := outbound.New(outbound.Options{AllowPrivate: cfg.OutboundAllowPrivate})
	app := &handlers.App{Cfg: cfg, DB: env.db, Store: env.store, Sessions: handlers.NewSessions(cfg, env.db),
		Catalog: env.cat, Blobs: env.blobs, Box: env.box, Clock: clock.Real{}, Log: env.log, Outbound: client}
	if !cfg.Production && cfg.OutboundAllowPrivate {
		refKey, err := env.referenceKey()
		if err != nil {
			return err
		}
		app.SaaSDemo = handlers.NewDevSaaSDemo(env.store, func() string { return cfg.BaseURL }, refKey, client)
		fmt.Fprintf(stdout, "reference merchant endpoint: %s%s\n", cfg.BaseURL, handlers.SaaSDemoPath)
	}
	e := app.Router()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	workerDone := make(chan struct{})
	if cfg.Workers {
		deps := jobs.Deps{Store: env.store, Blobs: env.blobs, Catalog: env.cat, BaseURL: cfg.BaseURL, Outbound: client}
		if s := mail.NewSMTP(cfg.SMTP); s != nil {
			deps.Sender = s
		}
		w := jobs.NewServerWorker(deps, env.log)
		pool := jobs.NewServerPool(deps, env.log)
		if err := jobs.ScheduleAll(ctx, deps); err != nil {
			return err
		}
		poolDone := make(chan struct{})
		go func() { defer close(poolDone); pool.Run(ctx) }()
		go func() { defer close(workerDone); w.Run(ctx); <-poolDone }()
	} else {
		close(workerDone)
	}
	errc := make(chan error, 1)
	go func() {
		env.log.Info("seller center listening", "url", cfg.BaseURL, "addr", cfg.Addr, "db", dbName(cfg))
		if cfg.DevOutbox {
			env.log.Info("dev outbox on: mails, SMS codes and deposit notices are shown at /dev/outbox", "url", cfg.BaseURL+"/dev/outbox")
		} else if !cfg.Production && cfg.SMTP.Host == "" {
			env.log.Info("dev outbox off: the server does not listen on a loopback address (SC_DEV_OUTBOX=true turns it on)")
		}
		if err := e.Start(cfg.Addr); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
		close(errc)
	}()
	select {
	case err := <-errc:
		if err != nil {
			return err
		}
	case <-ctx.Done():
	}
	env.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := e.Shutdown(sctx)
	<-workerDone
	return err
}

func dbName(cfg config.Config) string {
	if cfg.IsPostgres() {
		return "postgres"
	}
	return cfg.SQLitePath()
}

// referenceKey is the RSA key of the development server's reference merchant endpoint
// (it decrypts applicationSync secrets): kept in the data directory, so the demo app
// credential's public key still matches after a restart; made on first use.
func (env *environment) referenceKey() (*rsa.PrivateKey, error) {
	path := filepath.Join(env.cfg.DataDir, "saasdemo-rsa.pem")
	if b, err := os.ReadFile(path); err == nil {
		if block, _ := pem.Decode(b); block != nil {
			if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
				if rk, ok := k.(*rsa.PrivateKey); ok {
					return rk, nil
				}
			}
		}
		return nil, fmt.Errorf("%s: not a PKCS#8 RSA private key", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k, err := rsa.GenerateKey(rand.Reader, saasproto.MinRSABits)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}
