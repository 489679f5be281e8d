package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestBadUsage: the endpoint refuses to start without a key or with a flag it cannot honour.
func TestBadUsage(t *testing.T) {
	t.Setenv("SAASDEMO_KEYS", "")
	for _, args := range [][]string{
		{},
		{"-key", "k", "-mode", "sideways"},
		{"-key", "k", "-error-code", "123"},
		{"-key", "k", "-encrypt-type", "3"},
		{"-key", "k", "-rsa-key", "/nonexistent.pem"},
		{"-bogus"},
	} {
		var out, errb bytes.Buffer
		err := run(args, &out, &errb)
		if err == nil {
			t.Errorf("%v accepted", args)
		}
		if strings.Contains(out.String(), "listening") {
			t.Errorf("%v started", args)
		}
	}
}
