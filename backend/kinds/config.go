package kinds

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// ConfigMaps, and Secrets, which the cache holds as metadata only: their
// values never enter the process through it.
const (
	ConfigMaps ID = "configmaps"
	Secrets    ID = "secrets"
)

func init() {
	register(&Kind{
		ID: ConfigMaps, GVR: corev1.SchemeGroupVersion.WithResource("configmaps"), APIKind: "ConfigMap", Label: "ConfigMaps",
		Nav: NavConfig, Rank: 10, ShortNames: []string{"cm"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewConfigMapInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("data", "Data", model.TypeInteger, func(o *corev1.ConfigMap) string { return strconv.Itoa(len(o.Data) + len(o.BinaryData)) }),
			AgeColumn,
		},
		describe: describeAs(func(o *corev1.ConfigMap, f *facts, d *model.Details) {
			f.add("Keys", strings.Join(sortedKeys(o.Data), ", "))
			f.add("Binary keys", strings.Join(sortedKeys(o.BinaryData), ", "))
			f.add("Immutable", yes(o.Immutable != nil && *o.Immutable))
		}),
	})
	register(&Kind{
		ID: Secrets, GVR: corev1.SchemeGroupVersion.WithResource("secrets"), APIKind: "Secret", Label: "Secrets",
		Nav: NavConfig, Rank: 20, Namespaced: true,
		Cache:   Metadata,
		Columns: []Column{NameColumn, NamespaceColumn, AgeColumn},
		// Helm's release Secrets clutter the table; the Helm releases kind
		// shows them as releases.
		Hidden: HelmSecrets, HiddenLabel: "Helm release Secrets",
		describe: describeAs(func(_ *metav1.PartialObjectMetadata, f *facts, d *model.Details) {
			f.add("Values", "hidden; reveal one value at a time")
		}),
		SecretValues: true,
	})
}
