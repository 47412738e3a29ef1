package session_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/actions"
	"crowsnest/backend/events"
	"crowsnest/backend/model"
	"crowsnest/backend/session"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/testcluster"
)

var web = corev1.Container{Name: "app", Image: "registry.example.com/shop/web:1.0"}

func plan(t *testing.T, s *session.Session, req model.ActionRequest) model.ActionPlan {
	t.Helper()
	p, err := s.PlanAction(req)
	require.NoError(t, err)
	return p
}

// run performs a planned action as the page does: with what the plan
// showed as Observed.
func run(t *testing.T, s *session.Session, req model.ActionRequest, p model.ActionPlan) model.ActionResult {
	t.Helper()
	req.Observed, req.UIDs = map[string]string{}, map[string]string{}
	for _, o := range p.Objects {
		req.Observed[o.Name] = o.Before
		req.UIDs[o.Name] = o.UID
	}
	res, err := s.RunAction(req)
	require.NoError(t, err)
	return res
}

func noErrors(t *testing.T, res model.ActionResult) {
	t.Helper()
	for _, o := range res.Objects {
		assert.Empty(t, o.Error, o.Name)
	}
}

// runningRows is how many rows of a view show a Running pod.
func runningRows(t *testing.T, s *session.Session, view string) int {
	w, err := s.ViewRows(view, 0, 100)
	require.NoError(t, err)
	n := 0
	for _, r := range w.Rows {
		if r.Status == "Running" {
			n++
		}
	}
	return n
}

// TestScaleThroughThePlan: a Deployment scaled 1 → 3 shows 3 Running pods
// in a view; the plan said 1 → 3 and passed the dry-run, which changed
// nothing; a run with what an older plan saw is refused as changed.
func TestScaleThroughThePlan(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	env.RunDeployment(t, ns, "web", 1, web)
	_, _, s := connectedDemo(t, env)
	view, err := s.OpenView(model.ViewSpec{Kind: "pods", Namespace: ns, Selector: "app=web"})
	require.NoError(t, err)

	req := model.ActionRequest{Action: "scale", Kind: "deployments", Namespace: ns, Names: []string{"web"}, Replicas: 3}
	p := plan(t, s, req)
	require.Len(t, p.Objects, 1)
	o := p.Objects[0]
	assert.True(t, o.Allowed, o.Reason)
	assert.Equal(t, "1", o.Before)
	assert.Equal(t, "3", o.After)
	assert.Empty(t, p.DryRun)
	assert.Empty(t, p.Denied)
	assert.Contains(t, p.Impact, "web: replicas 1 → 3")
	d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), *d.Spec.Replicas, "the dry-run changed nothing")

	noErrors(t, run(t, s, req, p))
	require.Eventually(t, func() bool { return runningRows(t, s, view.ID) == 3 }, 60*time.Second, 50*time.Millisecond)

	// What the user saw (1) is no longer so: refused, not overwritten.
	req.Replicas = 5
	res := run(t, s, req, p)
	require.Len(t, res.Objects, 1)
	assert.True(t, res.Objects[0].Changed, res.Objects[0].Error)
	assert.Contains(t, res.Objects[0].Error, "changed since you looked")
	d, err = cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(3), *d.Spec.Replicas)
}

// TestScaleCustomResource: a custom resource whose CRD has a scale
// subresource is offered scale and scales through it.
func TestScaleCustomResource(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	w := newWidgets(t, env)
	w.scale = true
	_, _, s := connectedDemo(t, env)
	w.apply(t, "v1")
	w.put(t, "v1", ns, "blue", "blue", 2, "True")
	require.Eventually(t, func() bool {
		info, ok := served(s, w.id())
		return ok && len(info.Actions) > 0 && info.Actions[0].ID == "scale"
	}, 30*time.Second, 20*time.Millisecond, "the learnt kind offers scale")

	req := model.ActionRequest{Action: "scale", Kind: w.id(), Namespace: ns, Names: []string{"blue"}, Replicas: 5}
	p := plan(t, s, req)
	require.Len(t, p.Objects, 1)
	assert.Equal(t, "2", p.Objects[0].Before)
	assert.Empty(t, p.DryRun)
	noErrors(t, run(t, s, req, p))
	got, err := w.dyn.Resource(w.gvr("v1")).Namespace(ns).Get(t.Context(), "blue", metav1.GetOptions{})
	require.NoError(t, err)
	size, _, _ := unstructured.NestedInt64(got.Object, "spec", "size")
	assert.Equal(t, int64(5), size)
}

// TestBulkScaleAndDelete: one request for several objects applies to each
// and reports per object, a missing one with the API's message.
func TestBulkScaleAndDelete(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	env.RunDeployment(t, ns, "a", 1, web)
	env.RunDeployment(t, ns, "b", 1, web)
	_, _, s := connectedDemo(t, env)

	req := model.ActionRequest{Action: "scale", Kind: "deployments", Namespace: ns, Names: []string{"a", "missing", "b"}, Replicas: 2}
	p := plan(t, s, req)
	require.Len(t, p.Objects, 3)
	assert.Contains(t, p.Objects[1].Error, "not found")
	res := run(t, s, req, p)
	require.Len(t, res.Objects, 3)
	assert.Equal(t, []string{"a", "missing", "b"}, []string{res.Objects[0].Name, res.Objects[1].Name, res.Objects[2].Name})
	assert.Empty(t, res.Objects[0].Error)
	assert.Contains(t, res.Objects[1].Error, `"missing" not found`)
	assert.Empty(t, res.Objects[2].Error)
	for _, n := range []string{"a", "b"} {
		d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), n, metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, int32(2), *d.Spec.Replicas, n)
	}

	del := model.ActionRequest{Action: "delete", Kind: "deployments", Namespace: ns, Names: []string{"a", "b"}}
	noErrors(t, run(t, s, del, plan(t, s, del)))
	for _, n := range []string{"a", "b"} {
		require.Eventually(t, func() bool {
			_, err := cs.AppsV1().Deployments(ns).Get(t.Context(), n, metav1.GetOptions{})
			return apierrors.IsNotFound(err)
		}, 30*time.Second, 50*time.Millisecond, n)
	}
}

// TestDeleteRefusesAnObjectCreatedAgain: a ConfigMap deleted and created
// again under its name after the plan is not deleted by the confirmed
// delete (another UID: "changed since you looked"); planned again, it is.
func TestDeleteRefusesAnObjectCreatedAgain(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}, Data: map[string]string{"v": "1"}}
	_, err := cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{})
	require.NoError(t, err)
	_, _, s := connectedDemo(t, env)

	del := model.ActionRequest{Action: "delete", Kind: "configmaps", Namespace: ns, Names: []string{"settings"}}
	p := plan(t, s, del)
	require.Len(t, p.Objects, 1)
	require.NotEmpty(t, p.Objects[0].UID)
	require.NoError(t, cs.CoreV1().ConfigMaps(ns).Delete(t.Context(), "settings", metav1.DeleteOptions{}))
	cm.Data["v"] = "2"
	again, err := cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{})
	require.NoError(t, err)

	res := run(t, s, del, p)
	require.Len(t, res.Objects, 1)
	assert.True(t, res.Objects[0].Changed, "%+v", res.Objects[0])
	assert.Contains(t, res.Objects[0].Error, "changed since you looked")
	kept, err := cs.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	require.NoError(t, err, "the new ConfigMap is not deleted")
	assert.Equal(t, again.UID, kept.UID)

	noErrors(t, run(t, s, del, plan(t, s, del)))
	_, err = cs.CoreV1().ConfigMaps(ns).Get(t.Context(), "settings", metav1.GetOptions{})
	assert.True(t, apierrors.IsNotFound(err), "planned again, it is deleted: %v", err)
}

func ownedReplicaSets(t *testing.T, cs kubernetes.Interface, ns, deploy string) []appsv1.ReplicaSet {
	d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), deploy, metav1.GetOptions{})
	require.NoError(t, err)
	list, err := cs.AppsV1().ReplicaSets(ns).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	var out []appsv1.ReplicaSet
	for _, rs := range list.Items {
		if ref := metav1.GetControllerOf(&rs); ref != nil && ref.UID == d.UID {
			out = append(out, rs)
		}
	}
	return out
}

// TestRestartAndUndo: a restart rolls out a new ReplicaSet; the history
// lists both revisions with the template's diff; undo returns the
// template to the revision before.
func TestRestartAndUndo(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	env.RunDeployment(t, ns, "web", 1, web)
	_, _, s := connectedDemo(t, env)
	require.Len(t, ownedReplicaSets(t, cs, ns, "web"), 1)

	req := model.ActionRequest{Action: "restart", Kind: "deployments", Namespace: ns, Names: []string{"web"}}
	p := plan(t, s, req)
	assert.Empty(t, p.DryRun)
	noErrors(t, run(t, s, req, p))
	require.Eventually(t, func() bool { return len(ownedReplicaSets(t, cs, ns, "web")) == 2 }, 30*time.Second, 50*time.Millisecond,
		"a new ReplicaSet")
	d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.NotEmpty(t, d.Spec.Template.Annotations[actions.RestartedAtAnnotation])
	require.Eventually(t, func() bool {
		d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
		return err == nil && d.Annotations[actions.RevisionAnnotation] == "2"
	}, 30*time.Second, 50*time.Millisecond)

	undo := model.ActionRequest{Action: "undo", Kind: "deployments", Namespace: ns, Names: []string{"web"}}
	p = plan(t, s, undo)
	require.Len(t, p.Revisions, 2)
	assert.Equal(t, int64(2), p.Revisions[0].Revision)
	assert.True(t, p.Revisions[0].Current)
	assert.Equal(t, int64(1), p.Revisions[1].Revision)
	assert.Contains(t, p.Revisions[1].Diff, "-    "+actions.RestartedAtAnnotation, "the diff shows the annotation going")
	assert.Equal(t, "2", p.Objects[0].Before)
	assert.Equal(t, "1", p.Objects[0].After)
	noErrors(t, run(t, s, undo, p))
	d, err = cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Empty(t, d.Spec.Template.Annotations[actions.RestartedAtAnnotation], "the template of revision 1")
	assert.Equal(t, map[string]string{"app": "web"}, d.Spec.Template.Labels, "without the pod-template-hash")
}

// TestForegroundDelete: a foreground delete keeps the Deployment (being
// deleted) until its ReplicaSet and pods are gone; the plan lists them.
func TestForegroundDelete(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	pods := env.RunDeployment(t, ns, "web", 2, web)
	_, _, s := connectedDemo(t, env)

	req := model.ActionRequest{Action: "delete", Kind: "deployments", Namespace: ns, Names: []string{"web"}, Propagation: model.PropagationForeground}
	p := plan(t, s, req)
	assert.Len(t, p.Children, 3, "the ReplicaSet and its two pods: %v", p.Children)
	assert.Contains(t, p.Children, "Pod "+pods[0].Name)
	assert.Empty(t, p.DryRun)
	noErrors(t, run(t, s, req, p))

	d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err, "kept while its dependents go")
	assert.NotNil(t, d.DeletionTimestamp)
	assert.Contains(t, d.Finalizers, metav1.FinalizerDeleteDependents)
	require.Eventually(t, func() bool {
		_, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
		if !apierrors.IsNotFound(err) {
			return false
		}
		left, err := cs.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{LabelSelector: "app=web"})
		require.NoError(t, err)
		assert.Empty(t, left.Items, "the Deployment went only after its pods")
		return true
	}, 60*time.Second, 50*time.Millisecond)
}

// testNode registers a kwok node of the test's own, removed after it.
func testNode(t *testing.T, cs kubernetes.Interface, name string) {
	t.Helper()
	res := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("16Gi"),
		corev1.ResourcePods: resource.MustParse("110")}
	_, err := cs.CoreV1().Nodes().Create(t.Context(), &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{controlplane.KwokNodeAnnotation: "fake"},
			Labels: map[string]string{"kubernetes.io/hostname": name, "type": "kwok"}},
		Status: corev1.NodeStatus{Capacity: res, Allocatable: res},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{}) })
	require.Eventually(t, func() bool {
		n, err := cs.CoreV1().Nodes().Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			return false
		}
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				return true
			}
		}
		return false
	}, 30*time.Second, 50*time.Millisecond, "kwok keeps node %s Ready", name)
}

// TestCordonUncordon toggles a node's unschedulable.
func TestCordonUncordon(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	node := "cordon-" + ns
	testNode(t, cs, node)
	_, _, s := connectedDemo(t, env)

	for _, c := range []struct {
		action string
		want   bool
	}{{"cordon", true}, {"uncordon", false}} {
		req := model.ActionRequest{Action: c.action, Kind: "nodes", Names: []string{node}}
		p := plan(t, s, req)
		assert.Empty(t, p.DryRun)
		noErrors(t, run(t, s, req, p))
		n, err := cs.CoreV1().Nodes().Get(t.Context(), node, metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, c.want, n.Spec.Unschedulable, c.action)
	}
}

// drainFixture is a node of the test's own with a Deployment of two pods
// on it and a PodDisruptionBudget that lets none go.
func drainFixture(t *testing.T, env *testcluster.Env) (cs kubernetes.Interface, ns, node string) {
	ns = env.Namespace(t)
	cs = env.Client(t, controlplane.ContextDemoAdmin)
	node = "drain-" + ns
	testNode(t, cs, node)
	two := int32(2)
	labels := map[string]string{"app": "db"}
	_, err := cs.AppsV1().Deployments(ns).Create(t.Context(), &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "db"},
		Spec: appsv1.DeploymentSpec{Replicas: &two, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{NodeSelector: map[string]string{"kubernetes.io/hostname": node}, Containers: []corev1.Container{web}}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	minAvailable := intstr.FromInt32(2)
	_, err = cs.PolicyV1().PodDisruptionBudgets(ns).Create(t.Context(), &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Name: "db-pdb"},
		Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: &minAvailable, Selector: &metav1.LabelSelector{MatchLabels: labels}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		pdb, err := cs.PolicyV1().PodDisruptionBudgets(ns).Get(t.Context(), "db-pdb", metav1.GetOptions{})
		return err == nil && pdb.Status.CurrentHealthy == 2 && pdb.Status.ObservedGeneration == pdb.Generation
	}, 60*time.Second, 100*time.Millisecond, "two healthy pods under the budget")
	return cs, ns, node
}

func waitDrain(t *testing.T, s *session.Session, id string, pred func(model.DrainStatus) bool) model.DrainStatus {
	t.Helper()
	var st model.DrainStatus
	require.Eventually(t, func() bool {
		var err error
		st, err = s.DrainStatus(id)
		require.NoError(t, err)
		return pred(st)
	}, 60*time.Second, 50*time.Millisecond, "drain %s: %+v", id, st)
	return st
}

func blockedBy(st model.DrainStatus, budget string) bool {
	for _, p := range st.Pods {
		if p.State == model.DrainPodBlocked && p.Budget == budget {
			return true
		}
	}
	return false
}

// TestDrainBlockedByBudget: the plan names the budget; a drain told to
// stop stops at it, naming it; a drain told to wait continues once the
// budget changes, evicting every pod. Progress comes as notices.
func TestDrainBlockedByBudget(t *testing.T) {
	env := testcluster.Get(t)
	cs, ns, node := drainFixture(t, env)
	_, rec, s := connectedDemo(t, env)

	req := model.ActionRequest{Action: "drain", Kind: "nodes", Names: []string{node}, Drain: model.DrainOptions{IgnoreDaemonSets: true, GraceSeconds: -1}}
	p := plan(t, s, req)
	assert.Equal(t, []string{"db-pdb"}, p.Budgets)
	require.Len(t, p.Pods, 2)
	for _, pod := range p.Pods {
		assert.Equal(t, model.DrainPodBlocked, pod.State)
		assert.Equal(t, "db-pdb", pod.Budget)
	}
	assert.Equal(t, "schedulable", p.Objects[0].Before)

	// Stop at the budget.
	res := run(t, s, req, p)
	require.NotEmpty(t, res.Drain)
	st := waitDrain(t, s, res.Drain, func(st model.DrainStatus) bool { return st.State != model.DrainRunning })
	assert.Equal(t, model.DrainFailed, st.State)
	assert.Contains(t, st.Message, "PodDisruptionBudget db-pdb")
	assert.True(t, blockedBy(st, "db-pdb"), "%+v", st.Pods)
	n, err := cs.CoreV1().Nodes().Get(t.Context(), node, metav1.GetOptions{})
	require.NoError(t, err)
	assert.True(t, n.Spec.Unschedulable, "cordoned first")
	require.NoError(t, rec.WaitFor(t.Context(), func(evs []events.Recorded) bool {
		for _, e := range evs {
			if x, ok := e.Payload.(model.DrainNotice); ok && x.ID == res.Drain {
				return true
			}
		}
		return false
	}))

	// Wait for the budget: blocked, then the budget lets them go.
	req.Drain.WaitOnBudget = true
	res = run(t, s, req, plan(t, s, req))
	waitDrain(t, s, res.Drain, func(st model.DrainStatus) bool { return blockedBy(st, "db-pdb") })
	zero := intstr.FromInt32(0)
	pdb, err := cs.PolicyV1().PodDisruptionBudgets(ns).Get(t.Context(), "db-pdb", metav1.GetOptions{})
	require.NoError(t, err)
	pdb.Spec.MinAvailable = &zero
	_, err = cs.PolicyV1().PodDisruptionBudgets(ns).Update(t.Context(), pdb, metav1.UpdateOptions{})
	require.NoError(t, err)
	st = waitDrain(t, s, res.Drain, func(st model.DrainStatus) bool { return st.State != model.DrainRunning })
	assert.Equal(t, model.DrainDone, st.State, st.Message)
	for _, pod := range st.Pods {
		assert.Equal(t, model.DrainPodGone, pod.State, pod.Name)
	}
	left, err := cs.CoreV1().Pods("").List(t.Context(), metav1.ListOptions{FieldSelector: "spec.nodeName=" + node})
	require.NoError(t, err)
	assert.Empty(t, left.Items)
}

// TestDrainCancelledLeavesNothing: a drain cancelled while a budget
// blocks it ends as cancelled, and once its session stops no goroutine of
// it is left.
func TestDrainCancelledLeavesNothing(t *testing.T) {
	env := testcluster.Get(t)
	_, _, node := drainFixture(t, env)
	before := goleak.IgnoreCurrent()
	b, _, s := connectedDemo(t, env)

	req := model.ActionRequest{Action: "drain", Kind: "nodes", Names: []string{node},
		Drain: model.DrainOptions{IgnoreDaemonSets: true, GraceSeconds: -1, WaitOnBudget: true}}
	res := run(t, s, req, plan(t, s, req))
	waitDrain(t, s, res.Drain, func(st model.DrainStatus) bool { return blockedBy(st, "db-pdb") })
	require.NoError(t, s.CancelDrain(res.Drain))
	st := waitDrain(t, s, res.Drain, func(st model.DrainStatus) bool { return st.State != model.DrainRunning })
	assert.Equal(t, model.DrainCancelled, st.State)
	assert.Contains(t, st.Message, "cordoned")

	// A drain left running ends with its session.
	res = run(t, s, req, plan(t, s, req))
	waitDrain(t, s, res.Drain, func(st model.DrainStatus) bool { return blockedBy(st, "db-pdb") })
	b.Stop()
	_, err := s.DrainStatus(res.Drain)
	assert.ErrorIs(t, err, session.ErrStopped)
	testcluster.WaitNoLeaks(t, before)
}

// TestCronJobActions: run now creates a Job owned by the CronJob from its
// template; suspend and resume toggle spec.suspend.
func TestCronJobActions(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	yes := true
	cj, err := cs.BatchV1().CronJobs(ns).Create(t.Context(), &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: "nightly"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", Suspend: &yes, JobTemplate: batchv1.JobTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"team": "shop"}},
			Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{{Name: "report", Image: "registry.example.com/report:1"}}}}}}},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, _, s := connectedDemo(t, env)

	runReq := model.ActionRequest{Action: "run", Kind: "cronjobs", Namespace: ns, Names: []string{"nightly"}}
	p := plan(t, s, runReq)
	assert.Empty(t, p.DryRun)
	jobs, err := cs.BatchV1().Jobs(ns).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, jobs.Items, "the dry-run created nothing")
	res := run(t, s, runReq, p)
	noErrors(t, res)
	created := res.Objects[0].Created
	assert.True(t, strings.HasPrefix(created, "nightly-manual-"), created)
	job, err := cs.BatchV1().Jobs(ns).Get(t.Context(), created, metav1.GetOptions{})
	require.NoError(t, err)
	ref := metav1.GetControllerOf(job)
	require.NotNil(t, ref)
	assert.Equal(t, cj.UID, ref.UID)
	assert.Equal(t, "manual", job.Annotations[actions.ManualJobAnnotation])
	assert.Equal(t, "shop", job.Labels["team"])

	for _, c := range []struct {
		action string
		want   bool
	}{{"resume", false}, {"suspend", true}} {
		req := model.ActionRequest{Action: c.action, Kind: "cronjobs", Namespace: ns, Names: []string{"nightly"}}
		noErrors(t, run(t, s, req, plan(t, s, req)))
		got, err := cs.BatchV1().CronJobs(ns).Get(t.Context(), "nightly", metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, c.want, *got.Spec.Suspend, c.action)
	}
}

// TestActionsRefusedReadOnly: in a read-only context every declared
// action is refused before any request (objects that do not exist are
// refused as read-only, not as missing), and the plan says why.
func TestActionsRefusedReadOnly(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	env.RunDeployment(t, ns, "web", 1, web)
	const why = `context "demo-admin" is marked read-only (Settings)`
	b := session.NewSwitchboard(context.Background(), session.Options{
		Version: "test", Emitter: &events.Recorder{}, Paths: func() []string { return []string{env.Kubeconfig()} },
		ReadOnly: func(c string) string {
			if c == controlplane.ContextDemoAdmin {
				return why
			}
			return ""
		},
	})
	t.Cleanup(b.Stop)
	_, err := b.Switch(controlplane.ContextDemoAdmin)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)

	for _, k := range s.Kinds().Kinds {
		for _, a := range k.Actions {
			req := model.ActionRequest{Action: a.ID, Kind: k.ID, Names: []string{"no-such-object"}}
			if k.Namespaced {
				req.Namespace = ns
			}
			_, err := s.RunAction(req)
			assert.ErrorIs(t, err, session.ErrReadOnly, "%s %s", a.ID, k.ID)
		}
	}
	req := model.ActionRequest{Action: "scale", Kind: "deployments", Namespace: ns, Names: []string{"web"}, Replicas: 4}
	p := plan(t, s, req)
	assert.Contains(t, p.Denied, why)
	_, err = s.RunAction(req)
	require.ErrorIs(t, err, session.ErrReadOnly)
	d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), *d.Spec.Replicas)
}

// TestActionsRestrictedUser: the viewer, who may only read in its
// namespace, sees each action denied with the reason in the plan, and a
// run is refused by the API (its message as is).
func TestActionsRestrictedUser(t *testing.T) {
	env := testcluster.Get(t)
	cs := env.Client(t, controlplane.ContextDemoAdmin)
	ns := controlplane.ViewerNamespace
	name := "restricted-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	env.RunDeployment(t, ns, name, 1, web)
	t.Cleanup(func() { _ = cs.AppsV1().Deployments(ns).Delete(context.Background(), name, metav1.DeleteOptions{}) })
	b, _ := newBoard(t, env)
	_, err := b.Switch(controlplane.ContextDemoViewer)
	require.NoError(t, err)
	waitConnected(t, b)
	s := mustCurrent(t, b)

	for _, action := range []string{"scale", "restart", "delete"} {
		req := model.ActionRequest{Action: action, Kind: "deployments", Namespace: ns, Names: []string{name}, Replicas: 2}
		p := plan(t, s, req)
		require.Len(t, p.Objects, 1)
		assert.False(t, p.Objects[0].Allowed, action)
		assert.Contains(t, p.Objects[0].Reason, "your user may not", action)
		assert.NotEmpty(t, p.Denied, action)
		res, err := s.RunAction(req)
		require.NoError(t, err)
		assert.Contains(t, res.Objects[0].Error, "forbidden", action)
	}
	d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), name, metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), *d.Spec.Replicas)
	assert.Nil(t, d.DeletionTimestamp)
}
