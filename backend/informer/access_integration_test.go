package informer_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/hack/controlplane"
	"crowsnest/hack/faultproxy"
	"crowsnest/hack/testcluster"
)

// TestNamespaceScopedUser is the demo viewer, who may read everything in
// one namespace and nothing else: pods are watched in that namespace only,
// nodes are "no access" and never requested.
func TestNamespaceScopedUser(t *testing.T) {
	env := testcluster.Get(t)
	counter, cs, md := countingClients(t, env.Viewer(t))
	o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md,
		Access: &informer.Reviewer{Client: cs, Namespace: controlplane.ViewerNamespace}})
	defer o.Stop()

	pods, err := o.Informer(kinds.Builtin(kinds.Pods))
	require.NoError(t, err)
	_, err = o.Informer(kinds.Builtin(kinds.Nodes))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return o.Synced(kinds.Pods) && o.Status(kinds.Nodes).State == informer.StateForbidden
	}, 30*time.Second, 20*time.Millisecond, "pods %+v, nodes %+v", o.Status(kinds.Pods), o.Status(kinds.Nodes))

	st := o.Status(kinds.Pods)
	assert.Equal(t, informer.StateSynced, st.State)
	assert.Equal(t, []string{controlplane.ViewerNamespace}, st.Namespaces)
	assert.Equal(t, []string{controlplane.ViewerNamespace}, pods.Namespaces())
	for _, obj := range pods.List() {
		assert.Equal(t, controlplane.ViewerNamespace, obj.(*kinds.PodSummary).Namespace)
	}
	assert.Contains(t, o.Status(kinds.Nodes).Err.Error(), "no access")

	require.Eventually(t, func() bool { return counter.watching(kinds.Builtin(kinds.Pods)) }, 30*time.Second, 20*time.Millisecond)
	// The user's retry runs the access check again (the requests after
	// which a nodes informer would start) and ends with nodes forbidden.
	checked := o.Status(kinds.Nodes).Since
	require.Eventually(t, func() bool {
		o.Recheck(kinds.Nodes) // a no-op while a check runs
		st := o.Status(kinds.Nodes)
		return st.State == informer.StateForbidden && st.Since.After(checked)
	}, 30*time.Second, 20*time.Millisecond, "nodes %+v", o.Status(kinds.Nodes))
	o.Stop() // no request after this: the counts are final
	assert.Zero(t, counter.get("nodes list")+counter.get("nodes watch"), "a forbidden kind is never requested")
	assert.Equal(t, 1, counter.get("pods watch"), "one watch, in the allowed namespace")
}

// TestAccessLostAndRegained removes a user's RoleBinding while its pods are
// watched, cuts the connections (a watch outlives the binding until it is
// re-established), and sees the kind stop with "access lost" and its
// objects leave; restoring the binding and retrying brings them back.
func TestAccessLostAndRegained(t *testing.T) {
	env := testcluster.Get(t)
	ns := env.Namespace(t)
	admin := env.Client(t, controlplane.ContextDemoAdmin)
	ctx := t.Context()
	_, err := admin.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = admin.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "read"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch"}}}},
		metav1.CreateOptions{})
	require.NoError(t, err)
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "read"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "read"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "shop-viewer"}}}
	_, err = admin.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{})
	require.NoError(t, err)

	cfg := env.Viewer(t)
	u, err := url.Parse(cfg.Host)
	require.NoError(t, err)
	proxy, err := faultproxy.Start(u.Host)
	require.NoError(t, err)
	defer proxy.Close()
	cfg.Host = "https://" + proxy.Addr()
	_, cs, md := countingClients(t, cfg)
	o := informer.New(context.Background(), informer.Options{Client: cs, Metadata: md,
		Access: &informer.Reviewer{Client: cs, Namespace: ns}})
	defer o.Stop()

	cms, err := o.Informer(kinds.Builtin(kinds.ConfigMaps))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return o.Synced(kinds.ConfigMaps) }, 30*time.Second, 20*time.Millisecond)
	assert.Equal(t, []string{ns}, cms.Namespaces())
	require.Equal(t, 2, o.Count(kinds.ConfigMaps), "settings and the namespace's kube-root-ca.crt")
	assert.Equal(t, 2, o.CountIn(kinds.ConfigMaps, ns))

	require.NoError(t, admin.RbacV1().RoleBindings(ns).Delete(ctx, "read", metav1.DeleteOptions{}))
	proxy.Reset()
	require.Eventually(t, func() bool {
		st := o.Status(kinds.ConfigMaps)
		return st.State == informer.StateForbidden && st.Err != nil && strings.Contains(st.Err.Error(), "access lost")
	}, 30*time.Second, 20*time.Millisecond, "status %+v", o.Status(kinds.ConfigMaps))
	assert.Empty(t, cms.List(), "the objects of a lost namespace leave the cache")
	assert.Zero(t, o.Count(kinds.ConfigMaps))
	assert.Zero(t, o.CountIn(kinds.ConfigMaps, ns))

	binding.ResourceVersion = ""
	_, err = admin.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		o.Recheck(kinds.ConfigMaps) // the user's retry; a no-op while one runs
		return o.Synced(kinds.ConfigMaps) && o.Count(kinds.ConfigMaps) == 2
	}, 30*time.Second, 200*time.Millisecond, "status %+v", o.Status(kinds.ConfigMaps))
	assert.Equal(t, 2, o.CountIn(kinds.ConfigMaps, ns), "counted again, not twice")
	assert.Equal(t, informer.StateSynced, o.Status(kinds.ConfigMaps).State)
}
