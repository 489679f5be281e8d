// Package richtext is the one sanitizer of merchant rich text (product descriptions):
// what is kept when it is saved, shown, or compared as plain text.
package richtext

import (
	"html"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// policy keeps the formatting user-generated content may carry and drops scripts,
// event attributes, styles and javascript: URLs.
var policy = bluemonday.UGCPolicy()

// text keeps no markup at all.
var text = bluemonday.StrictPolicy()

// Sanitize is s with only the markup the policy allows.
func Sanitize(s string) string { return policy.Sanitize(s) }

// Text is s as plain text, entities decoded and ends trimmed.
func Text(s string) string { return strings.TrimSpace(html.UnescapeString(text.Sanitize(s))) }
