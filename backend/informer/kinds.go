package informer

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

// Kind names a resource kind the backend caches, by its plural resource name.
type Kind string

// The kinds Crowsnest caches.
const (
	Namespaces             Kind = "namespaces"
	Nodes                  Kind = "nodes"
	Pods                   Kind = "pods"
	Deployments            Kind = "deployments"
	ReplicaSets            Kind = "replicasets"
	StatefulSets           Kind = "statefulsets"
	DaemonSets             Kind = "daemonsets"
	Jobs                   Kind = "jobs"
	CronJobs               Kind = "cronjobs"
	Services               Kind = "services"
	Ingresses              Kind = "ingresses"
	ConfigMaps             Kind = "configmaps"
	Secrets                Kind = "secrets"
	PersistentVolumeClaims Kind = "persistentvolumeclaims"
	Events                 Kind = "events"
)

// kindInfo says how to build a kind's informer.
type kindInfo struct {
	kind       string // the API kind, as owner references name it
	gvr        schema.GroupVersionResource
	namespaced bool
	// metadataOnly kinds are cached as PartialObjectMetadata: their payload
	// (Secret values) never enters the process's memory through the cache.
	metadataOnly bool
	typed        func(informers.SharedInformerFactory) cache.SharedIndexInformer
}

var kinds = map[Kind]kindInfo{
	Namespaces: {kind: "Namespace", gvr: corev1.SchemeGroupVersion.WithResource("namespaces"),
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Namespaces().Informer()
		}},
	Nodes: {kind: "Node", gvr: corev1.SchemeGroupVersion.WithResource("nodes"),
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Nodes().Informer()
		}},
	Pods: {kind: "Pod", gvr: corev1.SchemeGroupVersion.WithResource("pods"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Pods().Informer()
		}},
	Deployments: {kind: "Deployment", gvr: appsv1.SchemeGroupVersion.WithResource("deployments"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().Deployments().Informer()
		}},
	ReplicaSets: {kind: "ReplicaSet", gvr: appsv1.SchemeGroupVersion.WithResource("replicasets"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().ReplicaSets().Informer()
		}},
	StatefulSets: {kind: "StatefulSet", gvr: appsv1.SchemeGroupVersion.WithResource("statefulsets"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().StatefulSets().Informer()
		}},
	DaemonSets: {kind: "DaemonSet", gvr: appsv1.SchemeGroupVersion.WithResource("daemonsets"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().DaemonSets().Informer()
		}},
	Jobs: {kind: "Job", gvr: batchv1.SchemeGroupVersion.WithResource("jobs"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Batch().V1().Jobs().Informer()
		}},
	CronJobs: {kind: "CronJob", gvr: batchv1.SchemeGroupVersion.WithResource("cronjobs"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Batch().V1().CronJobs().Informer()
		}},
	Services: {kind: "Service", gvr: corev1.SchemeGroupVersion.WithResource("services"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Services().Informer()
		}},
	Ingresses: {kind: "Ingress", gvr: networkingv1.SchemeGroupVersion.WithResource("ingresses"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Networking().V1().Ingresses().Informer()
		}},
	ConfigMaps: {kind: "ConfigMap", gvr: corev1.SchemeGroupVersion.WithResource("configmaps"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().ConfigMaps().Informer()
		}},
	Secrets: {kind: "Secret", gvr: corev1.SchemeGroupVersion.WithResource("secrets"), namespaced: true, metadataOnly: true},
	PersistentVolumeClaims: {kind: "PersistentVolumeClaim", gvr: corev1.SchemeGroupVersion.WithResource("persistentvolumeclaims"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().PersistentVolumeClaims().Informer()
		}},
	Events: {kind: "Event", gvr: corev1.SchemeGroupVersion.WithResource("events"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Events().Informer()
		}},
}

// AllKinds lists every kind in a stable order (as the UI groups them).
func AllKinds() []Kind {
	return []Kind{Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs,
		Services, Ingresses, ConfigMaps, Secrets, PersistentVolumeClaims, Nodes, Namespaces, Events}
}

// Known reports whether k is a kind the backend caches.
func Known(k Kind) bool { _, ok := kinds[k]; return ok }

// Namespaced reports whether objects of k live in a namespace.
func Namespaced(k Kind) bool { return kinds[k].namespaced }

// GVR returns the API group, version and resource of k.
func GVR(k Kind) schema.GroupVersionResource { return kinds[k].gvr }

// ForGroupKind returns the cached kind of an API group and kind (as an owner
// reference names them), if the backend caches it.
func ForGroupKind(group, kind string) (Kind, bool) {
	for k, info := range kinds {
		if info.gvr.Group == group && info.kind == kind {
			return k, true
		}
	}
	return "", false
}
