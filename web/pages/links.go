package pages

import "regexp"

// linkRE finds web addresses in plain text.
var linkRE = regexp.MustCompile(`https?://[^\s<>"']+`)

// textPart is a run of plain text or a web address.
type textPart struct {
	Text string
	URL  string
}

// linkParts splits text into plain runs and the web addresses in it, so a page can show
// the addresses as links (only http and https: nothing else becomes a link).
func linkParts(text string) []textPart {
	var out []textPart
	last := 0
	for _, m := range linkRE.FindAllStringIndex(text, -1) {
		if m[0] > last {
			out = append(out, textPart{Text: text[last:m[0]]})
		}
		out = append(out, textPart{URL: text[m[0]:m[1]]})
		last = m[1]
	}
	if last < len(text) {
		out = append(out, textPart{Text: text[last:]})
	}
	return out
}
