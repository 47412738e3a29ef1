package session

import (
	"errors"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/terminal"
)

// MaxTerminals bounds the terminals a session holds open at once (ended
// ones count until the page closes them).
const MaxTerminals = 32

// DefaultContainerAnnotation names the container kubectl execs into when
// none is given.
const DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container"

// ErrNoTerminal is wrapped by the error for a terminal id this session
// does not hold (closed, or opened by an earlier session).
var ErrNoTerminal = errors.New("no such terminal")

// OpenTerminal starts a command with a TTY (the shell by default) in a
// container of a pod and returns the terminal's description; its output
// follows as EventTerminalOutput events (batched: at most ~60 a second of
// at most 16 KiB each) and its end as one EventTerminalEnded. It fails
// before any stream opens when the user may not create pods/exec in the
// namespace (apierrors.IsForbidden), the pod does not exist or has no
// such container. A terminal that fails later ends alone, with its
// reason; CloseTerminal or the session's end stop it.
func (s *Session) OpenTerminal(t model.TerminalTarget) (model.TerminalInfo, error) {
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return model.TerminalInfo{}, ErrStopped
	}
	k := kinds.Builtin(kinds.Pods)
	if err := ValidateName(k, t.Namespace, t.Pod); err != nil {
		return model.TerminalInfo{}, err
	}
	if err := validateCommand(t.Command); err != nil {
		return model.TerminalInfo{}, err
	}
	if t.Cols < 0 || t.Rows < 0 || t.Cols > 10000 || t.Rows > 10000 {
		return model.TerminalInfo{}, fmt.Errorf("invalid terminal size %dx%d", t.Cols, t.Rows)
	}
	a, err := terminal.CanExec(s.ctx, s.client, t.Namespace)
	if err != nil {
		return model.TerminalInfo{}, s.plugins.Explain(err)
	}
	if err := a.Err(); err != nil {
		return model.TerminalInfo{}, err
	}
	obj, err := s.access.Full(s.ctx, k, t.Namespace, t.Pod)
	if err != nil {
		return model.TerminalInfo{}, s.plugins.Explain(err)
	}
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return model.TerminalInfo{}, fmt.Errorf("pod %s/%s: unexpected object %T", t.Namespace, t.Pod, obj)
	}
	info := model.TerminalInfo{Namespace: t.Namespace, Pod: t.Pod, Container: t.Container,
		Containers: make([]string, 0, len(pod.Spec.Containers)), Command: t.Command, Generation: s.Generation}
	for _, c := range pod.Spec.Containers {
		info.Containers = append(info.Containers, c.Name)
	}
	if info.Container == "" {
		info.Container = defaultContainer(pod)
	}
	if !slices.Contains(info.Containers, info.Container) {
		return model.TerminalInfo{}, fmt.Errorf("pod %s/%s has no container %q", t.Namespace, t.Pod, info.Container)
	}
	if info.Command == nil {
		info.Command = []string{}
	}

	if err := s.startTerminal(&info, t.Command, t.Cols, t.Rows, nil); err != nil {
		return model.TerminalInfo{}, err
	}
	return info, nil
}

// startTerminal starts the terminal info describes (its ID is set here)
// running cmd (nil: the default shell) and holds it. held, if set, is
// called with the terminal while the session's lock is held and the
// session runs, so that what it registers (a node shell's pod) cannot be
// missed by Stop.
func (s *Session) startTerminal(info *model.TerminalInfo, cmd []string, cols, rows int, held func(*terminal.Terminal)) error {
	s.mu.Lock()
	switch {
	case s.stopped:
		s.mu.Unlock()
		return ErrStopped
	case len(s.terminals) >= MaxTerminals:
		s.mu.Unlock()
		return fmt.Errorf("too many terminals open at once (%d); close one", MaxTerminals)
	}
	id := s.newIDLocked("t")
	info.ID = id
	// Held until the terminal is in the map, so that Stop cannot miss it.
	defer s.mu.Unlock()
	term, err := terminal.Start(s.ctx, s.cfg, s.client, terminal.Options{
		Namespace: info.Namespace, Pod: info.Pod, Container: info.Container, Command: cmd,
		Cols: uint16(cols), Rows: uint16(rows),
		Output: func(c terminal.Chunk) {
			s.emit.Emit(model.EventTerminalOutput, model.TerminalOutput{ID: id, Generation: s.Generation,
				Seq: c.Seq, Data: c.Data})
		},
		End: func(e terminal.Ending) {
			s.emit.Emit(model.EventTerminalEnded, model.TerminalEnded{ID: id, Generation: s.Generation,
				Exited: e.Exited, ExitCode: e.ExitCode, Reason: s.plugins.ExplainText(e.Reason)})
		},
	})
	if err != nil {
		return err
	}
	s.terminals[id] = term
	if held != nil {
		held(term)
	}
	return nil
}

// validateCommand bounds an override command: at most 64 arguments of
// 4 KiB, the first not empty.
func validateCommand(cmd []string) error {
	if len(cmd) > 64 {
		return errors.New("invalid command: more than 64 arguments")
	}
	for i, a := range cmd {
		if len(a) > 4096 || i == 0 && a == "" {
			return fmt.Errorf("invalid command: argument %d is empty or longer than 4 KiB", i)
		}
	}
	return nil
}

// TerminalPod names the pod a terminal into an object opens in: a pod
// itself, or a Ready pod of a workload or Service (running, not being
// deleted, every container ready; the first by name, from the pods
// cache). It fails with the reason when the kind has no pods or none is
// Ready.
func (s *Session) TerminalPod(kind, namespace, name string) (string, error) {
	k, ns, name, err := s.Object(kind, namespace, name)
	if err != nil {
		return "", err
	}
	if k.OwnLogs {
		return name, nil
	}
	if k.PodSelector == nil {
		return "", fmt.Errorf("%s have no pods to open a terminal in", k.Label)
	}
	obj, err := s.access.Full(s.ctx, k, ns, name)
	if err != nil {
		return "", s.plugins.Explain(err)
	}
	sel := k.PodSelector(obj)
	if sel == nil {
		return "", fmt.Errorf("%s %s/%s selects no pods", k.APIKind, ns, name)
	}
	objs, err := s.access.List(s.ctx, kinds.Builtin(kinds.Pods), ns, sel.String())
	if err != nil {
		return "", s.plugins.Explain(err)
	}
	var ready []string
	for _, o := range objs {
		if p, ok := o.(*kinds.PodSummary); ok && podReady(p) {
			ready = append(ready, p.Name)
		}
	}
	if len(ready) == 0 {
		return "", fmt.Errorf("%s %s/%s has no Ready pod to open a terminal in", k.APIKind, ns, name)
	}
	return slices.Min(ready), nil
}

// podReady says a cached pod runs with every container ready.
func podReady(p *kinds.PodSummary) bool {
	if p.Phase != corev1.PodRunning || p.DeletionTimestamp != nil || len(p.Containers) == 0 {
		return false
	}
	for _, c := range p.Containers {
		if !c.Ready {
			return false
		}
	}
	return true
}

// defaultContainer is the container kubectl would exec into.
func defaultContainer(pod *corev1.Pod) string {
	if name := pod.Annotations[DefaultContainerAnnotation]; name != "" {
		return name
	}
	if len(pod.Spec.Containers) > 0 {
		return pod.Spec.Containers[0].Name
	}
	return ""
}

func (s *Session) terminal(id string, remove bool) (*terminal.Terminal, error) {
	return held(s, func(s *Session) map[string]*terminal.Terminal { return s.terminals }, "terminal", ErrNoTerminal, id, remove)
}

// TerminalInput sends input (keys typed, text pasted) to a terminal's
// command.
func (s *Session) TerminalInput(id, data string) error {
	t, err := s.terminal(id, false)
	if err != nil {
		return err
	}
	return t.Write([]byte(data))
}

// ResizeTerminal tells a terminal's command its new size.
func (s *Session) ResizeTerminal(id string, cols, rows int) error {
	if cols <= 0 || rows <= 0 || cols > 10000 || rows > 10000 {
		return fmt.Errorf("invalid terminal size %dx%d", cols, rows)
	}
	t, err := s.terminal(id, false)
	if err != nil {
		return err
	}
	t.Resize(uint16(cols), uint16(rows))
	return nil
}

// AckTerminal says the page has written a terminal's outputs up to seq:
// the terminal sends at most terminal.DefaultWindow outputs ahead of it.
func (s *Session) AckTerminal(id string, seq uint64) error {
	t, err := s.terminal(id, false)
	if err != nil {
		return err
	}
	t.Ack(seq)
	return nil
}

// CloseTerminal ends a terminal's stream; no event of it follows.
func (s *Session) CloseTerminal(id string) error {
	t, err := s.terminal(id, true)
	if err != nil {
		return err
	}
	t.Close()
	return nil
}

// CanExec reports whether the user may open terminals (create pods/exec)
// in namespace, and if not, why.
func (s *Session) CanExec(namespace string) (model.Permission, error) {
	return s.permission(terminal.CanExec(s.ctx, s.client, namespace))
}
