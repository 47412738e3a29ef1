// Package settings keeps the user's preferences in a JSON file in the OS
// config directory (~/.config/crowsnest on Linux, ~/Library/Application
// Support/crowsnest on macOS, %AppData%\crowsnest on Windows).
//
// The file is written atomically (a temporary file in the same directory,
// synced, then renamed over the old one), so a crash mid-write leaves the old
// settings. A file that cannot be read or parsed never stops the app: it is
// kept beside the original as settings.json.corrupt, reported through
// Problem, and replaced by defaults.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
)

// FileName is the settings file inside the directory given to Open.
const FileName = "settings.json"

// Themes the UI knows; "" means "system".
var themes = map[string]bool{"": true, "system": true, "light": true, "dark": true}

// Settings are the preferences that survive a restart.
type Settings struct {
	// LastContext is the context connected when the app last ran; start-up
	// reconnects to it before falling back to the kubeconfig's current context.
	LastContext string `json:"lastContext,omitempty"`
	// Namespaces is the namespace last chosen per context ("" = all).
	Namespaces map[string]string `json:"namespaces,omitempty"`
	Window     Window            `json:"window"`
	Theme      string            `json:"theme,omitempty"` // system, light or dark
	// ExtraPath lists directories searched for exec credential plugins
	// after the login shell's PATH.
	ExtraPath []string `json:"extraPath,omitempty"`
	// Logs caps what each log view keeps.
	Logs Logs `json:"logs"`
	// Terminal is how terminals look.
	Terminal Terminal `json:"terminal"`
	// Forwards are the port-forwards saved per context, restored (stopped)
	// at the next connect to it. The app keeps them; SaveSettings does not
	// change them.
	Forwards map[string][]SavedForward `json:"forwards,omitempty"`
	// NodeShell says where node shells (a privileged pod on a node) may
	// be opened, and what pod they use.
	NodeShell NodeShell `json:"nodeShell"`
	// Writes guards changes to clusters (read-only modes).
	Writes Writes `json:"writes"`
	// Changes bounds the change timeline's memory.
	Changes Changes `json:"changes"`
	// Metrics is how often metrics.k8s.io is polled while shown.
	Metrics Metrics `json:"metrics"`
}

// Changes bounds the memory of a session's change timeline: the oldest
// entries fall out (and the timeline says so) beyond it.
type Changes struct {
	MaxMiB int `json:"maxMiB,omitempty"` // default 32
}

// Bounds and default of Changes.MaxMiB.
const (
	DefaultChangesMaxMiB = 32
	MaxChangesMaxMiB     = 1024
)

// Budget is the timeline's budget in bytes, the default filled in.
func (c Changes) Budget() int {
	if c.MaxMiB == 0 {
		return DefaultChangesMaxMiB << 20
	}
	return c.MaxMiB << 20
}

// Metrics sets the polling of metrics.k8s.io.
type Metrics struct {
	// IntervalSeconds between two polls; zero means the default (15).
	IntervalSeconds int `json:"intervalSeconds,omitempty"`
}

// Bounds of Metrics.IntervalSeconds: never faster than every 5 s.
const (
	DefaultMetricsIntervalSeconds = 15
	MinMetricsIntervalSeconds     = 5
	MaxMetricsIntervalSeconds     = 3600
)

// Interval returns the time between polls, the default filled in.
func (m Metrics) Interval() time.Duration {
	if m.IntervalSeconds == 0 {
		return DefaultMetricsIntervalSeconds * time.Second
	}
	return time.Duration(m.IntervalSeconds) * time.Second
}

// Writes guards changes to clusters: a global read-only mode and
// read-only contexts. A read-only context can still be browsed; every
// write (actions, edits, creations, node shells) is refused with the
// reason, and the page disables them showing it.
type Writes struct {
	// ReadOnly disables writes in every context.
	ReadOnly bool `json:"readOnly,omitempty"`
	// ReadOnlyContexts lists the contexts whose writes are disabled.
	ReadOnlyContexts map[string]bool `json:"readOnlyContexts,omitempty"`
}

// ReadOnlyReason says why writes to context are disabled, or "" when
// they are allowed.
func (w Writes) ReadOnlyReason(context string) string {
	switch {
	case w.ReadOnly:
		return "Crowsnest is in read-only mode (Settings)"
	case w.ReadOnlyContexts[context]:
		return fmt.Sprintf("context %q is marked read-only (Settings)", context)
	}
	return ""
}

// NodeShell configures node shells: a privileged pod pinned to a node,
// sharing its PID, network and IPC namespaces, with a shell entering the
// host's namespaces. They are off unless enabled for a context.
type NodeShell struct {
	// Contexts lists the contexts node shells are enabled for.
	Contexts map[string]bool `json:"contexts,omitempty"`
	// Image runs the pod; "" means DefaultNodeShellImage. It needs sh and
	// nsenter (busybox has both).
	Image string `json:"image,omitempty"`
	// Namespace is where the pod is created; "" means
	// DefaultNodeShellNamespace.
	Namespace string `json:"namespace,omitempty"`
}

// Defaults of NodeShell. kube-system: a privileged pod belongs with the
// cluster's own node-level components; it is where Pod Security admission
// is usually left privileged, it counts against no application's quota,
// and a user trusted with node shells may create pods there.
const (
	DefaultNodeShellImage     = "busybox:1.36"
	DefaultNodeShellNamespace = "kube-system"
)

// Enabled reports whether node shells are enabled for context.
func (n NodeShell) Enabled(context string) bool { return n.Contexts[context] }

// ImageOrDefault is the image a node shell's pod runs.
func (n NodeShell) ImageOrDefault() string {
	if n.Image == "" {
		return DefaultNodeShellImage
	}
	return n.Image
}

// NamespaceOrDefault is the namespace a node shell's pod is created in.
func (n NodeShell) NamespaceOrDefault() string {
	if n.Namespace == "" {
		return DefaultNodeShellNamespace
	}
	return n.Namespace
}

// imageRef is a container image reference as the distribution spec writes
// it: an optional registry host (and port), path components, an optional
// tag and an optional digest.
var imageRef = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)?` +
	`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*` +
	`(?::[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127})?(?:@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,})?$`)

// ValidImage reports why image is not a container image reference, or nil.
func ValidImage(image string) error {
	if len(image) > maxImageLen || !imageRef.MatchString(image) {
		return fmt.Errorf("%q is not an image reference such as busybox:1.36 or registry.example.com/tools/shell:1.0", image)
	}
	return nil
}

// SavedForward is a port-forward as the user asked for it.
type SavedForward struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Port      string `json:"port"`
	LocalPort int    `json:"localPort,omitempty"`
}

// Terminal is how terminals look.
type Terminal struct {
	// FontSize in CSS pixels; zero means DefaultTerminalFontSize.
	FontSize int `json:"fontSize,omitempty"`
}

// Bounds and default of Terminal.FontSize.
const (
	DefaultTerminalFontSize = 13
	MinTerminalFontSize     = 8
	MaxTerminalFontSize     = 32
)

// Logs caps each log view's ring: the oldest lines fall out (and are
// counted) once either is reached. Zero means the default.
type Logs struct {
	MaxLines int `json:"maxLines,omitempty"` // default 100,000
	MaxMiB   int `json:"maxMiB,omitempty"`   // default 32
}

// Bounds and defaults of Logs.
const (
	DefaultLogMaxLines = 100_000
	DefaultLogMaxMiB   = 32
	MinLogMaxLines     = 1_000
	MaxLogMaxLines     = 10_000_000
	MaxLogMaxMiB       = 4096
)

// Limits returns the caps with the defaults filled in.
func (l Logs) Limits() (lines int, bytes int64) {
	lines, mib := l.MaxLines, l.MaxMiB
	if lines == 0 {
		lines = DefaultLogMaxLines
	}
	if mib == 0 {
		mib = DefaultLogMaxMiB
	}
	return lines, int64(mib) << 20
}

// Window is the main window's geometry; zero width or height means "use
// the default size", and X, Y are only applied when PositionSaved is set.
type Window struct {
	Width         int  `json:"width,omitempty"`
	Height        int  `json:"height,omitempty"`
	X             int  `json:"x,omitempty"`
	Y             int  `json:"y,omitempty"`
	PositionSaved bool `json:"positionSaved,omitempty"`
	Maximised     bool `json:"maximised,omitempty"`
}

// Limits keep a hand-edited or hostile file from growing the app's memory.
const (
	maxFileSize   = 1 << 20
	maxExtraPath  = 64
	maxNamespaces = 4096
	maxNameLen    = 1024
	maxWindowSide = 100000
	// maxForwardContexts and MaxSavedForwards bound the saved forwards.
	maxForwardContexts = 256
	MaxSavedForwards   = 64
	// maxNodeShellContexts bounds the contexts node shells are enabled for.
	maxNodeShellContexts = 256
	maxImageLen          = 512
)

// Validate reports the first field that cannot be saved.
func (s Settings) Validate() error {
	if len(s.LastContext) > maxNameLen {
		return errors.New("lastContext is too long")
	}
	if !themes[s.Theme] {
		return fmt.Errorf("theme %q is not one of system, light, dark", s.Theme)
	}
	if len(s.Namespaces) > maxNamespaces {
		return fmt.Errorf("namespaces: at most %d contexts", maxNamespaces)
	}
	for ctx, ns := range s.Namespaces {
		if len(ctx) > maxNameLen || len(ns) > 63 {
			return fmt.Errorf("namespaces: entry for context %q is too long", ctx)
		}
	}
	if len(s.ExtraPath) > maxExtraPath {
		return fmt.Errorf("extraPath: at most %d directories", maxExtraPath)
	}
	for _, dir := range s.ExtraPath {
		if !filepath.IsAbs(dir) || len(dir) > 4096 || dir != filepath.Clean(dir) {
			return fmt.Errorf("extraPath: %q is not a clean absolute directory", dir)
		}
		if strings.ContainsRune(dir, filepath.ListSeparator) {
			return fmt.Errorf("extraPath: %q contains the list separator %q", dir, filepath.ListSeparator)
		}
	}
	if l := s.Logs.MaxLines; l != 0 && (l < MinLogMaxLines || l > MaxLogMaxLines) {
		return fmt.Errorf("logs: maxLines %d is not between %d and %d", l, MinLogMaxLines, MaxLogMaxLines)
	}
	if m := s.Changes.MaxMiB; m < 0 || m > MaxChangesMaxMiB {
		return fmt.Errorf("changes: maxMiB %d is not between 1 and %d", m, MaxChangesMaxMiB)
	}
	if m := s.Logs.MaxMiB; m < 0 || m > MaxLogMaxMiB {
		return fmt.Errorf("logs: maxMiB %d is not between 1 and %d", m, MaxLogMaxMiB)
	}
	if len(s.Forwards) > maxForwardContexts {
		return fmt.Errorf("forwards: at most %d contexts", maxForwardContexts)
	}
	for ctx, fs := range s.Forwards {
		if len(ctx) > maxNameLen || len(fs) > MaxSavedForwards {
			return fmt.Errorf("forwards: context %q: name too long or more than %d forwards", ctx, MaxSavedForwards)
		}
		for _, f := range fs {
			if len(f.Kind) > 316 || len(f.Namespace) > 63 || len(f.Name) > 253 || len(f.Port) > 15 || f.LocalPort < 0 || f.LocalPort > 65535 {
				return fmt.Errorf("forwards: context %q: invalid forward %s/%s", ctx, f.Namespace, f.Name)
			}
		}
	}
	if err := s.NodeShell.validate(); err != nil {
		return fmt.Errorf("nodeShell: %w", err)
	}
	if len(s.Writes.ReadOnlyContexts) > maxNamespaces {
		return fmt.Errorf("writes: at most %d read-only contexts", maxNamespaces)
	}
	for ctx := range s.Writes.ReadOnlyContexts {
		if len(ctx) > maxNameLen {
			return fmt.Errorf("writes: read-only context name %.40q... is too long", ctx)
		}
	}
	if m := s.Metrics.IntervalSeconds; m != 0 && (m < MinMetricsIntervalSeconds || m > MaxMetricsIntervalSeconds) {
		return fmt.Errorf("metrics: intervalSeconds %d is not between %d and %d", m, MinMetricsIntervalSeconds, MaxMetricsIntervalSeconds)
	}
	if f := s.Terminal.FontSize; f != 0 && (f < MinTerminalFontSize || f > MaxTerminalFontSize) {
		return fmt.Errorf("terminal: fontSize %d is not between %d and %d", f, MinTerminalFontSize, MaxTerminalFontSize)
	}
	w := s.Window
	if w.Width < 0 || w.Height < 0 || w.Width > maxWindowSide || w.Height > maxWindowSide ||
		w.X < -maxWindowSide || w.X > maxWindowSide || w.Y < -maxWindowSide || w.Y > maxWindowSide {
		return errors.New("window geometry out of range")
	}
	return nil
}

func (n NodeShell) validate() error {
	if len(n.Contexts) > maxNodeShellContexts {
		return fmt.Errorf("at most %d contexts", maxNodeShellContexts)
	}
	for ctx := range n.Contexts {
		if ctx == "" || len(ctx) > maxNameLen {
			return fmt.Errorf("context name %q is empty or too long", ctx)
		}
	}
	if n.Image != "" {
		if err := ValidImage(n.Image); err != nil {
			return fmt.Errorf("image: %w", err)
		}
	}
	if n.Namespace != "" {
		if errs := validation.IsDNS1123Label(n.Namespace); len(errs) > 0 {
			return fmt.Errorf("namespace %q: %s", n.Namespace, errs[0])
		}
	}
	return nil
}

// Store holds the settings of one file. Its methods may be called from any
// goroutine; Get returns a copy, so callers never share maps with it.
type Store struct {
	path string

	mu      sync.Mutex
	cur     Settings
	problem string
}

// Dir is where the settings file lives by default: <UserConfigDir>/crowsnest.
func Dir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory: %w", err)
	}
	return filepath.Join(base, "crowsnest"), nil
}

// Open reads dir/settings.json. A missing file gives defaults; an unreadable
// or corrupt one gives defaults and a Problem, and is moved aside and
// replaced. The returned error is only for a problem the store cannot
// recover from by itself (the corrupt file could not be replaced); the Store
// is usable even then.
func Open(dir string) (*Store, error) {
	s := &Store{path: filepath.Join(dir, FileName)}
	cur, err := read(s.path)
	switch {
	case err == nil:
		s.cur = cur
	case errors.Is(err, fs.ErrNotExist):
	default:
		s.problem = fmt.Sprintf("settings file %s could not be used (%v); started from defaults", s.path, err)
		aside := s.path + ".corrupt"
		if rerr := os.Rename(s.path, aside); rerr == nil {
			s.problem += "; the old file was kept as " + aside
		}
		if werr := write(s.path, Settings{}); werr != nil {
			return s, fmt.Errorf("%s; writing defaults: %w", s.problem, werr)
		}
	}
	return s, nil
}

func read(path string) (Settings, error) {
	var st Settings
	f, err := os.Open(path)
	if err != nil {
		return st, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return st, err
	}
	if info.Size() > maxFileSize {
		return st, fmt.Errorf("file is larger than %d bytes", maxFileSize)
	}
	dec := json.NewDecoder(f)
	if err := dec.Decode(&st); err != nil {
		return Settings{}, fmt.Errorf("parse: %w", err)
	}
	if dec.More() {
		return Settings{}, errors.New("parse: trailing data after the settings object")
	}
	if err := st.Validate(); err != nil {
		return Settings{}, err
	}
	return st, nil
}

// Path is the settings file.
func (s *Store) Path() string { return s.path }

// Problem says why the settings file was replaced by defaults at Open, or
// is empty.
func (s *Store) Problem() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.problem
}

// Get returns a copy of the current settings.
func (s *Store) Get() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clone(s.cur)
}

// Save validates st and writes it atomically; on error the stored settings
// are unchanged.
func (s *Store) Save(st Settings) error {
	if err := st.Validate(); err != nil {
		return fmt.Errorf("settings not saved: %w", err)
	}
	st = clone(st)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := write(s.path, st); err != nil {
		return err
	}
	s.cur = st
	return nil
}

// Update applies change to a copy of the current settings and saves it, so
// concurrent updates of different fields do not overwrite each other.
func (s *Store) Update(change func(*Settings)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := clone(s.cur)
	change(&st)
	if err := st.Validate(); err != nil {
		return fmt.Errorf("settings not saved: %w", err)
	}
	if err := write(s.path, st); err != nil {
		return err
	}
	s.cur = st
	return nil
}

func clone(st Settings) Settings {
	if st.Namespaces != nil {
		m := make(map[string]string, len(st.Namespaces))
		for k, v := range st.Namespaces {
			m[k] = v
		}
		st.Namespaces = m
	}
	st.ExtraPath = append([]string(nil), st.ExtraPath...)
	if st.Forwards != nil {
		m := make(map[string][]SavedForward, len(st.Forwards))
		for k, v := range st.Forwards {
			m[k] = append([]SavedForward(nil), v...)
		}
		st.Forwards = m
	}
	st.NodeShell.Contexts = maps.Clone(st.NodeShell.Contexts)
	st.Writes.ReadOnlyContexts = maps.Clone(st.Writes.ReadOnlyContexts)
	return st
}

// write replaces path with st through a temporary file in the same
// directory, so readers see either the old or the new file, never half.
func write(path string, st Settings) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, FileName+".*.tmp")
	if err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}
