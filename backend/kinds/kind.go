// Package kinds is the resource registry: every kind Crowsnest shows is
// described once, as data. A Kind says what to watch (group, version,
// resource, scope, how the cache holds it, its indexes), what its table
// shows (typed columns and the row projection), what its details add
// (facts, tables, conditions, containers) and which objects relate to it.
// The informers, the views, the details and the page all read the same
// description, so adding a built-in kind is one file here and its test;
// custom resources become Kinds built from their CRDs at run time.
//
// Built-in kinds register themselves from their files (pod.go,
// workloads.go, rbac.go...); a session's Registry adds the kinds its
// server serves beyond them. A Kind is immutable once registered: a CRD
// that changes gives a new Kind under the same ID.
package kinds

import (
	"errors"
	"strconv"

	apiextensionsclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"crowsnest/backend/model"
)

// ID names a kind: the plural resource for the built-in kinds ("pods"),
// "plural.group" for the kinds learnt from the server
// ("databases.data.crowsnest.io").
type ID string

// Cache says how the cache holds a kind's objects.
type Cache uint8

// How objects are cached.
const (
	// Typed objects are client-go's Go types, without managedFields and
	// the last-applied-configuration annotation.
	Typed Cache = iota
	// PodSummaries are pods decoded straight into PodSummary.
	PodSummaries
	// Metadata objects are PartialObjectMetadata: the payload (a Secret's
	// values) never enters the process through the cache.
	Metadata
	// Dynamic objects are Summaries of unstructured objects: metadata and
	// the values of the kind's columns (custom resources).
	Dynamic
)

// Navigation groups, in display order.
const (
	NavWorkloads = "Workloads"
	// NavApps holds what is installed as a unit (Helm releases).
	NavApps    = "Apps"
	NavNetwork = "Network"
	NavConfig  = "Config"
	NavStorage = "Storage"
	NavAccess  = "Access control"
	NavCluster = "Cluster"
	// NavCustom holds the kinds of CustomResourceDefinitions.
	NavCustom = "Custom resources"
	// NavAPI holds the other kinds the server serves (aggregated APIs,
	// built-in resources without a description here).
	NavAPI = "API resources"
)

var navOrder = []string{NavWorkloads, NavApps, NavNetwork, NavConfig, NavStorage, NavAccess, NavCluster, NavCustom, NavAPI}

// Kind describes one resource kind. Every field is read-only once the kind
// is registered; functions may be called from any goroutine and must not
// modify the objects they are given (they are the cache's own).
type Kind struct {
	ID      ID
	GVR     schema.GroupVersionResource
	APIKind string // as owner references name it: "Pod"
	Label   string // plural, for people: "Pods"
	Nav     string
	// Rank orders built-in kinds within their navigation group.
	Rank       int
	ShortNames []string
	Namespaced bool
	// Custom is set for kinds learnt from the server.
	Custom bool
	// Unavailable, when set, says why the kind is listed but never watched.
	Unavailable string

	Cache Cache
	// NewInformer builds the informer of a Typed kind for one scope (""
	// for cluster-wide). Its store must index by namespace.
	NewInformer func(c Clients, namespace string) cache.SharedIndexInformer
	// Slim, if set, cuts a Typed object down to what rows, indexes and
	// relations read before it enters the cache (a CRD's schemas); such a
	// kind sets FullFromAPI so that details read the whole object.
	Slim func(obj any) any
	// Summarize turns what a Dynamic kind's informer receives into the
	// Summary the cache keeps; intern shares repeated strings (may be nil).
	Summarize func(obj any, intern func(string) string) (any, error)
	// CollapseKey and Collapse, when set, make one object of several: the
	// informer's store keeps what it receives (cut by Slim), and the
	// kind's handle (table, counts, queries, details) sees one object per
	// CollapseKey ("namespace/name"), which Collapse makes of all the
	// stored objects with that key (a Helm release of its revisions' Secrets).
	CollapseKey func(obj any) string
	Collapse    func(members []any) any
	// Derived marks a kind whose objects are made from other objects
	// (Helm releases from Secrets): GVR is what is watched, and the kind
	// has no YAML, edit or delete of its own; its details come from the
	// cache and its own calls.
	Derived bool
	// Hidden, when set, selects the objects the kind's table leaves out
	// unless the view asks for them (ViewSpec.ShowHidden); HiddenLabel
	// names them for the page's toggle ("Helm release Secrets").
	Hidden      labels.Selector
	HiddenLabel string
	// Indexers are the kind's indexes besides the ones every kind has.
	Indexers cache.Indexers
	// NoLabelIndex leaves LabelIndex out of the kind's store. Custom kinds
	// set it: nothing selects them by label but a user's own selector
	// (which then scans the namespace), and the labels their controllers
	// set often carry a value per object (app.kubernetes.io/instance: the
	// object's name, as Argo CD and Flux write it), for which the index
	// would hold a set per object: ~300 B of heap each at 10,000 objects.
	NoLabelIndex bool

	// Heartbeats are the paths (dot-separated, [*] for any list item) that
	// change on every heartbeat and say nothing: the change timeline
	// ignores them (backend/changes).
	Heartbeats []string
	// NoTimeline keeps the kind out of the change timeline: its objects
	// are a history of their own (Events, Helm releases).
	NoTimeline bool

	// Columns are the table's, in order.
	Columns []Column
	// SortBy and Desc are the sort a table starts with ("": namespace, name).
	SortBy string
	Desc   bool

	// Status gives a row's status and health (model.Health*); nil leaves
	// both neutral.
	Status func(obj any) (status, health string)
	// Images lists a row's container images, for details.
	Images func(obj any) []string
	// Normalize turns an object read from the API into what the cache
	// holds (a Pod into its PodSummary), so rows project the same from
	// both sources. Nil for kinds cached as read.
	Normalize func(obj any) any
	// describe fills the details' facts, tables, conditions and
	// containers from the full object (see Kind.Describe).
	describe func(obj any, d *model.Details)
	// FullFromAPI says the cache holds less than the details show, so the
	// details read the object from the API.
	FullFromAPI bool
	// SecretValues marks Secrets: the details list keys and sizes, and
	// values are fetched one at a time on request, never cached.
	SecretValues bool
	// Related are the objects of other kinds the details link to, besides
	// owners (from owner references, for every kind) and events.
	Related []Relation

	// Container logs, for kinds whose objects have them (model.FeatureLogs
	// in Info): OwnLogs marks pods, whose logs are their own; PodSelector,
	// for workloads and Services, selects the pods whose logs are the
	// object's, in its namespace (nil from it: no pods, e.g. a Service
	// without a selector). At most one is set.
	OwnLogs     bool
	PodSelector func(obj any) labels.Selector
	// NodeShell marks nodes: a node shell can open on them
	// (model.FeatureNodeShell in Info; the settings enable it per context).
	NodeShell bool
	// UsageOf names the metrics.k8s.io resource whose measurements fill
	// the kind's usage columns ("pods", "nodes"); "" for other kinds.
	UsageOf string

	// Actions are what the page may do to the kind's objects, in menu
	// order (actions.go); register and learnt add delete to every kind.
	Actions []ActionSpec

	// signature tells two descriptions of a learnt kind apart when their
	// columns look alike (a printer column's path changed).
	signature string
}

// Clients are what typed informers are built from.
type Clients struct {
	Kube       kubernetes.Interface
	Extensions apiextensionsclient.Interface
}

// Column is a table column with the function that reads its value.
type Column struct {
	model.Column
	// Value reads the cell of an object; nil for the columns every kind
	// shares (see from).
	Value func(obj any) string
	from  source
	// usage reads a usage column's cell and sort number (UsageColumn).
	usage func(obj any, u Usage) (string, float64, bool)
}

type source uint8

const (
	fromValue source = iota
	fromName
	fromNamespace
	fromAge
	fromStatus
	fromUsage // filled by views from metrics (usage.go)
)

// ColumnOption sets an optional property of a column.
type ColumnOption func(*model.Column)

// Wide gives free text room (an event's message).
func Wide(c *model.Column) { c.Wide = true }

// Priority shows a column only in a wide table and in details.
func Priority(p int) ColumnOption { return func(c *model.Column) { c.Priority = p } }

// Described sets a column's description (the header's tooltip).
func Described(text string) ColumnOption { return func(c *model.Column) { c.Description = text } }

// Col declares a column whose value is read from objects of type T; other
// objects (a deleted object's tombstone) give an empty cell.
func Col[T any](id, title, typ string, value func(T) string, opts ...ColumnOption) Column {
	c := Column{Column: model.Column{ID: id, Title: title, Type: typ}, Value: func(obj any) string {
		if t, ok := obj.(T); ok {
			return value(t)
		}
		return ""
	}}
	for _, o := range opts {
		o(&c.Column)
	}
	return c
}

// The columns every kind shares, filled from metadata or the kind's Status.
var (
	NameColumn      = Column{Column: model.Column{ID: "name", Title: "Name", Type: model.TypeText}, from: fromName}
	NamespaceColumn = Column{Column: model.Column{ID: "namespace", Title: "Namespace", Type: model.TypeText}, from: fromNamespace}
	AgeColumn       = Column{Column: model.Column{ID: "age", Title: "Age", Type: model.TypeTimestamp}, from: fromAge}
)

// With returns the column with options applied (a shared column made
// wide-only, say).
func (c Column) With(opts ...ColumnOption) Column {
	for _, o := range opts {
		o(&c.Column)
	}
	return c
}

// StatusColumn shows the row's status, coloured by its health.
func StatusColumn(title string) Column {
	return Column{Column: model.Column{ID: "status", Title: title, Type: model.TypeText, Health: true}, from: fromStatus}
}

// Relation says how objects of another kind relate to an object of this
// one. Exactly one of Owned, Selector, IndexKey, Names and Refs is set.
type Relation struct {
	Kind ID
	// Owned: the objects of Kind whose owner references name this object.
	Owned bool
	// Selector: the objects of Kind in this object's namespace that match.
	Selector func(obj any) labels.Selector
	// IndexKey: the objects of Kind whose index Index holds this key.
	Index    string
	IndexKey func(obj any) string
	// Names: the objects of Kind this object names (in its namespace, for
	// a namespaced Kind).
	Names func(obj any) []string
	// Refs: the objects of a namespaced Kind this object names with their
	// namespace, where that is not its own: a PersistentVolume's claim, a
	// binding's service accounts, a webhook's Service.
	Refs func(obj any) []types.NamespacedName
}

// ErrUnknownKind is wrapped by the error for a kind this session does not
// serve.
var ErrUnknownKind = errors.New("unknown kind")

// Row projects an object of the kind into its table row. Objects that are
// not API objects (tombstones) give a row with the kind alone.
func (k *Kind) Row(obj any) model.Row {
	if k.Normalize != nil {
		obj = k.Normalize(obj)
	}
	r := model.Row{Kind: string(k.ID), Health: model.HealthNeutral}
	m, err := meta.Accessor(obj)
	if err != nil {
		r.Cells = make([]string, len(k.Columns))
		return r
	}
	r.Name, r.Namespace, r.UID = m.GetName(), m.GetNamespace(), string(m.GetUID())
	r.Key = Key(r.Namespace, r.Name)
	r.Created = m.GetCreationTimestamp().Unix()
	r.Labels = m.GetLabels()
	if k.Status != nil {
		r.Status, r.Health = k.Status(obj)
		if r.Health == "" {
			r.Health = model.HealthNeutral
		}
	}
	if k.Images != nil {
		r.Images = k.Images(obj)
	}
	r.Cells = make([]string, len(k.Columns))
	for i, c := range k.Columns {
		switch c.from {
		case fromName:
			r.Cells[i] = r.Name
		case fromNamespace:
			r.Cells[i] = r.Namespace
		case fromAge:
			if r.Created > 0 {
				r.Cells[i] = strconv.FormatInt(r.Created, 10)
			}
		case fromStatus:
			r.Cells[i] = r.Status
		case fromUsage:
			// Filled by views from the latest measurements (FillUsage).
		default:
			r.Cells[i] = c.Value(obj)
		}
	}
	return r
}

// Column returns the index of the column with this id, or -1.
func (k *Kind) Column(id string) int {
	for i, c := range k.Columns {
		if c.ID == id {
			return i
		}
	}
	return -1
}

// Info is the kind as the page sees it.
func (k *Kind) Info() model.KindInfo {
	cols := make([]model.Column, len(k.Columns))
	for i, c := range k.Columns {
		cols[i] = c.Column
	}
	info := model.KindInfo{
		ID: string(k.ID), Kind: k.APIKind, Label: k.Label, Nav: k.Nav, APIGroup: k.GVR.Group,
		Version: k.GVR.Version, Resource: k.GVR.Resource, Namespaced: k.Namespaced, ShortNames: k.ShortNames,
		Columns: cols, SortBy: k.SortBy, Desc: k.Desc, Custom: k.Custom, Unavailable: k.Unavailable, Usage: k.UsageOf,
	}
	if k.HasLogs() {
		info.Features = append(info.Features, model.FeatureLogs)
	}
	if k.HasLogs() {
		// Pods, and workloads and Services through a Ready pod of theirs.
		info.Features = append(info.Features, model.FeatureExec)
	}
	if k.OwnLogs || (k.PodSelector != nil && !k.Custom) {
		info.Features = append(info.Features, model.FeatureForward)
	}
	if k.NodeShell {
		info.Features = append(info.Features, model.FeatureNodeShell)
	}
	if k.ID == HelmReleases {
		info.Features = append(info.Features, model.FeatureHelm)
	}
	if k.Derived {
		info.Features = append(info.Features, model.FeatureNoYAML)
	}
	info.Hidden = k.HiddenLabel
	for _, a := range k.Actions {
		info.Actions = append(info.Actions, a.info(k))
	}
	return info
}

// HasLogs reports whether the kind's objects have container logs, their
// own or their pods'.
func (k *Kind) HasLogs() bool { return k.OwnLogs || k.PodSelector != nil }

// selectedPods is the PodSelector of a workload whose pods are those its
// spec.selector matches. A missing, empty or invalid selector selects no
// pod: never every pod of the namespace.
func selectedPods[T any](selector func(T) *metav1.LabelSelector) func(obj any) labels.Selector {
	return func(obj any) labels.Selector {
		o, ok := obj.(T)
		if !ok {
			return nil
		}
		ls := selector(o)
		if ls == nil || (len(ls.MatchLabels) == 0 && len(ls.MatchExpressions) == 0) {
			return nil
		}
		sel, err := metav1.LabelSelectorAsSelector(ls)
		if err != nil {
			return nil
		}
		return sel
	}
}

// Watchable reports whether the kind can be cached: it is not Unavailable.
func (k *Kind) Watchable() bool { return k.Unavailable == "" }

// Key is the store key of an object: "namespace/name", or "name".
func Key(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// GroupKind names the kind as owner references do.
func (k *Kind) GroupKind() schema.GroupKind {
	return schema.GroupKind{Group: k.GVR.Group, Kind: k.APIKind}
}

// String is the kind's ID.
func (k *Kind) String() string { return string(k.ID) }
