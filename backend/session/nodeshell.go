package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/nodeshell"
	"crowsnest/backend/settings"
	"crowsnest/backend/terminal"
)

// NodeShellConfig is how node shells work for one context (the settings).
type NodeShellConfig struct {
	// Enabled: node shells are off unless the user enabled them for the
	// context.
	Enabled bool
	// Image and Namespace of the pod; "" means the settings' defaults.
	Image, Namespace string
	// Shell replaces nodeshell.Shell as the terminal's command: tests on
	// the local control plane, where kwok runs an exec'd command on this
	// machine, not in a node's namespaces.
	Shell []string
	// RunTimeout bounds the wait for the pod to run; zero means
	// DefaultNodeShellRunTimeout.
	RunTimeout time.Duration
}

// Bounds of a node shell's life.
const (
	// DefaultNodeShellRunTimeout is how long a node shell's pod may take
	// to run (its image pulled on the node) before it is given up and
	// deleted.
	DefaultNodeShellRunTimeout = 2 * time.Minute
	// NodeShellDeleteTimeout bounds the deletion of a node shell's pod:
	// when its terminal ends, and when the session stops (a context
	// switch, quit), which waits for it.
	NodeShellDeleteTimeout = 5 * time.Second
	// nodeShellCreateTimeout bounds the creation of the pod. The request
	// does not end with the session: a pod the server created is always
	// known, so that it can be deleted.
	nodeShellCreateTimeout = 15 * time.Second
	// maxNodeShellPlans bounds the plans waiting for the user's answer;
	// the oldest goes first. A plan is used once, within nodeShellPlanTTL.
	maxNodeShellPlans = 8
	nodeShellPlanTTL  = 15 * time.Minute
	// maxLeftovers bounds the leftover pods listed.
	maxLeftovers = 100
)

// ErrNodeShellsOff is wrapped by the error for a node shell asked for in a
// context where the settings do not enable them.
var ErrNodeShellsOff = errors.New("node shells are off")

// nodeShellState is what a session holds of its node shells.
type nodeShellState struct {
	// plans are the pods shown to the user, by plan id.
	plans map[string]nodeShellPlan
	// pods are the pods this session created and has not yet deleted
	// ("namespace/name"): not leftovers.
	pods map[string]bool
	// user is who the API server says the user is, once asked.
	user      string
	userKnown bool
}

type nodeShellPlan struct {
	pod     *corev1.Pod
	planned time.Time
}

// nodeShellConfig is the context's node shell settings, defaults filled in.
func (s *Session) nodeShellConfig() NodeShellConfig {
	var c NodeShellConfig
	if s.nodeShellSettings != nil {
		c = s.nodeShellSettings(s.Context)
	}
	if c.Image == "" {
		c.Image = settings.DefaultNodeShellImage
	}
	if c.Namespace == "" {
		c.Namespace = settings.DefaultNodeShellNamespace
	}
	if len(c.Shell) == 0 {
		c.Shell = nodeshell.Shell
	}
	if c.RunTimeout <= 0 {
		c.RunTimeout = DefaultNodeShellRunTimeout
	}
	return c
}

func (s *Session) nodeShellsOff() error {
	return fmt.Errorf("%w for context %q: enable node shells for this context in Settings", ErrNodeShellsOff, s.Context)
}

// CanNodeShell reports whether the user may open node shells in this
// context, and if not, why: the settings enable them for the context, and
// the user may create, exec into, watch and delete pods in the node
// shells' namespace.
func (s *Session) CanNodeShell() (model.Permission, error) {
	c := s.nodeShellConfig()
	if !c.Enabled {
		return model.Permission{Reason: fmt.Sprintf("Enable node shells for context %s in Settings", s.Context)}, nil
	}
	if err := s.CheckWritable(); err != nil {
		return model.Permission{Reason: err.Error()}, nil
	}
	return s.permission(nodeshell.Review(s.ctx, s.client, c.Namespace))
}

// checkNodeShell refuses a node shell before anything is created: off in
// the settings, or an action the user may not do (apierrors.IsForbidden).
func (s *Session) checkNodeShell(c NodeShellConfig) error {
	if !c.Enabled {
		return s.nodeShellsOff()
	}
	if err := s.CheckWritable(); err != nil {
		return err
	}
	a, err := nodeshell.Review(s.ctx, s.client, c.Namespace)
	if err != nil {
		return s.plugins.Explain(err)
	}
	return a.Err()
}

// PlanNodeShell builds the pod a node shell on node would create and has
// the server check it in a dry run (admission included), so that the user
// sees exactly that pod, and any refusal, before anything exists. It fails
// when node shells are off for the context or the user may not create,
// exec into, watch or delete pods in their namespace. The plan is held
// (at most maxNodeShellPlans, each for nodeShellPlanTTL) for
// OpenNodeShell.
func (s *Session) PlanNodeShell(node string) (model.NodeShellPlan, error) {
	if s.isStopped() {
		return model.NodeShellPlan{}, ErrStopped
	}
	if err := ValidateName(kinds.Builtin(kinds.Nodes), "", node); err != nil {
		return model.NodeShellPlan{}, err
	}
	c := s.nodeShellConfig()
	if err := s.checkNodeShell(c); err != nil {
		return model.NodeShellPlan{}, err
	}
	n, err := s.client.CoreV1().Nodes().Get(s.ctx, node, metav1.GetOptions{})
	if err != nil {
		return model.NodeShellPlan{}, s.plugins.Explain(fmt.Errorf("read node %s: %w", node, err))
	}
	if nodeOS := n.Labels[corev1.LabelOSStable]; nodeOS != "" && nodeOS != "linux" {
		return model.NodeShellPlan{}, fmt.Errorf("node %s runs %s: a node shell needs a Linux node", node, nodeOS)
	}
	user := s.whoAmI()
	host, _ := os.Hostname()
	pod := nodeshell.Pod(nodeshell.Spec{Node: node, Namespace: c.Namespace, Image: c.Image, Suffix: rand.String(5),
		OpenedBy: user, Session: fmt.Sprintf("crowsnest on %s, context %s", orUnknown(host), s.Context)})
	_, warnings, err := s.createPod(s.ctx, pod, true)
	if err != nil {
		return model.NodeShellPlan{}, s.plugins.Explain(fmt.Errorf("the server refused the node shell pod in a dry run: %w", err))
	}
	text, err := nodeshell.YAML(pod)
	if err != nil {
		return model.NodeShellPlan{}, err
	}
	priv := nodeshell.PrivilegesOf(pod)
	ctr := pod.Spec.Containers[0]
	plan := model.NodeShellPlan{Generation: s.Generation, Context: s.Context, User: user, Node: node,
		Namespace: pod.Namespace, Pod: pod.Name, Image: ctr.Image,
		Privileged: priv.Privileged, HostPID: priv.HostPID, HostNetwork: priv.HostNetwork, HostIPC: priv.HostIPC,
		Tolerations: tolerations(pod.Spec.Tolerations), Command: slices.Clone(ctr.Command), Shell: slices.Clone(c.Shell),
		Labels: pod.Labels, Annotations: pod.Annotations, YAML: text, Warnings: warnings}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return model.NodeShellPlan{}, ErrStopped
	}
	if len(s.shells.plans) >= maxNodeShellPlans {
		oldest := ""
		for id, p := range s.shells.plans {
			if oldest == "" || p.planned.Before(s.shells.plans[oldest].planned) {
				oldest = id
			}
		}
		delete(s.shells.plans, oldest)
	}
	plan.ID = s.newIDLocked("p")
	s.shells.plans[plan.ID] = nodeShellPlan{pod: pod, planned: time.Now()}
	return plan, nil
}

// OpenNodeShell creates the pod of a plan (exactly that pod, with our
// field manager), waits until it runs, and opens a terminal in it with the
// shell (nsenter into the node's namespaces); the terminal is as
// OpenTerminal's, its Node set. The pod is deleted when the terminal ends
// (CloseTerminal, the command exiting, the stream failing) and when the
// session stops, which waits for the deletion (NodeShellDeleteTimeout). A
// pod that does not run within the timeout, or cannot (its image cannot
// be pulled), is deleted and the error says why. A plan is used once.
func (s *Session) OpenNodeShell(planID string, cols, rows int) (model.TerminalInfo, error) {
	if cols < 0 || rows < 0 || cols > 10000 || rows > 10000 {
		return model.TerminalInfo{}, fmt.Errorf("invalid terminal size %dx%d", cols, rows)
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return model.TerminalInfo{}, ErrStopped
	}
	plan, ok := s.shells.plans[planID]
	delete(s.shells.plans, planID)
	if ok && time.Since(plan.planned) > nodeShellPlanTTL {
		ok = false
	}
	if !ok {
		s.mu.Unlock()
		return model.TerminalInfo{}, fmt.Errorf("no node shell plan %q (it was used, or is older than %v): show the pod again", planID, nodeShellPlanTTL)
	}
	// Held until this call is done: Stop waits for it, so the pod it
	// creates is deleted before the session's connections close.
	s.shellsWG.Add(1)
	s.mu.Unlock()
	defer s.shellsWG.Done()

	c := s.nodeShellConfig()
	if err := s.checkNodeShell(c); err != nil {
		return model.TerminalInfo{}, err
	}
	key := plan.pod.Namespace + "/" + plan.pod.Name
	s.mu.Lock()
	s.shells.pods[key] = true
	s.mu.Unlock()
	forget := func() {
		s.mu.Lock()
		delete(s.shells.pods, key)
		s.mu.Unlock()
	}
	var created *corev1.Pod
	err := s.Do(Write{Verb: "create", Kind: kinds.Builtin(kinds.Pods), Namespace: plan.pod.Namespace, Names: []string{plan.pod.Name},
		Detail: "node shell on " + nodeshell.NodeOf(plan.pod) + " as " + s.knownUser()}, func(context.Context) error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), nodeShellCreateTimeout)
		defer cancel()
		var err error
		created, _, err = s.createPod(ctx, plan.pod, false)
		return err
	})
	if err != nil {
		forget()
		return model.TerminalInfo{}, fmt.Errorf("create node shell pod %s: %w", key, err)
	}
	if err := s.waitRunning(created, c.RunTimeout); err != nil {
		s.deleteNodeShellPod(created, true, "it did not run")
		forget()
		if s.ctx.Err() != nil {
			return model.TerminalInfo{}, ErrStopped
		}
		return model.TerminalInfo{}, s.plugins.Explain(fmt.Errorf("node shell pod %s did not run, so it was deleted: %w", key, err))
	}

	info := model.TerminalInfo{Namespace: created.Namespace, Pod: created.Name, Container: nodeshell.Container,
		Containers: []string{nodeshell.Container}, Command: slices.Clone(c.Shell), Generation: s.Generation,
		Node: nodeshell.NodeOf(created)}
	err = s.startTerminal(&info, c.Shell, cols, rows, func(t *terminal.Terminal) {
		// Under s.mu with the session running: Stop waits for this.
		s.shellsWG.Add(1)
		go func() {
			defer s.shellsWG.Done()
			<-t.Done()
			s.deleteNodeShellPod(created, false, "its terminal ended")
			forget()
		}()
	})
	if err != nil {
		s.deleteNodeShellPod(created, false, "its terminal did not start")
		forget()
		return model.TerminalInfo{}, err
	}
	return info, nil
}

// createPod creates pod (only checked by the server, with dryRun) with our
// field manager, and returns the server's answer and its warnings.
func (s *Session) createPod(ctx context.Context, pod *corev1.Pod, dryRun bool) (*corev1.Pod, []string, error) {
	opts := metav1.CreateOptions{FieldManager: nodeshell.FieldManager}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	var w warnings
	out := &corev1.Pod{}
	err := s.client.CoreV1().RESTClient().Post().Namespace(pod.Namespace).Resource("pods").
		VersionedParams(&opts, scheme.ParameterCodec).Body(pod).WarningHandler(&w).Do(ctx).Into(out)
	if err != nil {
		return nil, w.list, err
	}
	return out, w.list, nil
}

// warnings keeps the warnings of one response (at most 16, each cut to
// 1 KiB).
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.list) < 16 && text != "" {
		if len(text) > 1024 {
			text = text[:1024] + "…"
		}
		w.list = append(w.list, text)
	}
}

// stuckReasons are the waiting reasons of a container that will not start
// without someone changing something (another image, another node).
var stuckReasons = map[string]bool{
	"ErrImagePull": true, "ImagePullBackOff": true, "InvalidImageName": true, "ErrImageNeverPull": true,
	"CreateContainerConfigError": true, "CreateContainerError": true, "RunContainerError": true,
}

// waitRunning watches the pod from its creation until it runs, ends,
// cannot start (stuckReasons), is deleted, or the timeout passes.
func (s *Session) waitRunning(pod *corev1.Pod, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	sel := fields.OneTermEqualSelector("metadata.name", pod.Name).String()
	lw := &cache.ListWatch{WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
		o.FieldSelector = sel
		return s.client.CoreV1().Pods(pod.Namespace).Watch(ctx, o)
	}}
	rw, err := watchtools.NewRetryWatcherWithContext(ctx, pod.ResourceVersion, lw)
	if err != nil {
		return err
	}
	// The watcher's goroutine has ended when this returns.
	defer func() {
		rw.Stop()
		<-rw.Done()
	}()
	var last *corev1.Pod
	_, err = watchtools.UntilWithoutRetry(ctx, rw, func(ev watch.Event) (bool, error) {
		switch ev.Type {
		case watch.Deleted:
			return false, errors.New("it was deleted")
		case watch.Error:
			return false, apierrors.FromObject(ev.Object)
		}
		p, ok := ev.Object.(*corev1.Pod)
		if !ok || p.UID != pod.UID {
			return false, nil
		}
		last = p
		switch p.Status.Phase {
		case corev1.PodRunning:
			return true, nil
		case corev1.PodSucceeded, corev1.PodFailed:
			return false, fmt.Errorf("it ended (%s) %s", p.Status.Phase, p.Status.Message)
		}
		for _, cs := range p.Status.ContainerStatuses {
			if w := cs.State.Waiting; w != nil && stuckReasons[w.Reason] {
				return false, fmt.Errorf("its container cannot start: %s: %s (another image can be set in Settings)", w.Reason, w.Message)
			}
		}
		return false, nil
	})
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && s.ctx.Err() == nil {
		why := "still Pending"
		if last != nil {
			why = "still " + string(last.Status.Phase)
			for _, c := range last.Status.Conditions {
				if c.Status != corev1.ConditionTrue && c.Message != "" {
					why += ": " + c.Message
					break
				}
			}
		}
		return fmt.Errorf("not running after %v (%s)", timeout, why)
	}
	return err
}

// deleteNodeShellPod deletes a node shell's pod (exactly that one: its
// UID), within NodeShellDeleteTimeout, on a context the session's end
// does not cancel. It undoes the session's own write, so it is not a
// write Do guards: it runs in a context made read-only since, and while
// the session stops. A pod that never ran goes at once (no grace period:
// no process of it runs, and a node that never started it may never
// confirm a graceful deletion).
func (s *Session) deleteNodeShellPod(pod *corev1.Pod, neverRan bool, why string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.ctx), NodeShellDeleteTimeout)
	defer cancel()
	opts := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pod.UID}}
	if neverRan {
		zero := int64(0)
		opts.GracePeriodSeconds = &zero
	}
	err := s.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, opts)
	if apierrors.IsNotFound(err) {
		err = nil
	}
	if err != nil {
		err = s.plugins.Explain(err)
	}
	s.record(Write{Verb: "delete", Kind: kinds.Builtin(kinds.Pods), Namespace: pod.Namespace, Names: []string{pod.Name},
		Detail: "node shell pod on " + nodeshell.NodeOf(pod) + ": " + why}, err)
}

// whoAmI asks the API server once who the user is (a SelfSubjectReview);
// "" when it cannot say.
func (s *Session) whoAmI() string {
	s.mu.Lock()
	if s.shells.userKnown {
		defer s.mu.Unlock()
		return s.shells.user
	}
	s.mu.Unlock()
	r, err := s.client.AuthenticationV1().SelfSubjectReviews().Create(s.ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	user := ""
	if err == nil {
		user = r.Status.UserInfo.Username
	} else if s.ctx.Err() == nil {
		slog.Debug("who am I", "context", s.Context, "error", s.plugins.ExplainText(err.Error()))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shells.user, s.shells.userKnown = user, true
	return user
}

func (s *Session) knownUser() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shells.user
}

// NodeShellLeftovers lists the node shell pods that no terminal of this
// session holds (left by an app that crashed or lost the cluster, or
// opened by another app: each says who opened it): one LIST by label
// across all namespaces, served from the API server's cache, or in the
// node shells' namespace when the user may not list pods everywhere.
func (s *Session) NodeShellLeftovers() (model.NodeShellLeftovers, error) {
	if s.isStopped() {
		return model.NodeShellLeftovers{}, ErrStopped
	}
	out := model.NodeShellLeftovers{Generation: s.Generation, Pods: []model.NodeShellPod{}, Scope: "all namespaces"}
	opts := metav1.ListOptions{LabelSelector: nodeshell.LabelNode + "," + nodeshell.LabelManagedBy + "=" + nodeshell.ManagedBy,
		ResourceVersion: "0"}
	list, err := s.client.CoreV1().Pods("").List(s.ctx, opts)
	if apierrors.IsForbidden(err) {
		ns := s.nodeShellConfig().Namespace
		out.Scope = "namespace " + ns
		list, err = s.client.CoreV1().Pods(ns).List(s.ctx, opts)
		if apierrors.IsForbidden(err) {
			out.Scope = "nowhere: you may not list pods in namespace " + ns
			return out, nil
		}
	}
	if err != nil {
		return model.NodeShellLeftovers{}, s.plugins.Explain(fmt.Errorf("list node shell pods: %w", err))
	}
	s.mu.Lock()
	mine := make(map[string]bool, len(s.shells.pods))
	for k := range s.shells.pods {
		mine[k] = true
	}
	s.mu.Unlock()
	for i := range list.Items {
		p := &list.Items[i]
		if !nodeshell.IsNodeShell(p) || mine[p.Namespace+"/"+p.Name] {
			continue
		}
		if len(out.Pods) == maxLeftovers {
			out.More = true
			break
		}
		out.Pods = append(out.Pods, model.NodeShellPod{Namespace: p.Namespace, Name: p.Name, Node: nodeshell.NodeOf(p),
			Phase: string(p.Status.Phase), Created: p.CreationTimestamp.Unix(), OpenedBy: p.Annotations[nodeshell.AnnotationOpenedBy],
			Session: p.Annotations[nodeshell.AnnotationSession], Deleting: p.DeletionTimestamp != nil})
	}
	slices.SortFunc(out.Pods, func(a, b model.NodeShellPod) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	if len(out.Pods) > 0 {
		slog.Info("node shell pods left over", "context", s.Context, "count", len(out.Pods), "scope", out.Scope)
	}
	return out, nil
}

// DeleteNodeShellPod deletes one leftover node shell pod, on the user's
// confirmed request. Only a node shell's pod (its labels) is deleted, and
// not one of this session's open node shells (closing its terminal does
// that).
func (s *Session) DeleteNodeShellPod(namespace, name string) error {
	if s.isStopped() {
		return ErrStopped
	}
	if err := ValidateName(kinds.Builtin(kinds.Pods), namespace, name); err != nil {
		return err
	}
	s.mu.Lock()
	open := s.shells.pods[namespace+"/"+name]
	s.mu.Unlock()
	if open {
		return fmt.Errorf("pod %s/%s is an open node shell of this window: close its terminal", namespace, name)
	}
	pod, err := s.client.CoreV1().Pods(namespace).Get(s.ctx, name, metav1.GetOptions{})
	if err != nil {
		return s.plugins.Explain(fmt.Errorf("read pod %s/%s: %w", namespace, name, err))
	}
	if !nodeshell.IsNodeShell(pod) {
		return fmt.Errorf("pod %s/%s: %w", namespace, name, nodeshell.ErrNotNodeShell)
	}
	uid := pod.UID
	return s.Do(Write{Verb: "delete", Kind: kinds.Builtin(kinds.Pods), Namespace: namespace, Names: []string{name},
		Detail: "leftover node shell on " + nodeshell.NodeOf(pod)}, func(ctx context.Context) error {
		err := s.client.CoreV1().Pods(namespace).Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("delete pod %s/%s: %w", namespace, name, err)
		}
		return nil
	})
}

// tolerations says which taints a pod tolerates, in words.
func tolerations(ts []corev1.Toleration) string {
	var out []string
	for _, t := range ts {
		if t.Key == "" && t.Operator == corev1.TolerationOpExists {
			return "every taint"
		}
		s := t.Key
		if t.Value != "" {
			s += "=" + t.Value
		}
		if t.Effect != "" {
			s += ":" + string(t.Effect)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown host"
	}
	return s
}

func (s *Session) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}
