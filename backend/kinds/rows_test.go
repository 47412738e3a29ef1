package kinds_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func om(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, UID: "u-x", CreationTimestamp: created, Labels: map[string]string{"app": name}}
}

func podWith(phase corev1.PodPhase, statuses ...corev1.ContainerStatus) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: om("shop", "web"), Spec: corev1.PodSpec{NodeName: "n1",
		Containers: []corev1.Container{{Name: "app", Image: "img/app:1"}, {Name: "side", Image: "img/side:2"}}},
		Status: corev1.PodStatus{Phase: phase, ContainerStatuses: statuses, PodIP: "10.1.2.3"}}
	for i := range statuses { // statuses name their container, as the kubelet's do
		if statuses[i].Name == "" {
			statuses[i].Name = p.Spec.Containers[i].Name
		}
	}
	return p
}

func running(ready bool, restarts int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{Ready: ready, RestartCount: restarts, State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}
}

func waiting(reason string) corev1.ContainerStatus {
	return corev1.ContainerStatus{RestartCount: 7, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}}
}

func TestPodRows(t *testing.T) {
	terminating := podWith(corev1.PodRunning, running(true, 0), running(true, 0))
	now := metav1.Now()
	terminating.DeletionTimestamp = &now
	tests := []struct {
		name                  string
		pod                   *corev1.Pod
		status, health, ready string
		restarts              int32
	}{
		{"running and ready", podWith(corev1.PodRunning, running(true, 1), running(true, 2)), "Running", model.HealthOK, "2/2", 3},
		{"running, one not ready", podWith(corev1.PodRunning, running(true, 0), running(false, 0)), "Running", model.HealthWarn, "1/2", 0},
		{"crash loop", podWith(corev1.PodRunning, running(true, 0), waiting("CrashLoopBackOff")), "CrashLoopBackOff", model.HealthError, "1/2", 7},
		{"pending", podWith(corev1.PodPending), "Pending", model.HealthWarn, "0/2", 0},
		{"terminating", terminating, "Terminating", model.HealthWarn, "2/2", 0},
		{"succeeded", podWith(corev1.PodSucceeded), "Succeeded", model.HealthNeutral, "0/2", 0},
		{"failed", podWith(corev1.PodFailed), "Failed", model.HealthError, "0/2", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := kinds.Builtin(kinds.Pods).Row(tt.pod)
			assert.Equal(t, tt.status, r.Status)
			assert.Equal(t, tt.status, cell(kinds.Pods, r, "status"))
			assert.Equal(t, tt.health, r.Health)
			assert.Equal(t, tt.ready, cell(kinds.Pods, r, "ready"))
			assert.Equal(t, strconv.Itoa(int(tt.restarts)), cell(kinds.Pods, r, "restarts"))
			assert.Equal(t, "shop/web", r.Key)
			assert.Equal(t, "n1", cell(kinds.Pods, r, "node"))
			assert.Equal(t, []string{"img/app:1", "img/side:2"}, r.Images)
			assert.Equal(t, created.Unix(), r.Created)
		})
	}
}

func TestWorkloadRows(t *testing.T) {
	three := int32(3)
	tests := []struct {
		name          string
		kind          kinds.ID
		obj           any
		status, ready string
		health        string
	}{
		{"deployment ready", kinds.Deployments, &appsv1.Deployment{ObjectMeta: om("shop", "d"), Spec: appsv1.DeploymentSpec{Replicas: &three},
			Status: appsv1.DeploymentStatus{ReadyReplicas: 3, AvailableReplicas: 3}}, "Ready", "3/3", model.HealthOK},
		{"deployment stuck", kinds.Deployments, &appsv1.Deployment{ObjectMeta: om("shop", "d"), Spec: appsv1.DeploymentSpec{Replicas: &three}},
			"Unavailable", "0/3", model.HealthError},
		{"job complete", kinds.Jobs, &batchv1.Job{ObjectMeta: om("shop", "j"), Status: batchv1.JobStatus{Succeeded: 1,
			Conditions: []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionTrue}}}}, "Complete", "1/1", model.HealthOK},
		{"node not ready", kinds.Nodes, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}}, "NotReady", "", model.HealthError},
		{"warning event", kinds.Events, &corev1.Event{ObjectMeta: om("shop", "e"), Type: corev1.EventTypeWarning, Reason: "BackOff"}, "Warning", "", model.HealthWarn},
		{"secret metadata only", kinds.Secrets, &metav1.PartialObjectMetadata{ObjectMeta: om("shop", "s")}, "", "", model.HealthNeutral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kinds.Builtin(tt.kind)
			r := k.Row(tt.obj)
			assert.Equal(t, tt.status, r.Status)
			if i := k.Column("ready"); i >= 0 {
				assert.Equal(t, tt.ready, r.Cells[i])
			} else if i := k.Column("completions"); i >= 0 {
				assert.Equal(t, tt.ready, r.Cells[i])
			} else {
				assert.Empty(t, tt.ready, "%s has no ready column", tt.kind)
			}
			assert.Equal(t, tt.health, r.Health)
			assert.Equal(t, string(tt.kind), r.Kind)
		})
	}
}

func TestNodeRowIsClusterScoped(t *testing.T) {
	r := kinds.Builtin(kinds.Nodes).Row(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1",
		Labels: map[string]string{"node-role.kubernetes.io/worker": ""}},
		Status: corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}}}})
	assert.Equal(t, "n1", r.Key)
	assert.Equal(t, "Ready", r.Status)
	assert.Equal(t, "worker", cell(kinds.Nodes, r, "roles"))
}

// cell reads a row's cell by column id.
func cell(id kinds.ID, r model.Row, column string) string {
	i := kinds.Builtin(id).Column(column)
	if i < 0 {
		panic("no column " + column)
	}
	return r.Cells[i]
}
