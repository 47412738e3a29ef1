// Package podsim simulates, for the pods that kwok runs, what a container
// runtime would leave on a node: a CRI log file per container (and the
// previous container's log after a restart), a working directory per pod for
// exec, and a loopback HTTP server that port-forwards reach. kwok serves them
// through the kubelet API (containerLogs, exec, portForward) because podsim
// registers them with kwok as Logs and Exec objects, one of each per pod.
//
// Files of one cluster live under a root directory:
//
//	<root>/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log   CRI log files
//	<root>/pods/<namespace>_<pod>_<uid>/workdir/                    exec working directory
//	<root>/shared/current.log, previous.log, workdir/                 for pods podsim leaves alone
//
// like a kubelet's /var/log/pods: a container that restarted N times writes
// N.log, and its previous run wrote (N-1).log.
//
// Annotations on a pod steer what podsim does with it:
//
//	crowsnest.dev/sim-restarts: "N"   the pod's first container has restarted
//	                                  N times: its status says so and it has a
//	                                  previous log ending in a crash
//	crowsnest.dev/sim-log-rate: "R"   podsim appends R lines per second to the
//	                                  first container's log (a live log)
//
// Bulk pods (label crowsnest.dev/load=true) are left to the shared files, so
// tens of thousands of load-test pods cost podsim nothing.
package podsim

import (
	"fmt"
	"path/filepath"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

const (
	// RestartsAnnotation gives the restart count podsim simulates.
	RestartsAnnotation = "crowsnest.dev/sim-restarts"
	// LogRateAnnotation gives the lines per second podsim keeps appending.
	LogRateAnnotation = "crowsnest.dev/sim-log-rate"
	// BulkLabel marks the load-test pods podsim leaves to the shared files.
	BulkLabel = "crowsnest.dev/load"
)

// PodDir is the directory of one pod's files under root.
func PodDir(root string, pod *corev1.Pod) string {
	return filepath.Join(root, "pods", fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID))
}

// WorkDir is where commands exec'd in the pod run.
func WorkDir(root string, pod *corev1.Pod) string { return filepath.Join(PodDir(root, pod), "workdir") }

// LogPath is the current log file of a container of pod.
func LogPath(root string, pod *corev1.Pod, container string) string {
	return restartLog(root, pod, container, Restarts(pod, container))
}

// PreviousLogPath is the log of the container's previous run, or "" when it
// has not restarted.
func PreviousLogPath(root string, pod *corev1.Pod, container string) string {
	n := Restarts(pod, container)
	if n == 0 {
		return ""
	}
	return restartLog(root, pod, container, n-1)
}

func restartLog(root string, pod *corev1.Pod, container string, n int) string {
	return filepath.Join(PodDir(root, pod), container, strconv.Itoa(n)+".log")
}

// Restarts is the restart count podsim simulates for a container: the
// RestartsAnnotation for the pod's first container (the app; sidecars, init
// and ephemeral containers have not restarted).
func Restarts(pod *corev1.Pod, container string) int {
	n, err := strconv.Atoi(pod.Annotations[RestartsAnnotation])
	if err != nil || n < 0 || len(pod.Spec.Containers) == 0 || pod.Spec.Containers[0].Name != container {
		return 0
	}
	return min(n, maxRestarts)
}

// maxRestarts bounds what an annotation can ask for.
const maxRestarts = 1000

// SharedLog and SharedPreviousLog are the files served for pods that have no
// files of their own (bulk pods, and any pod in the moment before podsim has
// written its files); SharedWorkDir is where exec runs for them.
func SharedLog(root string) string         { return filepath.Join(root, "shared", "current.log") }
func SharedPreviousLog(root string) string { return filepath.Join(root, "shared", "previous.log") }
func SharedWorkDir(root string) string     { return filepath.Join(root, "shared", "workdir") }

// Containers lists every container of pod that can have a log: init,
// regular and ephemeral, in that order.
func Containers(pod *corev1.Pod) []string {
	var names []string
	for _, c := range pod.Spec.InitContainers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.Containers {
		names = append(names, c.Name)
	}
	for _, c := range pod.Spec.EphemeralContainers {
		names = append(names, c.Name)
	}
	return names
}
