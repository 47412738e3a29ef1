package actions

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func TestParse(t *testing.T) {
	deploy, nodes, pods := kinds.Builtin(kinds.Deployments), kinds.Builtin(kinds.Nodes), kinds.Builtin(kinds.Pods)
	for _, c := range []struct {
		name string
		kind *kinds.Kind
		req  model.ActionRequest
		err  string
	}{
		{"scale", deploy, model.ActionRequest{Action: "scale", Namespace: "shop", Names: []string{"a", "b"}, Replicas: 3}, ""},
		{"undeclared", pods, model.ActionRequest{Action: "scale", Namespace: "shop", Names: []string{"a"}}, `Pods do not allow the action "scale"`},
		{"negative replicas", deploy, model.ActionRequest{Action: "scale", Namespace: "shop", Names: []string{"a"}, Replicas: -1}, "invalid replica count"},
		{"no names", deploy, model.ActionRequest{Action: "restart", Namespace: "shop"}, "1 to 500 objects"},
		{"repeated", deploy, model.ActionRequest{Action: "restart", Namespace: "shop", Names: []string{"a", "a"}}, "repeated"},
		{"bad namespace", deploy, model.ActionRequest{Action: "restart", Namespace: "Shop!", Names: []string{"a"}}, "invalid namespace"},
		{"namespace on a node", nodes, model.ActionRequest{Action: "cordon", Namespace: "shop", Names: []string{"n"}}, "not namespaced"},
		{"drain one at a time", nodes, model.ActionRequest{Action: "drain", Names: []string{"n1", "n2"}}, "one object at a time"},
		{"bad propagation", pods, model.ActionRequest{Action: "delete", Namespace: "shop", Names: []string{"p"}, Propagation: "Later"}, "invalid propagation"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.kind, c.req)
			if c.err == "" {
				require.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, c.err)
		})
	}
	r, err := Parse(pods, model.ActionRequest{Action: "delete", Namespace: "shop", Names: []string{"p"}})
	require.NoError(t, err)
	assert.Equal(t, model.PropagationBackground, r.Propagation, "delete defaults to background: a Job's pods go with it")
	assert.Equal(t, "propagation Background", r.Detail())
}

func TestImpact(t *testing.T) {
	scale, _ := Parse(kinds.Builtin(kinds.Deployments), model.ActionRequest{Action: "scale", Namespace: "shop", Names: []string{"web", "api"}, Replicas: 3})
	got := impact(scale, model.ActionPlan{Objects: []model.ActionObject{{Name: "web", Before: "1", After: "3"}, {Name: "api", Before: "3", After: "3"}}})
	assert.Equal(t, []string{"web: replicas 1 → 3", "api: already 3"}, got)

	del, _ := Parse(kinds.Builtin(kinds.Deployments), model.ActionRequest{Action: "delete", Namespace: "shop", Names: []string{"web"}, Propagation: "Foreground"})
	got = impact(del, model.ActionPlan{Objects: []model.ActionObject{{Name: "web"}}, Children: []string{"ReplicaSet web-1", "Pod web-1-a"}})
	assert.Equal(t, []string{"Foreground: the objects stay until their 2 dependents are deleted."}, got)

	drain, _ := Parse(kinds.Builtin(kinds.Nodes), model.ActionRequest{Action: "drain", Names: []string{"n"}})
	got = impact(drain, model.ActionPlan{Pods: []model.DrainPod{{State: model.DrainPodPending}, {State: model.DrainPodBlocked}, {State: model.DrainPodSkipped}}, Budgets: []string{"web-pdb"}})
	assert.Equal(t, []string{"Cordons the node, then evicts 2 pods through the Eviction API (PodDisruptionBudgets respected).",
		"Blocked now by PodDisruptionBudget web-pdb."}, got)
}

func TestLeftBecause(t *testing.T) {
	ds := metav1.OwnerReference{Kind: "DaemonSet", Name: "agent", Controller: ptr(true)}
	rs := metav1.OwnerReference{Kind: "ReplicaSet", Name: "web-1", Controller: ptr(true)}
	emptyDir := []corev1.Volume{{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	pod := func(refs []metav1.OwnerReference, vols []corev1.Volume) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{OwnerReferences: refs}, Spec: corev1.PodSpec{Volumes: vols}}
	}
	for _, c := range []struct {
		name        string
		pod         *corev1.Pod
		opts        model.DrainOptions
		state, want string
	}{
		{"daemonset ignored", pod([]metav1.OwnerReference{ds}, nil), model.DrainOptions{IgnoreDaemonSets: true}, model.DrainPodSkipped, "DaemonSet"},
		{"daemonset not ignored", pod([]metav1.OwnerReference{ds}, nil), model.DrainOptions{}, model.DrainPodRefused, "ignore DaemonSets"},
		{"emptyDir", pod([]metav1.OwnerReference{rs}, emptyDir), model.DrainOptions{}, model.DrainPodRefused, "emptyDir"},
		{"unmanaged", pod(nil, nil), model.DrainOptions{}, model.DrainPodRefused, "force"},
	} {
		t.Run(c.name, func(t *testing.T) {
			state, why := leftBecause(c.pod, c.opts)
			assert.Equal(t, c.state, state)
			assert.Contains(t, why, c.want)
		})
	}
}

func TestManualJobName(t *testing.T) {
	assert.Equal(t, "nightly-manual-abcde", manualJobName("nightly", "abcde"))
	long := manualJobName(strings.Repeat("x", 80), "abcde")
	assert.Len(t, long, 63)
	assert.True(t, strings.HasSuffix(long, "-manual-abcde"))
}

func TestUndoTarget(t *testing.T) {
	revs := []model.Revision{{Revision: 3, Current: true}, {Revision: 2}, {Revision: 1}}
	assert.Equal(t, int64(2), undoTarget(revs, 0).Revision, "the one before the current")
	assert.Equal(t, int64(1), undoTarget(revs, 1).Revision)
	assert.Nil(t, undoTarget(revs, 3), "not the current one")
	assert.Nil(t, undoTarget(revs, 7))
}

func ptr[T any](v T) *T { return &v }
