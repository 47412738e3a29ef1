package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// TestLogTargets: pods have logs of their own; workloads and Services have
// their pods', selected by their selector in the sample objects.
func TestLogTargets(t *testing.T) {
	selectors := map[kinds.ID]string{
		kinds.Deployments:  "app=web",
		kinds.ReplicaSets:  "app=web",
		kinds.StatefulSets: "app=web",
		kinds.DaemonSets:   "app=web",
		kinds.Jobs:         "batch.kubernetes.io/controller-uid=uid-migrate",
		kinds.Services:     "app=web",
	}
	for _, k := range kinds.Builtins() {
		t.Run(string(k.ID), func(t *testing.T) {
			want, selects := selectors[k.ID]
			own := k.ID == kinds.Pods
			assert.Equal(t, own, k.OwnLogs)
			assert.Equal(t, selects, k.PodSelector != nil)
			assert.Equal(t, own || selects, k.HasLogs())
			switch {
			case own || selects: // terminals open in a pod, or in a Ready pod of the object
				assert.Equal(t, []string{model.FeatureLogs, model.FeatureExec, model.FeatureForward}, k.Info().Features)
			case k.ID == kinds.Nodes:
				assert.Equal(t, []string{model.FeatureNodeShell}, k.Info().Features)
			case k.ID == kinds.HelmReleases:
				assert.Equal(t, []string{model.FeatureHelm, model.FeatureNoYAML}, k.Info().Features)
			default:
				assert.Empty(t, k.Info().Features)
			}
			if !selects {
				return
			}
			sel := k.PodSelector(samples[k.ID][0])
			require.NotNil(t, sel)
			assert.Equal(t, want, sel.String())
			assert.Nil(t, k.PodSelector(cache.DeletedFinalStateUnknown{Key: "shop/web"}), "not an object of the kind")
		})
	}
}

// TestPodSelectorNeverSelectsEveryPod: a workload without a usable
// selector, or a Service without one, selects no pod at all.
func TestPodSelectorNeverSelectsEveryPod(t *testing.T) {
	deployments := kinds.Builtin(kinds.Deployments)
	for name, sel := range map[string]*metav1.LabelSelector{
		"missing": nil,
		"empty":   {},
		"invalid": {MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Sometimes"}}},
	} {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}, Spec: appsv1.DeploymentSpec{Selector: sel}}
		assert.Nil(t, deployments.PodSelector(d), name)
	}
	manual := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "external-db"}}
	assert.Nil(t, kinds.Builtin(kinds.Services).PodSelector(manual))

	expr := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{
		MatchLabels:      map[string]string{"app": "web"},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "track", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"canary"}}},
	}}}
	assert.Equal(t, "app=web,track notin (canary)", deployments.PodSelector(expr).String())
}
