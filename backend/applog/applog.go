// Package applog writes the app's log to a size-rotated file in the OS cache
// directory (~/.cache/crowsnest/logs on Linux), where a user can find it
// after a desktop launch that has no terminal to print to.
//
// Nothing secret is logged: attributes whose key names a credential are
// masked by the handler, "Bearer ..." values are masked wherever they
// appear, and the backend never passes tokens to the logger in the first
// place (kubeconfig errors are redacted where they are made).
package applog

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"k8s.io/klog/v2"
)

// FileName is the current log file; rotated files get .1, .2, ... suffixes.
const FileName = "crowsnest.log"

// Defaults: a few MB of history, enough for a bug report.
const (
	DefaultMaxSize = 5 << 20
	DefaultKeep    = 3
)

// Dir is where logs go by default: <UserCacheDir>/crowsnest/logs.
func Dir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory: %w", err)
	}
	return filepath.Join(base, "crowsnest", "logs"), nil
}

// File is an io.Writer that appends to dir/crowsnest.log and, when a write
// would take it past MaxSize, renames it to crowsnest.log.1 (shifting older
// ones up and deleting the one past Keep) and starts a new file. It may be
// used from any goroutine.
type File struct {
	dir     string
	maxSize int64
	keep    int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenFile opens (creating) the log file in dir. maxSize <= 0 and keep <= 0
// take the defaults.
func OpenFile(dir string, maxSize int64, keep int) (*File, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	if keep <= 0 {
		keep = DefaultKeep
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	l := &File{dir: dir, maxSize: maxSize, keep: keep}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

// Path is the current log file.
func (l *File) Path() string { return filepath.Join(l.dir, FileName) }

// Dir is the log directory.
func (l *File) Dir() string { return l.dir }

func (l *File) open() error {
	f, err := os.OpenFile(l.Path(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open log file: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log file: %w", err)
	}
	l.f, l.size = f, info.Size()
	return nil
}

// Write appends p, rotating first when p would not fit. A single record
// larger than MaxSize goes alone into a fresh file.
func (l *File) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0, os.ErrClosed
	}
	if l.size > 0 && l.size+int64(len(p)) > l.maxSize {
		if err := l.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := l.f.Write(p)
	l.size += int64(n)
	return n, err
}

func (l *File) rotate() error {
	if err := l.f.Close(); err != nil {
		return err
	}
	l.f = nil
	base := l.Path()
	_ = os.Remove(fmt.Sprintf("%s.%d", base, l.keep))
	for i := l.keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", base, i), fmt.Sprintf("%s.%d", base, i+1))
	}
	if err := os.Rename(base, base+".1"); err != nil {
		return fmt.Errorf("rotate log file: %w", err)
	}
	return l.open()
}

// Close closes the file; later writes fail with os.ErrClosed.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// New returns a logger writing text records to w, masking secrets. It also
// sends client-go's klog output (reflector errors, warnings) to it.
func New(w io.Writer, level slog.Level) *slog.Logger {
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: mask})
	logger := slog.New(h)
	klog.SetSlogLogger(logger.With("source", "client-go"))
	return logger
}

// secretKey matches attribute keys that name a credential.
var secretKey = regexp.MustCompile(`(?i)token|password|passwd|secret|authorization|credential|client-key|private`)

// bearer matches an Authorization header value in free text.
var bearer = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9\-._~+/=:]+`)

const masked = "[redacted]"

func mask(_ []string, a slog.Attr) slog.Attr {
	if secretKey.MatchString(a.Key) {
		return slog.String(a.Key, masked)
	}
	if a.Value.Kind() == slog.KindString {
		if s := a.Value.String(); strings.Contains(strings.ToLower(s), "bearer") {
			return slog.String(a.Key, bearer.ReplaceAllString(s, "${1}"+masked))
		}
	}
	return a
}
