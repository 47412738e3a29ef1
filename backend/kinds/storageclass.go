package kinds

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	storageinformers "k8s.io/client-go/informers/storage/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// StorageClasses say how volumes are provisioned for the claims that name
// them; one may be marked the default for claims that name none.
const StorageClasses ID = "storageclasses"

func init() {
	register(&Kind{
		ID: StorageClasses, GVR: storagev1.SchemeGroupVersion.WithResource("storageclasses"), APIKind: "StorageClass",
		Label: "StorageClasses", Nav: NavStorage, Rank: 30, ShortNames: []string{"sc"},
		NewInformer: func(c Clients, _ string) cacheInformer {
			return storageinformers.NewStorageClassInformer(c.Kube, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn,
			Col("provisioner", "Provisioner", model.TypeText, func(o *storagev1.StorageClass) string { return o.Provisioner }),
			Col("reclaimPolicy", "Reclaim policy", model.TypeText, storageClassReclaim),
			Col("volumeBindingMode", "Volume binding mode", model.TypeText, storageClassBinding),
			Col("allowVolumeExpansion", "Allow volume expansion", model.TypeBoolean, func(o *storagev1.StorageClass) string {
				return strconv.FormatBool(ptr.Deref(o.AllowVolumeExpansion, false))
			}),
			Col("default", "Default", model.TypeText, func(o *storagev1.StorageClass) string { return yes(isDefaultStorageClass(o)) },
				Described("The class of claims that name none")),
			AgeColumn,
		},
		describe: describeAs(func(o *storagev1.StorageClass, f *facts, d *model.Details) {
			f.add("Provisioner", o.Provisioner)
			f.add("Reclaim policy", storageClassReclaim(o))
			f.add("Volume binding mode", storageClassBinding(o))
			f.add("Volume expansion", yes(ptr.Deref(o.AllowVolumeExpansion, false)))
			f.add("Default", yes(isDefaultStorageClass(o)))
			f.add("Parameters", mapText(o.Parameters))
			f.add("Mount options", strings.Join(o.MountOptions, ", "))
			var topologies []string
			for _, term := range o.AllowedTopologies {
				reqs := make([]string, len(term.MatchLabelExpressions))
				for i, r := range term.MatchLabelExpressions {
					reqs[i] = r.Key + " in (" + strings.Join(r.Values, ", ") + ")"
				}
				topologies = append(topologies, strings.Join(reqs, ", "))
			}
			f.add("Allowed topologies", strings.Join(topologies, "; or "))
		}),
	})
}

// storageClassReclaim and storageClassBinding fill in the API's defaults.
func storageClassReclaim(o *storagev1.StorageClass) string {
	return string(ptr.Deref(o.ReclaimPolicy, corev1.PersistentVolumeReclaimDelete))
}

func storageClassBinding(o *storagev1.StorageClass) string {
	return string(ptr.Deref(o.VolumeBindingMode, storagev1.VolumeBindingImmediate))
}

func isDefaultStorageClass(o *storagev1.StorageClass) bool {
	return isDefaultClass(o.Annotations, "storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class")
}
