package seed

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsv1client "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset/typed/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	watchtools "k8s.io/client-go/tools/watch"
)

// The demo's own custom resources: a database operator's Databases and
// Backups, and a platform team's Tenants. The UI's custom-resource tables,
// details and end-to-end tests are written against exactly these.
const (
	dataGroup     = "data.crowsnest.io"
	platformGroup = "platform.crowsnest.io"
)

var (
	databasesGVR = schema.GroupVersionResource{Group: dataGroup, Version: "v1", Resource: "databases"}
	backupsGVR   = schema.GroupVersionResource{Group: dataGroup, Version: "v1", Resource: "backups"}
	tenantsGVR   = schema.GroupVersionResource{Group: platformGroup, Version: "v1alpha1", Resource: "tenants"}
)

// establishTimeout bounds the wait for a CRD to be served; the API server
// establishes one within a second.
var establishTimeout = time.Minute

// customResource is one object of a seeded CRD. Its status is written
// through the status subresource after it is created, as a controller would.
type customResource struct {
	gvr    schema.GroupVersionResource
	obj    *unstructured.Unstructured // without status
	status map[string]any
	owner  *ref // its controller, seeded before it
}

func (c customResource) ref() ref { return ref{c.obj.GetKind(), c.obj.GetNamespace(), c.obj.GetName()} }

// databasesCRD is a namespaced kind served in two versions (v1beta1
// deprecated), with status and scale subresources and printer columns of
// every common type, including one shown only when the table is wide.
func databasesCRD() *apiextensionsv1.CustomResourceDefinition {
	columns := []apiextensionsv1.CustomResourceColumnDefinition{
		{Name: "Engine", Type: "string", JSONPath: ".spec.engine"},
		{Name: "Version", Type: "string", JSONPath: ".spec.version"},
		{Name: "Replicas", Type: "integer", JSONPath: ".spec.replicas"},
		{Name: "Ready", Type: "string", JSONPath: `.status.conditions[?(@.type=="Ready")].status`},
		{Name: "Storage", Type: "string", JSONPath: ".spec.storage"},
		{Name: "Endpoint", Type: "string", JSONPath: ".status.endpoint", Priority: 1, Description: "Where clients connect"},
		{Name: "Age", Type: "date", JSONPath: ".metadata.creationTimestamp"},
	}
	spec := props(map[string]apiextensionsv1.JSONSchemaProps{
		"engine":   {Type: "string", Enum: enum("postgres", "mysql", "timescaledb")},
		"version":  {Type: "string"},
		"replicas": {Type: "integer", Minimum: ptr[float64](0)},
		"storage":  {Type: "string", Pattern: `^[0-9]+(Mi|Gi|Ti)$`},
	}, "engine", "version", "replicas", "storage")
	status := props(map[string]apiextensionsv1.JSONSchemaProps{
		"replicas":           {Type: "integer"},
		"selector":           {Type: "string"},
		"endpoint":           {Type: "string"},
		"observedGeneration": {Type: "integer"},
		"conditions":         conditionsSchema(),
	})
	sub := &apiextensionsv1.CustomResourceSubresources{
		Status: &apiextensionsv1.CustomResourceSubresourceStatus{},
		Scale: &apiextensionsv1.CustomResourceSubresourceScale{
			SpecReplicasPath: ".spec.replicas", StatusReplicasPath: ".status.replicas", LabelSelectorPath: ptr(".status.selector"),
		},
	}
	version := func(name string, storage bool) apiextensionsv1.CustomResourceDefinitionVersion {
		v := apiextensionsv1.CustomResourceDefinitionVersion{
			Name: name, Served: true, Storage: storage,
			Schema:                   &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: objectSchema(spec, status)},
			Subresources:             sub,
			AdditionalPrinterColumns: columns,
		}
		if !storage {
			v.Deprecated = true
			v.DeprecationWarning = ptr(dataGroup + "/" + name + " Database is deprecated; use " + dataGroup + "/v1 Database")
		}
		return v
	}
	return customResourceDefinition(dataGroup, "Database", "databases", apiextensionsv1.NamespaceScoped, []string{"db"},
		version("v1", true), version("v1beta1", false))
}

// backupsCRD is a namespaced kind whose objects are owned by Databases.
func backupsCRD() *apiextensionsv1.CustomResourceDefinition {
	spec := props(map[string]apiextensionsv1.JSONSchemaProps{
		"database":  {Type: "string"},
		"schedule":  {Type: "string"},
		"retention": {Type: "string"},
	}, "database", "schedule")
	status := props(map[string]apiextensionsv1.JSONSchemaProps{
		"lastBackupTime": {Type: "string", Format: "date-time"},
		"size":           {Type: "string"},
		"succeeded":      {Type: "boolean"},
		"message":        {Type: "string"},
	})
	return customResourceDefinition(dataGroup, "Backup", "backups", apiextensionsv1.NamespaceScoped, []string{"bk"},
		apiextensionsv1.CustomResourceDefinitionVersion{
			Name: "v1", Served: true, Storage: true,
			Schema:       &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: objectSchema(spec, status)},
			Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
			AdditionalPrinterColumns: []apiextensionsv1.CustomResourceColumnDefinition{
				{Name: "Database", Type: "string", JSONPath: ".spec.database"},
				{Name: "Schedule", Type: "string", JSONPath: ".spec.schedule"},
				{Name: "Last Backup", Type: "date", JSONPath: ".status.lastBackupTime"},
				{Name: "Size", Type: "string", JSONPath: ".status.size"},
				{Name: "Succeeded", Type: "boolean", JSONPath: ".status.succeeded"},
			},
		})
}

// tenantsCRD is cluster-scoped and has no printer columns, so the UI falls
// back to its default columns and a Ready column from the conditions.
func tenantsCRD() *apiextensionsv1.CustomResourceDefinition {
	spec := props(map[string]apiextensionsv1.JSONSchemaProps{
		"displayName": {Type: "string"},
		"plan":        {Type: "string", Enum: enum("starter", "team", "enterprise")},
		"contact":     {Type: "string"},
		"namespaces":  {Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "string"}}},
	}, "displayName", "plan")
	status := props(map[string]apiextensionsv1.JSONSchemaProps{"conditions": conditionsSchema()})
	return customResourceDefinition(platformGroup, "Tenant", "tenants", apiextensionsv1.ClusterScoped, nil,
		apiextensionsv1.CustomResourceDefinitionVersion{
			Name: "v1alpha1", Served: true, Storage: true,
			Schema:       &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: objectSchema(spec, status)},
			Subresources: &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}},
		})
}

func customResourceDefinition(group, kind, plural string, scope apiextensionsv1.ResourceScope, short []string,
	versions ...apiextensionsv1.CustomResourceDefinitionVersion) *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: plural + "." + group, Labels: map[string]string{managedByLabel: managedBy}},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: group,
			Names: apiextensionsv1.CustomResourceDefinitionNames{
				Plural: plural, Singular: strings.ToLower(kind), Kind: kind, ListKind: kind + "List", ShortNames: short,
			},
			Scope:    scope,
			Versions: versions,
		},
	}
}

func props(p map[string]apiextensionsv1.JSONSchemaProps, required ...string) apiextensionsv1.JSONSchemaProps {
	return apiextensionsv1.JSONSchemaProps{Type: "object", Properties: p, Required: required}
}

func objectSchema(spec, status apiextensionsv1.JSONSchemaProps) *apiextensionsv1.JSONSchemaProps {
	return &apiextensionsv1.JSONSchemaProps{Type: "object", Properties: map[string]apiextensionsv1.JSONSchemaProps{
		"spec": spec, "status": status,
	}}
}

func enum(values ...string) []apiextensionsv1.JSON {
	out := make([]apiextensionsv1.JSON, len(values))
	for i, v := range values {
		out[i] = apiextensionsv1.JSON{Raw: []byte(`"` + v + `"`)}
	}
	return out
}

// conditionsSchema is metav1.Condition's, as controller-gen writes it.
func conditionsSchema() apiextensionsv1.JSONSchemaProps {
	cond := props(map[string]apiextensionsv1.JSONSchemaProps{
		"type":               {Type: "string"},
		"status":             {Type: "string", Enum: enum("True", "False", "Unknown")},
		"reason":             {Type: "string"},
		"message":            {Type: "string"},
		"lastTransitionTime": {Type: "string", Format: "date-time"},
		"observedGeneration": {Type: "integer"},
	}, "type", "status", "lastTransitionTime")
	return apiextensionsv1.JSONSchemaProps{
		Type: "array", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &cond},
		XListType: ptr("map"), XListMapKeys: []string{"type"},
	}
}

// condition is one status condition, timed relative to the seeding.
type condition struct {
	typ, status, reason, message string
	since                        time.Duration // how long ago it last changed
}

// database describes a Database and what its operator reports about it.
type database struct {
	ns                      space
	name                    string
	engine, version         string
	replicas, readyReplicas int64
	storage                 string
	port                    int
	ready                   condition
	initialized             time.Duration // how long ago it was initialised
}

// addDatabase adds a Database with its status.
func (o *objects) addDatabase(d database) {
	o.custom = append(o.custom, customResource{
		gvr: databasesGVR,
		obj: customObject(databasesGVR, "Database", d.ns, d.name, d.engine, map[string]any{
			"engine": d.engine, "version": d.version, "replicas": d.replicas, "storage": d.storage,
		}),
		status: map[string]any{
			"replicas":           d.readyReplicas,
			"selector":           nameLabel + "=" + d.name,
			"endpoint":           fmt.Sprintf("%s.%s.svc.cluster.local:%d", d.name, d.ns.name, d.port),
			"observedGeneration": int64(1),
			"conditions": []condition{
				{typ: "Initialized", status: "True", reason: "BootstrapComplete", message: "Database initialised from template", since: d.initialized},
				d.ready,
			},
		},
	})
}

// backup describes a Backup of a Database and how its last run went.
type backup struct {
	db                 database
	name, schedule     string
	last               time.Duration // how long ago it last ran
	size               string
	succeeded          bool
	message, retention string
}

func (o *objects) addBackup(b backup) {
	status := map[string]any{"lastBackupTime": b.last, "succeeded": b.succeeded}
	if b.size != "" {
		status["size"] = b.size
	}
	if b.message != "" {
		status["message"] = b.message
	}
	o.custom = append(o.custom, customResource{
		gvr: backupsGVR,
		obj: customObject(backupsGVR, "Backup", b.db.ns, b.name, b.db.engine, map[string]any{
			"database": b.db.name, "schedule": b.schedule, "retention": b.retention,
		}),
		status: status,
		owner:  &ref{"Database", b.db.ns.name, b.db.name},
	})
}

// tenant is a team the platform hosts.
type tenant struct {
	name, displayName, plan, contact string
	namespaces                       []string
	ready                            condition
}

func (o *objects) addTenant(t tenant) {
	namespaces := make([]any, len(t.namespaces))
	for i, ns := range t.namespaces {
		namespaces[i] = ns
	}
	o.custom = append(o.custom, customResource{
		gvr: tenantsGVR,
		obj: customObject(tenantsGVR, "Tenant", space{}, t.name, "", map[string]any{
			"displayName": t.displayName, "plan": t.plan, "contact": t.contact, "namespaces": namespaces,
		}),
		status: map[string]any{"conditions": []condition{t.ready}},
	})
}

// customObject builds a custom resource labelled like the seed's other
// objects; ns is the zero space for cluster-scoped kinds.
func customObject(gvr schema.GroupVersionResource, kind string, ns space, name, component string, spec map[string]any) *unstructured.Unstructured {
	labels := map[string]any{nameLabel: name, managedByLabel: managedBy}
	if ns.name != "" {
		labels["team"], labels["env"] = ns.team, ns.env
	}
	if component != "" {
		labels[componentLabel] = component
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gvr.GroupVersion().String(),
		"kind":       kind,
		"metadata":   map[string]any{"name": name, "labels": labels},
		"spec":       spec,
	}}
	if ns.name != "" {
		u.SetNamespace(ns.name)
	}
	return u
}

// ensureCRD creates crd and waits until the API server serves its kind.
func (s *seeder) ensureCRD(ctx context.Context, crd *apiextensionsv1.CustomResourceDefinition) error {
	_, err := create(ctx, s, s.ext.ApiextensionsV1().CustomResourceDefinitions(), "CustomResourceDefinition", crd)
	if err != nil {
		return err
	}
	return s.waitEstablished(ctx, crd.Name)
}

// waitEstablished waits until the API server serves a CRD's kind.
func (s *seeder) waitEstablished(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, establishTimeout)
	defer cancel()
	if err := waitServed(ctx, s.ext.ApiextensionsV1().CustomResourceDefinitions(), name); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err() // a watch interrupted says only that
		}
		return fmt.Errorf("wait for CRD %s to be established: %w", name, err)
	}
	s.logf("  CRD %s established", name)
	return nil
}

// waitServed reads the CRD, then watches it from that version until it is
// Established; it fails when its names are refused or it is deleted. A
// watch the server ends is started again from a fresh read.
func waitServed(ctx context.Context, crds apiextensionsv1client.CustomResourceDefinitionInterface, name string) error {
	for {
		crd, err := crds.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if done, err := crdServed(crd); done || err != nil {
			return err
		}
		w, err := crds.Watch(ctx, metav1.ListOptions{
			FieldSelector:   fields.OneTermEqualSelector("metadata.name", name).String(),
			ResourceVersion: crd.ResourceVersion,
		})
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		_, err = watchtools.UntilWithoutRetry(ctx, w, func(ev watch.Event) (bool, error) {
			crd, ok := ev.Object.(*apiextensionsv1.CustomResourceDefinition)
			if !ok || crd.Name != name {
				return false, nil
			}
			if ev.Type == watch.Deleted {
				return false, errors.New("it was deleted")
			}
			return crdServed(crd)
		})
		if !errors.Is(err, watchtools.ErrWatchClosed) {
			return err
		}
	}
}

// crdServed reports whether a CRD is Established, or why it never will be.
func crdServed(crd *apiextensionsv1.CustomResourceDefinition) (bool, error) {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.NamesAccepted && c.Status == apiextensionsv1.ConditionFalse {
			return false, fmt.Errorf("names not accepted: %s", c.Message)
		}
	}
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true, nil
		}
	}
	return false, nil
}

// ensureCustom creates c and, when it has no status yet, writes its status
// as its controller would. An object that already had a status is left
// alone, like every object the seed finds already there.
func (s *seeder) ensureCustom(ctx context.Context, c customResource) error {
	key := c.ref()
	obj := c.obj.DeepCopy()
	if c.owner != nil {
		uid, ok := s.uids[*c.owner]
		if !ok {
			return fmt.Errorf("%s %s is owned by %s %s, which the profile does not create before it", key.kind, key.path(), c.owner.kind, c.owner.path())
		}
		obj.SetOwnerReferences([]metav1.OwnerReference{{
			APIVersion: apiVersions[c.owner.kind], Kind: c.owner.kind, Name: c.owner.name, UID: uid,
			Controller: ptr(true), BlockOwnerDeletion: ptr(true),
		}})
	}
	client := s.dyn.Resource(c.gvr).Namespace(key.namespace)
	got, err := create(ctx, s, dynamicClient{client}, key.kind, obj)
	if err != nil {
		return err
	}
	if _, has := got.Object["status"]; has || c.status == nil {
		return nil
	}
	got.Object["status"] = s.statusContent(c.status)
	if _, err := client.UpdateStatus(ctx, got, metav1.UpdateOptions{}); err != nil {
		if apierrors.IsConflict(err) {
			return fmt.Errorf("set status of %s %s: changed while seeding, run the seed again: %w", strings.ToLower(key.kind), key.path(), err)
		}
		return fmt.Errorf("set status of %s %s: %w", strings.ToLower(key.kind), key.path(), err)
	}
	return nil
}

// statusContent turns a status description into JSON-ready content: times
// relative to the seeding become RFC 3339, conditions maps.
func (s *seeder) statusContent(status map[string]any) map[string]any {
	out := make(map[string]any, len(status))
	for k, v := range status {
		switch v := v.(type) {
		case time.Duration:
			out[k] = s.timeAgo(v)
		case []condition:
			conds := make([]any, len(v))
			for i, c := range v {
				conds[i] = map[string]any{
					"type": c.typ, "status": c.status, "reason": c.reason, "message": c.message,
					"lastTransitionTime": s.timeAgo(c.since), "observedGeneration": int64(1),
				}
			}
			out[k] = conds
		default:
			out[k] = v
		}
	}
	return out
}

// dynamicClient fits a dynamic client to create's client: the same calls
// without the variadic subresources.
type dynamicClient struct{ dynamic.ResourceInterface }

func (d dynamicClient) Create(ctx context.Context, obj *unstructured.Unstructured, opts metav1.CreateOptions) (*unstructured.Unstructured, error) {
	return d.ResourceInterface.Create(ctx, obj, opts)
}

func (d dynamicClient) Get(ctx context.Context, name string, opts metav1.GetOptions) (*unstructured.Unstructured, error) {
	return d.ResourceInterface.Get(ctx, name, opts)
}

func (s *seeder) timeAgo(d time.Duration) string {
	return s.now.Add(-d).UTC().Truncate(time.Second).Format(time.RFC3339)
}
