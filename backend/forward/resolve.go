package forward

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"crowsnest/backend/kinds"
)

// ParsePort reads a port as the user gave it: a number (1–65535) or a
// port's name (an IANA service name, as container and Service ports are
// named).
func ParsePort(s string) (intstr.IntOrString, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 65535 {
			return intstr.IntOrString{}, fmt.Errorf("invalid port %d: 1 to 65535", n)
		}
		return intstr.FromInt32(int32(n)), nil
	}
	if errs := validation.IsValidPortName(s); len(errs) > 0 {
		return intstr.IntOrString{}, fmt.Errorf("invalid port %q: a number or a port name (%s)", s, errs[0])
	}
	return intstr.FromString(s), nil
}

// PodReady reports whether a cached pod can take a Service or workload
// forward: running, not being deleted, every container ready (what the
// pod's Ready condition says, read from the summary the cache keeps).
func PodReady(obj any) bool {
	switch p := obj.(type) {
	case *kinds.PodSummary:
		if p.DeletionTimestamp != nil || p.Phase != corev1.PodRunning || len(p.Containers) == 0 {
			return false
		}
		for _, c := range p.Containers {
			if !c.HasStatus || !c.Ready {
				return false
			}
		}
		return true
	case *corev1.Pod:
		if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning {
			return false
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady {
				return c.Status == corev1.ConditionTrue
			}
		}
	}
	return false
}

// PodGone says why a cached pod can no longer take a forward ("" when it
// can): ended is true when it will never run again (being deleted, or
// finished), false when it is only not Ready.
func PodGone(obj any) (why string, ended bool) {
	var deleting bool
	var phase corev1.PodPhase
	switch p := obj.(type) {
	case *kinds.PodSummary:
		deleting, phase = p.DeletionTimestamp != nil, p.Phase
	case *corev1.Pod:
		deleting, phase = p.DeletionTimestamp != nil, p.Status.Phase
	default:
		return "", false
	}
	switch {
	case deleting:
		return "is being deleted", true
	case phase == corev1.PodSucceeded || phase == corev1.PodFailed:
		return "has ended (" + string(phase) + ")", true
	case !PodReady(obj):
		return "is not Ready", false
	}
	return "", false
}

// ServicePort finds the port of svc the user asked for, by its name or
// its number (the Service's port, not the target port).
func ServicePort(svc *corev1.Service, asked intstr.IntOrString) (corev1.ServicePort, error) {
	for _, p := range svc.Spec.Ports {
		if p.Protocol != "" && p.Protocol != corev1.ProtocolTCP {
			continue
		}
		if (asked.Type == intstr.String && p.Name == asked.StrVal) || (asked.Type == intstr.Int && p.Port == asked.IntVal) {
			return p, nil
		}
	}
	return corev1.ServicePort{}, fmt.Errorf("service %s/%s has no TCP port %s", svc.Namespace, svc.Name, asked.String())
}

// Endpoint is a Ready pod behind a Service and the port its
// EndpointSlices give for the Service's port.
type Endpoint struct {
	Pod  string
	Port int32
}

// ReadyEndpoints lists the pods that a Service's EndpointSlices mark ready
// (and not terminating), with the number of the slice port named portName
// (the Service port's name; "" for its one unnamed port), sorted by pod.
// Endpoints that are not pods are left out.
func ReadyEndpoints(eps []*discoveryv1.EndpointSlice, portName string) []Endpoint {
	var out []Endpoint
	for _, s := range eps {
		port, ok := slicePort(s, portName)
		if !ok {
			continue
		}
		for _, e := range s.Endpoints {
			if e.TargetRef == nil || e.TargetRef.Kind != "Pod" || e.TargetRef.Name == "" {
				continue
			}
			if (e.Conditions.Ready != nil && !*e.Conditions.Ready) || (e.Conditions.Terminating != nil && *e.Conditions.Terminating) {
				continue
			}
			out = append(out, Endpoint{Pod: e.TargetRef.Name, Port: port})
		}
	}
	slices.SortFunc(out, func(a, b Endpoint) int {
		if a.Pod < b.Pod {
			return -1
		} else if a.Pod > b.Pod {
			return 1
		}
		return 0
	})
	return slices.Compact(out)
}

func slicePort(s *discoveryv1.EndpointSlice, name string) (int32, bool) {
	for _, p := range s.Ports {
		if p.Port == nil || (p.Protocol != nil && *p.Protocol != corev1.ProtocolTCP) {
			continue
		}
		if (p.Name == nil && name == "") || (p.Name != nil && *p.Name == name) {
			return *p.Port, true
		}
	}
	return 0, false
}

// ContainerPort resolves port on pod: a number is taken as it is; a name
// is looked up among the TCP ports of the pod's containers.
func ContainerPort(pod *corev1.Pod, port intstr.IntOrString) (int32, error) {
	if port.Type == intstr.Int {
		if port.IntVal < 1 || port.IntVal > 65535 {
			return 0, fmt.Errorf("invalid port %d", port.IntVal)
		}
		return port.IntVal, nil
	}
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			if p.Name == port.StrVal && (p.Protocol == "" || p.Protocol == corev1.ProtocolTCP) {
				return p.ContainerPort, nil
			}
		}
	}
	return 0, fmt.Errorf("pod %s/%s has no container port named %q", pod.Namespace, pod.Name, port.StrVal)
}

// ErrNoReadyPod is wrapped by the error for a Service or workload with no
// Ready pod to forward to.
var ErrNoReadyPod = errors.New("no Ready pod")

// PodTemplate returns the pod template of a workload, nil for other
// objects.
func PodTemplate(obj any) *corev1.PodTemplateSpec {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return &o.Spec.Template
	case *appsv1.ReplicaSet:
		return &o.Spec.Template
	case *appsv1.StatefulSet:
		return &o.Spec.Template
	case *appsv1.DaemonSet:
		return &o.Spec.Template
	case *batchv1.Job:
		return &o.Spec.Template
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template
	}
	return nil
}
