package controlplane

import (
	"context"
	"encoding/base64"
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
// namespace, the fake nodes, and the metrics.k8s.io APIService.
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
	ca, err := os.ReadFile(p.CACert)
	if err != nil {
		return err
	}
	if err := registerMetricsAPI(ctx, cs, dyn, opts.ports(s).MetricsServer, ca); err != nil {
		return err
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
			Name: name,
			Annotations: map[string]string{
				KwokNodeAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0",
				// Where metrics-server finds this node's resource metrics:
				// kwok serves every node's on its one address.
				"metrics.k8s.io/resource-metrics-path": "/metrics/nodes/" + name + "/metrics/resource",
			},
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

// metricsService is the Service in kube-system the metrics.k8s.io APIService
// names; its DNS name is in metrics-server's serving certificate.
const metricsService = "metrics-server"

// MetricsAPIService is the name of the APIService of metrics.k8s.io.
const MetricsAPIService = "v1beta1.metrics.k8s.io"

var apiServiceResource = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}

// registerMetricsAPI makes the API server's aggregation layer serve
// metrics.k8s.io from metrics-server on 127.0.0.1:port. There is no
// kube-proxy and the endpoints of a Service may not be loopback addresses,
// so the Service is an ExternalName one naming 127.0.0.1: the aggregation
// layer then dials that host at the APIService's port, and verifies the
// certificate for the Service's DNS name with our CA.
func registerMetricsAPI(ctx context.Context, cs kubernetes.Interface, dyn dynamic.Interface, port int, ca []byte) error {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: metricsService, Namespace: metav1.NamespaceSystem, Labels: map[string]string{"k8s-app": "metrics-server"}},
		Spec: corev1.ServiceSpec{
			Type:         corev1.ServiceTypeExternalName,
			ExternalName: "127.0.0.1",
			Ports:        []corev1.ServicePort{{Name: "https", Port: int32(port), Protocol: corev1.ProtocolTCP}},
		},
	}
	if _, err := cs.CoreV1().Services(metav1.NamespaceSystem).Create(ctx, svc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the metrics-server Service: %w", err)
	}
	apiService := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1",
		"kind":       "APIService",
		"metadata":   map[string]any{"name": MetricsAPIService, "labels": map[string]any{"k8s-app": "metrics-server"}},
		"spec": map[string]any{
			"group":                "metrics.k8s.io",
			"version":              "v1beta1",
			"service":              map[string]any{"namespace": metav1.NamespaceSystem, "name": metricsService, "port": int64(port)},
			"caBundle":             base64.StdEncoding.EncodeToString(ca),
			"groupPriorityMinimum": int64(100),
			"versionPriority":      int64(100),
		},
	}}
	if _, err := dyn.Resource(apiServiceResource).Create(ctx, apiService, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create the %s APIService: %w", MetricsAPIService, err)
	}
	return nil
}
