package seed_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	k8stesting "k8s.io/client-go/testing"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/hack/seed"
)

// crds returns the fixture's CRDs by name.
func (f *fixture) crds(t *testing.T) map[string]*apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	list, err := f.ext.ApiextensionsV1().CustomResourceDefinitions().List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	out := map[string]*apiextensionsv1.CustomResourceDefinition{}
	for i := range list.Items {
		out[list.Items[i].Name] = &list.Items[i]
	}
	return out
}

func crdName(kind string) string { return customKinds[kind].Resource + "." + customKinds[kind].Group }

func columnNames(cols []apiextensionsv1.CustomResourceColumnDefinition) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name + ":" + c.Type + ":" + c.JSONPath
	}
	return out
}

func TestClusterDemoCustomResourceDefinitions(t *testing.T) {
	crds := seededFixture(t, "demo").crds(t)
	require.Len(t, crds, 3)

	db := crds[crdName("Database")]
	require.NotNil(t, db)
	assert.Equal(t, apiextensionsv1.NamespaceScoped, db.Spec.Scope)
	assert.Equal(t, "Database", db.Spec.Names.Kind)
	assert.Equal(t, []string{"db"}, db.Spec.Names.ShortNames)
	require.Len(t, db.Spec.Versions, 2)
	v1, beta := db.Spec.Versions[0], db.Spec.Versions[1]
	assert.Equal(t, []any{"v1", true, true, false}, []any{v1.Name, v1.Served, v1.Storage, v1.Deprecated})
	assert.Equal(t, []any{"v1beta1", true, false, true}, []any{beta.Name, beta.Served, beta.Storage, beta.Deprecated})
	assert.Equal(t, v1.Schema, beta.Schema, "the versions share one schema")
	require.NotNil(t, v1.Subresources.Status)
	require.NotNil(t, v1.Subresources.Scale)
	assert.Equal(t, ".spec.replicas", v1.Subresources.Scale.SpecReplicasPath)
	assert.Equal(t, ".status.replicas", v1.Subresources.Scale.StatusReplicasPath)
	assert.Equal(t, ".status.selector", *v1.Subresources.Scale.LabelSelectorPath)
	assert.Equal(t, []string{
		"Engine:string:.spec.engine", "Version:string:.spec.version", "Replicas:integer:.spec.replicas",
		`Ready:string:.status.conditions[?(@.type=="Ready")].status`, "Storage:string:.spec.storage",
		"Endpoint:string:.status.endpoint", "Age:date:.metadata.creationTimestamp",
	}, columnNames(v1.AdditionalPrinterColumns))
	assert.EqualValues(t, 1, v1.AdditionalPrinterColumns[5].Priority, "Endpoint only when wide")

	bk := crds[crdName("Backup")]
	require.NotNil(t, bk)
	assert.Equal(t, []string{"bk"}, bk.Spec.Names.ShortNames)
	assert.Equal(t, []string{
		"Database:string:.spec.database", "Schedule:string:.spec.schedule", "Last Backup:date:.status.lastBackupTime",
		"Size:string:.status.size", "Succeeded:boolean:.status.succeeded",
	}, columnNames(bk.Spec.Versions[0].AdditionalPrinterColumns))

	tn := crds[crdName("Tenant")]
	require.NotNil(t, tn)
	assert.Equal(t, apiextensionsv1.ClusterScoped, tn.Spec.Scope)
	assert.Empty(t, tn.Spec.Versions[0].AdditionalPrinterColumns)
	assert.Contains(t, tn.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["status"].Properties, "conditions")
}

// readyCondition returns the Ready condition of a custom resource.
func readyCondition(t *testing.T, u unstructured.Unstructured) map[string]any {
	t.Helper()
	conds, _, err := unstructured.NestedSlice(u.Object, "status", "conditions")
	require.NoError(t, err)
	for _, c := range conds {
		if c := c.(map[string]any); c["type"] == "Ready" {
			for _, field := range []string{"status", "reason", "message"} {
				require.NotEmpty(t, c[field], "%s/%s Ready.%s", u.GetNamespace(), u.GetName(), field)
			}
			_, err := time.Parse(time.RFC3339, c["lastTransitionTime"].(string))
			require.NoError(t, err)
			return c
		}
	}
	t.Fatalf("%s/%s has no Ready condition", u.GetNamespace(), u.GetName())
	return nil
}

func byName(items []unstructured.Unstructured) map[string]unstructured.Unstructured {
	out := map[string]unstructured.Unstructured{}
	for _, u := range items {
		out[u.GetName()] = u
	}
	return out
}

func TestClusterDemoCustomResources(t *testing.T) {
	f := seededFixture(t, "demo")
	for ns, want := range map[string][]string{
		"shop": {"orders-db", "catalog-db"}, "payments": {"ledger-db"}, "monitoring": {"metrics-db"},
	} {
		assert.ElementsMatch(t, want, names(f.list(t, "Database", ns)), "databases in %s", ns)
	}
	databases := byName(f.custom(t, "Database", ""))
	notReady := []string{}
	for name, db := range databases {
		if readyCondition(t, db)["status"] != "True" {
			notReady = append(notReady, name)
		}
		replicas, _, _ := unstructured.NestedInt64(db.Object, "status", "replicas")
		assert.Positive(t, replicas, name)
		endpoint, _, _ := unstructured.NestedString(db.Object, "status", "endpoint")
		assert.Contains(t, endpoint, name+"."+db.GetNamespace()+".svc", name)
		selector, _, _ := unstructured.NestedString(db.Object, "status", "selector")
		assert.Equal(t, "app.kubernetes.io/name="+name, selector)
	}
	assert.Equal(t, []string{"ledger-db"}, notReady, "exactly one Database is not Ready")
	assert.Equal(t, "ReplicasUnavailable", readyCondition(t, databases["ledger-db"])["reason"])

	for ns, want := range map[string][]string{
		"shop": {"orders-db-nightly", "catalog-db-hourly"}, "payments": {"ledger-db-nightly", "ledger-db-weekly"},
	} {
		assert.ElementsMatch(t, want, names(f.list(t, "Backup", ns)), "backups in %s", ns)
	}
	failed := 0
	for _, b := range f.custom(t, "Backup", "") {
		owner := metav1.GetControllerOf(&b)
		require.NotNil(t, owner, b.GetName())
		db, ok := databases[owner.Name]
		require.True(t, ok, "%s is owned by an existing Database", b.GetName())
		assert.Equal(t, []string{"data.crowsnest.io/v1", "Database", db.GetNamespace(), string(db.GetUID())},
			[]string{owner.APIVersion, owner.Kind, b.GetNamespace(), string(owner.UID)}, b.GetName())
		database, _, _ := unstructured.NestedString(b.Object, "spec", "database")
		assert.Equal(t, owner.Name, database)
		if ok, _, _ := unstructured.NestedBool(b.Object, "status", "succeeded"); !ok {
			failed++
		}
	}
	assert.Equal(t, 1, failed, "one failed backup")

	tenants := byName(f.custom(t, "Tenant", ""))
	require.Len(t, tenants, 3)
	for name, want := range map[string]string{"acme": "True", "globex": "True", "initech": "False"} {
		tenant := tenants[name]
		assert.Empty(t, tenant.GetNamespace(), "tenants are cluster-scoped")
		assert.Equal(t, want, readyCondition(t, tenants[name])["status"], name)
	}

	statusUpdates := 0
	for _, a := range f.dyn.Actions() {
		if a.Matches("update", a.GetResource().Resource) && a.GetSubresource() == "status" {
			statusUpdates++
		}
	}
	assert.Equal(t, len(databases)+4+len(tenants), statusUpdates, "every status is written through the status subresource")
}

// TestClusterDemoPrinterColumns evaluates the seeded CRDs' printer columns
// over the seeded objects with the printer the app uses: the cells the UI
// and its end-to-end tests expect.
func TestClusterDemoPrinterColumns(t *testing.T) {
	f := seededFixture(t, "demo")
	crds := f.crds(t)
	printer := func(kind string) *kinds.Printer {
		crd := crds[crdName(kind)]
		v := crd.Spec.Versions[0]
		p, err := kinds.NewPrinter(v.AdditionalPrinterColumns, v.Schema.OpenAPIV3Schema, crd.Spec.Scope == apiextensionsv1.NamespaceScoped)
		require.NoError(t, err)
		return p
	}
	values := func(kind string) map[string][]string {
		p, out := printer(kind), map[string][]string{}
		for _, u := range f.custom(t, kind, "") {
			out[u.GetName()] = p.Values(u.Object)
		}
		return out
	}

	assert.Equal(t, map[string][]string{
		"orders-db":  {"postgres", "16.4", "3", "True", "50Gi", "orders-db.shop.svc.cluster.local:5432"},
		"catalog-db": {"mysql", "8.4.2", "2", "True", "20Gi", "catalog-db.shop.svc.cluster.local:3306"},
		"ledger-db":  {"postgres", "16.4", "3", "False", "100Gi", "ledger-db.payments.svc.cluster.local:5432"},
		"metrics-db": {"timescaledb", "2.16.1", "1", "True", "200Gi", "metrics-db.monitoring.svc.cluster.local:5432"},
	}, values("Database"))

	backups := values("Backup")
	require.Len(t, backups, 4)
	nightly := backups["orders-db-nightly"]
	assert.Equal(t, []string{"orders-db", "0 2 * * *", "12.4Gi", "true"}, []string{nightly[0], nightly[1], nightly[3], nightly[4]})
	last, err := strconv.ParseInt(nightly[2], 10, 64)
	require.NoError(t, err, "Last Backup is a date in Unix seconds")
	assert.WithinRange(t, time.Unix(last, 0), time.Now().Add(-6*time.Hour), time.Now().Add(-5*time.Hour), "seeded 5h12m ago")
	assert.Equal(t, []string{"ledger-db", "30 1 * * *", "", "false"},
		[]string{backups["ledger-db-nightly"][0], backups["ledger-db-nightly"][1], backups["ledger-db-nightly"][3], backups["ledger-db-nightly"][4]})

	assert.Equal(t, []string{"name", "ready", "age"}, func() []string {
		var ids []string
		for _, c := range printer("Tenant").Columns() {
			ids = append(ids, c.ID)
		}
		return ids
	}(), "tenants get the default columns")
	assert.Equal(t, map[string][]string{"acme": {"True"}, "globex": {"True"}, "initech": {"False"}}, values("Tenant"))

	ledger := byName(f.custom(t, "Database", "payments"))["ledger-db"]
	status, health := kinds.StatusOf(ledger.Object)
	assert.Equal(t, []string{"ReplicasUnavailable", model.HealthError}, []string{status, health})
}

func TestClusterStagingCustomResources(t *testing.T) {
	f := seededFixture(t, "staging")
	crds := f.crds(t)
	require.Len(t, crds, 1)
	require.Contains(t, crds, crdName("Database"))
	assert.Equal(t, []string{"analytics-db"}, names(f.list(t, "Database", "")))
	assert.Equal(t, "staging-data", f.custom(t, "Database", "")[0].GetNamespace())
}

// watchedFixture is a fixture that establishes no CRD by itself and says
// on watching each time the seed starts watching CRDs; its watch is
// registered before it says so, so nothing the test does after is missed.
func watchedFixture() (*fixture, chan struct{}) {
	f := newFixture(false)
	watching := make(chan struct{}, 8)
	f.ext.PrependWatchReactor("customresourcedefinitions", func(action k8stesting.Action) (bool, watch.Interface, error) {
		w, err := f.ext.Tracker().Watch(action.GetResource(), action.GetNamespace())
		watching <- struct{}{}
		return true, w, err
	})
	return f, watching
}

// TestClusterWaitsForEstablishedCRDs holds back each CRD's Established
// condition and checks that no custom resource is created before it.
func TestClusterWaitsForEstablishedCRDs(t *testing.T) {
	f, watching := watchedFixture()
	done := make(chan error, 1)
	go func() { done <- seed.Cluster(t.Context(), f.clients(), seed.Options{Profile: "demo"}) }()

	var order []string
	for {
		select {
		case err := <-done:
			require.NoError(t, err)
			assert.Equal(t, []string{crdName("Database"), crdName("Backup"), crdName("Tenant")}, order)
			assert.Len(t, f.custom(t, "Database", ""), 4)
			assert.Len(t, f.custom(t, "Tenant", ""), 3)
			return
		case <-watching:
			var waiting []*apiextensionsv1.CustomResourceDefinition
			for _, crd := range f.crds(t) {
				if len(crd.Status.Conditions) == 0 {
					waiting = append(waiting, crd)
				}
			}
			require.Len(t, waiting, 1, "one CRD at a time")
			for _, a := range f.dyn.Actions() {
				require.False(t, a.Matches("create", a.GetResource().Resource), "created %s while %s was not established", a.GetResource(), waiting[0].Name)
			}
			crd := waiting[0]
			order = append(order, crd.Name)
			crd.Status.Conditions = established()
			require.NoError(t, f.ext.Tracker().Update(apiextensionsv1.SchemeGroupVersion.WithResource("customresourcedefinitions"), crd, ""))
		}
	}
}

func TestClusterStopsWaitingWhenCancelled(t *testing.T) {
	f, watching := watchedFixture()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- seed.Cluster(ctx, f.clients(), seed.Options{Profile: "staging"}) }()
	<-watching
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorContains(t, err, "wait for CRD databases.data.crowsnest.io to be established")
	assert.Empty(t, f.custom(t, "Database", ""))
}

func TestClusterRefusedCRDNames(t *testing.T) {
	f := newFixture(false)
	f.ext.PrependReactor("create", "customresourcedefinitions", func(action k8stesting.Action) (bool, runtime.Object, error) {
		crd := action.(k8stesting.CreateAction).GetObject().(*apiextensionsv1.CustomResourceDefinition)
		crd.Status.Conditions = []apiextensionsv1.CustomResourceDefinitionCondition{{
			Type: apiextensionsv1.NamesAccepted, Status: apiextensionsv1.ConditionFalse, Reason: "ShortNamesConflict",
			Message: `"db" is already in use`,
		}}
		return false, nil, nil
	})
	err := seed.Cluster(t.Context(), f.clients(), seed.Options{Profile: "staging"})
	require.ErrorContains(t, err, "databases.data.crowsnest.io")
	require.ErrorContains(t, err, `"db" is already in use`)
}
