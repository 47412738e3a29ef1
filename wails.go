package main

// The Wails adapter: the app's lifecycle hooks, its menu, the window's
// geometry and the hand-over from a second launch. The bound API is in
// app.go; the log, settings and PATH set-up in desktop.go.

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"crowsnest/backend/session"
	"crowsnest/backend/settings"
)

// singleInstanceID names the app for the single-instance lock (a D-Bus name
// on Linux, a mutex on Windows): a second launch hands over to the first.
const singleInstanceID = "io.github.crowsnest.desktop"

// wailsEmitter sends backend events through the Wails runtime.
type wailsEmitter struct{ ctx context.Context }

func (e wailsEmitter) Emit(name string, payload any) { wruntime.EventsEmit(e.ctx, name, payload) }

// startup is OnStartup: the Switchboard lives under Wails' context.
func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	a.saveFile = func(title, defaultName string) (string, error) {
		return wruntime.SaveFileDialog(ctx, wruntime.SaveDialogOptions{Title: title, DefaultFilename: defaultName,
			CanCreateDirectories: true})
	}
	a.board = session.NewSwitchboard(ctx, session.Options{Version: Version, Emitter: a.desk.sessions.Emitter(wailsEmitter{ctx}),
		LogLimits: a.desk.logLimits, ReadOnly: a.desk.readOnly, NodeShell: a.desk.nodeShell,
		ChangeBudget: a.desk.changeBudget, MetricsInterval: a.desk.metricsInterval})
	// The first context connects once the page is up (connectFirst), so a
	// second launch, which exits before that, never does.
}

// serveHTTP serves what is too big for a bound call's result (an object's
// YAML, the texts of edits and applies) to the page, behind Wails' AssetServer: no port is opened.
func (a *App) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if a.board == nil {
		http.Error(w, "starting", http.StatusServiceUnavailable)
		return
	}
	if session.EditHandles(r.URL.Path) {
		session.EditHandler(a.board).ServeHTTP(w, r)
		return
	}
	if session.HelmHandles(r.URL.Path) {
		session.HelmHandler(a.board).ServeHTTP(w, r)
		return
	}
	session.YAMLHandler(a.board).ServeHTTP(w, r)
}

// shutdown is OnShutdown: every session stops before the app exits.
func (a *App) shutdown(context.Context) {
	if a.board != nil {
		a.board.Stop()
	}
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
	a.firstPage.Do(func() {
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
		a.connected(name)
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
