package session

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"crowsnest/backend/dao"
	"crowsnest/backend/helm"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// A release's details are read from its Secrets when asked, never from the
// cache (which keeps no values or manifest) and never kept: values often
// hold credentials, so the details list their places (helm.Leaves) and
// each value is read again on request, one at a time. Nothing here logs a
// value or a manifest.

// maxNotes bounds the notes sent in a bound call's answer.
const maxNotes = 32 << 10

// helmRevision is one release Secret as read from the API now.
type helmRevision struct {
	secret  string
	summary *kinds.HelmRevision
	release *helm.Release // nil when it could not be read (summary.Err)
}

// helmRevisions reads the release's Secrets in ns (one revision, when
// revision > 0), newest first.
func (s *Session) helmRevisions(ctx context.Context, ns, name string, revision int) ([]helmRevision, error) {
	k := kinds.Builtin(kinds.HelmReleases)
	if err := ValidateName(k, ns, name); err != nil {
		return nil, err
	}
	set := labels.Set{helm.LabelOwner: helm.OwnerHelm, helm.LabelName: name}
	if revision > 0 {
		set[helm.LabelVersion] = strconv.Itoa(revision)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*dao.DefaultTimeout)
	defer cancel()
	list, err := s.client.CoreV1().Secrets(ns).List(ctx, metav1.ListOptions{LabelSelector: set.String()})
	if err != nil {
		return nil, s.plugins.Explain(fmt.Errorf("read the Secrets of Helm release %s/%s: %w", ns, name, err))
	}
	out := make([]helmRevision, 0, len(list.Items))
	for i := range list.Items {
		sec := &list.Items[i]
		r := helmRevision{secret: sec.Name, summary: kinds.HelmRevisionOf(sec)}
		if r.summary.Err == "" {
			r.release, _ = helm.Decode(sec.Data[helm.DataKey])
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].summary.Revision > out[j].summary.Revision })
	if len(out) == 0 {
		what := "Helm release " + ns + "/" + name
		if revision > 0 {
			what += " revision " + strconv.Itoa(revision)
		}
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "helm release"}, what)
	}
	return out, nil
}

// HelmRelease reads a release's history, the places of its values, its
// notes and the resources its manifest creates, from its Secrets now.
func (s *Session) HelmRelease(ns, name string) (model.HelmRelease, error) {
	revs, err := s.helmRevisions(s.ctx, ns, name, 0)
	if err != nil {
		return model.HelmRelease{}, err
	}
	out := model.HelmRelease{Name: name, Namespace: ns, History: make([]model.HelmRevision, 0, len(revs)),
		Resources: []model.HelmResource{}}
	for _, r := range revs {
		sm := r.summary
		h := model.HelmRevision{Revision: sm.Revision, Status: sm.Status, Chart: helm.ChartMetadata{Name: sm.Chart, Version: sm.ChartVersion}.Label(),
			AppVersion: sm.AppVersion, Description: sm.Description, Secret: r.secret, Problem: sm.Err}
		if !sm.Updated.IsZero() {
			h.Updated = sm.Updated.Unix()
		}
		h.Status, h.Health = kinds.Builtin(kinds.HelmReleases).Status(&kinds.HelmRelease{Latest: *sm})
		out.History = append(out.History, h)
	}
	latest := revs[0]
	out.Revision = latest.summary.Revision
	if latest.release == nil {
		out.Problem = "Secret " + latest.secret + " cannot be read: " + latest.summary.Err
		return out, nil
	}
	rel := latest.release
	out.Config = valuesOf(rel.Config)
	out.Computed = valuesOf(helm.Computed(rel.Chart.Values, rel.Config))
	out.Notes = rel.Info.Notes
	if len(out.Notes) > maxNotes {
		cut := maxNotes
		for cut > 0 && !utf8.RuneStart(out.Notes[cut]) {
			cut--
		}
		out.Notes, out.NotesCut = out.Notes[:cut], true
	}
	for _, res := range helm.Resources(rel.Manifest, ns) {
		gv, _ := schema.ParseGroupVersion(res.APIVersion)
		hr := model.HelmResource{APIVersion: res.APIVersion, APIKind: res.Kind, Namespace: res.Namespace, Name: res.Name}
		if k, ok := s.kinds.ForGroupKind(gv.Group, res.Kind); ok && k.Watchable() {
			hr.Kind = string(k.ID)
			if !k.Namespaced {
				hr.Namespace = ""
			}
		}
		hr.Key = kinds.Key(hr.Namespace, hr.Name)
		out.Resources = append(out.Resources, hr)
	}
	return out, nil
}

func valuesOf(v map[string]any) model.HelmValues {
	leaves, more := helm.Leaves(v)
	out := model.HelmValues{Leaves: make([]model.HelmValueLeaf, len(leaves)), More: more}
	for i, l := range leaves {
		out.Leaves[i] = model.HelmValueLeaf{Path: l.Path, Display: l.Display, Type: l.Type, Size: l.Size}
	}
	return out
}

// RevealHelmValue reads one value of a release's revision (the
// user-supplied values, or the computed ones) from its Secret now, for
// the user who asked to see it. It is never kept or logged.
func (s *Session) RevealHelmValue(ns, name string, revision int, computed bool, path []string) (string, error) {
	if revision <= 0 {
		return "", errors.New("no revision named")
	}
	rel, err := s.helmRelease(s.ctx, ns, name, revision)
	if err != nil {
		return "", err
	}
	values := rel.Config
	if computed {
		values = helm.Computed(rel.Chart.Values, rel.Config)
	}
	return helm.Lookup(values, path)
}

// helmRelease reads one revision of a release, decoded.
func (s *Session) helmRelease(ctx context.Context, ns, name string, revision int) (*helm.Release, error) {
	revs, err := s.helmRevisions(ctx, ns, name, revision)
	if err != nil {
		return nil, err
	}
	if revs[0].release == nil {
		return nil, fmt.Errorf("Secret %s cannot be read: %s", revs[0].secret, revs[0].summary.Err)
	}
	return revs[0].release, nil
}

// HelmManifestPath is where the page fetches a revision's rendered manifest.
const HelmManifestPath = "/api/helm/manifest"

// HelmHandles reports whether HelmHandler serves path.
func HelmHandles(path string) bool { return path == HelmManifestPath }

// HelmHandler serves GET /api/helm/manifest?gen=&namespace=&name=&revision=
// with the rendered manifest of a release's revision, read from its Secret
// now (at most MaxYAML), behind Wails' AssetServer like the YAML view.
func HelmHandler(b *Switchboard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, q := textRequest(b, w, r, HelmManifestPath)
		if s == nil {
			return
		}
		revision, err := strconv.Atoi(q.Get("revision"))
		if err != nil || revision <= 0 {
			http.Error(w, "invalid revision", http.StatusBadRequest)
			return
		}
		rel, err := s.helmRelease(r.Context(), q.Get("namespace"), q.Get("name"), revision)
		if err != nil {
			readFailed(w, err)
			return
		}
		out := rel.Manifest
		if strings.TrimSpace(out) == "" {
			out = "# this revision's manifest is empty\n"
		}
		writeText(w, []byte(out), "the manifest")
	})
}
