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
	gvr        schema.GroupVersionResource
	namespaced bool
	// metadataOnly kinds are cached as PartialObjectMetadata: their payload
	// (Secret values) never enters the process's memory through the cache.
	metadataOnly bool
	typed        func(informers.SharedInformerFactory) cache.SharedIndexInformer
}

var kinds = map[Kind]kindInfo{
	Namespaces: {gvr: corev1.SchemeGroupVersion.WithResource("namespaces"),
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Namespaces().Informer()
		}},
	Nodes: {gvr: corev1.SchemeGroupVersion.WithResource("nodes"),
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Nodes().Informer()
		}},
	Pods: {gvr: corev1.SchemeGroupVersion.WithResource("pods"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Pods().Informer()
		}},
	Deployments: {gvr: appsv1.SchemeGroupVersion.WithResource("deployments"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().Deployments().Informer()
		}},
	ReplicaSets: {gvr: appsv1.SchemeGroupVersion.WithResource("replicasets"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().ReplicaSets().Informer()
		}},
	StatefulSets: {gvr: appsv1.SchemeGroupVersion.WithResource("statefulsets"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().StatefulSets().Informer()
		}},
	DaemonSets: {gvr: appsv1.SchemeGroupVersion.WithResource("daemonsets"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Apps().V1().DaemonSets().Informer()
		}},
	Jobs: {gvr: batchv1.SchemeGroupVersion.WithResource("jobs"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Batch().V1().Jobs().Informer()
		}},
	CronJobs: {gvr: batchv1.SchemeGroupVersion.WithResource("cronjobs"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Batch().V1().CronJobs().Informer()
		}},
	Services: {gvr: corev1.SchemeGroupVersion.WithResource("services"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().Services().Informer()
		}},
	Ingresses: {gvr: networkingv1.SchemeGroupVersion.WithResource("ingresses"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Networking().V1().Ingresses().Informer()
		}},
	ConfigMaps: {gvr: corev1.SchemeGroupVersion.WithResource("configmaps"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().ConfigMaps().Informer()
		}},
	Secrets: {gvr: corev1.SchemeGroupVersion.WithResource("secrets"), namespaced: true, metadataOnly: true},
	PersistentVolumeClaims: {gvr: corev1.SchemeGroupVersion.WithResource("persistentvolumeclaims"), namespaced: true,
		typed: func(f informers.SharedInformerFactory) cache.SharedIndexInformer {
			return f.Core().V1().PersistentVolumeClaims().Informer()
		}},
	Events: {gvr: corev1.SchemeGroupVersion.WithResource("events"), namespaced: true,
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
