package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/applog"
	"crowsnest/backend/kinds"
	"crowsnest/backend/kubeconfig"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/backend/settings"
	"crowsnest/backend/shellenv"
	"crowsnest/backend/view"
)

// App is the API the frontend calls. It stays thin: it validates input,
// calls into backend/, and returns backend/model types.
type App struct {
	ctx   context.Context
	board *session.Switchboard
	desk  *desktop // log, settings, exec-plugin PATH (desktop.go)

	firstPage sync.Once // the first DOM-ready of the window (wails.go)
	// saveFile asks the user where to save a file (a native dialog,
	// wails.go); "" means cancelled.
	saveFile func(title, defaultName string) (string, error)
}

// NewApp returns an App; Wails calls startup before any bound method.
func NewApp(desk *desktop) *App { return &App{desk: desk} }

// About reports the version and the kubeconfig files the app reads, in the
// order kubectl reads them; files that do not exist are left out.
func (a *App) About() model.About {
	files := []string{}
	for _, f := range kubeconfig.Paths() {
		if _, err := os.Stat(f); err == nil {
			abs, _ := filepath.Abs(f)
			files = append(files, abs)
		}
	}
	return model.About{Version: Version, KubeconfigFiles: files}
}

// Contexts lists the kubeconfig contexts, invalid ones with their problems.
func (a *App) Contexts() []model.ContextInfo {
	a.desk.waitPath() // a plugin's presence depends on PATH
	return a.board.Contexts()
}

// SwitchContext stops the current session and connects to name.
func (a *App) SwitchContext(name string) (model.SessionStatus, error) {
	if name == "" || len(name) > 1024 {
		return model.SessionStatus{}, errors.New("invalid context name")
	}
	a.desk.waitPath()
	st, err := a.board.Switch(name)
	if err == nil {
		a.connected(name)
	}
	return st, err
}

// connected records a context just switched to and restores its saved
// port-forwards (stopped).
func (a *App) connected(name string) {
	a.desk.rememberContext(name)
	a.restoreForwards(name)
}

// Status is the connection phase and every kind's sync state.
func (a *App) Status() model.SessionStatus { return a.board.Status() }

// Namespaces lists the namespace names of the current context.
func (a *App) Namespaces() ([]string, error) {
	s, err := a.board.Current()
	if err != nil {
		return nil, err
	}
	objs, err := s.Access().List(s.Ctx(), kinds.Builtin(kinds.Namespaces), "", "")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(objs))
	for _, o := range objs {
		if m, ok := o.(metav1.Object); ok {
			names = append(names, m.GetName())
		}
	}
	sort.Strings(names)
	return names, nil
}

// FocusNamespace tells the session of generation which namespace the user
// is looking at ("" for all), so that its status counts each namespaced
// kind there (the navigation's counts). A call for an older generation
// does nothing.
func (a *App) FocusNamespace(generation uint64, namespace string) error {
	s, err := a.board.Current()
	if err != nil || s.Generation != generation {
		return err
	}
	return s.FocusNamespace(namespace)
}

// OpenView opens a live table of the current context.
func (a *App) OpenView(spec model.ViewSpec) (model.ViewInfo, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ViewInfo{}, err
	}
	if err := validateSpec(spec); err != nil {
		return model.ViewInfo{}, err
	}
	return s.OpenView(spec)
}

// UpdateView changes a view's kind, namespace, selector, filter or sort.
func (a *App) UpdateView(id string, spec model.ViewSpec) (model.ViewInfo, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.ViewInfo{}, err
	}
	if err := validateSpec(spec); err != nil {
		return model.ViewInfo{}, err
	}
	return s.UpdateView(id, spec)
}

// ViewTableRows returns up to limit rows of a view from offset as its table
// shows them (view.TableWindow): without labels and images, so that a window
// of up to view.MaxTableWindow rows stays small.
func (a *App) ViewTableRows(id string, offset, limit int) (model.Window, error) {
	if offset < 0 || limit < 0 || limit > view.MaxTableWindow {
		return model.Window{}, fmt.Errorf("invalid window %d+%d (limit at most %d)", offset, limit, view.MaxTableWindow)
	}
	s, err := a.board.Current()
	if err != nil {
		return model.Window{}, err
	}
	return view.TableWindow(func(offset, limit int) (model.Window, error) { return s.ViewRows(id, offset, limit) }, offset, limit)
}

// Kinds lists every kind the current context serves: the built-in ones
// and those learnt from the server (custom resources), with their
// navigation group and typed columns. The status's kindsVersion says when
// to ask again.
func (a *App) Kinds() (model.KindList, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.KindList{}, err
	}
	return s.Kinds(), nil
}

// RetryKind checks a kind's access again after "no access" or "access
// lost", and starts watching it where it is now allowed.
func (a *App) RetryKind(kind string) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	k, err := s.Kind(kind)
	if err != nil {
		return err
	}
	return s.RetryKind(k)
}

// Can reports whether the user may perform verb on kind in namespace, and
// if not, why (the UI disables what is not allowed, with the reason).
func (a *App) Can(verb, kind, namespace string) (model.Permission, error) {
	if verb == "" || len(verb) > 64 || len(namespace) > 63 {
		return model.Permission{}, errors.New("invalid verb or namespace")
	}
	s, err := a.board.Current()
	if err != nil {
		return model.Permission{}, err
	}
	k, err := s.Kind(kind)
	if err != nil {
		return model.Permission{}, err
	}
	return s.Can(verb, k, namespace)
}

// RevealSecretValue shows one value of a Secret, on the user's explicit
// request: fetched now from the API, never cached or logged.
func (a *App) RevealSecretValue(namespace, name, key string) (model.SecretValue, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.SecretValue{}, err
	}
	return s.RevealSecretValue(namespace, name, key)
}

// CloseView frees a view.
func (a *App) CloseView(id string) {
	if s, err := a.board.Current(); err == nil {
		s.CloseView(id)
	}
}

// Details returns an object's summary row, its events and related objects.
// Its YAML is fetched from session.YAMLPath.
func (a *App) Details(kind, namespace, name string) (model.Details, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.Details{}, err
	}
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return model.Details{}, err
	}
	return s.Details(s.Ctx(), k, ns, name)
}

// WatchDetails follows an object for its details panel: the returned id is
// on every "object:changed" event about the object, the events about it or
// its related objects, after which the page asks for Details again.
func (a *App) WatchDetails(kind, namespace, name string) (string, error) {
	s, err := a.board.Current()
	if err != nil {
		return "", err
	}
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return "", err
	}
	return s.WatchDetails(k, ns, name)
}

// Usage is the kept window of CPU and memory measurements of a pod or
// node (metrics.k8s.io), for the details panel's charts.
func (a *App) Usage(kind, namespace, name string) (model.UsageHistory, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.UsageHistory{}, err
	}
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return model.UsageHistory{}, err
	}
	return s.Usage(k, ns, name)
}

// UnwatchDetails stops following a details panel's object.
func (a *App) UnwatchDetails(id string) {
	if s, err := a.board.Current(); err == nil {
		s.UnwatchDetails(id)
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
		s.LastContext, s.Window, s.Forwards = cur.LastContext, cur.Window, cur.Forwards
		*cur = s
	})
	if err != nil {
		return err
	}
	a.desk.waitPath() // the base PATH the extra entries are added to
	a.desk.applyPath(s.ExtraPath)
	if a.board != nil {
		if cur, err := a.board.Current(); err == nil {
			cur.SetChangeBudget(s.Changes.Budget())
		}
	}
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

// CanReadLogs reports whether the user may read the container logs of an
// object (a pod, or a workload's or Service's pods): get pods/log in its
// namespace; if not, why (the UI disables the action with the reason).
func (a *App) CanReadLogs(kind, namespace, name string) (model.Permission, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.Permission{}, err
	}
	k, ns, _, err := s.Object(kind, namespace, name)
	if err != nil {
		return model.Permission{}, err
	}
	if !k.HasLogs() {
		return model.Permission{Reason: k.Label + " have no container logs"}, nil
	}
	return s.CanReadLogs(ns)
}

// OpenLogs opens a log view of a pod or of a workload's pods and returns
// its status; "logs:changed" notices with its id follow until CloseLogs.
// Earlier lines than the view holds are read by opening it again with a
// larger TailLines (-1: the whole log).
func (a *App) OpenLogs(target model.LogTarget) (model.LogStatus, error) {
	if len(target.Kind) > 316 || len(target.Namespace) > 63 || len(target.Name) > 253 {
		return model.LogStatus{}, errors.New("log target field too long")
	}
	s, err := a.board.Current()
	if err != nil {
		return model.LogStatus{}, err
	}
	return s.OpenLogs(target)
}

// LogStatus returns a log view's status: its lines' range, dropped lines,
// each container's stream and the pods waiting for a stream.
func (a *App) LogStatus(id string) (model.LogStatus, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.LogStatus{}, err
	}
	return s.LogStatus(id)
}

// LogLines returns the lines of a log view with sequence number from on:
// at most limit lines and about 64 KB.
func (a *App) LogLines(id string, from uint64, limit int) (model.LogWindow, error) {
	if err := logLimit(limit, session.MaxLogWindow); err != nil {
		return model.LogWindow{}, err
	}
	s, err := a.board.Current()
	if err != nil {
		return model.LogWindow{}, err
	}
	return s.LogLines(id, from, limit)
}

// LogTail returns the newest lines of a log view: at most limit, about
// 64 KB.
func (a *App) LogTail(id string, limit int) (model.LogWindow, error) {
	if err := logLimit(limit, session.MaxLogWindow); err != nil {
		return model.LogWindow{}, err
	}
	s, err := a.board.Current()
	if err != nil {
		return model.LogWindow{}, err
	}
	return s.LogTail(id, limit)
}

// LogSearch returns the sequence numbers of up to limit lines matching q,
// from from on, or before from, nearest first, when backward.
func (a *App) LogSearch(id string, q model.LogQuery, from uint64, limit int, backward bool) (model.LogMatches, error) {
	if err := logLimit(limit, session.MaxLogMatches); err != nil {
		return model.LogMatches{}, err
	}
	s, err := a.board.Current()
	if err != nil {
		return model.LogMatches{}, err
	}
	return s.LogSearch(id, q, from, limit, backward)
}

// LogFilterLines returns up to limit lines matching q from from on (the
// filter mode); the window's next says where to go on.
func (a *App) LogFilterLines(id string, q model.LogQuery, from uint64, limit int) (model.LogWindow, error) {
	if err := logLimit(limit, session.MaxLogWindow); err != nil {
		return model.LogWindow{}, err
	}
	s, err := a.board.Current()
	if err != nil {
		return model.LogWindow{}, err
	}
	return s.LogFilterLines(id, q, from, limit)
}

// CloseLogs ends a log view's streams and frees its lines.
func (a *App) CloseLogs(id string) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.CloseLogs(id)
}

// SaveLogLines asks where to save the lines a log view keeps now (a
// native dialog) and writes them: a workload's merged log as the page
// shows it, each line tagged with its pod and container. Path is "" when
// the user cancelled the dialog.
func (a *App) SaveLogLines(id string, timestamps bool) (model.SavedLog, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.SavedLog{}, err
	}
	ns, name, err := s.LogViewName(id)
	if err != nil {
		return model.SavedLog{}, err
	}
	if a.saveFile == nil {
		return model.SavedLog{}, errors.New("no save dialog")
	}
	path, err := a.saveFile("Save the lines of "+ns+"/"+name, name+".log")
	if err != nil || path == "" {
		return model.SavedLog{}, err
	}
	n, err := s.SaveLogView(id, path, timestamps)
	if err != nil {
		return model.SavedLog{}, err
	}
	return model.SavedLog{Path: path, Lines: n}, nil
}

// DownloadLogs asks where to save a pod container's whole log (a native
// dialog), then writes it from the API in the background and returns the
// id its "logs:download" progress events carry; "" when the user
// cancelled the dialog. It fails before the dialog when the user may not
// read the pod's logs.
func (a *App) DownloadLogs(kind, namespace, name, container string, previous, timestamps bool) (string, error) {
	if len(container) > 253 {
		return "", errors.New("invalid container name")
	}
	s, err := a.board.Current()
	if err != nil {
		return "", err
	}
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return "", err
	}
	if !k.OwnLogs {
		return "", fmt.Errorf("a download is one pod's container log; %s have none of their own", k.Label)
	}
	p, err := s.CanReadLogs(ns)
	if err != nil {
		return "", err
	}
	if !p.Allowed {
		return "", errors.New(p.Reason)
	}
	if a.saveFile == nil {
		return "", errors.New("no save dialog")
	}
	file := name
	if container != "" {
		file += "-" + container
	}
	if previous {
		file += "-previous"
	}
	path, err := a.saveFile("Save the log of "+ns+"/"+name, file+".log")
	if err != nil || path == "" {
		return "", err
	}
	return s.StartLogDownload(session.LogDownload{Namespace: ns, Pod: name, Container: container,
		Previous: previous, Timestamps: timestamps, Path: path})
}

// CancelDownload stops a log download; nothing is left of its file.
func (a *App) CancelDownload(id string) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.CancelDownload(id)
}

// CanExec reports whether the user may open terminals into the pods of a
// namespace (create pods/exec); if not, why (the UI disables the action
// with the reason).
func (a *App) CanExec(namespace string) (model.Permission, error) {
	if len(namespace) > 63 {
		return model.Permission{}, errors.New("invalid namespace")
	}
	s, err := a.board.Current()
	if err != nil {
		return model.Permission{}, err
	}
	return s.CanExec(namespace)
}

// OpenTerminal starts a shell (or the target's command) with a TTY in a
// container of a pod; "terminal:output" events with its id carry the
// output, one "terminal:ended" its end, until CloseTerminal.
func (a *App) OpenTerminal(target model.TerminalTarget) (model.TerminalInfo, error) {
	if len(target.Namespace) > 63 || len(target.Pod) > 253 || len(target.Container) > 253 {
		return model.TerminalInfo{}, errors.New("terminal target field too long")
	}
	s, err := a.board.Current()
	if err != nil {
		return model.TerminalInfo{}, err
	}
	return s.OpenTerminal(target)
}

// TerminalPod names the pod a terminal into an object opens in: the pod
// itself, or a Ready pod of a workload or Service.
func (a *App) TerminalPod(kind, namespace, name string) (string, error) {
	s, err := a.board.Current()
	if err != nil {
		return "", err
	}
	return s.TerminalPod(kind, namespace, name)
}

// TerminalInput sends typed or pasted text to a terminal (at most 64 KiB
// a call).
func (a *App) TerminalInput(id, data string) error {
	if len(data) > 64<<10 {
		return errors.New("terminal input too long (at most 64 KiB a call)")
	}
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.TerminalInput(id, data)
}

// ResizeTerminal tells a terminal's command its new size in cells.
func (a *App) ResizeTerminal(id string, cols, rows int) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.ResizeTerminal(id, cols, rows)
}

// TerminalAck says the page has written a terminal's outputs up to seq,
// so that more may come: the page sets the pace of a terminal's output.
func (a *App) TerminalAck(id string, seq uint64) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.AckTerminal(id, seq)
}

// CloseTerminal ends a terminal.
func (a *App) CloseTerminal(id string) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.CloseTerminal(id)
}

// CanNodeShell reports whether node shells may be opened in the current
// context: enabled for it in Settings, and the user may create, exec
// into, watch and delete pods in their namespace; if not, why (the page
// disables the action with the reason).
func (a *App) CanNodeShell() (model.Permission, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.Permission{}, err
	}
	return s.CanNodeShell()
}

// PlanNodeShell returns the pod a node shell on node would create (its
// namespace, name, image, privileges, command, labels and YAML), checked
// by the server in a dry run; nothing is created. OpenNodeShell with its
// id creates it.
func (a *App) PlanNodeShell(node string) (model.NodeShellPlan, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.NodeShellPlan{}, err
	}
	return s.PlanNodeShell(node)
}

// OpenNodeShell creates a planned node shell pod, waits until it runs and
// opens a terminal in it (as OpenTerminal's, with its node); closing the
// terminal deletes the pod.
func (a *App) OpenNodeShell(planID string, cols, rows int) (model.TerminalInfo, error) {
	if len(planID) > 64 {
		return model.TerminalInfo{}, errors.New("invalid node shell plan id")
	}
	s, err := a.board.Current()
	if err != nil {
		return model.TerminalInfo{}, err
	}
	return s.OpenNodeShell(planID, cols, rows)
}

// NodeShellLeftovers lists the node shell pods in the cluster that no
// terminal of this window holds (left behind by an earlier run); the page
// asks once per session.
func (a *App) NodeShellLeftovers() (model.NodeShellLeftovers, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.NodeShellLeftovers{}, err
	}
	return s.NodeShellLeftovers()
}

// DeleteNodeShellPod deletes one leftover node shell pod of the session
// of generation (a request from an older session's page is refused).
func (a *App) DeleteNodeShellPod(generation uint64, namespace, name string) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	if s.Generation != generation {
		return fmt.Errorf("the context changed since pod %s/%s was listed", namespace, name)
	}
	return s.DeleteNodeShellPod(namespace, name)
}

// logLimit bounds how many lines or matches one call may ask for.
func logLimit(limit, most int) error {
	if limit < 0 || limit > most {
		return fmt.Errorf("invalid limit %d (at most %d)", limit, most)
	}
	return nil
}

// CanPortForward reports whether the user may forward ports of an object
// (a pod, or a workload's or Service's pods): create pods/portforward in
// its namespace; if not, why (the UI disables the action with the reason).
func (a *App) CanPortForward(kind, namespace, name string) (model.Permission, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.Permission{}, err
	}
	_, ns, _, err := s.Object(kind, namespace, name)
	if err != nil {
		return model.Permission{}, err
	}
	return s.CanPortForward(ns)
}

// ForwardPorts lists the ports an object offers to forward: container
// ports of a pod or workload, a Service's ports.
func (a *App) ForwardPorts(kind, namespace, name string) ([]model.ForwardPort, error) {
	s, err := a.board.Current()
	if err != nil {
		return nil, err
	}
	return s.ForwardPorts(kind, namespace, name)
}

// StartForward starts a port-forward on 127.0.0.1 and returns it active;
// "forwards:changed" notices follow its changes.
func (a *App) StartForward(req model.ForwardRequest) (model.Forward, error) {
	if len(req.Kind) > 316 || len(req.Namespace) > 63 || len(req.Name) > 253 || len(req.Port) > 15 {
		return model.Forward{}, errors.New("forward request field too long")
	}
	s, err := a.board.Current()
	if err != nil {
		return model.Forward{}, err
	}
	return s.StartForward(req)
}

// StopForward stops a port-forward; it stays listed.
func (a *App) StopForward(id string) (model.Forward, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.Forward{}, err
	}
	return s.StopForward(id)
}

// RestartForward starts a stopped (or failed) port-forward again.
func (a *App) RestartForward(id string) (model.Forward, error) {
	s, err := a.board.Current()
	if err != nil {
		return model.Forward{}, err
	}
	return s.RestartForward(id)
}

// RemoveForward stops a port-forward, forgets it, and unsaves it.
func (a *App) RemoveForward(id string) error {
	if err := a.SaveForward(id, false); err != nil {
		return err
	}
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	return s.RemoveForward(id)
}

// Forwards lists the current context's port-forwards, saved ones marked.
func (a *App) Forwards() ([]model.Forward, error) {
	s, err := a.board.Current()
	if err != nil {
		return nil, err
	}
	list, err := s.Forwards()
	if err != nil {
		return nil, err
	}
	saved := a.desk.settings.Get().Forwards[s.Context]
	for i, f := range list {
		list[i].Saved = slices.Contains(saved, settings.SavedForward{Kind: f.Kind, Namespace: f.Namespace, Name: f.Name,
			Port: f.Port, LocalPort: f.LocalPort})
	}
	return list, nil
}

// SaveForward saves a port-forward for its context (restored, stopped, at
// the next connect) or, with saved false, forgets it there.
func (a *App) SaveForward(id string, saved bool) error {
	s, err := a.board.Current()
	if err != nil {
		return err
	}
	req, err := s.ForwardRequestOf(id)
	if err != nil {
		return err
	}
	sf := settings.SavedForward{Kind: req.Kind, Namespace: req.Namespace, Name: req.Name, Port: req.Port, LocalPort: req.LocalPort}
	if slices.Contains(a.desk.settings.Get().Forwards[s.Context], sf) == saved {
		return nil // already so: the file is not written again
	}
	err = a.desk.settings.Update(func(st *settings.Settings) {
		list := slices.DeleteFunc(slices.Clone(st.Forwards[s.Context]), func(f settings.SavedForward) bool { return f == sf })
		if saved {
			list = append(list, sf)
		}
		if st.Forwards == nil {
			st.Forwards = map[string][]settings.SavedForward{}
		}
		if len(list) == 0 {
			delete(st.Forwards, s.Context)
		} else {
			st.Forwards[s.Context] = list
		}
	})
	if err == nil {
		s.ForwardsChanged()
	}
	return err
}

// restoreForwards lists the saved port-forwards of context, stopped. One
// that no longer parses is skipped and logged.
func (a *App) restoreForwards(context string) {
	s, err := a.board.Current()
	if err != nil || s.Context != context {
		return
	}
	for _, f := range a.desk.settings.Get().Forwards[context] {
		req := model.ForwardRequest{Kind: f.Kind, Namespace: f.Namespace, Name: f.Name, Port: f.Port, LocalPort: f.LocalPort}
		if _, err := s.AddForward(req); err != nil {
			slog.Warn("saved port-forward not restored", "context", context, "namespace", f.Namespace, "name", f.Name, "err", err)
		}
	}
}

// validateSpec bounds a view spec's fields; the session parses its kind.
func validateSpec(spec model.ViewSpec) error {
	if len(spec.Kind) > 316 || len(spec.Namespace) > 63 || len(spec.Selector) > 4096 || len(spec.Filter) > 1024 || len(spec.SortBy) > 64 {
		return errors.New("view spec field too long")
	}
	return nil
}
