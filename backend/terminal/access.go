package terminal

import (
	"context"

	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/access"
)

// Exec is what opening a terminal is authorized as.
var Exec = access.Action{What: "open terminals", Verb: "create", Resource: "pods", Subresource: "exec"}

// CanExec asks the API server whether the user may create pods/exec in
// namespace, so the page can disable the action and say why before any
// stream opens.
func CanExec(ctx context.Context, client kubernetes.Interface, namespace string) (access.Answer, error) {
	return access.Review(ctx, client, Exec, namespace)
}
