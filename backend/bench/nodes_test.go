package bench_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"crowsnest/hack/controlplane"
)

func kwokNodes(ctx context.Context, cs kubernetes.Interface) ([]*corev1.Node, error) {
	list, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	var out []*corev1.Node
	for i := range list.Items {
		if list.Items[i].Annotations[controlplane.KwokNodeAnnotation] == "fake" {
			out = append(out, &list.Items[i])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no kwok nodes")
	}
	return out, nil
}

// bindStranded binds the pods of ns that no node holds (the replacements of
// evicted load pods, which the scheduler cannot place) to kwok nodes, the
// way seed.Pods placed the originals, so kwok runs them.
func bindStranded(ctx context.Context, cs kubernetes.Interface, ns string) error {
	nodes, err := kwokNodes(ctx, cs)
	if err != nil {
		return err
	}
	list, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName="})
	if err != nil {
		return fmt.Errorf("list unbound pods in %s: %w", ns, err)
	}
	if len(list.Items) == 0 {
		return nil
	}
	logf("binding %d pods of %s that no node holds (evicted and replaced before the node leases were kept)", len(list.Items), ns)
	for i, p := range list.Items {
		err := cs.CoreV1().Pods(ns).Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: ns, UID: p.UID},
			Target:     corev1.ObjectReference{Kind: "Node", Name: nodes[i%len(nodes)].Name},
		}, metav1.CreateOptions{})
		if err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("bind %s/%s: %w", ns, p.Name, err)
		}
	}
	return nil
}
