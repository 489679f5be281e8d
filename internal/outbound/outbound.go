// Package outbound is the one guarded HTTP client Seller Center uses for every
// call to a URL a merchant supplied (domain-ownership checks, provisioning
// calls, probes).
//
// Every resolved address is checked at dial time and the connection goes to
// the checked address itself, so a DNS answer that changes between check and
// connect cannot reach loopback, private, link-local or metadata addresses.
// Redirects are never followed, proxies from the environment are ignored,
// every phase has a timeout and response bodies are capped.
package outbound

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"syscall"
	"time"
)

// Sentinel errors; callers map them to user messages with errors.Is.
var (
	ErrScheme         = errors.New("URL must be http or https with a host and without credentials")
	ErrBlockedAddress = errors.New("address not allowed")
	ErrRedirect       = errors.New("redirect not followed")
	ErrBodyTooLarge   = errors.New("response body too large")
	ErrTimeout        = errors.New("request timed out")
)

// Resolver looks up host addresses; *net.Resolver satisfies it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Options configure a Client. The zero value is a safe production client.
type Options struct {
	AllowPrivate bool          // development only: permits loopback/private targets
	Timeout      time.Duration // whole request including body; default 10s
	MaxBody      int64         // response body cap; default 1 MiB
	UserAgent    string        // default "SellerCenter"
	Resolver     Resolver      // default net.DefaultResolver
	// Dial replaces the network dial, for tests. It is only ever called with
	// an already checked IP literal and port.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Response is a fully read answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Client makes guarded outbound requests. It is safe for concurrent use.
type Client struct {
	opts Options
	http *http.Client
}

// New builds a Client, filling in defaults.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "SellerCenter"
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	c := &Client{opts: opts}
	if c.opts.Dial == nil {
		d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: c.control}
		c.opts.Dial = d.DialContext
	}
	c.http = &http.Client{
		Timeout: opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            c.dialContext,
			TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    5 * time.Second,
			ResponseHeaderTimeout:  10 * time.Second,
			ExpectContinueTimeout:  1 * time.Second,
			MaxIdleConns:           32,
			MaxIdleConnsPerHost:    2,
			IdleConnTimeout:        30 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
		},
	}
	return c
}

// HTTPClient is the guarded client as a standard *http.Client, for libraries that take
// one (the reference app's OAuth 2.0 client): the same dial guard, timeouts and refusal
// of redirects.
func (c *Client) HTTPClient() *http.Client { return c.http }

// Get fetches rawURL.
func (c *Client) Get(ctx context.Context, rawURL string, header http.Header) (*Response, error) {
	return c.do(ctx, http.MethodGet, rawURL, header, nil)
}

// Post sends body to rawURL.
func (c *Client) Post(ctx context.Context, rawURL string, header http.Header, body []byte) (*Response, error) {
	return c.do(ctx, http.MethodPost, rawURL, header, body)
}

// ValidateURL reports whether rawURL is acceptable before any network use:
// http or https, a host, no userinfo. It does not check addresses.
func ValidateURL(rawURL string) error {
	_, err := parseURL(rawURL)
	return err
}

func parseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	switch {
	case err != nil:
		return nil, fmt.Errorf("outbound: %w", ErrScheme)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("outbound: scheme %q: %w", u.Scheme, ErrScheme)
	case u.User != nil:
		return nil, fmt.Errorf("outbound: credentials in URL: %w", ErrScheme)
	case u.Hostname() == "":
		return nil, fmt.Errorf("outbound: no host: %w", ErrScheme)
	}
	return u, nil
}

func (c *Client) do(ctx context.Context, method, rawURL string, header http.Header, body []byte) (*Response, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("outbound: %w", ErrScheme)
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	// Errors name the method and host only: query strings may carry tokens.
	fail := func(err error) error {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		var ne net.Error
		if !errors.Is(err, ErrBlockedAddress) && (errors.Is(err, context.DeadlineExceeded) ||
			errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()) {
			return fmt.Errorf("outbound: %s %s: %w: %w", method, u.Host, ErrTimeout, err)
		}
		return fmt.Errorf("outbound: %s %s: %w", method, u.Host, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc := resp.Header.Get("Location")
		if len(loc) > 200 {
			loc = loc[:200] + "..."
		}
		return nil, fail(fmt.Errorf("%w: %d to %q", ErrRedirect, resp.StatusCode, loc))
	}
	if resp.ContentLength > c.opts.MaxBody {
		return nil, fail(fmt.Errorf("%w: %d bytes, limit %d", ErrBodyTooLarge, resp.ContentLength, c.opts.MaxBody))
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, fail(err)
	}
	if int64(len(b)) > c.opts.MaxBody {
		return nil, fail(fmt.Errorf("%w: limit %d bytes", ErrBodyTooLarge, c.opts.MaxBody))
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// dialContext resolves host once, checks every address, then dials only the
// checked addresses, never the name, so the answer cannot change in between.
func (c *Client) dialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = append(ips, ip)
	} else {
		found, err := c.opts.Resolver.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		for _, a := range found {
			ip, ok := netip.AddrFromSlice(a.IP)
			if !ok {
				return nil, fmt.Errorf("%w: %s resolves to invalid address", ErrBlockedAddress, host)
			}
			ips = append(ips, ip.Unmap().WithZone(a.Zone))
		}
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("resolve %s: no addresses", host)
	}
	for _, ip := range ips {
		if err := c.check(ip); err != nil {
			return nil, err
		}
	}
	var first error
	for _, ip := range ips {
		conn, err := c.opts.Dial(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// control re-checks the address the socket actually connects to.
func (c *Client) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, address)
	}
	return c.check(ap.Addr())
}

func (c *Client) check(ip netip.Addr) error {
	if !c.opts.AllowPrivate && blocked(ip) {
		return fmt.Errorf("%w: %s", ErrBlockedAddress, ip)
	}
	return nil
}

var blockedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",      // "this network", includes unspecified
		"10.0.0.0/8",     // private
		"100.64.0.0/10",  // carrier-grade NAT
		"127.0.0.0/8",    // loopback
		"169.254.0.0/16", // link-local, includes cloud metadata
		"172.16.0.0/12",  // private
		"192.168.0.0/16", // private
		"224.0.0.0/4",    // multicast
		"240.0.0.0/4",    // reserved, includes broadcast
		"::/96",          // unspecified, loopback, IPv4-compatible
		"2001::/32",      // Teredo tunnels
		"fc00::/7",       // unique local
		"fe80::/10",      // link-local
		"fec0::/10",      // site-local (deprecated)
		"64:ff9b:1::/48", // local-use NAT64
		"ff00::/8",       // multicast
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// blocked reports whether ip must not be contacted without AllowPrivate.
func blocked(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() {
		return true
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return blocked(netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(ip):
		return blocked(netip.AddrFrom4([4]byte(b[2:6])))
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
