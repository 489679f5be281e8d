package mail

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"sellercenter/internal/config"
)

// fakeSMTP accepts one message on loopback and hands back what it received.
func fakeSMTP(t *testing.T) (port int, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(conn)
		w := func(s string) { _, _ = conn.Write([]byte(s + "\r\n")) }
		w("220 fake ESMTP")
		var data strings.Builder
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					got <- data.String()
					w("250 queued")
					continue
				}
				data.WriteString(line)
				continue
			}
			switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				w("250 fake")
			case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"):
				w("250 ok")
			case cmd == "DATA":
				inData = true
				w("354 go ahead")
			case cmd == "QUIT":
				w("221 bye")
				return
			default:
				w("250 ok")
			}
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, got
}

func TestSMTPSend(t *testing.T) {
	port, got := fakeSMTP(t)
	s := NewSMTP(config.SMTP{Host: "127.0.0.1", Port: port, From: "Seller Center <no-reply@sc.test>"})
	if err := s.Send(context.Background(), "m@example.com", "实名认证已通过", "您的实名认证已审核通过。\nline two"); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-got:
		for _, want := range []string{"To: m@example.com", "Subject: =?utf-8?q?", "您的实名认证已审核通过。\r\nline two", "From: Seller Center <no-reply@sc.test>"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q:\n%s", want, msg)
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no message arrived")
	}
}

func TestSMTPRefusesHeaderInjection(t *testing.T) {
	s := NewSMTP(config.SMTP{Host: "127.0.0.1", Port: 1})
	if err := s.Send(context.Background(), "a@example.com\r\nBcc: x@example.com", "s", "b"); err == nil {
		t.Fatal("header injection accepted")
	}
	if NewSMTP(config.SMTP{}) != nil {
		t.Fatal("a sender without a host")
	}
}
