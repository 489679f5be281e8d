package pages

import "testing"

func TestLinkPartsLinksOnlyWebAddresses(t *testing.T) {
	parts := linkParts("see javascript:alert(1) and https://x.example/a?b=1 then http://y.example")
	var urls []string
	for _, p := range parts {
		if p.URL != "" {
			urls = append(urls, p.URL)
		}
	}
	if len(urls) != 2 || urls[0] != "https://x.example/a?b=1" || urls[1] != "http://y.example" {
		t.Fatalf("links %q", urls)
	}
	joined := ""
	for _, p := range parts {
		joined += p.Text + p.URL
	}
	if joined != "see javascript:alert(1) and https://x.example/a?b=1 then http://y.example" {
		t.Fatalf("text changed: %q", joined)
	}
}
