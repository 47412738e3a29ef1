package dao

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/informer"
	"crowsnest/backend/model"
)

// Full returns an object with everything the details panel shows. Cached
// pods are slimmed (no annotations, conditions or ports), so a Pod is read
// from the API; other kinds come from Get. Secrets stay metadata-only.
func (a *Access) Full(ctx context.Context, k informer.Kind, ns, name string) (any, error) {
	if k != informer.Pods {
		return a.Get(ctx, k, ns, name)
	}
	u, err := a.getUnstructured(ctx, k, ns, name)
	if err != nil {
		return nil, err
	}
	obj, err := typed(u)
	if err != nil {
		return nil, err
	}
	if m, err := meta.Accessor(obj); err == nil {
		m.SetManagedFields(nil)
	}
	return obj, nil
}

// Describe fills the parts of d that come from the object itself: its
// annotations (never a last-applied-configuration), summary facts,
// conditions and containers.
func Describe(obj any, d *model.Details) {
	d.Summary, d.Conditions, d.Containers = []model.Field{}, []model.Condition{}, []model.Container{}
	if m, err := meta.Accessor(obj); err == nil {
		if a := m.GetAnnotations(); len(a) > 0 {
			d.Annotations = make(map[string]string, len(a))
			for k, v := range a {
				if k != corev1.LastAppliedConfigAnnotation {
					d.Annotations[k] = v
				}
			}
		}
	}
	f := facts{}
	switch o := obj.(type) {
	case *corev1.Pod:
		f.add("Node", o.Spec.NodeName)
		f.add("Pod IP", o.Status.PodIP)
		f.add("Host IP", o.Status.HostIP)
		f.add("QoS class", string(o.Status.QOSClass))
		f.add("Service account", o.Spec.ServiceAccountName)
		f.add("Priority class", o.Spec.PriorityClassName)
		f.add("Restart policy", string(o.Spec.RestartPolicy))
		f.add("Reason", o.Status.Reason)
		f.add("Message", o.Status.Message)
		d.Conditions = podConditions(o.Status.Conditions)
		d.Containers = podContainers(o)
	case *appsv1.Deployment:
		f.add("Replicas", replicaFacts(o.Spec.Replicas, o.Status.ReadyReplicas, o.Status.UpdatedReplicas, o.Status.AvailableReplicas))
		f.add("Strategy", string(o.Spec.Strategy.Type))
		f.add("Selector", selectorText(o.Spec.Selector))
		f.add("Paused", yes(o.Spec.Paused))
		d.Conditions = conditions(o.Status.Conditions, func(c appsv1.DeploymentCondition) model.Condition {
			return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
		})
		d.Containers = templateContainers(o.Spec.Template.Spec)
	case *appsv1.ReplicaSet:
		f.add("Replicas", fmt.Sprintf("%d desired, %d ready, %d available", deref(o.Spec.Replicas), o.Status.ReadyReplicas, o.Status.AvailableReplicas))
		f.add("Selector", selectorText(o.Spec.Selector))
		d.Conditions = conditions(o.Status.Conditions, func(c appsv1.ReplicaSetCondition) model.Condition {
			return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
		})
		d.Containers = templateContainers(o.Spec.Template.Spec)
	case *appsv1.StatefulSet:
		f.add("Replicas", fmt.Sprintf("%d desired, %d ready, %d updated", deref(o.Spec.Replicas), o.Status.ReadyReplicas, o.Status.UpdatedReplicas))
		f.add("Service", o.Spec.ServiceName)
		f.add("Update strategy", string(o.Spec.UpdateStrategy.Type))
		f.add("Selector", selectorText(o.Spec.Selector))
		d.Conditions = conditions(o.Status.Conditions, func(c appsv1.StatefulSetCondition) model.Condition {
			return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
		})
		d.Containers = templateContainers(o.Spec.Template.Spec)
	case *appsv1.DaemonSet:
		f.add("Pods", fmt.Sprintf("%d desired, %d ready, %d up to date, %d available", o.Status.DesiredNumberScheduled, o.Status.NumberReady, o.Status.UpdatedNumberScheduled, o.Status.NumberAvailable))
		f.add("Update strategy", string(o.Spec.UpdateStrategy.Type))
		f.add("Selector", selectorText(o.Spec.Selector))
		d.Conditions = conditions(o.Status.Conditions, func(c appsv1.DaemonSetCondition) model.Condition {
			return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
		})
		d.Containers = templateContainers(o.Spec.Template.Spec)
	case *batchv1.Job:
		f.add("Completions", fmt.Sprintf("%d/%d", o.Status.Succeeded, deref(o.Spec.Completions)))
		f.add("Parallelism", strconv.Itoa(int(deref(o.Spec.Parallelism))))
		f.add("Active", strconv.Itoa(int(o.Status.Active)))
		f.add("Failed", strconv.Itoa(int(o.Status.Failed)))
		if o.Spec.BackoffLimit != nil {
			f.add("Backoff limit", strconv.Itoa(int(*o.Spec.BackoffLimit)))
		}
		d.Conditions = conditions(o.Status.Conditions, func(c batchv1.JobCondition) model.Condition {
			return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
		})
		d.Containers = templateContainers(o.Spec.Template.Spec)
	case *batchv1.CronJob:
		f.add("Schedule", o.Spec.Schedule)
		if o.Spec.TimeZone != nil {
			f.add("Time zone", *o.Spec.TimeZone)
		}
		f.add("Suspended", yes(o.Spec.Suspend != nil && *o.Spec.Suspend))
		f.add("Concurrency policy", string(o.Spec.ConcurrencyPolicy))
		if t := o.Status.LastScheduleTime; t != nil {
			f.add("Last schedule", t.UTC().Format("2006-01-02 15:04:05 MST"))
		}
		f.add("Active jobs", strconv.Itoa(len(o.Status.Active)))
		d.Containers = templateContainers(o.Spec.JobTemplate.Spec.Template.Spec)
	case *corev1.Service:
		f.add("Type", string(o.Spec.Type))
		f.add("Cluster IP", o.Spec.ClusterIP)
		f.add("External IPs", strings.Join(o.Spec.ExternalIPs, ", "))
		ports := make([]string, len(o.Spec.Ports))
		for i, p := range o.Spec.Ports {
			ports[i] = fmt.Sprintf("%d→%s/%s", p.Port, p.TargetPort.String(), p.Protocol)
			if p.Name != "" {
				ports[i] += " (" + p.Name + ")"
			}
		}
		f.add("Ports", strings.Join(ports, ", "))
		f.add("Selector", mapText(o.Spec.Selector))
		f.add("Session affinity", string(o.Spec.SessionAffinity))
	case *networkingv1.Ingress:
		if o.Spec.IngressClassName != nil {
			f.add("Class", *o.Spec.IngressClassName)
		}
		var rules []string
		for _, r := range o.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for _, p := range r.HTTP.Paths {
				to := ""
				if p.Backend.Service != nil {
					to = p.Backend.Service.Name
				}
				rules = append(rules, fmt.Sprintf("%s%s → %s", orStar(r.Host), p.Path, to))
			}
		}
		f.add("Rules", strings.Join(rules, ", "))
		f.add("TLS", yes(len(o.Spec.TLS) > 0))
	case *corev1.Node:
		f.add("Kubelet", o.Status.NodeInfo.KubeletVersion)
		f.add("OS image", o.Status.NodeInfo.OSImage)
		f.add("Architecture", o.Status.NodeInfo.Architecture)
		f.add("Container runtime", o.Status.NodeInfo.ContainerRuntimeVersion)
		for _, addr := range o.Status.Addresses {
			f.add(string(addr.Type), addr.Address)
		}
		f.add("CPU", o.Status.Capacity.Cpu().String())
		f.add("Memory", o.Status.Capacity.Memory().String())
		f.add("Pods", o.Status.Capacity.Pods().String())
		f.add("Unschedulable", yes(o.Spec.Unschedulable))
		var taints []string
		for _, t := range o.Spec.Taints {
			taints = append(taints, t.ToString())
		}
		f.add("Taints", strings.Join(taints, ", "))
		d.Conditions = conditions(o.Status.Conditions, func(c corev1.NodeCondition) model.Condition {
			return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
		})
	case *corev1.Namespace:
		f.add("Phase", string(o.Status.Phase))
	case *corev1.ConfigMap:
		f.add("Keys", keysText(o.Data, o.BinaryData))
	case *metav1.PartialObjectMetadata: // Secrets: the cache never holds their values
		f.add("Values", "hidden; reveal one value at a time")
	case *corev1.PersistentVolumeClaim:
		f.add("Phase", string(o.Status.Phase))
		f.add("Volume", o.Spec.VolumeName)
		if o.Spec.StorageClassName != nil {
			f.add("Storage class", *o.Spec.StorageClassName)
		}
		if q, ok := o.Status.Capacity[corev1.ResourceStorage]; ok {
			f.add("Capacity", q.String())
		}
		modes := make([]string, len(o.Spec.AccessModes))
		for i, m := range o.Spec.AccessModes {
			modes[i] = string(m)
		}
		f.add("Access modes", strings.Join(modes, ", "))
		d.Conditions = conditions(o.Status.Conditions, func(c corev1.PersistentVolumeClaimCondition) model.Condition {
			return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
		})
	case *corev1.Event:
		f.add("Type", o.Type)
		f.add("Reason", o.Reason)
		f.add("Object", fmt.Sprintf("%s %s", o.InvolvedObject.Kind, o.InvolvedObject.Name))
		f.add("Count", strconv.Itoa(int(o.Count)))
		f.add("Source", o.Source.Component)
		f.add("Message", o.Message)
	}
	d.Summary = f
}

// facts collects summary fields, leaving out empty values.
type facts []model.Field

func (f *facts) add(label, value string) {
	if value != "" {
		*f = append(*f, model.Field{Label: label, Value: value})
	}
}

func cond(typ, status, reason, msg string, t metav1.Time) model.Condition {
	c := model.Condition{Type: typ, Status: status, Reason: reason, Message: msg}
	if !t.IsZero() {
		c.LastTransition = t.Unix()
	}
	return c
}

func conditions[C any](in []C, conv func(C) model.Condition) []model.Condition {
	out := make([]model.Condition, len(in))
	for i, c := range in {
		out[i] = conv(c)
	}
	return out
}

func podConditions(in []corev1.PodCondition) []model.Condition {
	return conditions(in, func(c corev1.PodCondition) model.Condition {
		return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
	})
}

func podContainers(p *corev1.Pod) []model.Container {
	statuses := map[string]corev1.ContainerStatus{}
	for _, s := range p.Status.InitContainerStatuses {
		statuses["init/"+s.Name] = s
	}
	for _, s := range p.Status.ContainerStatuses {
		statuses[s.Name] = s
	}
	out := make([]model.Container, 0, len(p.Spec.InitContainers)+len(p.Spec.Containers))
	for _, c := range p.Spec.InitContainers {
		mc := container(c, true)
		fillState(&mc, statuses["init/"+c.Name])
		out = append(out, mc)
	}
	for _, c := range p.Spec.Containers {
		mc := container(c, false)
		fillState(&mc, statuses[c.Name])
		out = append(out, mc)
	}
	return out
}

func templateContainers(spec corev1.PodSpec) []model.Container {
	out := make([]model.Container, 0, len(spec.InitContainers)+len(spec.Containers))
	for _, c := range spec.InitContainers {
		out = append(out, container(c, true))
	}
	for _, c := range spec.Containers {
		out = append(out, container(c, false))
	}
	return out
}

func container(c corev1.Container, init bool) model.Container {
	mc := model.Container{Name: c.Name, Image: c.Image, Init: init}
	for _, p := range c.Ports {
		s := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)
		if p.Name != "" {
			s += " (" + p.Name + ")"
		}
		mc.Ports = append(mc.Ports, s)
	}
	return mc
}

func fillState(mc *model.Container, s corev1.ContainerStatus) {
	mc.Ready, mc.Restarts = s.Ready, s.RestartCount
	switch st := s.State; {
	case st.Running != nil:
		mc.State = "Running"
	case st.Waiting != nil:
		mc.State = "Waiting: " + orDash(st.Waiting.Reason)
	case st.Terminated != nil:
		mc.State = "Terminated: " + orDash(st.Terminated.Reason)
		if st.Terminated.ExitCode != 0 {
			mc.State += fmt.Sprintf(" (exit %d)", st.Terminated.ExitCode)
		}
	}
}

func replicaFacts(desired *int32, ready, updated, available int32) string {
	return fmt.Sprintf("%d desired, %d ready, %d up to date, %d available", deref(desired), ready, updated, available)
}

func selectorText(s *metav1.LabelSelector) string {
	if s == nil {
		return ""
	}
	return metav1.FormatLabelSelector(s)
}

func mapText(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func keysText(data map[string]string, binary map[string][]byte) string {
	keys := make([]string, 0, len(data)+len(binary))
	for k := range data {
		keys = append(keys, k)
	}
	for k := range binary {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func deref(p *int32) int32 {
	if p == nil {
		return 1 // the API's default for replicas, completions and parallelism
	}
	return *p
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orStar(host string) string {
	if host == "" {
		return "*"
	}
	return host
}
