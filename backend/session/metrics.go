package session

import (
	"time"

	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"

	"crowsnest/backend/kinds"
	"crowsnest/backend/metrics"
	"crowsnest/backend/model"
)

// Metrics are polled only while something on screen shows them: each
// open view of pods or nodes and each details panel of one holds a
// metrics.Target (by the view's or watch's id) until it closes or moves
// to another kind or namespace. The poller's measurements go to the view
// bases (view.Bases.SetUsage), its state into the session status.

// newMetrics builds the session's poller; it asks nothing until a target
// is held.
func (s *Session) newMetrics(client metricsclient.Interface) *metrics.Poller {
	return metrics.New(s.ctx, metrics.Options{
		Client: client, Discovery: s.client.Discovery(), Dynamic: s.dyn, Access: s.reviewer,
		Interval: func() time.Duration {
			if s.metricsInterval == nil {
				return metrics.DefaultInterval
			}
			return s.metricsInterval()
		},
		OnUsage: func(resource string, u kinds.Usages) {
			switch resource {
			case metrics.Pods:
				s.bases.SetUsage(kinds.Pods, u)
			case metrics.Nodes:
				s.bases.SetUsage(kinds.Nodes, u)
			}
		},
		OnStatus: func() { s.publishStatusNow() },
	})
}

// holdMetrics makes holder (a view or details watch id) show the
// measurements of k in namespace, or none for a kind without usage
// columns; what it held before is released after, so a view that moves
// between namespaces leaves no gap in the demand.
func (s *Session) holdMetrics(holder string, k *kinds.Kind, namespace string) {
	var release func()
	if k.HasUsage() {
		release = s.metrics.Acquire(metrics.Target{Resource: k.UsageOf, Namespace: namespace})
	}
	s.mu.Lock()
	old := s.metricsHolds[holder]
	if s.stopped {
		s.mu.Unlock()
		if release != nil {
			release()
		}
		return
	}
	if release != nil {
		s.metricsHolds[holder] = release
	} else {
		delete(s.metricsHolds, holder)
	}
	s.mu.Unlock()
	if old != nil {
		old()
	}
}

// releaseMetrics lets go of what holder showed.
func (s *Session) releaseMetrics(holder string) {
	s.mu.Lock()
	release := s.metricsHolds[holder]
	delete(s.metricsHolds, holder)
	s.mu.Unlock()
	if release != nil {
		release()
	}
}

// Usage is the kept window of measurements of a pod or node, for the
// details panel's charts; other kinds have none.
func (s *Session) Usage(k *kinds.Kind, namespace, name string) (model.UsageHistory, error) {
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return model.UsageHistory{}, ErrStopped
	}
	if !k.HasUsage() {
		return model.UsageHistory{Series: []model.UsageSeries{}}, nil
	}
	if !k.Namespaced {
		namespace = ""
	}
	return s.metrics.History(k.UsageOf, namespace, name), nil
}
