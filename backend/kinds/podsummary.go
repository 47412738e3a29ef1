package kinds

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// PodSummary is what the cache keeps of a pod: what its row shows (status
// as kubectl derives it, ready count, restarts, node, images, IP) and what
// the owner, node and label indexes, selectors and the views' resourceVersion
// check read. A decoded Pod with its spec and status structs weighs several
// kilobytes even when slimmed; this is a few hundred bytes. Annotations,
// env, probes, volumes, conditions and the rest are read from the API by
// the details view.
//
// Its ObjectMeta holds only name, namespace, UID, resourceVersion,
// creation and deletion times, labels and owner references (and, on the
// bookmark that ends a watch list, the annotation that marks it).
type PodSummary struct {
	metav1.ObjectMeta
	NodeName string
	Phase    corev1.PodPhase
	Reason   string
	IP       string
	// Containers and InitContainers follow the spec's order, each with its
	// status merged in (HasStatus is false until the kubelet reports one).
	Containers     []ContainerSummary
	InitContainers []ContainerSummary
	// Resources are the sums of the containers' requests and limits that
	// the usage columns divide by (usage.go).
	Resources PodResources
}

// ContainerSummary is one container of a PodSummary.
type ContainerSummary struct {
	Name      string
	Image     string
	HasStatus bool
	Ready     bool
	Restarts  int32
	State     ContainerState
	// Reason is the waiting or terminated reason (CrashLoopBackOff,
	// Completed...); ExitCode is set when terminated.
	Reason   string
	ExitCode int32
}

// ContainerState is a container's state in its last status.
type ContainerState uint8

// Container states.
const (
	ContainerUnknown ContainerState = iota
	ContainerRunning
	ContainerWaiting
	ContainerTerminated
)

// SummarizePod makes the cached summary of a pod; intern (nil: none)
// shares the strings that thousands of pods repeat.
func SummarizePod(p *corev1.Pod, intern func(string) string) *PodSummary {
	in := interner(intern)
	var labels map[string]string
	if len(p.Labels) > 0 {
		labels = make(map[string]string, len(p.Labels))
		for k, v := range p.Labels {
			labels[in.str(k)] = in.str(v)
		}
	}
	var owners []metav1.OwnerReference
	if len(p.OwnerReferences) > 0 {
		owners = make([]metav1.OwnerReference, len(p.OwnerReferences))
		for i, o := range p.OwnerReferences {
			owners[i] = metav1.OwnerReference{APIVersion: in.str(o.APIVersion), Kind: in.str(o.Kind), Name: o.Name,
				UID: o.UID, Controller: o.Controller}
		}
	}
	var annotations map[string]string
	if v, ok := p.Annotations[metav1.InitialEventsAnnotationKey]; ok {
		annotations = map[string]string{metav1.InitialEventsAnnotationKey: v} // a watch-list bookmark
	}
	return &PodSummary{
		ObjectMeta: metav1.ObjectMeta{
			Name: p.Name, Namespace: in.str(p.Namespace), UID: p.UID, ResourceVersion: p.ResourceVersion,
			CreationTimestamp: p.CreationTimestamp, DeletionTimestamp: p.DeletionTimestamp,
			Labels: labels, Annotations: annotations, OwnerReferences: owners,
		},
		NodeName:       in.str(p.Spec.NodeName),
		Phase:          p.Status.Phase,
		Reason:         in.str(p.Status.Reason),
		IP:             p.Status.PodIP,
		Containers:     summarizeContainers(p.Spec.Containers, p.Status.ContainerStatuses, in),
		InitContainers: summarizeContainers(p.Spec.InitContainers, p.Status.InitContainerStatuses, in),
		Resources:      podResources(&p.Spec),
	}
}

func summarizeContainers(spec []corev1.Container, statuses []corev1.ContainerStatus, in interner) []ContainerSummary {
	if len(spec) == 0 {
		return nil
	}
	out := make([]ContainerSummary, len(spec))
	for i, c := range spec {
		out[i] = ContainerSummary{Name: in.str(c.Name), Image: in.str(c.Image)}
		for _, s := range statuses {
			if s.Name != c.Name {
				continue
			}
			cs := &out[i]
			cs.HasStatus, cs.Ready, cs.Restarts = true, s.Ready, s.RestartCount
			switch {
			case s.State.Running != nil:
				cs.State = ContainerRunning
			case s.State.Waiting != nil:
				cs.State, cs.Reason = ContainerWaiting, in.str(s.State.Waiting.Reason)
			case s.State.Terminated != nil:
				cs.State, cs.Reason, cs.ExitCode = ContainerTerminated, in.str(s.State.Terminated.Reason), s.State.Terminated.ExitCode
			}
			break
		}
	}
	return out
}

// PodSummary is a runtime.Object so that the pods informer's reflector can
// receive it straight from the watch (the informer package's podwire.go).
var (
	_ runtime.Object = (*PodSummary)(nil)
	_ runtime.Object = (*PodSummaryList)(nil)
)

// GetObjectKind implements runtime.Object; a summary carries no TypeMeta.
func (p *PodSummary) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject implements runtime.Object.
func (p *PodSummary) DeepCopyObject() runtime.Object {
	if p == nil {
		return nil
	}
	c := *p
	p.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	c.Containers = slices.Clone(p.Containers)
	c.InitContainers = slices.Clone(p.InitContainers)
	return &c
}

// PodSummaryList is a page of pods as summaries (a LIST answer).
type PodSummaryList struct {
	metav1.ListMeta
	Items []PodSummary
}

// GetObjectKind implements runtime.Object.
func (l *PodSummaryList) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject implements runtime.Object.
func (l *PodSummaryList) DeepCopyObject() runtime.Object {
	if l == nil {
		return nil
	}
	c := &PodSummaryList{Items: make([]PodSummary, len(l.Items))}
	l.ListMeta.DeepCopyInto(&c.ListMeta)
	for i := range l.Items {
		c.Items[i] = *l.Items[i].DeepCopyObject().(*PodSummary)
	}
	return c
}

// SummarizePodList summarizes a decoded PodList.
func SummarizePodList(l *corev1.PodList, intern func(string) string) *PodSummaryList {
	out := &PodSummaryList{ListMeta: l.ListMeta, Items: make([]PodSummary, len(l.Items))}
	for i := range l.Items {
		out.Items[i] = *SummarizePod(&l.Items[i], intern)
	}
	return out
}

// interner is an optional string interning function.
type interner func(string) string

func (in interner) str(s string) string {
	if in == nil {
		return s
	}
	return in(s)
}
