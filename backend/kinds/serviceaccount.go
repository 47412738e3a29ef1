package kinds

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// ServiceAccounts are the identities pods run as; their details link to
// the Secrets they name.
const ServiceAccounts ID = "serviceaccounts"

func init() {
	register(&Kind{
		ID: ServiceAccounts, GVR: corev1.SchemeGroupVersion.WithResource("serviceaccounts"), APIKind: "ServiceAccount",
		Label: "ServiceAccounts", Nav: NavAccess, Rank: 10, ShortNames: []string{"sa"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewServiceAccountInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("secrets", "Secrets", model.TypeInteger, func(o *corev1.ServiceAccount) string { return strconv.Itoa(len(o.Secrets)) }),
			AgeColumn,
		},
		describe: describeAs(func(o *corev1.ServiceAccount, f *facts, d *model.Details) {
			secrets := make([]string, len(o.Secrets))
			for i, s := range o.Secrets {
				secrets[i] = s.Name
			}
			f.add("Secrets", strings.Join(secrets, ", "))
			pull := make([]string, len(o.ImagePullSecrets))
			for i, s := range o.ImagePullSecrets {
				pull[i] = s.Name
			}
			f.add("Image pull secrets", strings.Join(pull, ", "))
			if o.AutomountServiceAccountToken != nil {
				f.add("Mount token", strconv.FormatBool(*o.AutomountServiceAccountToken))
			}
		}),
		Related: []Relation{{Kind: Secrets, Names: func(obj any) []string {
			o, ok := obj.(*corev1.ServiceAccount)
			if !ok {
				return nil
			}
			var names []string
			for _, s := range o.Secrets {
				names = append(names, s.Name)
			}
			for _, s := range o.ImagePullSecrets {
				names = append(names, s.Name)
			}
			slices.Sort(names)
			return slices.Compact(names) // a pull secret may be a token's too
		}}},
	})
}
