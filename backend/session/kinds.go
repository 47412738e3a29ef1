package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	toolscache "k8s.io/client-go/tools/cache"

	"crowsnest/backend/informer"
	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
	"crowsnest/backend/view"
)

// Kind parses a kind name from the page into the session's kind: the one
// place that decides "unknown kind".
func (s *Session) Kind(name string) (*kinds.Kind, error) {
	return s.kinds.Lookup(name)
}

// Kinds lists every kind of the session, for the navigation and palette.
func (s *Session) Kinds() model.KindList { return s.kinds.List(s.Generation) }

// crdsKind is the built-in kind of CustomResourceDefinitions.
const crdsKind = "customresourcedefinitions"

// DiscoveryTimeout bounds discovery at connect.
const DiscoveryTimeout = 15 * time.Second

// learner keeps the session's registry in step with what its server
// serves: the resources discovery finds at connect and, live, the
// CustomResourceDefinitions that become Established or go. It lives in one
// goroutine of the session (learn); the CRD informer and kinds whose
// resource went wake it through the session's learnKick and learnGone.
type learner struct {
	// discovered is what discovery found at connect: the resources beyond
	// the built-in kinds, as generic kinds, and every resource served.
	discovered []*kinds.Kind
	served     map[schema.GroupVersionResource]bool
	// crdGRs are the resources backed by a CRD seen this session: they
	// never fall back to their discovery kind once their CRD goes.
	crdGRs map[schema.GroupResource]bool
	// gone are kinds whose resource the server answered 404 for (a CRD
	// deleted that this user may not watch): left out until rediscovered.
	gone map[kinds.ID]bool
	// fromCRD keeps each CRD's kind by the resourceVersion it was made
	// from: a CRD's status changes often, its printer columns rarely.
	fromCRD map[string]crdKind
}

type crdKind struct {
	rv   string
	kind *kinds.Kind
}

// learn discovers the server's resources, then follows its CRDs until the
// session stops. Started once the server has answered.
func (s *Session) learn() {
	l := &learner{crdGRs: map[schema.GroupResource]bool{}, gone: map[kinds.ID]bool{}, fromCRD: map[string]crdKind{}}
	if err := s.discover(l); err != nil && s.ctx.Err() == nil {
		slog.Warn("discovery failed; kinds it would add are missing", "context", s.Context, "error", s.plugins.ExplainText(err.Error()))
	}
	// The CRDs kind's informer is the one the CRDs table shows, so the
	// session holds one watch of CRDs whoever asks.
	var crds *informer.Handle
	crdKind, err := s.kinds.Lookup(crdsKind)
	if err == nil && crdKind.Watchable() && (l.served == nil || l.served[crdKind.GVR]) {
		h, err := s.owner.Informer(crdKind)
		if err == nil {
			crds = h
			reg := h.Subscribe(toolscache.ResourceEventHandlerFuncs{
				AddFunc:    func(any) { s.kickLearner() },
				UpdateFunc: func(any, any) { s.kickLearner() },
				DeleteFunc: func(any) { s.kickLearner() },
			})
			defer h.Unsubscribe(reg)
			// The first answer waits for the CRDs (or for the news that
			// this user may not list them), so that custom kinds do not
			// first appear with discovery's default columns.
			_ = wait.PollUntilContextTimeout(s.ctx, 20*time.Millisecond, DiscoveryTimeout, true, func(context.Context) (bool, error) {
				st := s.owner.Status(crdKind.ID).State
				return h.HasSynced() || st == informer.StateForbidden || st == informer.StateError, nil
			})
		}
	}
	s.relearn(l, crds)
	for {
		select {
		case <-s.ctx.Done():
			return
		case id := <-s.learnGone:
			l.gone[id] = true
		case <-s.learnKick:
		}
		s.relearn(l, crds)
	}
}

// kickLearner asks the learner to look again (a CRD changed, a kind's
// resource went); several kicks before it runs count as one.
func (s *Session) kickLearner() {
	select {
	case s.learnKick <- struct{}{}:
	default:
	}
}

// discover records what the server serves. Groups that fail (an
// aggregated API that is down) leave their kinds out and are logged.
func (s *Session) discover(l *learner) error {
	dc, err := discovery.NewDiscoveryClientForConfigAndClient(s.cfg, s.httpClient)
	if err != nil {
		return fmt.Errorf("discovery client: %w", err)
	}
	ctx, cancel := context.WithTimeout(s.ctx, DiscoveryTimeout)
	defer cancel()
	groups, lists, err := dc.ServerGroupsAndResourcesWithContext(ctx)
	var partial *discovery.ErrGroupDiscoveryFailed
	if err != nil && !errors.As(err, &partial) {
		return err
	}
	preferred := map[string]string{}
	for _, g := range groups {
		preferred[g.Name] = g.PreferredVersion.Version
	}
	l.served = map[schema.GroupVersionResource]bool{}
	byGR := map[schema.GroupResource]*kinds.Kind{}
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range list.APIResources {
			l.served[gv.WithResource(r.Name)] = true
			k := kinds.FromDiscovery(gv, r)
			if k == nil {
				continue
			}
			gr := k.GVR.GroupResource()
			if have, ok := byGR[gr]; ok && preferred[gv.Group] != gv.Version && have.GVR.Version == preferred[gv.Group] {
				continue // the group's preferred version wins
			}
			byGR[gr] = k
		}
	}
	for _, k := range byGR {
		l.discovered = append(l.discovered, k)
	}
	if partial != nil {
		return partial
	}
	return nil
}

// relearn computes the kinds the server serves now and applies them.
func (s *Session) relearn(l *learner, crds *informer.Handle) {
	var learnt []*kinds.Kind
	crdKinds := map[schema.GroupResource]bool{}
	if crds != nil {
		seen := map[string]bool{}
		for _, obj := range crds.List() {
			crd, ok := obj.(*apiextensionsv1.CustomResourceDefinition)
			if !ok {
				continue
			}
			seen[crd.Name] = true
			gr := schema.GroupResource{Group: crd.Spec.Group, Resource: crd.Spec.Names.Plural}
			l.crdGRs[gr] = true
			made, ok := l.fromCRD[crd.Name]
			if !ok || made.rv != crd.ResourceVersion {
				k, err := kinds.FromCRD(crd)
				if err != nil {
					slog.Warn("custom resource shown with default columns", "context", s.Context, "crd", crd.Name, "error", err)
				}
				made = crdKind{rv: crd.ResourceVersion, kind: k}
				l.fromCRD[crd.Name] = made
			}
			k := made.kind
			if k == nil { // not Established yet, or nothing served
				continue
			}
			crdKinds[gr] = true
			learnt = append(learnt, k)
		}
		for name := range l.fromCRD {
			if !seen[name] {
				delete(l.fromCRD, name)
			}
		}
	}
	for _, k := range l.discovered {
		gr := k.GVR.GroupResource()
		if crdKinds[gr] || (crds != nil && crds.HasSynced() && l.crdGRs[gr]) || l.gone[k.ID] {
			continue
		}
		learnt = append(learnt, k)
	}
	var served func(schema.GroupVersionResource) bool
	if l.served != nil {
		served = func(gvr schema.GroupVersionResource) bool { return l.served[gvr] }
	}
	version := s.kinds.Version()
	s.applyKinds(s.kinds.Serve(learnt, served))
	if s.kinds.Version() != version {
		// The page reads the kinds again when the status's kindsVersion
		// moves: a kind only added must say so too, at once, not wait for
		// some other change to send a status.
		s.publishStatusNow()
	}
}

// applyKinds stops the caches of kinds that changed or went and moves
// their views: to the kind's new description, or to the removed state.
func (s *Session) applyKinds(stale []kinds.ID) {
	for _, id := range stale {
		s.owner.Forget(id)
		s.bases.Forget(id)
		s.unwatchKind(id)
		now, err := s.kinds.Lookup(string(id))
		s.mu.Lock()
		var views []*view.Live
		for _, v := range s.views {
			if k, _ := v.Kind(); k != nil && k.ID == id {
				views = append(views, v)
			}
		}
		s.mu.Unlock()
		for _, v := range views {
			_, spec := v.Kind()
			if err != nil || !now.Watchable() || v.Update(now, spec) != nil {
				v.MarkRemoved()
			}
		}
	}
}

// kindGone is a kind whose resource the server answered 404 for: its CRD
// was deleted while this user may not watch CRDs. It is dropped until the
// next connect rediscovers it.
func (s *Session) kindGone(id kinds.ID, err error) {
	if !apierrors.IsNotFound(err) {
		return
	}
	select {
	case s.learnGone <- id:
	default: // full: the learner has work queued and looks again anyway
	}
}
