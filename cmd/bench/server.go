package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sellercenter/internal/loadgen"
)

// server is a seller center process started for the run, on loopback.
type server struct {
	cmd   *exec.Cmd
	base  string
	ready time.Duration // from exec to the first healthy answer
	log   *os.File
	done  chan error
}

// serverEnv is the environment of the server processes: the run's SQLite database,
// no demo data, workers on, the benchmark pages on; nothing inherited that could point
// it elsewhere.
func serverEnv(dataDir, addr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "SC_ENV", "ADDR", "BASE_URL", "DATA_DIR", "SC_DEMO", "SC_WORKERS", "SC_BENCH_ROUTES", "SMTP_HOST":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "ADDR="+addr, "DATA_DIR="+dataDir, "SC_DEMO=false", "SC_WORKERS=true", "SC_BENCH_ROUTES=true")
}

// freeAddr finds a free loopback port.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startServer runs `bin serve` on dataDir and waits until /healthz answers 200.
func startServer(bin, dataDir string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(dataDir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = serverEnv(dataDir, addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	s := &server{cmd: cmd, base: "http://" + addr, log: logf, done: make(chan error, 1)}
	client, err := loadgen.NewClient(s.base, 1)
	if err != nil {
		logf.Close()
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { s.done <- cmd.Wait() }()
	deadline := t0.Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			logf.Close()
			return nil, fmt.Errorf("server exited before serving: %v (see %s)", err, logf.Name())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := client.Get(ctx, "/healthz")
		cancel()
		if err == nil {
			s.ready = time.Since(t0)
			return s, nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("server did not become healthy within 2 minutes")
}

// stop ends the server gracefully (SIGTERM), killing it after 30 s.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
}

// memory reads the server's resident set size and its high-water mark, in bytes.
func (s *server) memory() (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if k == "VmRSS" {
			rss = kb * 1024
		} else {
			hwm = kb * 1024
		}
	}
	return rss, hwm, sc.Err()
}

// resetPeak starts the high-water mark afresh from the current RSS (Linux clear_refs).
func (s *server) resetPeak() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

// waitIdle gives the server time to settle after start (the workers' first poll, GC).
func waitIdle(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// mb formats bytes as MB (10^6), as the quality bars count them.
func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
