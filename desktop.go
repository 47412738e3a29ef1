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

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"crowsnest/backend/applog"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/backend/settings"
	"crowsnest/backend/shellenv"
)

// singleInstanceID names the app for the single-instance lock (a D-Bus name
// on Linux, a mutex on Windows): a second launch hands over to the first.
const singleInstanceID = "io.github.crowsnest.desktop"

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
	firstPage sync.Once  // the first DOM-ready of the window
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

// Settings returns the saved preferences.
func (a *App) Settings() settings.Settings { return a.desk.settings.Get() }

// SaveSettings validates and saves the user's preferences; a change of the
// extra PATH entries applies to the next connection. The last context and
// the window geometry are the app's to record, so a page holding an older
// copy cannot overwrite them.
func (a *App) SaveSettings(s settings.Settings) error {
	err := a.desk.settings.Update(func(cur *settings.Settings) {
		s.LastContext, s.Window = cur.LastContext, cur.Window
		*cur = s
	})
	if err != nil {
		return err
	}
	a.desk.waitPath() // the base PATH the extra entries are added to
	a.desk.applyPath(s.ExtraPath)
	return nil
}

// RememberNamespace records the namespace chosen for a context ("" = all).
func (a *App) RememberNamespace(context, namespace string) error {
	if len(context) == 0 || len(context) > 1024 || len(namespace) > 63 {
		return fmt.Errorf("invalid context or namespace name")
	}
	return a.desk.settings.Update(func(s *settings.Settings) {
		if s.Namespaces == nil {
			s.Namespaces = map[string]string{}
		}
		s.Namespaces[context] = namespace
	})
}

// Desktop reports where the settings and the log are, any problem found with
// them at start-up, and the PATH exec plugins are looked up in.
func (a *App) Desktop() model.Desktop {
	d := a.desk
	d.waitPath()
	info := model.Desktop{Version: Version, SettingsFile: d.settings.Path(), SettingsProblem: d.settings.Problem(),
		LogProblem: d.logErr, Path: shellenv.Split(os.Getenv("PATH")),
		PathSource: d.basePath.Source, PathProblem: d.basePath.Problem}
	if d.logFile != nil {
		info.LogFile = d.logFile.Path()
	}
	return info
}

// OpenLogFolder shows the log directory in the file manager.
func (a *App) OpenLogFolder() error {
	if a.desk.logFile == nil {
		return fmt.Errorf("no log file: %s", a.desk.logErr)
	}
	return applog.OpenFolder(a.desk.logFile.Dir())
}

// secondInstance brings the window forward when the app is launched again.
func (a *App) secondInstance(data options.SecondInstanceData) {
	a.desk.log.Info("second launch; focusing the window", "args", len(data.Args))
	if a.ctx == nil {
		return
	}
	wruntime.WindowUnminimise(a.ctx)
	wruntime.Show(a.ctx)
	// GTK and Windows only raise a window above others when it is briefly
	// on top; focus-stealing prevention ignores a plain Show.
	wruntime.WindowSetAlwaysOnTop(a.ctx, true)
	wruntime.WindowSetAlwaysOnTop(a.ctx, false)
}

// domReady runs when the page has loaded (again, after a reload): it puts
// the window where it was and, the first time, connects a context.
func (a *App) domReady(ctx context.Context) {
	a.desk.firstPage.Do(func() {
		a.restoreWindow(ctx)
		go a.connectFirst()
	})
}

// connectFirst connects the context of startContext, unless the user has
// already picked one.
func (a *App) connectFirst() {
	// Exec plugins need the login shell's PATH, which may take a moment.
	a.desk.waitPath()
	name := a.desk.startContext(a.board)
	if name == "" || a.board.Status().Generation != 0 {
		return
	}
	// Returns at once: reaching the server happens in the background.
	if _, err := a.board.Switch(name); err == nil {
		a.desk.rememberContext(name)
	}
}

// restoreWindow moves the window where it was.
func (a *App) restoreWindow(ctx context.Context) {
	w := a.desk.settings.Get().Window
	if w.PositionSaved {
		wruntime.WindowSetPosition(ctx, w.X, w.Y)
	}
	if w.Maximised {
		wruntime.WindowMaximise(ctx)
	}
}

// saveWindow records the window's geometry before it closes; it never
// prevents the close.
func (a *App) saveWindow(ctx context.Context) bool {
	maximised := wruntime.WindowIsMaximised(ctx)
	w, h := wruntime.WindowGetSize(ctx)
	x, y := wruntime.WindowGetPosition(ctx)
	err := a.desk.settings.Update(func(s *settings.Settings) {
		s.Window.Maximised = maximised
		if !maximised {
			s.Window = settings.Window{Width: w, Height: h, X: x, Y: y, PositionSaved: true}
		}
	})
	if err != nil {
		a.desk.log.Error("save window geometry", "error", err)
	}
	return false
}

// windowSize is the saved window size, or the default.
func (d *desktop) windowSize() (int, int) {
	w := d.settings.Get().Window
	if w.Width < 900 || w.Height < 560 {
		return 1280, 800
	}
	return w.Width, w.Height
}

// appMenu is the window's menu: the usual edit shortcuts (macOS needs them
// in a menu for copy and paste to work) and where to find the log.
func (a *App) appMenu() *menu.Menu {
	m := menu.NewMenu()
	if runtime.GOOS == "darwin" {
		m.Append(menu.AppMenu())
	} else {
		file := m.AddSubmenu("File")
		file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { wruntime.Quit(a.ctx) })
	}
	m.Append(menu.EditMenu())
	help := m.AddSubmenu("Help")
	help.AddText("Open Log Folder", nil, func(*menu.CallbackData) {
		if err := a.OpenLogFolder(); err != nil {
			a.desk.log.Error("open log folder", "error", err)
		}
	})
	return m
}

// wailsLogger sends Wails' own messages to the app log.
type wailsLogger struct{ log *slog.Logger }

func (l wailsLogger) Print(m string)   { l.log.Info(m, "source", "wails") }
func (l wailsLogger) Trace(m string)   { l.log.Debug(m, "source", "wails") }
func (l wailsLogger) Debug(m string)   { l.log.Debug(m, "source", "wails") }
func (l wailsLogger) Info(m string)    { l.log.Info(m, "source", "wails") }
func (l wailsLogger) Warning(m string) { l.log.Warn(m, "source", "wails") }
func (l wailsLogger) Error(m string)   { l.log.Error(m, "source", "wails") }
func (l wailsLogger) Fatal(m string)   { l.log.Error(m, "source", "wails") }
