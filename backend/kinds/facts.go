package kinds

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"crowsnest/backend/model"
)

// Helpers the kinds' rows and details share.

// Describe fills the details that come from the object itself: its
// annotations (never a last-applied-configuration, which can hold a
// Secret's values), then the kind's own facts.
func (k *Kind) Describe(obj any, d *model.Details) {
	d.Summary, d.Conditions, d.Containers = []model.Field{}, []model.Condition{}, []model.Container{}
	if m, err := meta.Accessor(obj); err == nil {
		if a := m.GetAnnotations(); len(a) > 0 {
			d.Annotations = make(map[string]string, len(a))
			for key, v := range a {
				if key != corev1.LastAppliedConfigAnnotation {
					d.Annotations[key] = v
				}
			}
		}
	}
	if k.describe != nil {
		k.describe(obj, d)
	}
}

// facts collects summary fields, leaving out empty values.
type facts []model.Field

func (f *facts) add(label, value string) {
	if value != "" {
		*f = append(*f, model.Field{Label: label, Value: value})
	}
}

// describeAs adapts a describe function of one object type.
func describeAs[T any](f func(T, *facts, *model.Details)) func(any, *model.Details) {
	return func(obj any, d *model.Details) {
		t, ok := obj.(T)
		if !ok {
			return
		}
		fs := facts(d.Summary)
		f(t, &fs, d)
		d.Summary = fs
	}
}

// statusAs adapts a status function of one object type.
func statusAs[T any](f func(T) (string, string)) func(any) (string, string) {
	return func(obj any) (string, string) {
		if t, ok := obj.(T); ok {
			return f(t)
		}
		return "", model.HealthNeutral
	}
}

// imagesAs adapts an images function of one object type.
func imagesAs[T any](f func(T) []corev1.Container) func(any) []string {
	return func(obj any) []string {
		if t, ok := obj.(T); ok {
			return images(f(t))
		}
		return nil
	}
}

func cond(typ, status, reason, msg string, t metav1.Time) model.Condition {
	c := model.Condition{Type: typ, Status: status, Reason: reason, Message: msg}
	if !t.IsZero() {
		c.LastTransition = t.Unix()
	}
	return c
}

func conditions[C any](in []C, conv func(C) model.Condition) []model.Condition {
	out := make([]model.Condition, len(in))
	for i, c := range in {
		out[i] = conv(c)
	}
	return out
}

// metaConditions converts the conditions of the kinds that use
// metav1.Condition.
func metaConditions(in []metav1.Condition) []model.Condition {
	return conditions(in, func(c metav1.Condition) model.Condition {
		return cond(c.Type, string(c.Status), c.Reason, c.Message, c.LastTransitionTime)
	})
}

func templateContainers(spec corev1.PodSpec) []model.Container {
	out := make([]model.Container, 0, len(spec.InitContainers)+len(spec.Containers))
	for _, c := range spec.InitContainers {
		out = append(out, container(c, true))
	}
	for _, c := range spec.Containers {
		out = append(out, container(c, false))
	}
	return out
}

func container(c corev1.Container, init bool) model.Container {
	mc := model.Container{Name: c.Name, Image: c.Image, Init: init}
	for _, p := range c.Ports {
		s := fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol)
		if p.Name != "" {
			s += " (" + p.Name + ")"
		}
		mc.Ports = append(mc.Ports, s)
	}
	return mc
}

func selectorText(s *metav1.LabelSelector) string {
	if s == nil {
		return ""
	}
	return metav1.FormatLabelSelector(s)
}

func mapText(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// sortedKeys returns the keys of the maps, sorted, each once: of string
// maps and of ResourceLists alike.
func sortedKeys[K ~string, V any](maps ...map[K]V) []string {
	var keys []string
	for _, m := range maps {
		for k := range m {
			keys = append(keys, string(k))
		}
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}

// deref reads an optional count, 1 when unset: the API's default for
// replicas, completions and parallelism.
func deref(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// yesNo is a boolean in a table, where a blank cell would read as unknown.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

func ratio(a, b int32) string { return strconv.Itoa(int(a)) + "/" + strconv.Itoa(int(b)) }

func itoa(i int32) string { return strconv.FormatInt(int64(i), 10) }

func unix(t *metav1.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.Unix(), 10)
}

func timeText(t *metav1.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 MST")
}

func images(cs []corev1.Container) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Image
	}
	return out
}

// scaled is a workload's status and health from its ready and wanted
// replicas.
func scaled(have, want int32) (string, string) {
	switch {
	case want == 0:
		return "Scaled down", model.HealthNeutral
	case have >= want:
		return "Ready", model.HealthOK
	case have == 0:
		return "Unavailable", model.HealthError
	default:
		return "Progressing", model.HealthWarn
	}
}

// joinCut joins values with sep, keeping a table cell short: past max
// values it says how many more there are, as kubectl does.
func joinCut(values []string, sep string, max int) string {
	if len(values) <= max {
		return strings.Join(values, sep)
	}
	return strings.Join(values[:max], sep) + fmt.Sprintf(" + %d more...", len(values)-max)
}
