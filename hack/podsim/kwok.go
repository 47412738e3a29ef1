package podsim

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The kwok configuration kinds podsim creates, one object per pod named
// after it: kwok looks them up by the pod's namespace and name.
var (
	LogsResource        = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "logs"}
	ExecResource        = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "execs"}
	PortForwardResource = schema.GroupVersionResource{Group: "kwok.x-k8s.io", Version: "v1alpha1", Resource: "portforwards"}
)

// kwokObject is a kwok configuration object for pod, owned by it so that
// the garbage collector deletes it with the pod.
func kwokObject(kind string, pod *corev1.Pod, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kwok.x-k8s.io/v1alpha1",
		"kind":       kind,
		"metadata": map[string]any{
			"name":      pod.Name,
			"namespace": pod.Namespace,
			"labels":    map[string]any{"app.kubernetes.io/managed-by": "crowsnest-podsim"},
			"ownerReferences": []any{map[string]any{
				"apiVersion": "v1", "kind": "Pod", "name": pod.Name, "uid": string(pod.UID),
			}},
		},
		"spec": spec,
	}}
	return u
}

// logsObject tells kwok which files hold each container's logs.
func logsObject(root string, pod *corev1.Pod) *unstructured.Unstructured {
	var logs []any
	for _, c := range Containers(pod) {
		l := map[string]any{"containers": []any{c}, "logsFile": LogPath(root, pod, c)}
		if p := PreviousLogPath(root, pod, c); p != "" {
			l["previousLogsFile"] = p
		}
		logs = append(logs, l)
	}
	return kwokObject("Logs", pod, map[string]any{"logs": logs})
}

// execObject runs commands exec'd in any container of pod on this machine,
// in the pod's working directory.
func execObject(root string, pod *corev1.Pod) *unstructured.Unstructured {
	dir := WorkDir(root, pod)
	return kwokObject("Exec", pod, map[string]any{"execs": []any{map[string]any{
		"local": map[string]any{
			"workDir": dir,
			"envs": []any{
				map[string]any{"name": "HOME", "value": dir},
				map[string]any{"name": "POD_NAME", "value": pod.Name},
				map[string]any{"name": "POD_NAMESPACE", "value": pod.Namespace},
			},
		},
	}}})
}

// PortForwardObject makes kwok forward the given ports of pod to TCP
// addresses (host:port) and every other port to fallback, the address
// kwok's cluster-wide forward uses (podsim's HTTP server): once a pod has
// this object, kwok consults nothing else for it.
func PortForwardObject(pod *corev1.Pod, targets map[int32]string, fallback string) (*unstructured.Unstructured, error) {
	target := func(addr string) (map[string]any, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		p, err := strconv.ParseInt(port, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("port of %q: %w", addr, err)
		}
		return map[string]any{"address": host, "port": p}, nil
	}
	var forwards []any
	for _, port := range slices.Sorted(maps.Keys(targets)) {
		t, err := target(targets[port])
		if err != nil {
			return nil, err
		}
		forwards = append(forwards, map[string]any{"ports": []any{int64(port)}, "target": t})
	}
	t, err := target(fallback)
	if err != nil {
		return nil, err
	}
	forwards = append(forwards, map[string]any{"target": t})
	return kwokObject("PortForward", pod, map[string]any{"forwards": forwards}), nil
}
