package kinds

import (
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	networkinginformers "k8s.io/client-go/informers/networking/v1"

	"crowsnest/backend/model"
)

// NetworkPolicies restrict the traffic to and from the pods they select;
// their details spell out each rule's peers and ports.
const NetworkPolicies ID = "networkpolicies"

func init() {
	register(&Kind{
		ID: NetworkPolicies, GVR: networkingv1.SchemeGroupVersion.WithResource("networkpolicies"), APIKind: "NetworkPolicy",
		Label: "NetworkPolicies", Nav: NavNetwork, Rank: 50, ShortNames: []string{"netpol"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return networkinginformers.NewNetworkPolicyInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("podSelector", "Pod selector", model.TypeText, func(o *networkingv1.NetworkPolicy) string { return selectorText(&o.Spec.PodSelector) }),
			AgeColumn,
		},
		describe: describeAs(describeNetworkPolicy),
		Related: []Relation{{Kind: Pods, Selector: func(obj any) labels.Selector {
			if o, ok := obj.(*networkingv1.NetworkPolicy); ok {
				if s, err := metav1.LabelSelectorAsSelector(&o.Spec.PodSelector); err == nil {
					return s
				}
			}
			return nil
		}}},
	})
}

// policyRule is an ingress rule (from peers) or an egress rule (to peers).
type policyRule struct {
	peers []networkingv1.NetworkPolicyPeer
	ports []networkingv1.NetworkPolicyPort
}

func describeNetworkPolicy(o *networkingv1.NetworkPolicy, f *facts, d *model.Details) {
	f.add("Pod selector", selectorOr(&o.Spec.PodSelector, "all pods in the namespace"))
	types := o.Spec.PolicyTypes
	if len(types) == 0 {
		// The API's default: ingress always, egress once there are rules.
		types = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		if len(o.Spec.Egress) > 0 {
			types = append(types, networkingv1.PolicyTypeEgress)
		}
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	f.add("Policy types", strings.Join(names, ", "))

	ingress := make([]policyRule, len(o.Spec.Ingress))
	for i, r := range o.Spec.Ingress {
		ingress[i] = policyRule{r.From, r.Ports}
	}
	egress := make([]policyRule, len(o.Spec.Egress))
	for i, r := range o.Spec.Egress {
		egress[i] = policyRule{r.To, r.Ports}
	}
	for _, dir := range []struct {
		typ         networkingv1.PolicyType
		title, peer string
		rules       []policyRule
	}{
		{networkingv1.PolicyTypeIngress, "Ingress", "From", ingress},
		{networkingv1.PolicyTypeEgress, "Egress", "To", egress},
	} {
		switch {
		case !slices.Contains(types, dir.typ):
			f.add(dir.title, "not restricted")
		case len(dir.rules) == 0:
			f.add(dir.title, "all denied")
		default:
			d.Tables = append(d.Tables, policyRulesTable(dir.title+" rules", dir.peer, dir.rules))
		}
	}
}

// policyRulesTable has a row for each peer of each rule: traffic is
// allowed from (or to) any of a rule's peers on any of its ports.
func policyRulesTable(title, peer string, rules []policyRule) model.Table {
	tb := model.Table{Title: title, Columns: []string{"Rule", peer, "Ports"}}
	for i, r := range rules {
		ports := policyPorts(r.ports)
		if len(r.peers) == 0 {
			tb.Rows = append(tb.Rows, []string{strconv.Itoa(i + 1), "anywhere", ports})
		}
		for _, p := range r.peers {
			tb.Rows = append(tb.Rows, []string{strconv.Itoa(i + 1), policyPeer(p), ports})
		}
	}
	return tb
}

func policyPeer(p networkingv1.NetworkPolicyPeer) string {
	if b := p.IPBlock; b != nil {
		if len(b.Except) > 0 {
			return b.CIDR + " except " + strings.Join(b.Except, ", ")
		}
		return b.CIDR
	}
	pods := "all pods"
	if s := selectorOr(p.PodSelector, ""); s != "" {
		pods = "pods " + s
	}
	switch {
	case p.NamespaceSelector == nil:
		return pods + " in the namespace"
	case selectorOr(p.NamespaceSelector, "") == "":
		return pods + " in all namespaces"
	default:
		return pods + " in namespaces " + metav1.FormatLabelSelector(p.NamespaceSelector)
	}
}

func policyPorts(ports []networkingv1.NetworkPolicyPort) string {
	if len(ports) == 0 {
		return "all"
	}
	out := make([]string, len(ports))
	for i, p := range ports {
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		port := "all"
		if p.Port != nil {
			port = p.Port.String()
			if p.EndPort != nil {
				port += "-" + itoa(*p.EndPort)
			}
		}
		out[i] = port + "/" + string(proto)
	}
	return strings.Join(out, ", ")
}

// selectorOr is a label selector's text, or all when it selects
// everything (nil or empty: what an empty selector means in a policy's
// peers or a webhook's namespaces).
func selectorOr(s *metav1.LabelSelector, all string) string {
	if s == nil || len(s.MatchLabels)+len(s.MatchExpressions) == 0 {
		return all
	}
	return metav1.FormatLabelSelector(s)
}
