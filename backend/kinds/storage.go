package kinds

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// PersistentVolumeClaims ask for storage that a PersistentVolume provides;
// their details link to the volume and its storage class.
const PersistentVolumeClaims ID = "persistentvolumeclaims"

func init() {
	register(&Kind{
		ID: PersistentVolumeClaims, GVR: corev1.SchemeGroupVersion.WithResource("persistentvolumeclaims"),
		APIKind: "PersistentVolumeClaim", Label: "PersistentVolumeClaims",
		Nav: NavStorage, Rank: 10, ShortNames: []string{"pvc"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewPersistentVolumeClaimInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn, StatusColumn("Status"),
			Col("volume", "Volume", model.TypeText, func(o *corev1.PersistentVolumeClaim) string { return o.Spec.VolumeName }),
			Col("capacity", "Capacity", model.TypeQuantity, func(o *corev1.PersistentVolumeClaim) string { return storageSize(o.Status.Capacity) }),
			Col("accessModes", "Access modes", model.TypeText, func(o *corev1.PersistentVolumeClaim) string { return accessModes(o.Status.AccessModes) }),
			Col("storageClass", "Storage class", model.TypeText, func(o *corev1.PersistentVolumeClaim) string {
				if o.Spec.StorageClassName == nil {
					return ""
				}
				return *o.Spec.StorageClassName
			}),
			AgeColumn,
			volumeModeColumn(func(o *corev1.PersistentVolumeClaim) *corev1.PersistentVolumeMode { return o.Spec.VolumeMode }),
		},
		Status: statusAs(func(o *corev1.PersistentVolumeClaim) (string, string) {
			health := map[corev1.PersistentVolumeClaimPhase]string{
				corev1.ClaimBound: model.HealthOK, corev1.ClaimPending: model.HealthWarn, corev1.ClaimLost: model.HealthError,
			}[o.Status.Phase]
			return string(o.Status.Phase), health
		}),
		describe: describeAs(func(o *corev1.PersistentVolumeClaim, f *facts, d *model.Details) {
			f.add("Volume", o.Spec.VolumeName)
			if o.Spec.StorageClassName != nil {
				f.add("Storage class", *o.Spec.StorageClassName)
			}
			f.add("Requested", storageSize(o.Spec.Resources.Requests))
			f.add("Capacity", storageSize(o.Status.Capacity))
			f.add("Access modes", accessModes(o.Spec.AccessModes))
			d.Conditions = conditions(o.Status.Conditions, func(c corev1.PersistentVolumeClaimCondition) model.Condition {
				return cond(string(c.Type), string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
			})
		}),
		Related: []Relation{
			{Kind: PersistentVolumes, Names: func(obj any) []string {
				if o, ok := obj.(*corev1.PersistentVolumeClaim); ok {
					return nonEmpty(o.Spec.VolumeName)
				}
				return nil
			}},
			{Kind: StorageClasses, Names: func(obj any) []string {
				if o, ok := obj.(*corev1.PersistentVolumeClaim); ok && o.Spec.StorageClassName != nil {
					return nonEmpty(*o.Spec.StorageClassName)
				}
				return nil
			}},
		},
	})
}

// accessModes abbreviates as kubectl does: RWO, ROX, RWX, RWOP.
func accessModes(modes []corev1.PersistentVolumeAccessMode) string {
	short := map[corev1.PersistentVolumeAccessMode]string{
		corev1.ReadWriteOnce: "RWO", corev1.ReadOnlyMany: "ROX", corev1.ReadWriteMany: "RWX", corev1.ReadWriteOncePod: "RWOP",
	}
	out := make([]string, 0, len(modes))
	for _, m := range modes {
		if s, ok := short[m]; ok {
			out = append(out, s)
		} else {
			out = append(out, string(m))
		}
	}
	return strings.Join(out, ",")
}

// storageSize is the storage of a claim's request or capacity, or of a
// volume's capacity.
func storageSize(list corev1.ResourceList) string {
	if q, ok := list[corev1.ResourceStorage]; ok {
		return q.String()
	}
	return ""
}

// volumeModeColumn is kubectl's -o wide VOLUMEMODE of claims and volumes.
func volumeModeColumn[T any](mode func(T) *corev1.PersistentVolumeMode) Column {
	return Col("volumeMode", "Volume mode", model.TypeText, func(o T) string { return string(ptr.Deref(mode(o), "")) }, Priority(1))
}
