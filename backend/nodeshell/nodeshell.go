// Package nodeshell describes the pod of a node shell: a privileged pod
// pinned to one node, sharing the node's PID, network and IPC namespaces,
// in which a terminal runs nsenter into the namespaces of the node's PID 1
// (its init), which gives a root shell on the node itself. It builds the
// pod and says what the user must be allowed to do; creating it, waiting
// for it, the terminal and deleting it are the session's.
//
// Everything here is a pure function of its arguments, so the pod the page
// shows before it is created is exactly the pod that is created.
package nodeshell

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"crowsnest/backend/access"
	"crowsnest/backend/terminal"
)

// Labels and annotations every node shell pod carries. The node label
// finds them (leftovers after a crash); the annotations say who opened
// them, from where, and the node's full name (a label value holds at most
// 63 characters).
const (
	LabelNode          = "crowsnest.dev/node-shell"
	LabelManagedBy     = "app.kubernetes.io/managed-by"
	ManagedBy          = "crowsnest"
	AnnotationNode     = "crowsnest.dev/node"
	AnnotationOpenedBy = "crowsnest.dev/opened-by"
	AnnotationSession  = "crowsnest.dev/session"
)

// FieldManager names Crowsnest as the writer of what it creates.
const FieldManager = "crowsnest"

// Container is the name of the pod's one container.
const Container = "shell"

// NamePrefix starts every node shell pod's name.
const NamePrefix = "crowsnest-node-shell-"

// KeepAlive is the pod's own command: it only keeps the pod running for
// the terminal to exec into. It ends by itself after a day, so a pod left
// behind by a crash stops running even if nobody deletes it (the pod never
// restarts). With hostPID it is not PID 1 of its own namespace, so the
// TERM of a deletion ends it at once.
var KeepAlive = []string{"sleep", "86400"}

// Shell is what the terminal runs in the pod: nsenter into the mount, UTS,
// IPC, network and PID namespaces of the node's PID 1, then bash where the
// node has it, else sh.
var Shell = []string{"nsenter", "-t", "1", "-m", "-u", "-i", "-n", "-p", "--",
	"sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash || exec sh"}

// Spec is what a node shell pod is built from.
type Spec struct {
	Node      string
	Namespace string
	Image     string
	// Suffix makes the name unique: a few random lower-case letters and
	// digits.
	Suffix string
	// OpenedBy is the user the API server knows ("" if it did not say);
	// Session says which app and context opened it.
	OpenedBy string
	Session  string
}

// Name is a node shell pod's name: the prefix, the node (cut so that the
// name stays within 63 characters) and the suffix.
func Name(node, suffix string) string {
	room := validation.DNS1123LabelMaxLength - len(NamePrefix) - 1 - len(suffix)
	part := strings.ToLower(node)
	if len(part) > room {
		part = part[:room]
	}
	part = strings.TrimRight(part, ".-")
	return NamePrefix + part + "-" + suffix
}

// LabelValue is the node label's value: the node's name, cut to a valid
// label value when it is longer than 63 characters.
func LabelValue(node string) string {
	v := node
	if len(v) > validation.LabelValueMaxLength {
		v = v[:validation.LabelValueMaxLength]
	}
	return strings.TrimRight(v, ".-_")
}

// Pod builds the pod of a node shell: pinned to the node (no scheduler,
// so it runs even on a cordoned node), tolerating every taint, sharing
// the node's PID, network and IPC namespaces, its container privileged,
// no service account token mounted, never restarted.
func Pod(s Spec) *corev1.Pod {
	yes := true
	no := false
	grace := int64(1)
	annotations := map[string]string{AnnotationNode: s.Node}
	if s.OpenedBy != "" {
		annotations[AnnotationOpenedBy] = s.OpenedBy
	}
	if s.Session != "" {
		annotations[AnnotationSession] = s.Session
	}
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        Name(s.Node, s.Suffix),
			Namespace:   s.Namespace,
			Labels:      map[string]string{LabelManagedBy: ManagedBy, LabelNode: LabelValue(s.Node)},
			Annotations: annotations,
		},
		Spec: corev1.PodSpec{
			NodeName:                      s.Node,
			HostPID:                       true,
			HostNetwork:                   true,
			HostIPC:                       true,
			Tolerations:                   []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			RestartPolicy:                 corev1.RestartPolicyNever,
			TerminationGracePeriodSeconds: &grace,
			AutomountServiceAccountToken:  &no,
			EnableServiceLinks:            &no,
			Containers: []corev1.Container{{
				Name:            Container,
				Image:           s.Image,
				ImagePullPolicy: corev1.PullIfNotPresent,
				Command:         KeepAlive,
				SecurityContext: &corev1.SecurityContext{Privileged: &yes},
			}},
		},
	}
}

// YAML is the pod as the page shows it before creating it: the object
// sent, without the empty status and creation time of an object not yet
// created.
func YAML(pod *corev1.Pod) (string, error) {
	out, err := yaml.Marshal(pod)
	if err != nil {
		return "", fmt.Errorf("pod %s/%s as YAML: %w", pod.Namespace, pod.Name, err)
	}
	lines := strings.Split(string(out), "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l == "status: {}" || l == "  creationTimestamp: null" {
			continue
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, "\n"), nil
}

// Privileges are what a node shell pod may do on its node, read back from
// the pod itself.
type Privileges struct {
	Privileged, HostPID, HostNetwork, HostIPC bool
}

// PrivilegesOf reads a pod's privileges.
func PrivilegesOf(pod *corev1.Pod) Privileges {
	p := Privileges{HostPID: pod.Spec.HostPID, HostNetwork: pod.Spec.HostNetwork, HostIPC: pod.Spec.HostIPC}
	for _, c := range pod.Spec.Containers {
		if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
			p.Privileged = true
		}
	}
	return p
}

// Actions are what opening a node shell is authorized as, in a namespace:
// creating the pod, exec into it, watching it start and deleting it.
var Actions = []access.Action{
	{What: "create pods", Verb: "create", Resource: "pods"},
	terminal.Exec,
	{What: "watch pods", Verb: "watch", Resource: "pods"},
	{What: "delete pods", Verb: "delete", Resource: "pods"},
}

// Review asks the API server whether the user may do every Action in
// namespace and returns the first denied, or the last allowed. The error
// is for a review that failed, not for a denial.
func Review(ctx context.Context, client kubernetes.Interface, namespace string) (access.Answer, error) {
	var a access.Answer
	for _, action := range Actions {
		var err error
		if a, err = access.Review(ctx, client, action, namespace); err != nil || !a.Allowed {
			return a, err
		}
	}
	return a, nil
}

// ErrNotNodeShell is wrapped by the error for a pod that is not a node
// shell's (the page may delete only those).
var ErrNotNodeShell = errors.New("not a node shell pod")

// IsNodeShell says whether a pod is a node shell's: it carries the node
// label and the managed-by label.
func IsNodeShell(pod *corev1.Pod) bool {
	_, ok := pod.Labels[LabelNode]
	return ok && pod.Labels[LabelManagedBy] == ManagedBy
}

// NodeOf is the node a node shell pod was made for.
func NodeOf(pod *corev1.Pod) string {
	if n := pod.Annotations[AnnotationNode]; n != "" {
		return n
	}
	if pod.Spec.NodeName != "" {
		return pod.Spec.NodeName
	}
	return pod.Labels[LabelNode]
}
