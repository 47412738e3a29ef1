package seed

import (
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"crowsnest/backend/helm"
)

// helmRevision is one revision of a Helm-style release in the seed.
type helmRevision struct {
	status, description, chartVersion, appVersion string
	ago                                           time.Duration
	config                                        map[string]any
}

// helmRelease writes a release's revisions as Helm's Secrets driver does
// (type helm.sh/release.v1, labels owner, name, version, status, the
// release as base64 of gzip of JSON), so the demo shows Helm releases
// without Helm. The manifest names the workload's own objects.
func helmRelease(w workload, defaults map[string]any, notes string, revs ...helmRevision) []runtime.Object {
	manifest := strings.Join([]string{
		"---\n# Source: " + w.name + "/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + w.name + "\n",
		"---\n# Source: " + w.name + "/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: " + w.name + "\n  labels:\n    app.kubernetes.io/name: " + w.name + "\nspec:\n  selector:\n    app.kubernetes.io/name: " + w.name + "\n",
		"---\n# Source: " + w.name + "/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + w.name + "\nspec:\n  replicas: " + strconv.Itoa(int(w.replicas)) + "\n  template:\n    spec:\n      containers:\n        - name: " + w.name + "\n          image: " + w.image + ":" + w.version + "\n",
	}, "")
	now := time.Now().UTC().Truncate(time.Second)
	first := now.Add(-revs[0].ago)
	out := make([]runtime.Object, 0, len(revs))
	for i, r := range revs {
		n := i + 1
		rel := map[string]any{
			"name": w.name, "namespace": w.ns.name, "version": n,
			"info": map[string]any{"first_deployed": first.Format(time.RFC3339), "last_deployed": now.Add(-r.ago).Format(time.RFC3339),
				"description": r.description, "status": r.status, "notes": notes},
			"chart": map[string]any{
				"metadata": map[string]any{"name": w.name, "version": r.chartVersion, "appVersion": r.appVersion, "apiVersion": "v2"},
				"values":   defaults,
			},
			"config": r.config, "manifest": manifest,
		}
		data, err := helm.Encode(rel)
		if err != nil {
			panic(err) // maps of strings and numbers always encode
		}
		out = append(out, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: helm.SecretName(w.name, n), Namespace: w.ns.name, Labels: map[string]string{
				helm.LabelOwner: helm.OwnerHelm, helm.LabelName: w.name, helm.LabelVersion: strconv.Itoa(n), helm.LabelStatus: r.status}},
			Type: helm.SecretType,
			Data: map[string][]byte{helm.DataKey: data},
		})
	}
	return out
}
