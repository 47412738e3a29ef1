package kinds

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	networkinginformers "k8s.io/client-go/informers/networking/v1"

	"crowsnest/backend/model"
)

// Ingresses route hosts and paths to Services; their IngressClass names
// the controller that does it.
const Ingresses ID = "ingresses"

func init() {
	register(&Kind{
		ID: Ingresses, GVR: networkingv1.SchemeGroupVersion.WithResource("ingresses"), APIKind: "Ingress", Label: "Ingresses",
		Nav: NavNetwork, Rank: 20, ShortNames: []string{"ing"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return networkinginformers.NewIngressInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("class", "Class", model.TypeText, func(o *networkingv1.Ingress) string {
				if o.Spec.IngressClassName == nil {
					return "<none>"
				}
				return *o.Spec.IngressClassName
			}),
			Col("hosts", "Hosts", model.TypeText, func(o *networkingv1.Ingress) string {
				var hosts []string
				for _, rule := range o.Spec.Rules {
					hosts = append(hosts, orStar(rule.Host))
				}
				return joinCut(hosts, ",", 4)
			}, Wide),
			Col("address", "Address", model.TypeText, func(o *networkingv1.Ingress) string {
				var addrs []string
				for _, in := range o.Status.LoadBalancer.Ingress {
					if in.IP != "" {
						addrs = append(addrs, in.IP)
					} else if in.Hostname != "" {
						addrs = append(addrs, in.Hostname)
					}
				}
				return strings.Join(addrs, ",")
			}),
			Col("ports", "Ports", model.TypeText, func(o *networkingv1.Ingress) string {
				if len(o.Spec.TLS) > 0 {
					return "80, 443"
				}
				return "80"
			}),
			AgeColumn,
		},
		describe: describeAs(func(o *networkingv1.Ingress, f *facts, d *model.Details) {
			if o.Spec.IngressClassName != nil {
				f.add("Class", *o.Spec.IngressClassName)
			}
			var rules [][]string
			for _, r := range o.Spec.Rules {
				if r.HTTP == nil {
					continue
				}
				for _, p := range r.HTTP.Paths {
					to := ""
					if b := p.Backend.Service; b != nil {
						to = b.Name
						if b.Port.Name != "" {
							to += ":" + b.Port.Name
						} else if b.Port.Number != 0 {
							to += fmt.Sprintf(":%d", b.Port.Number)
						}
					}
					pt := ""
					if p.PathType != nil {
						pt = string(*p.PathType)
					}
					rules = append(rules, []string{orStar(r.Host), p.Path, pt, to})
				}
			}
			if len(rules) > 0 {
				d.Tables = append(d.Tables, model.Table{Title: "Rules", Columns: []string{"Host", "Path", "Path type", "Backend"}, Rows: rules})
			}
			var tls []string
			for _, t := range o.Spec.TLS {
				tls = append(tls, fmt.Sprintf("%s (%s)", strings.Join(t.Hosts, ", "), t.SecretName))
			}
			f.add("TLS", strings.Join(tls, "; "))
		}),
		Related: []Relation{{Kind: Services, Names: func(obj any) []string {
			o, ok := obj.(*networkingv1.Ingress)
			if !ok {
				return nil
			}
			var names []string
			if b := o.Spec.DefaultBackend; b != nil && b.Service != nil {
				names = append(names, b.Service.Name)
			}
			for _, r := range o.Spec.Rules {
				if r.HTTP == nil {
					continue
				}
				for _, p := range r.HTTP.Paths {
					if p.Backend.Service != nil {
						names = append(names, p.Backend.Service.Name)
					}
				}
			}
			return names
		}}, {Kind: IngressClasses, Names: func(obj any) []string {
			if o, ok := obj.(*networkingv1.Ingress); ok && o.Spec.IngressClassName != nil {
				return nonEmpty(*o.Spec.IngressClassName)
			}
			return nil
		}}},
	})
}

func orStar(host string) string {
	if host == "" {
		return "*"
	}
	return host
}
