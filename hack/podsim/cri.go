package podsim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Line is one entry of a CRI log file, the format container runtimes write
// and the kubelet (here kwok) reads:
//
//	<RFC3339Nano timestamp> <stdout|stderr> <F|P> <text>
//
// P marks a partial line that the next entry continues; F ends a line.
type Line struct {
	Time    time.Time
	Stream  string // "stdout" or "stderr"; empty means stdout
	Text    string // without a newline
	Partial bool
}

// ErrNewline is returned for a Line whose text holds a line break, which
// would end the entry early and corrupt the file.
var ErrNewline = errors.New("log text must not contain a line break")

// AppendTo adds the line in CRI format to b.
func (l Line) AppendTo(b []byte) ([]byte, error) {
	if strings.ContainsAny(l.Text, "\r\n") {
		return b, fmt.Errorf("%w: %q", ErrNewline, l.Text)
	}
	stream := l.Stream
	if stream == "" {
		stream = "stdout"
	}
	if stream != "stdout" && stream != "stderr" {
		return b, fmt.Errorf("log stream %q: want stdout or stderr", stream)
	}
	tag := "F"
	if l.Partial {
		tag = "P"
	}
	b = l.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, ' ')
	b = append(b, stream...)
	b = append(b, ' ')
	b = append(b, tag...)
	b = append(b, ' ')
	b = append(b, l.Text...)
	return append(b, '\n'), nil
}

// Append adds lines to the log file at path in one write, creating the file
// (and its directory) if needed. A reader following the file sees all of
// them or none.
func Append(path string, lines ...Line) error {
	var b []byte
	for _, l := range lines {
		var err error
		if b, err = l.AppendTo(b); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("append to %s: %w", path, err)
	}
	return f.Close()
}

// ParseLine reads one CRI log entry (without its newline).
func ParseLine(s string) (Line, error) {
	ts, rest, ok1 := strings.Cut(s, " ")
	stream, rest, ok2 := strings.Cut(rest, " ")
	tag, text, ok3 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !ok3 || (tag != "F" && tag != "P") || (stream != "stdout" && stream != "stderr") {
		return Line{}, fmt.Errorf("not a CRI log line: %q", s)
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return Line{}, fmt.Errorf("CRI log line timestamp: %w", err)
	}
	return Line{Time: t, Stream: stream, Text: text, Partial: tag == "P"}, nil
}

// ReadLog reads every entry of a CRI log file.
func ReadLog(path string) ([]Line, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []Line
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l, err := ParseLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		lines = append(lines, l)
	}
	return lines, sc.Err()
}
