// Package components holds the primitives pages are built from; each takes one Props
// struct and never imports pages or models.
package components

import (
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

func inputType(t string) string {
	if t == "" {
		return "text"
	}
	return t
}
