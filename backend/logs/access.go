package logs

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

// Access says whether the user may read pod logs in a namespace, and if
// not, why, in the API server's words when it gives any.
type Access struct {
	Namespace string
	Allowed   bool
	Reason    string
}

// podLogs is the resource a log read is authorized as.
var podLogs = schema.GroupResource{Resource: "pods/log"}

// CanReadLogs asks the API server (a SelfSubjectAccessReview) whether the
// user may get pods/log in namespace, so the UI can disable the action and
// say why before any stream opens. The error is for the review itself
// failing, not for a denial.
func CanReadLogs(ctx context.Context, client kubernetes.Interface, namespace string) (Access, error) {
	review, err := client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: namespace, Verb: "get", Resource: "pods", Subresource: "log",
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return Access{Namespace: namespace}, fmt.Errorf("check access to pod logs in %q: %w", namespace, err)
	}
	a := Access{Namespace: namespace, Allowed: review.Status.Allowed, Reason: review.Status.Reason}
	if !a.Allowed && review.Status.EvaluationError != "" && a.Reason == "" {
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
	why := fmt.Sprintf("you may not read pod logs in namespace %q", a.Namespace)
	if a.Reason != "" {
		why += ": " + a.Reason
	}
	return apierrors.NewForbidden(podLogs, "", errors.New(why))
}
