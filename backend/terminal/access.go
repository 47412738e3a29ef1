package terminal

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

// Access says whether the user may exec into the pods of a namespace, and
// if not, why, in the API server's words when it gives any.
type Access struct {
	Namespace string
	Allowed   bool
	Reason    string
}

// podExec is the resource an exec is authorized as.
var podExec = schema.GroupResource{Resource: "pods/exec"}

// CanExec asks the API server (a SelfSubjectAccessReview, never cached:
// roles change) whether the user may create pods/exec in namespace, so the
// page can disable the action and say why before any stream opens. The
// error is for the review itself failing, not for a denial.
func CanExec(ctx context.Context, client kubernetes.Interface, namespace string) (Access, error) {
	review, err := client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: namespace, Verb: "create", Resource: "pods", Subresource: "exec",
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return Access{Namespace: namespace}, fmt.Errorf("check access to exec in %q: %w", namespace, err)
	}
	a := Access{Namespace: namespace, Allowed: review.Status.Allowed, Reason: review.Status.Reason}
	if !a.Allowed && a.Reason == "" {
		a.Reason = review.Status.EvaluationError
	}
	return a, nil
}

// Err is the Forbidden error (apierrors.IsForbidden) for a denied Access,
// nil for an allowed one.
func (a Access) Err() error {
	if a.Allowed {
		return nil
	}
	why := fmt.Sprintf("you may not open a terminal (create pods/exec) in namespace %q", a.Namespace)
	if a.Reason != "" {
		why += ": " + a.Reason
	}
	return apierrors.NewForbidden(podExec, "", errors.New(why))
}
