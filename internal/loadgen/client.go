package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Client is one browser-like session against the server: a cookie jar, the CSRF token
// scraped from forms, keep-alive connections for concurrent requests, no redirects
// followed.
type Client struct {
	base string
	http *http.Client
	csrf string
}

// NewClient makes a client for the server at base, which must be a loopback address,
// keeping up to conns connections open.
func NewClient(base string, conns int) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	if !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("loadgen: %s is not a loopback address", u.Host)
	}
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		IdleConnTimeout: time.Minute, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	return &Client{base: strings.TrimRight(base, "/"), http: &http.Client{Jar: jar, Transport: tr, Timeout: 10 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var csrfField = regexp.MustCompile(`name="_csrf"\s+value="([^"]+)"|value="([^"]+)"\s+name="_csrf"`)

// Login signs in through the login form and fails unless the server redirects away
// from it.
func (c *Client) Login(ctx context.Context, email, password string) error {
	body, _, err := c.Fetch(ctx, "/login")
	if err != nil {
		return err
	}
	c.scrape(body)
	res, err := c.PostForm(ctx, "/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		return fmt.Errorf("loadgen: login as %s: status %d", email, res.StatusCode)
	}
	// The session is new after login; so is the token.
	body, _, err = c.Fetch(ctx, "/inbox")
	if err != nil {
		return err
	}
	c.scrape(body)
	return nil
}

// scrape takes the CSRF token from a form in body, else from the token cookie.
func (c *Client) scrape(body []byte) {
	if m := csrfField.FindSubmatch(body); m != nil {
		c.csrf = string(m[1]) + string(m[2])
		return
	}
	if u, err := url.Parse(c.base + "/"); err == nil {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "_csrf" {
				c.csrf = ck.Value
			}
		}
	}
}

// Get requests path and reads the whole answer; anything but 200 is an error.
func (c *Client) Get(ctx context.Context, path string) error {
	n, err := c.Drain(ctx, path)
	if err == nil && n == 0 {
		err = errors.New("empty body")
	}
	return err
}

// Drain requests path and counts the bytes of a 200 answer without keeping them.
func (c *Client) Drain(ctx context.Context, path string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	if err != nil {
		return n, err
	}
	if res.StatusCode != http.StatusOK {
		return n, fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	return n, nil
}

// Fetch requests path and returns a 200 answer's body and headers.
func (c *Client) Fetch(ctx context.Context, path string) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, nil, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, nil, err
	}
	if res.StatusCode != http.StatusOK {
		return body, res.Header, fmt.Errorf("GET %s: status %d", path, res.StatusCode)
	}
	return body, res.Header, nil
}

// PostForm submits a form with the session's CSRF token; the body is read and closed.
func (c *Client) PostForm(ctx context.Context, path string, form url.Values) (*http.Response, error) {
	form.Set("_csrf", c.csrf)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res, nil
}
