package kinds

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsinformers "k8s.io/client-go/informers/apps/v1"

	"crowsnest/backend/model"
)

// The apps/v1 workloads: Deployments, ReplicaSets, StatefulSets, DaemonSets.
const (
	Deployments  ID = "deployments"
	ReplicaSets  ID = "replicasets"
	StatefulSets ID = "statefulsets"
	DaemonSets   ID = "daemonsets"
)

func init() {
	register(&Kind{
		ID: Deployments, GVR: appsv1.SchemeGroupVersion.WithResource("deployments"), APIKind: "Deployment", Label: "Deployments",
		Nav: NavWorkloads, Rank: 20, ShortNames: []string{"deploy"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return appsinformers.NewDeploymentInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("ready", "Ready", model.TypeText, func(o *appsv1.Deployment) string { return ratio(o.Status.ReadyReplicas, deref(o.Spec.Replicas)) }),
			Col("upToDate", "Up-to-date", model.TypeInteger, func(o *appsv1.Deployment) string { return itoa(o.Status.UpdatedReplicas) }),
			Col("available", "Available", model.TypeInteger, func(o *appsv1.Deployment) string { return itoa(o.Status.AvailableReplicas) }),
			StatusColumn("Status"), AgeColumn,
			containersColumn(func(o *appsv1.Deployment) corev1.PodSpec { return o.Spec.Template.Spec }),
			imagesColumn(func(o *appsv1.Deployment) corev1.PodSpec { return o.Spec.Template.Spec }),
			Col("selector", "Selector", model.TypeText, func(o *appsv1.Deployment) string { return selectorText(o.Spec.Selector) }, Priority(1)),
		},
		Status: statusAs(func(o *appsv1.Deployment) (string, string) {
			return scaled(o.Status.AvailableReplicas, deref(o.Spec.Replicas))
		}),
		Images: imagesAs(func(o *appsv1.Deployment) []corev1.Container { return o.Spec.Template.Spec.Containers }),
		describe: describeAs(func(o *appsv1.Deployment, f *facts, d *model.Details) {
			f.add("Replicas", fmt.Sprintf("%d desired, %d ready, %d up to date, %d available", deref(o.Spec.Replicas), o.Status.ReadyReplicas, o.Status.UpdatedReplicas, o.Status.AvailableReplicas))
			f.add("Strategy", string(o.Spec.Strategy.Type))
			if ru := o.Spec.Strategy.RollingUpdate; ru != nil && ru.MaxSurge != nil && ru.MaxUnavailable != nil {
				f.add("Rolling update", fmt.Sprintf("max surge %s, max unavailable %s", ru.MaxSurge, ru.MaxUnavailable))
			}
			f.add("Selector", selectorText(o.Spec.Selector))
			f.add("Paused", yes(o.Spec.Paused))
			d.Conditions = conditions(o.Status.Conditions, func(c appsv1.DeploymentCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
			d.Containers = templateContainers(o.Spec.Template.Spec)
		}),
		Related:     []Relation{{Kind: ReplicaSets, Owned: true}},
		PodSelector: selectedPods(func(o *appsv1.Deployment) *metav1.LabelSelector { return o.Spec.Selector }),
		Actions:     []ActionSpec{ActScale, ActRestart, ActUndo},
	})
	register(&Kind{
		ID: ReplicaSets, GVR: appsv1.SchemeGroupVersion.WithResource("replicasets"), APIKind: "ReplicaSet", Label: "ReplicaSets",
		Nav: NavWorkloads, Rank: 30, ShortNames: []string{"rs"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return appsinformers.NewReplicaSetInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("desired", "Desired", model.TypeInteger, func(o *appsv1.ReplicaSet) string { return itoa(deref(o.Spec.Replicas)) }),
			Col("current", "Current", model.TypeInteger, func(o *appsv1.ReplicaSet) string { return itoa(o.Status.Replicas) }),
			Col("ready", "Ready", model.TypeText, func(o *appsv1.ReplicaSet) string { return ratio(o.Status.ReadyReplicas, deref(o.Spec.Replicas)) }),
			StatusColumn("Status"), AgeColumn,
			containersColumn(func(o *appsv1.ReplicaSet) corev1.PodSpec { return o.Spec.Template.Spec }),
			imagesColumn(func(o *appsv1.ReplicaSet) corev1.PodSpec { return o.Spec.Template.Spec }),
			Col("selector", "Selector", model.TypeText, func(o *appsv1.ReplicaSet) string { return selectorText(o.Spec.Selector) }, Priority(1)),
		},
		Status: statusAs(func(o *appsv1.ReplicaSet) (string, string) {
			return scaled(o.Status.ReadyReplicas, deref(o.Spec.Replicas))
		}),
		Images: imagesAs(func(o *appsv1.ReplicaSet) []corev1.Container { return o.Spec.Template.Spec.Containers }),
		describe: describeAs(func(o *appsv1.ReplicaSet, f *facts, d *model.Details) {
			f.add("Replicas", fmt.Sprintf("%d desired, %d ready, %d available", deref(o.Spec.Replicas), o.Status.ReadyReplicas, o.Status.AvailableReplicas))
			f.add("Revision", o.Annotations["deployment.kubernetes.io/revision"])
			f.add("Selector", selectorText(o.Spec.Selector))
			d.Conditions = conditions(o.Status.Conditions, func(c appsv1.ReplicaSetCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
			d.Containers = templateContainers(o.Spec.Template.Spec)
		}),
		Related:     []Relation{{Kind: Pods, Owned: true}},
		PodSelector: selectedPods(func(o *appsv1.ReplicaSet) *metav1.LabelSelector { return o.Spec.Selector }),
		Actions:     []ActionSpec{ActScale},
	})
	register(&Kind{
		ID: StatefulSets, GVR: appsv1.SchemeGroupVersion.WithResource("statefulsets"), APIKind: "StatefulSet", Label: "StatefulSets",
		Nav: NavWorkloads, Rank: 40, ShortNames: []string{"sts"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return appsinformers.NewStatefulSetInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("ready", "Ready", model.TypeText, func(o *appsv1.StatefulSet) string { return ratio(o.Status.ReadyReplicas, deref(o.Spec.Replicas)) }),
			StatusColumn("Status"), AgeColumn,
			containersColumn(func(o *appsv1.StatefulSet) corev1.PodSpec { return o.Spec.Template.Spec }),
			imagesColumn(func(o *appsv1.StatefulSet) corev1.PodSpec { return o.Spec.Template.Spec }),
		},
		Status: statusAs(func(o *appsv1.StatefulSet) (string, string) {
			return scaled(o.Status.ReadyReplicas, deref(o.Spec.Replicas))
		}),
		Images: imagesAs(func(o *appsv1.StatefulSet) []corev1.Container { return o.Spec.Template.Spec.Containers }),
		describe: describeAs(func(o *appsv1.StatefulSet, f *facts, d *model.Details) {
			f.add("Replicas", fmt.Sprintf("%d desired, %d ready, %d updated", deref(o.Spec.Replicas), o.Status.ReadyReplicas, o.Status.UpdatedReplicas))
			f.add("Service", o.Spec.ServiceName)
			f.add("Update strategy", string(o.Spec.UpdateStrategy.Type))
			f.add("Pod management", string(o.Spec.PodManagementPolicy))
			f.add("Selector", selectorText(o.Spec.Selector))
			d.Conditions = conditions(o.Status.Conditions, func(c appsv1.StatefulSetCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
			d.Containers = templateContainers(o.Spec.Template.Spec)
		}),
		Related:     []Relation{{Kind: Pods, Owned: true}},
		PodSelector: selectedPods(func(o *appsv1.StatefulSet) *metav1.LabelSelector { return o.Spec.Selector }),
		Actions:     []ActionSpec{ActScale, ActRestart},
	})
	register(&Kind{
		ID: DaemonSets, GVR: appsv1.SchemeGroupVersion.WithResource("daemonsets"), APIKind: "DaemonSet", Label: "DaemonSets",
		Nav: NavWorkloads, Rank: 50, ShortNames: []string{"ds"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return appsinformers.NewDaemonSetInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("desired", "Desired", model.TypeInteger, func(o *appsv1.DaemonSet) string { return itoa(o.Status.DesiredNumberScheduled) }),
			Col("current", "Current", model.TypeInteger, func(o *appsv1.DaemonSet) string { return itoa(o.Status.CurrentNumberScheduled) }),
			Col("ready", "Ready", model.TypeText, func(o *appsv1.DaemonSet) string { return ratio(o.Status.NumberReady, o.Status.DesiredNumberScheduled) }),
			Col("upToDate", "Up-to-date", model.TypeInteger, func(o *appsv1.DaemonSet) string { return itoa(o.Status.UpdatedNumberScheduled) }),
			Col("available", "Available", model.TypeInteger, func(o *appsv1.DaemonSet) string { return itoa(o.Status.NumberAvailable) }),
			Col("nodeSelector", "Node selector", model.TypeText, func(o *appsv1.DaemonSet) string { return orNone(mapText(o.Spec.Template.Spec.NodeSelector)) }),
			StatusColumn("Status"), AgeColumn,
			containersColumn(func(o *appsv1.DaemonSet) corev1.PodSpec { return o.Spec.Template.Spec }),
			imagesColumn(func(o *appsv1.DaemonSet) corev1.PodSpec { return o.Spec.Template.Spec }),
		},
		Status: statusAs(func(o *appsv1.DaemonSet) (string, string) {
			return scaled(o.Status.NumberReady, o.Status.DesiredNumberScheduled)
		}),
		Images: imagesAs(func(o *appsv1.DaemonSet) []corev1.Container { return o.Spec.Template.Spec.Containers }),
		describe: describeAs(func(o *appsv1.DaemonSet, f *facts, d *model.Details) {
			f.add("Pods", fmt.Sprintf("%d desired, %d ready, %d up to date, %d available", o.Status.DesiredNumberScheduled, o.Status.NumberReady, o.Status.UpdatedNumberScheduled, o.Status.NumberAvailable))
			f.add("Update strategy", string(o.Spec.UpdateStrategy.Type))
			f.add("Node selector", mapText(o.Spec.Template.Spec.NodeSelector))
			f.add("Selector", selectorText(o.Spec.Selector))
			d.Conditions = conditions(o.Status.Conditions, func(c appsv1.DaemonSetCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
			d.Containers = templateContainers(o.Spec.Template.Spec)
		}),
		Related:     []Relation{{Kind: Pods, Owned: true}},
		PodSelector: selectedPods(func(o *appsv1.DaemonSet) *metav1.LabelSelector { return o.Spec.Selector }),
		Actions:     []ActionSpec{ActRestart},
	})
}

// containersColumn and imagesColumn are kubectl's -o wide CONTAINERS and
// IMAGES of a workload's pod template.
func containersColumn[T any](spec func(T) corev1.PodSpec) Column {
	return Col("containers", "Containers", model.TypeText, func(o T) string {
		cs := spec(o).Containers
		names := make([]string, len(cs))
		for i, c := range cs {
			names[i] = c.Name
		}
		return strings.Join(names, ",")
	}, Priority(1))
}

func imagesColumn[T any](spec func(T) corev1.PodSpec) Column {
	return Col("images", "Images", model.TypeText, func(o T) string {
		return strings.Join(images(spec(o).Containers), ",")
	}, Priority(1))
}
