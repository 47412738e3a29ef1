package logs

import (
	"strings"
	"unicode/utf8"
)

// Span is a run of text in one style: what a log line shows once its ANSI
// escape sequences are interpreted. Text holds no escape or control
// characters (tabs excepted) and is valid UTF-8.
type Span struct {
	Text  string `json:"text"`
	Style Style  `json:"style,omitzero"`
}

// Style is the SGR state of a Span. The zero value is the terminal's
// default.
type Style struct {
	FG        Color `json:"fg,omitzero"`
	BG        Color `json:"bg,omitzero"`
	Bold      bool  `json:"bold,omitempty"`
	Dim       bool  `json:"dim,omitempty"`
	Italic    bool  `json:"italic,omitempty"`
	Underline bool  `json:"underline,omitempty"`
	Blink     bool  `json:"blink,omitempty"`
	Inverse   bool  `json:"inverse,omitempty"`
	Strike    bool  `json:"strike,omitempty"`
}

// Color is a terminal colour: none (the default), one of the 256 palette
// entries (0-7 standard, 8-15 bright, 16-255 cube and greys), or RGB.
type Color struct {
	Kind  ColorKind `json:"kind,omitempty"`
	Index uint8     `json:"index,omitempty"` // ColorPalette
	R     uint8     `json:"r,omitempty"`     // ColorRGB
	G     uint8     `json:"g,omitempty"`
	B     uint8     `json:"b,omitempty"`
}

// ColorKind says how to read a Color.
type ColorKind uint8

const (
	ColorDefault ColorKind = iota
	ColorPalette
	ColorRGB
)

// Bounds on what a hostile line can make the parser do.
const (
	maxSGRParams  = 32   // parameters read from one sequence; the rest are ignored
	maxEscapeSkip = 4096 // bytes an unterminated string command may swallow
)

// ParseANSI turns a log line into styled spans. It interprets SGR sequences
// (ESC [ ... m: colours, bold, ...) and drops every other escape sequence
// (cursor movement, OSC titles and hyperlinks, DCS, ...) and control
// character, so nothing in a line can act on the terminal or the page.
// Invalid UTF-8 becomes U+FFFD. Adjacent runs of the same style are merged.
func ParseANSI(line string) []Span {
	p := ansiParser{}
	p.run(line)
	p.flush()
	return p.spans
}

// StripANSI returns the text of a line without its escape sequences and
// control characters: what ParseANSI's spans say, without the styles.
func StripANSI(line string) string {
	if isPlain(line) {
		return line
	}
	p := ansiParser{plain: true}
	p.run(line)
	return p.text.String()
}

// isPlain reports whether line has nothing for the parser to remove or
// replace.
func isPlain(line string) bool {
	ascii := true
	for i := 0; i < len(line); i++ {
		c := line[i]
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	return ascii || (utf8.ValidString(line) && !hasC1(line))
}

func hasC1(s string) bool {
	for _, r := range s {
		if r >= 0x80 && r <= 0x9f {
			return true
		}
	}
	return false
}

type ansiParser struct {
	plain bool // only collect the text
	style Style
	text  strings.Builder
	spans []Span
}

func (p *ansiParser) flush() {
	if p.text.Len() == 0 {
		return
	}
	s := p.text.String()
	p.text.Reset()
	if n := len(p.spans); n > 0 && p.spans[n-1].Style == p.style {
		p.spans[n-1].Text += s
		return
	}
	p.spans = append(p.spans, Span{Text: s, Style: p.style})
}

func (p *ansiParser) setStyle(s Style) {
	if s == p.style {
		return
	}
	if !p.plain {
		p.flush()
	}
	p.style = s
}

func (p *ansiParser) run(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			i = p.escape(s, i+1)
		case c == '\t':
			p.text.WriteByte(c)
			i++
		case c < 0x20 || c == 0x7f:
			i++ // other C0 controls: bell, backspace, carriage return...
		case c < utf8.RuneSelf:
			p.text.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				p.text.WriteRune(utf8.RuneError)
			case r == 0x9b: // C1 CSI
				i = p.csi(s, i+size)
				continue
			case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, SOS, PM, APC
				i = skipString(s, i+size)
				continue
			case r >= 0x80 && r <= 0x9f: // other C1 controls
			default:
				p.text.WriteString(s[i : i+size])
			}
			i += size
		}
	}
}

// escape handles what follows an ESC at s[i:] and returns where the text
// resumes.
func (p *ansiParser) escape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return p.csi(s, i+1)
	case ']', 'P', 'X', '^', '_': // OSC, DCS, SOS, PM, APC: strings up to BEL or ST
		return skipString(s, i+1)
	}
	// Two- and three-character sequences: charset designations (ESC ( B),
	// keypad modes, ... An intermediate byte (0x20-0x2f) takes one more.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// csi reads a control sequence whose parameters start at s[i:], applies it
// if it is SGR, and returns the index after it. An unterminated sequence
// swallows the rest of the line.
func (p *ansiParser) csi(s string, i int) int {
	start := i
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	params := s[start:i]
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i >= len(s) {
		return i
	}
	final := s[i]
	if final < 0x40 || final > 0x7e {
		// Not a control sequence after all: drop what was read, keep the
		// offending byte as text (or control) for the main loop.
		return i
	}
	if final == 'm' && i == start+len(params) {
		p.sgr(params)
	}
	return i + 1
}

// skipString skips a string command's body up to its terminator (BEL, ESC \
// or the C1 ST), or at most maxEscapeSkip bytes, or to the end of the line.
func skipString(s string, i int) int {
	limit := min(len(s), i+maxEscapeSkip)
	for ; i < limit; i++ {
		switch s[i] {
		case 0x07:
			return i + 1
		case 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // a new escape ends the string and is read as one
		case 0xc2:
			if i+1 < len(s) && s[i+1] == 0x9c {
				return i + 2
			}
		}
	}
	return limit
}

// sgr applies Select Graphic Rendition parameters: "1;31", "38;5;208",
// "38:2::255:0:0". Malformed or out-of-range values are ignored.
func (p *ansiParser) sgr(params string) {
	st := p.style
	if params == "" {
		st = Style{}
	}
	fields := strings.SplitN(params, ";", maxSGRParams+1)
	if len(fields) > maxSGRParams {
		fields = fields[:maxSGRParams]
	}
	for k := 0; k < len(fields); k++ {
		f := fields[k]
		if strings.Contains(f, ":") {
			sub := strings.Split(f, ":")
			if len(sub) > 8 {
				continue
			}
			n := num(sub[0])
			if n == 38 || n == 48 || n == 58 {
				if c, ok := extendedColor(sub[1:], true); ok {
					st.setColor(n, c)
				}
			} else if n == 4 { // 4:0 no underline, 4:x some underline style
				st.Underline = len(sub) > 1 && num(sub[1]) > 0
			}
			continue
		}
		n := num(f)
		switch {
		case n == 0:
			st = Style{}
		case n == 1:
			st.Bold = true
		case n == 2:
			st.Dim = true
		case n == 3:
			st.Italic = true
		case n == 4:
			st.Underline = true
		case n == 5 || n == 6:
			st.Blink = true
		case n == 7:
			st.Inverse = true
		case n == 9:
			st.Strike = true
		case n == 21:
			st.Underline = true // doubly underlined
		case n == 22:
			st.Bold, st.Dim = false, false
		case n == 23:
			st.Italic = false
		case n == 24:
			st.Underline = false
		case n == 25:
			st.Blink = false
		case n == 27:
			st.Inverse = false
		case n == 29:
			st.Strike = false
		case n >= 30 && n <= 37:
			st.FG = palette(n - 30)
		case n == 38 || n == 48 || n == 58:
			c, used, ok := extendedColorFields(fields[k+1:])
			k += used
			if ok {
				st.setColor(n, c)
			}
		case n == 39:
			st.FG = Color{}
		case n >= 40 && n <= 47:
			st.BG = palette(n - 40)
		case n == 49:
			st.BG = Color{}
		case n >= 90 && n <= 97:
			st.FG = palette(n - 90 + 8)
		case n >= 100 && n <= 107:
			st.BG = palette(n - 100 + 8)
		}
	}
	p.setStyle(st)
}

func (st *Style) setColor(n int, c Color) {
	switch n {
	case 38:
		st.FG = c
	case 48:
		st.BG = c
	} // 58 is the underline colour, which spans do not carry
}

func palette(i int) Color { return Color{Kind: ColorPalette, Index: uint8(i)} }

// extendedColorFields reads "5;n" or "2;r;g;b" after a 38/48/58 and says how
// many fields it used.
func extendedColorFields(f []string) (Color, int, bool) {
	if len(f) == 0 {
		return Color{}, 0, false
	}
	switch num(f[0]) {
	case 5:
		if len(f) < 2 {
			return Color{}, len(f), false
		}
		c, ok := extendedColor(f[:2], false)
		return c, 2, ok
	case 2:
		if len(f) < 4 {
			return Color{}, len(f), false
		}
		c, ok := extendedColor(f[:4], false)
		return c, 4, ok
	}
	return Color{}, 1, false
}

// extendedColor reads the parts of an extended colour: [5 n] or [2 r g b],
// or with colons [2 colourspace r g b], where the colour space may be empty.
func extendedColor(f []string, colon bool) (Color, bool) {
	if len(f) == 0 {
		return Color{}, false
	}
	switch num(f[0]) {
	case 5:
		if len(f) != 2 {
			return Color{}, false
		}
		if v := num(f[1]); v >= 0 && v <= 255 {
			return palette(v), true
		}
	case 2:
		rgb := f[1:]
		if colon && len(rgb) == 4 {
			rgb = rgb[1:]
		}
		if len(rgb) != 3 {
			return Color{}, false
		}
		r, g, b := num(rgb[0]), num(rgb[1]), num(rgb[2])
		if r >= 0 && r <= 255 && g >= 0 && g <= 255 && b >= 0 && b <= 255 {
			return Color{Kind: ColorRGB, R: uint8(r), G: uint8(g), B: uint8(b)}, true
		}
	}
	return Color{}, false
}

// num reads a decimal SGR parameter; empty is 0, anything else (too long,
// not digits) is -1.
func num(s string) int {
	if len(s) > 5 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
