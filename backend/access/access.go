// Package access asks the API server whether the user may do something
// (a SelfSubjectAccessReview), so that the page can disable an action and
// say why, and a stream is refused before it opens.
package access

import (
	"context"
	"errors"
	"fmt"

	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
)

// Action is something a user may be allowed to do in a namespace: what it
// is called in messages, and the request attributes it is authorized as.
type Action struct {
	What                               string // "read pod logs"
	Verb, Group, Resource, Subresource string
}

func (a Action) attributes() string {
	r := a.Resource
	if a.Subresource != "" {
		r += "/" + a.Subresource
	}
	return a.Verb + " " + r
}

// Answer says whether the user may do an Action in a namespace, and if not,
// why, in the API server's words when it gives any.
type Answer struct {
	Action
	Namespace string
	Allowed   bool
	Reason    string
}

// Review asks the API server whether the user may do action in namespace.
// It is not cached: roles change. The error is for the review itself
// failing, not for a denial.
func Review(ctx context.Context, client kubernetes.Interface, action Action, namespace string) (Answer, error) {
	return ReviewObject(ctx, client, action, namespace, "")
}

// ReviewObject is Review for one object by name (a role may name the
// objects it allows); name "" is any object.
func ReviewObject(ctx context.Context, client kubernetes.Interface, action Action, namespace, name string) (Answer, error) {
	review, err := client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: namespace, Verb: action.Verb, Group: action.Group, Resource: action.Resource,
			Subresource: action.Subresource, Name: name,
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return Answer{Action: action, Namespace: namespace}, fmt.Errorf("check whether you may %s in %q: %w", action.What, namespace, err)
	}
	a := Answer{Action: action, Namespace: namespace, Allowed: review.Status.Allowed, Reason: review.Status.Reason}
	if !a.Allowed && a.Reason == "" {
		a.Reason = review.Status.EvaluationError
	}
	return a, nil
}

// Err is the Forbidden error (apierrors.IsForbidden) for a denied Answer,
// nil for an allowed one.
func (a Answer) Err() error {
	if a.Allowed {
		return nil
	}
	why := fmt.Sprintf("you may not %s in namespace %q", a.What, a.Namespace)
	if a.Reason != "" {
		why += ": " + a.Reason
	}
	gr := schema.GroupResource{Resource: a.Resource}
	if a.Subresource != "" {
		gr.Resource += "/" + a.Subresource
	}
	return apierrors.NewForbidden(gr, "", errors.New(why))
}

// Denial is why a denied Answer was denied, as the page shows it next to
// the disabled action ("" when allowed).
func (a Answer) Denial() string {
	if a.Allowed {
		return ""
	}
	where := "in namespace " + a.Namespace
	if a.Namespace == "" {
		where = "cluster-wide"
	}
	why := fmt.Sprintf("your user may not %s (%s) %s", a.What, a.attributes(), where)
	if a.Reason != "" {
		why += ": " + a.Reason
	}
	return why
}
