package kinds

import (
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/helm"
	"crowsnest/backend/model"
)

// HelmReleases are read from the Secrets Helm stores each revision in
// (backend/helm). The informer lists only Secrets labelled owner=helm and
// keeps of each a HelmRevision (never its values or manifest); the table
// shows one HelmRelease per release, its latest revision (Collapse).
const HelmReleases ID = "helmreleases"

// HelmRevision is what the cache keeps of one release Secret. Err says why
// the Secret could not be read as a release (the row reports it).
type HelmRevision struct {
	metav1.ObjectMeta
	Release      string
	Revision     int
	Status       string
	Chart        string
	ChartVersion string
	AppVersion   string
	Updated      time.Time
	Description  string
	Err          string
}

// HelmRelease is a release as its table row shows it: its latest revision,
// named after the release. Store objects: NEVER modify one.
type HelmRelease struct {
	metav1.ObjectMeta
	Latest HelmRevision
	// Revisions counts the release's Secrets; Unreadable those of them
	// that could not be read.
	Revisions  int
	Unreadable int
}

// GetObjectKind is empty: a store holds one kind, known to its owner.
func (r *HelmRevision) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject implements runtime.Object.
func (r *HelmRevision) DeepCopyObject() runtime.Object {
	out := *r
	r.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	return &out
}

// GetObjectKind is empty: a store holds one kind, known to its owner.
func (r *HelmRelease) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject implements runtime.Object.
func (r *HelmRelease) DeepCopyObject() runtime.Object {
	out := *r
	r.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	r.Latest.ObjectMeta.DeepCopyInto(&out.Latest.ObjectMeta)
	return &out
}

// HelmRevisionOf reads a release Secret into what the cache keeps. A
// Secret that is not a readable release gives a revision with Err set,
// named after its labels (or the Secret, when they are missing).
func HelmRevisionOf(s *corev1.Secret) *HelmRevision {
	r := &HelmRevision{}
	r.Name, r.Namespace, r.UID = s.Name, s.Namespace, types.UID(string(s.UID))
	r.ResourceVersion, r.CreationTimestamp = s.ResourceVersion, s.CreationTimestamp
	r.Labels = map[string]string{}
	for _, l := range []string{helm.LabelOwner, helm.LabelName, helm.LabelVersion, helm.LabelStatus} {
		if v, ok := s.Labels[l]; ok {
			r.Labels[l] = v
		}
	}
	r.Release = s.Labels[helm.LabelName]
	r.Revision, _ = strconv.Atoi(s.Labels[helm.LabelVersion])
	r.Status = s.Labels[helm.LabelStatus]
	r.Updated = s.CreationTimestamp.Time
	fail := func(why string) *HelmRevision {
		r.Err = why
		if r.Release == "" {
			r.Release = s.Name
		}
		return r
	}
	if s.Type != helm.SecretType {
		return fail("not a Helm release Secret (type " + strconv.Quote(string(s.Type)) + ")")
	}
	data, ok := s.Data[helm.DataKey]
	if !ok {
		return fail("no " + strconv.Quote(helm.DataKey) + " key")
	}
	rel, err := helm.Decode(data)
	if err != nil {
		return fail(err.Error())
	}
	if r.Release == "" {
		r.Release = rel.Name
	}
	if r.Revision == 0 {
		r.Revision = rel.Version
	}
	if rel.Info.Status != "" {
		r.Status = rel.Info.Status
	}
	r.Chart, r.ChartVersion, r.AppVersion = rel.Chart.Metadata.Name, rel.Chart.Metadata.Version, rel.Chart.Metadata.AppVersion
	if !rel.Info.LastDeployed.IsZero() {
		r.Updated = rel.Info.LastDeployed.Time
	}
	r.Description = rel.Info.Description
	return r
}

// collapseHelm makes a release of its revisions: the latest (the highest
// revision; a Secret that could not be read counts by its labels).
func collapseHelm(members []any) any {
	var latest *HelmRevision
	rel := &HelmRelease{}
	for _, m := range members {
		r, ok := m.(*HelmRevision)
		if !ok {
			continue
		}
		rel.Revisions++
		if r.Err != "" {
			rel.Unreadable++
		}
		if latest == nil || r.Revision > latest.Revision || (r.Revision == latest.Revision && r.Name > latest.Name) {
			latest = r
		}
	}
	if latest == nil {
		return nil
	}
	rel.Latest = *latest
	rel.Name, rel.Namespace = latest.Release, latest.Namespace
	rel.UID = types.UID("helm:" + latest.Namespace + "/" + latest.Release)
	// Changes whenever the latest revision or the number of revisions does.
	rel.ResourceVersion = latest.ResourceVersion + "/" + strconv.Itoa(rel.Revisions) + "/" + strconv.Itoa(rel.Unreadable)
	rel.CreationTimestamp = latest.CreationTimestamp
	rel.Labels = map[string]string{helm.LabelName: latest.Release, helm.LabelOwner: helm.OwnerHelm}
	return rel
}

// helmStatus is a release's status word and health.
func helmStatus(r *HelmRelease) (string, string) {
	if r.Latest.Err != "" {
		return "unreadable: " + r.Latest.Err, model.HealthError
	}
	switch s := r.Latest.Status; {
	case s == "deployed":
		return s, model.HealthOK
	case s == "failed":
		return s, model.HealthError
	case strings.HasPrefix(s, "pending") || s == "uninstalling" || s == "unknown":
		return s, model.HealthWarn
	default:
		return s, model.HealthNeutral
	}
}

func init() {
	register(&Kind{
		ID: HelmReleases, GVR: corev1.SchemeGroupVersion.WithResource("secrets"), APIKind: "HelmRelease", Label: "Helm releases",
		Nav: NavApps, Rank: 10, ShortNames: []string{"releases", "helm"}, Namespaced: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewFilteredSecretInformer(c.Kube, ns, 0, namespaceIndex(), func(o *metav1.ListOptions) {
				o.LabelSelector = helm.Selector
			})
		},
		Slim: func(obj any) any {
			if s, ok := obj.(*corev1.Secret); ok {
				return HelmRevisionOf(s)
			}
			return obj
		},
		CollapseKey: func(obj any) string {
			if r, ok := obj.(*HelmRevision); ok {
				return Key(r.Namespace, r.Release)
			}
			return ""
		},
		Collapse: collapseHelm,
		Derived:  true,
		// A release's revisions are its history (its Secrets' own changes
		// are in the timeline as Secrets).
		NoTimeline: true,
		Columns: []Column{
			NameColumn, NamespaceColumn,
			Col("revision", "Revision", model.TypeInteger, func(r *HelmRelease) string { return strconv.Itoa(r.Latest.Revision) }),
			StatusColumn("Status"),
			Col("chart", "Chart", model.TypeText, func(r *HelmRelease) string {
				return helm.ChartMetadata{Name: r.Latest.Chart, Version: r.Latest.ChartVersion}.Label()
			}),
			Col("appVersion", "App version", model.TypeText, func(r *HelmRelease) string { return r.Latest.AppVersion }),
			Col("updated", "Updated", model.TypeTimestamp, func(r *HelmRelease) string {
				if r.Latest.Updated.IsZero() {
					return ""
				}
				return strconv.FormatInt(r.Latest.Updated.Unix(), 10)
			}),
		},
		Status: statusAs(helmStatus),
		describe: describeAs(func(r *HelmRelease, f *facts, d *model.Details) {
			f.add("Description", r.Latest.Description)
			f.add("Revisions", strconv.Itoa(r.Revisions))
			if r.Unreadable > 0 {
				f.add("Unreadable revisions", strconv.Itoa(r.Unreadable))
			}
			if r.Latest.Err != "" {
				f.add("Latest revision", "Secret "+r.Latest.Name+" cannot be read: "+r.Latest.Err)
			}
		}),
	})
}

// HelmSecrets selects Helm's release Secrets, which the Secrets table
// hides unless asked (Kind.Hidden).
var HelmSecrets = labels.SelectorFromSet(labels.Set{helm.LabelOwner: helm.OwnerHelm})
