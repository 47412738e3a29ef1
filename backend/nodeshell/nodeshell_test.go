package nodeshell_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	"crowsnest/backend/nodeshell"
)

func spec() nodeshell.Spec {
	return nodeshell.Spec{Node: "demo-worker-1", Namespace: "kube-system", Image: "busybox:1.36", Suffix: "x7k2p",
		OpenedBy: "crowsnest-admin", Session: "crowsnest on laptop, context demo-admin"}
}

func TestPod(t *testing.T) {
	pod := nodeshell.Pod(spec())
	assert.Equal(t, "crowsnest-node-shell-demo-worker-1-x7k2p", pod.Name)
	assert.Equal(t, "kube-system", pod.Namespace)
	assert.Equal(t, map[string]string{"app.kubernetes.io/managed-by": "crowsnest", "crowsnest.dev/node-shell": "demo-worker-1"}, pod.Labels)
	assert.Equal(t, map[string]string{"crowsnest.dev/node": "demo-worker-1", "crowsnest.dev/opened-by": "crowsnest-admin",
		"crowsnest.dev/session": "crowsnest on laptop, context demo-admin"}, pod.Annotations)
	assert.Equal(t, "demo-worker-1", pod.Spec.NodeName, "pinned: no scheduler")
	assert.Equal(t, []corev1.Toleration{{Operator: corev1.TolerationOpExists}}, pod.Spec.Tolerations, "every taint")
	assert.True(t, pod.Spec.HostPID)
	assert.True(t, pod.Spec.HostNetwork)
	assert.True(t, pod.Spec.HostIPC)
	assert.Equal(t, corev1.RestartPolicyNever, pod.Spec.RestartPolicy)
	require.NotNil(t, pod.Spec.AutomountServiceAccountToken)
	assert.False(t, *pod.Spec.AutomountServiceAccountToken, "the shell needs no API token")
	require.Len(t, pod.Spec.Containers, 1)
	c := pod.Spec.Containers[0]
	assert.Equal(t, "shell", c.Name)
	assert.Equal(t, "busybox:1.36", c.Image)
	assert.Equal(t, []string{"sleep", "86400"}, c.Command)
	require.NotNil(t, c.SecurityContext.Privileged)
	assert.True(t, *c.SecurityContext.Privileged)
	assert.Equal(t, nodeshell.Privileges{Privileged: true, HostPID: true, HostNetwork: true, HostIPC: true}, nodeshell.PrivilegesOf(pod))
	assert.True(t, nodeshell.IsNodeShell(pod))
	assert.Equal(t, "demo-worker-1", nodeshell.NodeOf(pod))

	// The same spec gives the same pod: what the page was shown is what
	// is created.
	assert.Equal(t, pod, nodeshell.Pod(spec()))

	// No user known: no empty annotation.
	s := spec()
	s.OpenedBy = ""
	_, ok := nodeshell.Pod(s).Annotations[nodeshell.AnnotationOpenedBy]
	assert.False(t, ok)
}

func TestLongNodeNames(t *testing.T) {
	for _, node := range []string{
		"ip-10-0-1-23.eu-west-1.compute.internal",
		"a" + strings.Repeat(".b-c", 60),
		strings.Repeat("n", 253),
		"gke-prod-pool-1-" + strings.Repeat("9", 40) + "-.x",
	} {
		s := spec()
		s.Node = node
		pod := nodeshell.Pod(s)
		assert.Empty(t, validation.IsDNS1123Subdomain(pod.Name), pod.Name)
		assert.LessOrEqual(t, len(pod.Name), 63, pod.Name)
		assert.True(t, strings.HasSuffix(pod.Name, "-x7k2p"), pod.Name)
		assert.NotContains(t, pod.Name, ".-", pod.Name)
		v := pod.Labels[nodeshell.LabelNode]
		assert.Empty(t, validation.IsValidLabelValue(v), "label value %q", v)
		assert.True(t, strings.HasPrefix(node, v))
		assert.Equal(t, node, pod.Annotations[nodeshell.AnnotationNode], "the full name")
		assert.Equal(t, node, nodeshell.NodeOf(pod))
		assert.Equal(t, node, pod.Spec.NodeName)
	}
}

func TestYAML(t *testing.T) {
	pod := nodeshell.Pod(spec())
	text, err := nodeshell.YAML(pod)
	require.NoError(t, err)
	assert.NotContains(t, text, "status:")
	assert.NotContains(t, text, "creationTimestamp")
	for _, want := range []string{"kind: Pod", "name: crowsnest-node-shell-demo-worker-1-x7k2p", "namespace: kube-system",
		"nodeName: demo-worker-1", "hostPID: true", "hostNetwork: true", "hostIPC: true", "privileged: true", "image: busybox:1.36",
		"- operator: Exists"} {
		assert.Contains(t, text, want)
	}
	// The YAML is the pod: read back, it is the same object.
	var back corev1.Pod
	require.NoError(t, yaml.Unmarshal([]byte(text), &back))
	assert.Equal(t, pod, &back)
}

func TestNotANodeShell(t *testing.T) {
	pod := nodeshell.Pod(spec())
	delete(pod.Labels, nodeshell.LabelManagedBy)
	assert.False(t, nodeshell.IsNodeShell(pod))
	plain := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}}}
	assert.False(t, nodeshell.IsNodeShell(plain))
}

// TestReview: every action is asked in the namespace, in order; the first
// denied is the answer.
func TestReview(t *testing.T) {
	for _, tc := range []struct {
		name   string
		deny   string // resource/subresource verb denied
		want   string
		asked  int
		allows bool
	}{
		{name: "all allowed", allows: true, asked: 4},
		{name: "no create", deny: "create pods", want: "create pods", asked: 1},
		{name: "no exec", deny: "create pods/exec", want: "open terminals", asked: 2},
		{name: "no delete", deny: "delete pods", want: "delete pods", asked: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := fake.NewClientset()
			var asked []string
			client.PrependReactor("create", "selfsubjectaccessreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
				r := a.(k8stesting.CreateAction).GetObject().(*authorizationv1.SelfSubjectAccessReview)
				attr := r.Spec.ResourceAttributes
				assert.Equal(t, "ops", attr.Namespace)
				what := attr.Verb + " " + attr.Resource
				if attr.Subresource != "" {
					what += "/" + attr.Subresource
				}
				asked = append(asked, what)
				r.Status.Allowed = what != tc.deny
				if !r.Status.Allowed {
					r.Status.Reason = "no RBAC rule"
				}
				return true, r, nil
			})
			a, err := nodeshell.Review(context.Background(), client, "ops")
			require.NoError(t, err)
			assert.Equal(t, tc.allows, a.Allowed)
			assert.Len(t, asked, tc.asked)
			if !tc.allows {
				assert.Equal(t, tc.want, a.What)
				assert.Contains(t, a.Denial(), "no RBAC rule")
			}
		})
	}
}
