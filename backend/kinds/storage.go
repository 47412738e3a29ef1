package kinds

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

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
			Col("capacity", "Capacity", model.TypeQuantity, func(o *corev1.PersistentVolumeClaim) string {
				if q, ok := o.Status.Capacity[corev1.ResourceStorage]; ok {
					return q.String()
				}
				return ""
			}),
			Col("accessModes", "Access modes", model.TypeText, func(o *corev1.PersistentVolumeClaim) string { return accessModes(o.Status.AccessModes) }),
			Col("storageClass", "Storage class", model.TypeText, func(o *corev1.PersistentVolumeClaim) string {
				if o.Spec.StorageClassName == nil {
					return ""
				}
				return *o.Spec.StorageClassName
			}),
			AgeColumn,
			Col("volumeMode", "Volume mode", model.TypeText, func(o *corev1.PersistentVolumeClaim) string {
				if o.Spec.VolumeMode == nil {
					return ""
				}
				return string(*o.Spec.VolumeMode)
			}, Priority(1)),
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
			if q, ok := o.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
				f.add("Requested", q.String())
			}
			if q, ok := o.Status.Capacity[corev1.ResourceStorage]; ok {
				f.add("Capacity", q.String())
			}
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
