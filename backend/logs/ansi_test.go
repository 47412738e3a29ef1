package logs_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crowsnest/backend/logs"
)

func pal(i uint8) logs.Color { return logs.Color{Kind: logs.ColorPalette, Index: i} }

func TestParseANSI(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []logs.Span
	}{
		{"plain", "hello world", []logs.Span{{Text: "hello world"}}},
		{"empty", "", nil},
		{"basic colour and reset", "\x1b[32minfo\x1b[0m: ready", []logs.Span{
			{Text: "info", Style: logs.Style{FG: pal(2)}}, {Text: ": ready"}}},
		{"bold bright red on blue", "\x1b[1;91;44mFAIL\x1b[m ok", []logs.Span{
			{Text: "FAIL", Style: logs.Style{Bold: true, FG: pal(9), BG: pal(4)}}, {Text: " ok"}}},
		{"256 colours", "\x1b[38;5;208mwarm\x1b[39m", []logs.Span{{Text: "warm", Style: logs.Style{FG: pal(208)}}}},
		{"truecolour with semicolons", "\x1b[48;2;10;20;30mbg", []logs.Span{
			{Text: "bg", Style: logs.Style{BG: logs.Color{Kind: logs.ColorRGB, R: 10, G: 20, B: 30}}}}},
		{"truecolour with colons and empty colour space", "\x1b[38:2::255:128:0mx", []logs.Span{
			{Text: "x", Style: logs.Style{FG: logs.Color{Kind: logs.ColorRGB, R: 255, G: 128}}}}},
		{"attributes on and off", "\x1b[3;4;7;9mA\x1b[23;24;27;29mB", []logs.Span{
			{Text: "A", Style: logs.Style{Italic: true, Underline: true, Inverse: true, Strike: true}}, {Text: "B"}}},
		{"same style merges", "\x1b[31ma\x1b[31mb", []logs.Span{{Text: "ab", Style: logs.Style{FG: pal(1)}}}},
		{"bold off keeps colour", "\x1b[1;33mA\x1b[22mB", []logs.Span{
			{Text: "A", Style: logs.Style{Bold: true, FG: pal(3)}}, {Text: "B", Style: logs.Style{FG: pal(3)}}}},
		{"cursor movement dropped", "a\x1b[2Kb\x1b[1;1Hc", []logs.Span{{Text: "abc"}}},
		{"OSC title dropped (BEL)", "\x1b]0;pwned\x07text", []logs.Span{{Text: "text"}}},
		{"OSC 8 hyperlink dropped (ST)", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", []logs.Span{{Text: "click"}}},
		{"DCS dropped", "\x1bPq#0;2;0;0;0\x1b\\after", []logs.Span{{Text: "after"}}},
		{"unterminated CSI at end", "text\x1b[31", []logs.Span{{Text: "text"}}},
		{"unterminated OSC at end", "text\x1b]0;title", []logs.Span{{Text: "text"}}},
		{"lone ESC at end", "text\x1b", []logs.Span{{Text: "text"}}},
		{"charset designation", "\x1b(Bplain", []logs.Span{{Text: "plain"}}},
		{"huge parameter ignored", "\x1b[99999999999999999999mx", []logs.Span{{Text: "x"}}},
		{"out of range palette ignored", "\x1b[38;5;300mx", []logs.Span{{Text: "x"}}},
		{"out of range rgb ignored", "\x1b[38;2;1;2;999mx", []logs.Span{{Text: "x"}}},
		{"controls dropped, tab kept", "a\rb\bc\x07d\te\x00", []logs.Span{{Text: "abcd\te"}}},
		{"C1 CSI", "\u009b31mred", []logs.Span{{Text: "red", Style: logs.Style{FG: pal(1)}}}},
		{"invalid UTF-8 replaced", "ok\xff\xfe", []logs.Span{{Text: "ok\uFFFD\uFFFD"}}},
		{"markup stays text", "<script>alert(1)</script>", []logs.Span{{Text: "<script>alert(1)</script>"}}},
		{"ESC inside OSC starts a new sequence", "\x1b]0;t\x1b[31mred", []logs.Span{{Text: "red", Style: logs.Style{FG: pal(1)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, logs.ParseANSI(tt.in))
			var text strings.Builder
			for _, s := range tt.want {
				text.WriteString(s.Text)
			}
			assert.Equal(t, text.String(), logs.StripANSI(tt.in))
		})
	}
}

func TestParseANSIManyParametersIsBounded(t *testing.T) {
	in := "\x1b[" + strings.Repeat("1;", 100000) + "31mx"
	spans := logs.ParseANSI(in)
	require.Len(t, spans, 1)
	assert.Equal(t, "x", spans[0].Text)
	assert.True(t, spans[0].Style.Bold, "the first parameters apply, the rest are ignored")
}

// checkSpans holds for the output of ParseANSI on any input.
func checkSpans(t *testing.T, in string, spans []logs.Span) {
	var text strings.Builder
	for i, s := range spans {
		require.NotEmpty(t, s.Text, "span %d is empty", i)
		if i > 0 {
			require.NotEqual(t, spans[i-1].Style, s.Style, "spans %d and %d should have merged", i-1, i)
		}
		text.WriteString(s.Text)
	}
	out := text.String()
	require.True(t, utf8.ValidString(out), "invalid UTF-8 in %q", out)
	for _, r := range out {
		require.False(t, (r < 0x20 && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f), "control %U left in %q", r, out)
	}
	// Every output rune comes from the input: replacements are 3 bytes for
	// at least one input byte.
	require.LessOrEqual(t, len(out), 3*len(in))
	require.Equal(t, out, logs.StripANSI(in))
}

func FuzzParseANSI(f *testing.F) {
	for _, seed := range []string{
		"", "plain", "\x1b[1;31mred\x1b[0m", "\x1b]8;;http://x\x1b\\y", "\x1b[38;5;2", "\x1b[38:2::1:2:3m",
		"\x1bP\x1b\\", "\u009b1m", "\xff\x1b", "\x1b[" + strings.Repeat("9", 50) + "m", "\x1b]" + strings.Repeat("x", 5000),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSpans(t, in, logs.ParseANSI(in))
	})
}

func TestSearchMatching(t *testing.T) {
	tests := []struct {
		name  string
		q     logs.Query
		line  string
		match bool
	}{
		{"substring ignores case by default", logs.Query{Text: "error"}, "an ERROR happened", true},
		{"case sensitive", logs.Query{Text: "error", CaseSensitive: true}, "an ERROR happened", false},
		{"case sensitive hit", logs.Query{Text: "ERROR", CaseSensitive: true}, "an ERROR happened", true},
		{"regexp metacharacters are literal in substring mode", logs.Query{Text: "a.c"}, "abc", false},
		{"regexp", logs.Query{Text: `status=5\d\d`, Regexp: true}, "status=503 path=/", true},
		{"regexp no hit", logs.Query{Text: `status=5\d\d`, Regexp: true}, "status=200", false},
		{"escapes are not searched", logs.Query{Text: "31m"}, "\x1b[31mred\x1b[0m", false},
		{"coloured words are", logs.Query{Text: "red error"}, "\x1b[31mred\x1b[0m error", true},
		{"empty matches all", logs.Query{}, "anything", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := logs.Compile(tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.match, m.Match(tt.line))
		})
	}
	_, err := logs.Compile(logs.Query{Text: "(unclosed", Regexp: true})
	assert.ErrorContains(t, err, "missing closing )")
}

func TestJSONLines(t *testing.T) {
	assert.True(t, logs.IsJSON(`{"level":"info","msg":"ok"}`))
	assert.True(t, logs.IsJSON(` [1,2] `))
	assert.False(t, logs.IsJSON(`{"level":`))
	assert.False(t, logs.IsJSON(`"just a string"`))
	assert.False(t, logs.IsJSON(`level=info msg=ok`))
	pretty, ok := logs.PrettyJSON(`{"a":1,"b":{"c":"<x>"}}`)
	require.True(t, ok)
	assert.Equal(t, "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": \"<x>\"\n  }\n}", pretty)
	_, ok = logs.PrettyJSON("plain text")
	assert.False(t, ok)
}
