package kinds

import (
	networkingv1 "k8s.io/api/networking/v1"
	networkinginformers "k8s.io/client-go/informers/networking/v1"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// IngressClasses name the controller that implements an Ingress; one may
// be marked the default for Ingresses that name none.
const IngressClasses ID = "ingressclasses"

func init() {
	register(&Kind{
		ID: IngressClasses, GVR: networkingv1.SchemeGroupVersion.WithResource("ingressclasses"), APIKind: "IngressClass",
		Label: "IngressClasses", Nav: NavNetwork, Rank: 40,
		NewInformer: func(c Clients, _ string) cacheInformer {
			return networkinginformers.NewIngressClassInformer(c.Kube, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn,
			Col("controller", "Controller", model.TypeText, func(o *networkingv1.IngressClass) string { return o.Spec.Controller }),
			Col("parameters", "Parameters", model.TypeText, func(o *networkingv1.IngressClass) string {
				return orNone(ingressClassParameters(o.Spec.Parameters))
			}),
			Col("default", "Default", model.TypeText, func(o *networkingv1.IngressClass) string {
				return yes(isDefaultClass(o.Annotations, networkingv1.AnnotationIsDefaultIngressClass))
			}, Described("The class of Ingresses that name none")),
			AgeColumn,
		},
		describe: describeAs(func(o *networkingv1.IngressClass, f *facts, d *model.Details) {
			f.add("Controller", o.Spec.Controller)
			f.add("Default", yes(isDefaultClass(o.Annotations, networkingv1.AnnotationIsDefaultIngressClass)))
			if p := o.Spec.Parameters; p != nil {
				f.add("Parameters", ingressClassParameters(p))
				f.add("Parameters scope", ptr.Deref(p.Scope, ""))
				f.add("Parameters namespace", ptr.Deref(p.Namespace, ""))
			}
		}),
	})
}

// ingressClassParameters is kubectl's Kind.group/name of a class's
// parameters.
func ingressClassParameters(p *networkingv1.IngressClassParametersReference) string {
	if p == nil {
		return ""
	}
	s := p.Kind
	if p.APIGroup != nil && *p.APIGroup != "" {
		s += "." + *p.APIGroup
	}
	return s + "/" + p.Name
}

// isDefaultClass reports whether one of the annotations that can make a
// class the default (IngressClass, StorageClass) does.
func isDefaultClass(annotations map[string]string, keys ...string) bool {
	for _, k := range keys {
		if annotations[k] == "true" {
			return true
		}
	}
	return false
}
