package kinds

import (
	"strconv"
	"strings"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	admissionregistrationinformers "k8s.io/client-go/informers/admissionregistration/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"crowsnest/backend/model"
)

// MutatingWebhookConfigurations and ValidatingWebhookConfigurations send
// API requests to webhooks that may change or refuse them; details list
// each webhook's endpoint, rules and failure policy.
const (
	MutatingWebhookConfigurations   ID = "mutatingwebhookconfigurations"
	ValidatingWebhookConfigurations ID = "validatingwebhookconfigurations"
)

func init() {
	register(webhookConfigurations(MutatingWebhookConfigurations, "MutatingWebhookConfiguration", 90,
		admissionregistrationinformers.NewMutatingWebhookConfigurationInformer,
		func(o *admissionregistrationv1.MutatingWebhookConfiguration) []admissionWebhook {
			return webhooksOf(o.Webhooks, func(w admissionregistrationv1.MutatingWebhook) admissionWebhook {
				return admissionWebhook{w.Name, w.ClientConfig, w.Rules, w.FailurePolicy, w.SideEffects, w.NamespaceSelector}
			})
		}))
	register(webhookConfigurations(ValidatingWebhookConfigurations, "ValidatingWebhookConfiguration", 100,
		admissionregistrationinformers.NewValidatingWebhookConfigurationInformer,
		func(o *admissionregistrationv1.ValidatingWebhookConfiguration) []admissionWebhook {
			return webhooksOf(o.Webhooks, func(w admissionregistrationv1.ValidatingWebhook) admissionWebhook {
				return admissionWebhook{w.Name, w.ClientConfig, w.Rules, w.FailurePolicy, w.SideEffects, w.NamespaceSelector}
			})
		}))
}

// admissionWebhook is what mutating and validating webhooks share.
type admissionWebhook struct {
	name          string
	client        admissionregistrationv1.WebhookClientConfig
	rules         []admissionregistrationv1.RuleWithOperations
	failurePolicy *admissionregistrationv1.FailurePolicyType
	sideEffects   *admissionregistrationv1.SideEffectClass
	namespaces    *metav1.LabelSelector
}

// webhooksOf reads the webhooks of one configuration kind.
func webhooksOf[W any](hooks []W, of func(W) admissionWebhook) []admissionWebhook {
	out := make([]admissionWebhook, len(hooks))
	for i, w := range hooks {
		out[i] = of(w)
	}
	return out
}

// webhookConfigurations describes one of the two configuration kinds;
// webhooks reads a configuration's webhooks.
func webhookConfigurations[T any](id ID, apiKind string, rank int,
	newInformer func(kubernetes.Interface, time.Duration, indexers) cacheInformer, webhooks func(T) []admissionWebhook,
) *Kind {
	return &Kind{
		ID: id, GVR: admissionregistrationv1.SchemeGroupVersion.WithResource(string(id)), APIKind: apiKind, Label: apiKind + "s",
		Nav: NavConfig, Rank: rank,
		NewInformer: func(c Clients, _ string) cacheInformer { return newInformer(c.Kube, 0, namespaceIndex()) },
		Columns: []Column{
			NameColumn,
			Col("webhooks", "Webhooks", model.TypeInteger, func(o T) string { return strconv.Itoa(len(webhooks(o))) }),
			AgeColumn,
		},
		describe: describeAs(func(o T, f *facts, d *model.Details) {
			hooks := webhooks(o)
			if len(hooks) == 0 {
				return
			}
			tb := model.Table{Title: "Webhooks", Columns: []string{"Name", "Service or URL", "Rules", "Failure policy", "Side effects", "Namespaces"}}
			for _, w := range hooks {
				tb.Rows = append(tb.Rows, []string{w.name, webhookClient(w.client), webhookRules(w.rules),
					string(ptr.Deref(w.failurePolicy, "")), string(ptr.Deref(w.sideEffects, "")), selectorOr(w.namespaces, "all")})
			}
			d.Tables = append(d.Tables, tb)
		}),
		Related: []Relation{{Kind: Services, Refs: func(obj any) []types.NamespacedName {
			o, ok := obj.(T)
			if !ok {
				return nil
			}
			var refs []types.NamespacedName
			for _, w := range webhooks(o) {
				if s := w.client.Service; s != nil {
					refs = append(refs, types.NamespacedName{Namespace: s.Namespace, Name: s.Name})
				}
			}
			return refs
		}}},
	}
}

// webhookClient is where a webhook is called: a Service's
// namespace/name:port/path (the port when not 443), or a URL.
func webhookClient(c admissionregistrationv1.WebhookClientConfig) string {
	s := c.Service
	if s == nil {
		if c.URL == nil {
			return ""
		}
		return *c.URL
	}
	out := s.Namespace + "/" + s.Name
	if s.Port != nil && *s.Port != 443 {
		out += ":" + itoa(*s.Port)
	}
	if s.Path != nil {
		out += *s.Path
	}
	return out
}

// webhookRules summarizes rules as operations on resource.group, with
// the scope when it is not every scope: "CREATE,UPDATE deployments.apps".
func webhookRules(rules []admissionregistrationv1.RuleWithOperations) string {
	out := make([]string, len(rules))
	for i, r := range rules {
		ops := make([]string, len(r.Operations))
		for j, op := range r.Operations {
			ops[j] = string(op)
		}
		var resources []string
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if g != "" {
					res += "." + g
				}
				resources = append(resources, res)
			}
		}
		out[i] = strings.Join(ops, ",") + " " + strings.Join(resources, ",")
		if r.Scope != nil && *r.Scope != admissionregistrationv1.AllScopes {
			out[i] += " (" + string(*r.Scope) + ")"
		}
	}
	return strings.Join(out, "; ")
}
