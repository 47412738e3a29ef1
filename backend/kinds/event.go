package kinds

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"

	"crowsnest/backend/model"
)

// Events are indexed by the UID of the object they are about, so that an
// object's details find its events without a scan.
const Events ID = "events"

func init() {
	register(&Kind{
		ID: Events, GVR: corev1.SchemeGroupVersion.WithResource("events"), APIKind: "Event", Label: "Events",
		Nav: NavCluster, Rank: 30, ShortNames: []string{"ev"}, Namespaced: true, NoTimeline: true,
		NewInformer: func(c Clients, ns string) cacheInformer {
			return coreinformers.NewEventInformer(c.Kube, ns, 0, namespaceIndex())
		},
		Indexers: indexers{InvolvedIndex: byObject(func(e *corev1.Event) []string {
			if e.InvolvedObject.UID == "" {
				return nil
			}
			return []string{string(e.InvolvedObject.UID)}
		})},
		Columns: []Column{
			Col("lastSeen", "Last seen", model.TypeTimestamp, func(e *corev1.Event) string {
				return strconv.FormatInt(EventOf(e).LastSeen, 10)
			}),
			NamespaceColumn,
			StatusColumn("Type"),
			Col("reason", "Reason", model.TypeText, func(e *corev1.Event) string { return e.Reason }),
			Col("object", "Object", model.TypeText, func(e *corev1.Event) string {
				return strings.ToLower(e.InvolvedObject.Kind) + "/" + e.InvolvedObject.Name
			}),
			Col("message", "Message", model.TypeText, func(e *corev1.Event) string { return e.Message }, Wide),
			Col("count", "Count", model.TypeInteger, func(e *corev1.Event) string { return itoa(max(e.Count, 1)) }),
			NameColumn.With(Priority(1)),
		},
		SortBy: "lastSeen", Desc: true,
		Status: statusAs(func(e *corev1.Event) (string, string) {
			if e.Type == corev1.EventTypeWarning {
				return e.Type, model.HealthWarn
			}
			return e.Type, model.HealthNeutral
		}),
		describe: describeAs(func(o *corev1.Event, f *facts, d *model.Details) {
			f.add("Type", o.Type)
			f.add("Reason", o.Reason)
			f.add("Object", o.InvolvedObject.Kind+" "+o.InvolvedObject.Name)
			f.add("Count", itoa(o.Count))
			f.add("Source", eventSource(o))
			f.add("Message", o.Message)
		}),
	})
}

// EventOf is an Event as the details panel lists it.
func EventOf(e *corev1.Event) model.Event {
	last := e.LastTimestamp.Time
	if last.IsZero() {
		last = e.EventTime.Time
	}
	if last.IsZero() {
		last = e.CreationTimestamp.Time
	}
	return model.Event{Type: e.Type, Reason: e.Reason, Message: e.Message, Count: max(e.Count, 1),
		LastSeen: last.Unix(), Source: eventSource(e)}
}

func eventSource(e *corev1.Event) string {
	if e.Source.Component != "" {
		return e.Source.Component
	}
	return e.ReportingController
}
