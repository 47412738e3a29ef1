package kinds

import (
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// PersistentVolumes are storage in the cluster; a claim in a namespace
// binds one, and their details link to each other.
const PersistentVolumes ID = "persistentvolumes"

func init() {
	register(&Kind{
		ID: PersistentVolumes, GVR: corev1.SchemeGroupVersion.WithResource("persistentvolumes"), APIKind: "PersistentVolume",
		Label: "PersistentVolumes", Nav: NavStorage, Rank: 20, ShortNames: []string{"pv"},
		NewInformer: func(c Clients, _ string) cacheInformer {
			return coreinformers.NewPersistentVolumeInformer(c.Kube, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn,
			Col("capacity", "Capacity", model.TypeQuantity, func(o *corev1.PersistentVolume) string { return storageSize(o.Spec.Capacity) }),
			Col("accessModes", "Access modes", model.TypeText, func(o *corev1.PersistentVolume) string { return accessModes(o.Spec.AccessModes) }),
			Col("reclaimPolicy", "Reclaim policy", model.TypeText, func(o *corev1.PersistentVolume) string {
				return string(o.Spec.PersistentVolumeReclaimPolicy)
			}),
			StatusColumn("Status"),
			Col("claim", "Claim", model.TypeText, func(o *corev1.PersistentVolume) string {
				if r := o.Spec.ClaimRef; r != nil {
					return r.Namespace + "/" + r.Name
				}
				return ""
			}),
			Col("storageClass", "Storage class", model.TypeText, volumeClass),
			Col("volumeAttributesClass", "Volume attributes class", model.TypeText, func(o *corev1.PersistentVolume) string {
				return ptr.Deref(o.Spec.VolumeAttributesClassName, "")
			}),
			Col("reason", "Reason", model.TypeText, func(o *corev1.PersistentVolume) string { return o.Status.Reason }),
			AgeColumn,
			volumeModeColumn(func(o *corev1.PersistentVolume) *corev1.PersistentVolumeMode { return o.Spec.VolumeMode }),
		},
		Status: statusAs(func(o *corev1.PersistentVolume) (string, string) {
			if o.DeletionTimestamp != nil {
				return "Terminating", model.HealthWarn
			}
			health := map[corev1.PersistentVolumePhase]string{
				corev1.VolumeBound: model.HealthOK, corev1.VolumeAvailable: model.HealthOK, corev1.VolumePending: model.HealthWarn,
				corev1.VolumeReleased: model.HealthWarn, corev1.VolumeFailed: model.HealthError,
			}[o.Status.Phase]
			return string(o.Status.Phase), health
		}),
		describe: describeAs(func(o *corev1.PersistentVolume, f *facts, d *model.Details) {
			f.add("Capacity", storageSize(o.Spec.Capacity))
			f.add("Access modes", accessModes(o.Spec.AccessModes))
			f.add("Reclaim policy", string(o.Spec.PersistentVolumeReclaimPolicy))
			f.add("Storage class", volumeClass(o))
			if r := o.Spec.ClaimRef; r != nil {
				f.add("Claim", r.Namespace+"/"+r.Name)
			}
			f.add("Source", volumeSource(o.Spec.PersistentVolumeSource))
			if a := o.Spec.NodeAffinity; a != nil && a.Required != nil {
				f.add("Node affinity", nodeSelectorText(a.Required))
			}
			f.add("Mount options", strings.Join(o.Spec.MountOptions, ", "))
			f.add("Phase since", timeText(o.Status.LastPhaseTransitionTime))
			f.add("Reason", o.Status.Reason)
			f.add("Message", o.Status.Message)
		}),
		Related: []Relation{
			{Kind: PersistentVolumeClaims, Refs: func(obj any) []types.NamespacedName {
				if o, ok := obj.(*corev1.PersistentVolume); ok && o.Spec.ClaimRef != nil {
					return []types.NamespacedName{{Namespace: o.Spec.ClaimRef.Namespace, Name: o.Spec.ClaimRef.Name}}
				}
				return nil
			}},
			{Kind: StorageClasses, Names: func(obj any) []string {
				if o, ok := obj.(*corev1.PersistentVolume); ok {
					return nonEmpty(volumeClass(o))
				}
				return nil
			}},
		},
	})
}

// volumeClass is a volume's storage class, from the field or the beta
// annotation that preceded it, as kubectl reads it.
func volumeClass(o *corev1.PersistentVolume) string {
	if c, ok := o.Annotations[corev1.BetaStorageClassAnnotation]; ok {
		return c
	}
	return o.Spec.StorageClassName
}

// volumeSource names what provides a volume, with its address for the
// common sources.
func volumeSource(s corev1.PersistentVolumeSource) string {
	switch {
	case s.CSI != nil:
		return "CSI " + s.CSI.Driver + " (" + s.CSI.VolumeHandle + ")"
	case s.NFS != nil:
		return "NFS " + s.NFS.Server + ":" + s.NFS.Path
	case s.HostPath != nil:
		return "host path " + s.HostPath.Path
	case s.Local != nil:
		return "local " + s.Local.Path
	}
	// The in-tree sources, by the name of the one that is set.
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			return v.Type().Field(i).Name
		}
	}
	return ""
}

// nodeSelectorText writes a node selector's terms ("or") of requirements
// ("and").
func nodeSelectorText(s *corev1.NodeSelector) string {
	terms := make([]string, len(s.NodeSelectorTerms))
	for i, t := range s.NodeSelectorTerms {
		var reqs []string
		for _, r := range slices.Concat(t.MatchExpressions, t.MatchFields) {
			req := r.Key + " " + string(r.Operator)
			if len(r.Values) > 0 {
				req += " (" + strings.Join(r.Values, ", ") + ")"
			}
			reqs = append(reqs, req)
		}
		terms[i] = strings.Join(reqs, ", ")
	}
	return strings.Join(terms, "; or ")
}
