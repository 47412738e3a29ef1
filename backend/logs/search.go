package logs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Query is what a user searches a log for.
type Query struct {
	Text          string `json:"text"`
	Regexp        bool   `json:"regexp,omitempty"`        // Text is an RE2 regular expression
	CaseSensitive bool   `json:"caseSensitive,omitempty"` // otherwise letters match either case
}

// Matcher tests lines against a compiled Query. It is safe for concurrent
// use.
type Matcher struct {
	re     *regexp.Regexp // nil for a case-sensitive substring
	substr string
}

// maxQuery bounds a query's length (RE2 matches in linear time, but a huge
// pattern still costs memory to compile).
const maxQuery = 4096

// Compile checks q and prepares it for matching. An empty query matches
// every line. Matching looks at a line's visible text: escape sequences are
// stripped first, so a search for "error" finds a red "error".
func Compile(q Query) (*Matcher, error) {
	if len(q.Text) > maxQuery {
		return nil, fmt.Errorf("search: query longer than %d bytes", maxQuery)
	}
	if !q.Regexp && q.CaseSensitive {
		return &Matcher{substr: q.Text}, nil
	}
	pattern := q.Text
	if !q.Regexp {
		pattern = regexp.QuoteMeta(pattern)
	}
	if !q.CaseSensitive {
		pattern = "(?i)" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return &Matcher{re: re}, nil
}

// Match reports whether the visible text of line matches.
func (m *Matcher) Match(line string) bool {
	text := StripANSI(line)
	if m.re == nil {
		return strings.Contains(text, m.substr)
	}
	return m.re.MatchString(text)
}

// maxPretty bounds the lines PrettyJSON indents, so a huge line cannot make
// a huge copy.
const maxPretty = 1 << 20

// IsJSON reports whether line is a JSON object or array, the lines a UI can
// offer to pretty-print.
func IsJSON(line string) bool {
	t := strings.TrimSpace(line)
	return len(t) >= 2 && len(t) <= maxPretty &&
		((t[0] == '{' && t[len(t)-1] == '}') || (t[0] == '[' && t[len(t)-1] == ']')) &&
		json.Valid([]byte(t))
}

// PrettyJSON indents a JSON line by two spaces. ok is false when the line is
// not a JSON object or array.
func PrettyJSON(line string) (pretty string, ok bool) {
	if !IsJSON(line) {
		return "", false
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(strings.TrimSpace(line)), "", "  "); err != nil {
		return "", false
	}
	return b.String(), true
}
