// Command saasdemo runs the reference merchant endpoint: the merchant side of the SaaS
// protocol, for trying the seller center's debugging console and the command line
// against a known-good (or deliberately misbehaving) implementation.
//
//	saasdemo -addr 127.0.0.1:9100 -key "$ACCESS_KEY" [-mode slow|wrong-body-sign|…]
//
// A path prefix /misbehave/<mode> selects a misbehaviour per call, so one endpoint
// serves every case: http://127.0.0.1:9100/misbehave/no-body-sign.
package main

import (
	"context"
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
	"slices"
	"strings"
	"syscall"
	"time"

	"sellercenter/internal/outbound"
	"sellercenter/internal/saasdemo"
	"sellercenter/internal/saasproto"
)

type keyList []string

func (k *keyList) String() string     { return fmt.Sprintf("%d keys", len(*k)) }
func (k *keyList) Set(v string) error { *k = append(*k, v); return nil }

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "saasdemo:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("saasdemo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var keys keyList
	addr := fs.String("addr", "127.0.0.1:9100", "listen address")
	fs.Var(&keys, "key", "an access key the endpoint accepts (repeatable; also SAASDEMO_KEYS, comma-separated)")
	mode := fs.String("mode", "", "misbehave on every call: "+strings.Join(saasdemo.Modes, ", "))
	slow := fs.Duration("slow", 30*time.Second, "how long -mode slow waits")
	code := fs.String("error-code", "000005", "the resultCode -mode error-code answers")
	encrypt := fs.String("encrypt-type", "1", "appInfo encryption: 1 AES-256, 2 AES-128")
	rsaKey := fs.String("rsa-key", "", "PEM RSA private key (3072+ bits) for applicationSync secrets; default a fresh one")
	oaep := fs.String("oaep", "sha256", "OAEP digest of applicationSync secrets: sha256 or sha1")
	window := fs.Duration("window", saasproto.DefaultWindow, "allowed timestamp skew")
	platform := fs.String("platform", "", "the seller center's base URL: /login then signs users in through its unified login")
	clientID := fs.String("client-id", "", "the app ID of the app credential whose login URL is this endpoint's /login")
	publicURL := fs.String("public-url", "", "this endpoint's base URL as browsers reach it (default: from the request)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if env := os.Getenv("SAASDEMO_KEYS"); env != "" {
		for _, k := range strings.Split(env, ",") {
			if k = strings.TrimSpace(k); k != "" {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return errors.New("give at least one access key with -key or SAASDEMO_KEYS")
	}
	if *mode != "" && !slices.Contains(saasdemo.Modes, *mode) {
		return fmt.Errorf("-mode %q: one of %s", *mode, strings.Join(saasdemo.Modes, ", "))
	}
	if _, ok := saasproto.ResultCodes[*code]; !ok {
		return fmt.Errorf("-error-code %q is not a protocol result code", *code)
	}
	if *encrypt != "1" && *encrypt != "2" {
		return errors.New("-encrypt-type must be 1 or 2")
	}
	opts := saasdemo.Options{Keys: func() []string { return keys }, Mode: *mode, Slow: *slow, ErrorCode: *code,
		EncryptType: *encrypt, Window: *window, OAEPDigest: *oaep}
	if *rsaKey != "" {
		k, err := loadPrivateKey(*rsaKey)
		if err != nil {
			return err
		}
		opts.PrivateKey = k
	}
	if *platform != "" {
		secret := os.Getenv("SAASDEMO_CLIENT_SECRET")
		if *clientID == "" || secret == "" {
			return errors.New("-platform needs -client-id and the app secret in SAASDEMO_CLIENT_SECRET")
		}
		base, public := *platform, *publicURL
		opts.Login = &saasdemo.LoginOptions{Platform: func() string { return base }, PublicURL: func() string { return public },
			Client:     func(context.Context, string) (string, string, bool) { return *clientID, secret, true },
			HTTPClient: outbound.New(outbound.Options{AllowPrivate: true}).HTTPClient()}
	}
	srv := saasdemo.New(opts)
	log := slog.New(slog.NewTextHandler(stderr, nil))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		srv.ServeHTTP(w, r)
		// The query carries signatures, never keys; the path and method say enough.
		log.Info("call", "method", r.Method, "path", r.URL.Path, "took", time.Since(start).Round(time.Millisecond))
	})
	hs := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	fmt.Fprintf(stdout, "reference merchant endpoint on http://%s/ (%d key(s))\n", *addr, len(keys))
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func loadPrivateKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s: not PEM", path)
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok || rk.N.BitLen() < saasproto.MinRSABits {
		return nil, fmt.Errorf("%s: need an RSA key of at least %d bits", path, saasproto.MinRSABits)
	}
	return rk, nil
}
