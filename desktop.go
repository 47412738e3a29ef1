package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"crowsnest/backend/applog"
	"crowsnest/backend/session"
	"crowsnest/backend/settings"
	"crowsnest/backend/shellenv"
)

// desktop is what a desktop launch needs besides the cluster: the log file,
// the settings, and the PATH for exec credential plugins. It is built in
// main before the window, so start-up problems are logged too.
type desktop struct {
	log      *slog.Logger
	logFile  *applog.File // nil when the log could not be opened (stderr then)
	logErr   string
	settings *settings.Store
	sessions *applog.SessionLog

	pathReady chan struct{} // closed once the base PATH is resolved
	basePath  shellenv.Resolved
	pathMu    sync.Mutex // serialises PATH updates
}

// generatingBindings is set by bindings.go when Wails runs the app only to
// list its bound methods.
var generatingBindings = false

// newDesktop opens the log and the settings; neither failing is fatal. The
// login shell is asked for its PATH in the background (see waitPath).
func newDesktop() *desktop {
	d := &desktop{pathReady: make(chan struct{})}
	if generatingBindings {
		d.log = applog.New(io.Discard, slog.LevelError)
		d.sessions = applog.NewSessionLog(d.log)
		// A directory that does not exist: defaults, and nothing is written.
		d.settings, _ = settings.Open(filepath.Join(os.TempDir(), "crowsnest-bindings-no-settings"))
		close(d.pathReady)
		return d
	}
	var w io.Writer = os.Stderr
	if dir, err := applog.Dir(); err != nil {
		d.logErr = err.Error()
	} else if f, err := applog.OpenFile(dir, applog.DefaultMaxSize, applog.DefaultKeep); err != nil {
		d.logErr = err.Error()
	} else {
		d.logFile, w = f, f
	}
	d.log = applog.New(w, slog.LevelInfo)
	slog.SetDefault(d.log)
	d.log.Info("crowsnest starting", "version", Version, "pid", os.Getpid(), "os", runtime.GOOS+"/"+runtime.GOARCH)
	if d.logErr != "" {
		d.log.Error("log file unavailable; logging to stderr", "error", d.logErr)
	}
	d.sessions = applog.NewSessionLog(d.log)

	dir, err := settings.Dir()
	if err == nil {
		d.settings, err = settings.Open(dir)
	}
	if err != nil {
		d.log.Error("settings unavailable", "error", err)
	}
	if d.settings == nil {
		// No config directory: settings under the temporary directory keep
		// the app usable for this run.
		d.settings, _ = settings.Open(filepath.Join(os.TempDir(), fmt.Sprintf("crowsnest-settings-%d", os.Getuid())))
	}
	if p := d.settings.Problem(); p != "" {
		d.log.Warn("settings file replaced", "problem", p)
	}

	go func() {
		d.basePath = shellenv.Resolve(context.Background(), shellenv.Options{})
		if d.basePath.Problem != "" {
			d.log.Warn("login shell PATH not used", "problem", d.basePath.Problem)
		}
		d.applyPath(d.settings.Get().ExtraPath)
		close(d.pathReady)
	}()
	return d
}

// waitPath blocks until the exec-plugin PATH is set, at most the login
// shell's timeout after start-up. Call it before anything reads kubeconfig
// contexts or connects.
func (d *desktop) waitPath() { <-d.pathReady }

// applyPath sets the process's PATH to the resolved base plus extra
// directories from the settings; client-go looks exec plugins up in it.
func (d *desktop) applyPath(extra []string) {
	d.pathMu.Lock()
	defer d.pathMu.Unlock()
	path := shellenv.Join(shellenv.Merge(d.basePath.Dirs, extra))
	if err := os.Setenv("PATH", path); err != nil {
		d.log.Error("set PATH", "error", err)
		return
	}
	d.log.Info("exec plugin PATH", "source", d.basePath.Source, "extra", len(extra), "path", path)
}

func (d *desktop) close() {
	d.log.Info("crowsnest stopped")
	if d.logFile != nil {
		_ = d.logFile.Close()
	}
}

// startContext picks the context to connect at start-up: the last one used,
// if the kubeconfig still has it and it can be used, else the current one.
func (d *desktop) startContext(b *session.Switchboard) string {
	cfg := b.Kubeconfig()
	if last := d.settings.Get().LastContext; last != "" {
		for _, c := range cfg.Contexts() {
			if c.Name == last && c.Valid() {
				return last
			}
		}
		d.log.Info("last context unavailable; using the kubeconfig's current context", "last", last)
	}
	if cfg.Current() == "" {
		d.log.Info("no current context in the kubeconfig; waiting for the user to pick one", "files", len(cfg.Files()))
	}
	return cfg.Current()
}

// rememberContext records a successful switch for the next start.
func (d *desktop) rememberContext(name string) {
	if err := d.settings.Update(func(s *settings.Settings) { s.LastContext = name }); err != nil {
		d.log.Error("save last context", "error", err)
	}
}

// readOnly says why writes to a context are disabled ("" when allowed),
// from the settings as they are now.
func (d *desktop) readOnly(context string) string {
	return d.settings.Get().Writes.ReadOnlyReason(context)
}

// changeBudget is the bytes a session's change timeline may take.
func (d *desktop) changeBudget() int { return d.settings.Get().Changes.Budget() }

// metricsInterval is the time between two metrics polls, from the settings.
func (d *desktop) metricsInterval() time.Duration { return d.settings.Get().Metrics.Interval() }

// logLimits are the ring caps of a new log view, from the settings.
func (d *desktop) logLimits() session.LogLimits {
	lines, bytes := d.settings.Get().Logs.Limits()
	return session.LogLimits{MaxLines: lines, MaxBytes: bytes}
}

// devNodeShell replaces a node shell's nsenter in development builds only
// (devshell_dev.go); nil otherwise.
var devNodeShell []string

// nodeShell is a context's node shell settings: off unless enabled for it.
func (d *desktop) nodeShell(context string) session.NodeShellConfig {
	n := d.settings.Get().NodeShell
	return session.NodeShellConfig{Enabled: n.Enabled(context), Image: n.ImageOrDefault(), Namespace: n.NamespaceOrDefault(),
		Shell: devNodeShell}
}
