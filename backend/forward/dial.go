package forward

import (
	"context"
	"fmt"
	"net/http"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/transport/spdy"
)

// NewDialer returns a Dialer that opens tunnels with cfg's credentials as
// kubectl does: SPDY tunnelled over a WebSocket, falling back to plain
// SPDY for servers that do not upgrade to WebSockets.
func NewDialer(cfg *rest.Config, client kubernetes.Interface) (Dialer, error) {
	transport, upgrader, err := spdy.RoundTripperFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("port-forward transport: %w", err)
	}
	hc := &http.Client{Transport: transport}
	return func(namespace, pod string) (httpstream.Connection, error) {
		u := client.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("portforward").URL()
		ws, err := portforward.NewSPDYOverWebsocketDialer(u, cfg)
		if err != nil {
			return nil, fmt.Errorf("port-forward to pod %s/%s: %w", namespace, pod, err)
		}
		d := portforward.NewFallbackDialer(ws, spdy.NewDialer(upgrader, hc, http.MethodPost, u), func(err error) bool {
			return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
		})
		conn, _, err := d.Dial(portforward.PortForwardProtocolV1Name)
		if err != nil {
			return nil, fmt.Errorf("port-forward to pod %s/%s: %w", namespace, pod, err)
		}
		return conn, nil
	}, nil
}

// Access says whether the user may forward ports of pods in a namespace,
// and if not, why, in the API server's words when it gives any.
type Access struct {
	Allowed bool
	Reason  string
}

// CanForward asks the API server (a SelfSubjectAccessReview) whether the
// user may create pods/portforward in namespace, so the UI can disable the
// action and say why before any tunnel opens. The error is for the review
// itself failing, not for a denial.
func CanForward(ctx context.Context, client kubernetes.Interface, namespace string) (Access, error) {
	review, err := client.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: namespace, Verb: "create", Resource: "pods", Subresource: "portforward",
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return Access{}, fmt.Errorf("check access to port-forward in %q: %w", namespace, err)
	}
	a := Access{Allowed: review.Status.Allowed, Reason: review.Status.Reason}
	if a.Reason == "" {
		a.Reason = review.Status.EvaluationError
	}
	return a, nil
}
