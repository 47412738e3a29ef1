package logs

import (
	"context"

	"k8s.io/client-go/kubernetes"

	"crowsnest/backend/access"
)

// ReadLogs is what reading a container's log is authorized as.
var ReadLogs = access.Action{What: "read pod logs", Verb: "get", Resource: "pods", Subresource: "log"}

// CanReadLogs asks the API server whether the user may get pods/log in
// namespace, so the UI can disable the action and say why before any
// stream opens.
func CanReadLogs(ctx context.Context, client kubernetes.Interface, namespace string) (access.Answer, error) {
	return access.Review(ctx, client, ReadLogs, namespace)
}
