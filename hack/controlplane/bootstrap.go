package controlplane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

func clientConfigFor(opts Options, p pki, cluster, userKey string) (*rest.Config, error) {
	ca, err := os.ReadFile(p.CACert)
	if err != nil {
		return nil, err
	}
	return &rest.Config{
		Host:            opts.Server(cluster),
		BearerToken:     p.Tokens[userKey],
		TLSClientConfig: rest.TLSClientConfig{CAData: ca},
		QPS:             200,
		Burst:           400,
		UserAgent:       "crowsnest-hack",
	}, nil
}

// bootstrap creates what every cluster has before any seeding: kwok's
// per-pod configuration kinds, the demo viewer's read-only access to its one
// namespace, and the fake nodes.
func bootstrap(ctx context.Context, opts Options, p pki, bins Binaries, s clusterSpec) error {
	cs, err := componentsClient(opts, p, s.Name)
	if err != nil {
		return err
	}
	cfg, err := clientConfigFor(opts, p, s.Name, componentsUser)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	crds, err := createCRDs(ctx, dyn, bins.KwokCRDs)
	if err != nil {
		return err
	}
	for _, u := range s.Users {
		if !u.Masters {
			if err := grantNamespaceRead(ctx, cs, ViewerNamespace, userName(u)); err != nil {
				return err
			}
		}
	}
	for i := 1; i <= s.Nodes; i++ {
		if err := createKwokNode(ctx, cs, fmt.Sprintf("%s-worker-%d", s.Name, i), i); err != nil {
			return err
		}
	}
	// kwok lists these kinds as it starts; they must be served by then.
	return waitEstablished(ctx, dyn, crds)
}

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// createCRDs creates the CustomResourceDefinitions in a multi-document YAML
// file and returns their names.
func createCRDs(ctx context.Context, dyn dynamic.Interface, file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	var names []string
	for {
		var u unstructured.Unstructured
		if err := dec.Decode(&u.Object); errors.Is(err, io.EOF) {
			return names, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(u.Object) == 0 {
			continue
		}
		if _, err := dyn.Resource(crdResource).Create(ctx, &u, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("create CustomResourceDefinition %s: %w", u.GetName(), err)
		}
		names = append(names, u.GetName())
	}
}

// waitEstablished waits until the API server serves every named CRD.
func waitEstablished(ctx context.Context, dyn dynamic.Interface, names []string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, name := range names {
		err := wait.PollUntilContextCancel(ctx, 20*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			u, err := dyn.Resource(crdResource).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range conds {
				if m, ok := c.(map[string]any); ok && m["type"] == "Established" && m["status"] == "True" {
					return true, nil
				}
			}
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CustomResourceDefinition %s not established: %w", name, err)
		}
	}
	return nil
}

// grantNamespaceRead lets user get, list and watch everything in ns, and
// nothing elsewhere: the restricted user of tests and of the demo.
func grantNamespaceRead(ctx context.Context, cs kubernetes.Interface, ns, user string) error {
	objs := []func() error{
		func() error {
			_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
				ObjectMeta: metav1.ObjectMeta{Name: "namespace-reader"},
				Rules: []rbacv1.PolicyRule{{
					APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch"},
				}},
			}, metav1.CreateOptions{})
			return err
		},
		func() error {
			_, err := cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "namespace-reader-" + user},
				RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "namespace-reader"},
				Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: user}},
			}, metav1.CreateOptions{})
			return err
		},
	}
	for _, create := range objs {
		if err := create(); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("grant %s read access to %s: %w", user, ns, err)
		}
	}
	return nil
}

// createKwokNode registers a fake node that kwok will keep Ready. Capacity
// is generous so that benchmarks can place tens of thousands of pods.
func createKwokNode(ctx context.Context, cs kubernetes.Interface, name string, i int) error {
	zone := []string{"a", "b", "c"}[i%3]
	res := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("128Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Annotations: map[string]string{KwokNodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
			Labels: map[string]string{
				"type":                             "kwok",
				"kubernetes.io/hostname":           name,
				"kubernetes.io/os":                 "linux",
				"kubernetes.io/arch":               "amd64",
				"node-role.kubernetes.io/worker":   "",
				"node.kubernetes.io/instance-type": "m6i.8xlarge",
				"topology.kubernetes.io/region":    "local-1",
				"topology.kubernetes.io/zone":      "local-1" + zone,
			},
		},
		Status: corev1.NodeStatus{
			Capacity:    res,
			Allocatable: res,
			NodeInfo: corev1.NodeSystemInfo{
				Architecture: "amd64", OperatingSystem: "linux",
				KubeletVersion: "v1.37.2-kwok", OSImage: "Crowsnest simulated node",
			},
		},
	}
	if _, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create node %s: %w", name, err)
	}
	return nil
}
