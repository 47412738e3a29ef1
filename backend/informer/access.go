package informer

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

// AccessChecker says where the user may list and watch a resource, so that
// the Owner starts informers only where they can work: a namespace-scoped
// user gets informers for their namespaces instead of a cluster-wide one
// that the API server refuses again and again.
type AccessChecker interface {
	// Allowed reports whether both list and watch of gvr are allowed in ns
	// ("" means cluster-wide).
	Allowed(ctx context.Context, gvr schema.GroupVersionResource, ns string) (bool, error)
	// Namespaces returns the namespaces to try when cluster-wide access is
	// denied: all of them if the user may list namespaces, and always the
	// context's own namespace, which users may be granted without being
	// able to list namespaces.
	Namespaces(ctx context.Context) ([]string, error)
}

// Reviewer is the AccessChecker that asks the API server: a
// SelfSubjectAccessReview per verb for cluster-wide access, and a
// SelfSubjectRulesReview per namespace (one request serves every kind),
// falling back to access reviews when the server says its rules are
// incomplete (webhook authorizers). Answers are cached for the Reviewer's
// life, which is one session: Forget drops them for a recheck.
type Reviewer struct {
	Client kubernetes.Interface
	// Namespace is the kubeconfig context's namespace ("default" if unset).
	Namespace string
	// Timeout bounds each request; 5 s if zero.
	Timeout time.Duration

	mu      sync.Mutex
	reviews map[string]review         // by "ns/group/resource/verb"
	rules   map[string]namespaceRules // per namespace
}

type review struct {
	allowed bool
	reason  string
}

type namespaceRules struct {
	rules      []authorizationv1.ResourceRule
	incomplete bool
}

var verbs = []string{"list", "watch"}

// Allowed implements AccessChecker.
func (r *Reviewer) Allowed(ctx context.Context, gvr schema.GroupVersionResource, ns string) (bool, error) {
	if ns != "" {
		rules, err := r.rulesFor(ctx, ns)
		if err != nil {
			return false, err
		}
		if !rules.incomplete {
			return rulesAllow(rules.rules, gvr), nil
		}
	}
	for _, verb := range verbs {
		ok, _, err := r.Can(ctx, verb, gvr, ns)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// Namespaces implements AccessChecker.
func (r *Reviewer) Namespaces(ctx context.Context) ([]string, error) {
	own := r.Namespace
	if own == "" {
		own = "default"
	}
	canList, _, err := r.Can(ctx, "list", schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, "")
	if err != nil || !canList {
		return []string{own}, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	list, err := r.Client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{own}, fmt.Errorf("list namespaces: %w", err)
	}
	names := []string{own}
	for _, n := range list.Items {
		if n.Name != own {
			names = append(names, n.Name)
		}
	}
	sort.Strings(names[1:])
	return names, nil
}

// Forget drops every cached answer, so the next checks ask the server.
func (r *Reviewer) Forget() {
	r.mu.Lock()
	r.reviews, r.rules = nil, nil
	r.mu.Unlock()
}

func (r *Reviewer) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return 5 * time.Second
}

// Can reports whether the user may perform verb on gvr in ns ("" for
// cluster-wide) and, when not, the authorizer's reason if it gave one.
// Answers are cached until Forget.
func (r *Reviewer) Can(ctx context.Context, verb string, gvr schema.GroupVersionResource, ns string) (bool, string, error) {
	key := ns + "/" + gvr.Group + "/" + gvr.Resource + "/" + verb
	r.mu.Lock()
	rv, known := r.reviews[key]
	r.mu.Unlock()
	if known {
		return rv.allowed, rv.reason, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	res, err := r.Client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: ns, Verb: verb, Group: gvr.Group, Resource: gvr.Resource,
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return false, "", fmt.Errorf("access review (%s %s in %q): %w", verb, gvr.Resource, ns, err)
	}
	rv = review{allowed: res.Status.Allowed, reason: res.Status.Reason}
	r.mu.Lock()
	if r.reviews == nil {
		r.reviews = map[string]review{}
	}
	r.reviews[key] = rv
	r.mu.Unlock()
	return rv.allowed, rv.reason, nil
}

func (r *Reviewer) rulesFor(ctx context.Context, ns string) (namespaceRules, error) {
	r.mu.Lock()
	rules, known := r.rules[ns]
	r.mu.Unlock()
	if known {
		return rules, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	res, err := r.Client.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx, &authorizationv1.SelfSubjectRulesReview{
		Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: ns},
	}, metav1.CreateOptions{})
	if err != nil {
		return namespaceRules{}, fmt.Errorf("rules review in %q: %w", ns, err)
	}
	rules = namespaceRules{rules: res.Status.ResourceRules, incomplete: res.Status.Incomplete}
	r.mu.Lock()
	if r.rules == nil {
		r.rules = map[string]namespaceRules{}
	}
	r.rules[ns] = rules
	r.mu.Unlock()
	return rules, nil
}

// rulesAllow reports whether rules grant list and watch on every object of
// gvr (rules limited to resource names do not: an informer lists them all).
func rulesAllow(rules []authorizationv1.ResourceRule, gvr schema.GroupVersionResource) bool {
	for _, verb := range verbs {
		granted := false
		for _, rule := range rules {
			if len(rule.ResourceNames) == 0 && matches(rule.Verbs, verb) &&
				matches(rule.APIGroups, gvr.Group) && matches(rule.Resources, gvr.Resource) {
				granted = true
				break
			}
		}
		if !granted {
			return false
		}
	}
	return true
}

func matches(values []string, want string) bool {
	return slices.Contains(values, want) || slices.Contains(values, rbacv1.ResourceAll)
}
