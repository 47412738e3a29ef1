package informer

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"crowsnest/backend/kinds"
)

// The API server's protobuf, read straight into a kinds.PodSummary.
//
// Decoding a pod with the generated code builds the whole object (spec,
// volumes, env, probes, resources, managedFields...) only for the
// transform to keep a few hundred bytes of it: at 10,000 pods that is most
// of a sync's CPU, and the garbage drives the GC for the rest. The reader
// below walks the wire format once, skips every field a kinds.PodSummary does
// not keep without allocating, and interns repeated strings straight from
// the buffer. It yields exactly what SummarizePod yields for the same pod
// (podwire_test.go checks that against the generated decoder); anything it
// does not recognise goes to the generated decoder.
//
// Field numbers are those of k8s.io/api/core/v1/generated.proto and
// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto, which Kubernetes
// never renumbers (protobuf compatibility is part of its API guarantees).

// protoMagic prefixes every protobuf object the API server sends: "k8s\0"
// then a runtime.Unknown holding the TypeMeta and the object's bytes.
var protoMagic = []byte("k8s\x00")

var errTruncated = errors.New("truncated protobuf")

// wireReader walks one protobuf message.
type wireReader struct {
	b   []byte
	err error
}

// next returns the next field's number and type; false at the end or on
// malformed input (then r.err says which).
func (r *wireReader) next() (protowire.Number, protowire.Type, bool) {
	if r.err != nil || len(r.b) == 0 {
		return 0, 0, false
	}
	num, typ, n := protowire.ConsumeTag(r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return 0, 0, false
	}
	r.b = r.b[n:]
	return num, typ, true
}

// bytes reads a length-delimited field.
func (r *wireReader) bytes(typ protowire.Type) []byte {
	if typ != protowire.BytesType {
		r.fail(typ)
		return nil
	}
	v, n := protowire.ConsumeBytes(r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return nil
	}
	r.b = r.b[n:]
	return v
}

// varint reads a varint field.
func (r *wireReader) varint(typ protowire.Type) uint64 {
	if typ != protowire.VarintType {
		r.fail(typ)
		return 0
	}
	v, n := protowire.ConsumeVarint(r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return 0
	}
	r.b = r.b[n:]
	return v
}

// skip passes over a field the summary does not keep.
func (r *wireReader) skip(num protowire.Number, typ protowire.Type) {
	n := protowire.ConsumeFieldValue(num, typ, r.b)
	if n < 0 {
		r.err = protowire.ParseError(n)
		return
	}
	r.b = r.b[n:]
}

func (r *wireReader) fail(typ protowire.Type) {
	if r.err == nil {
		r.err = fmt.Errorf("unexpected protobuf wire type %d", typ)
	}
}

// sub returns a reader of the nested message in the field (empty if r
// failed); join folds its error back into r's. (A callback taking the
// nested reader would move every reader to the heap: the decode of one pod
// opens a few dozen.)
func (r *wireReader) sub(typ protowire.Type) wireReader {
	return wireReader{b: r.bytes(typ)}
}

func (r *wireReader) join(s *wireReader) {
	if s.err != nil && r.err == nil {
		r.err = s.err
	}
}

// each calls fn with every field of the message in turn; fn reads the
// field's value and returns true, or returns false to have it skipped.
func (r *wireReader) each(fn func(num protowire.Number, typ protowire.Type) bool) {
	for {
		num, typ, more := r.next()
		if !more {
			return
		}
		if !fn(num, typ) {
			r.skip(num, typ)
		}
	}
}

// unwrapUnknown splits the API server's envelope into kind, apiVersion and
// the object's bytes. ok is false for anything that is not a plain
// protobuf object (JSON, CBOR, an encoded payload).
func unwrapUnknown(data []byte) (kind, apiVersion string, raw []byte, ok bool) {
	if !bytes.HasPrefix(data, protoMagic) {
		return "", "", nil, false
	}
	r := wireReader{b: data[len(protoMagic):]}
	encoded := false
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1: // typeMeta
			t := r.sub(typ)
			t.each(func(num protowire.Number, typ protowire.Type) bool {
				switch num { // runtime.TypeMeta, not metav1's
				case 1:
					apiVersion = string(t.bytes(typ))
				case 2:
					kind = string(t.bytes(typ))
				default:
					return false
				}
				return true
			})
			r.join(&t)
		case 2: // raw
			raw = r.bytes(typ)
		case 3, 4: // contentEncoding, contentType
			if v := r.bytes(typ); len(v) > 0 {
				encoded = true
			}
		default:
			return false
		}
		return true
	})
	return kind, apiVersion, raw, r.err == nil && !encoded
}

// decodePod reads a v1.Pod message into its summary.
func decodePod(b []byte, in *interner) (*kinds.PodSummary, error) {
	p := &kinds.PodSummary{}
	var statuses, initStatuses []containerStatus
	r := wireReader{b: b}
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			m := r.sub(typ)
			readObjectMeta(&m, &p.ObjectMeta, in)
			r.join(&m)
		case 2:
			s := r.sub(typ)
			readPodSpec(&s, p, in)
			r.join(&s)
		case 3:
			s := r.sub(typ)
			statuses, initStatuses = readPodStatus(&s, p, in)
			r.join(&s)
		default:
			return false
		}
		return true
	})
	if r.err != nil {
		return nil, fmt.Errorf("decode pod: %w", r.err)
	}
	mergeStatuses(p.Containers, statuses)
	mergeStatuses(p.InitContainers, initStatuses)
	return p, nil
}

// decodePodList reads a v1.PodList message.
func decodePodList(b []byte, in *interner) (*kinds.PodSummaryList, error) {
	l := &kinds.PodSummaryList{}
	r := wireReader{b: b}
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			m := r.sub(typ)
			readListMeta(&m, &l.ListMeta)
			r.join(&m)
		case 2:
			item := r.bytes(typ)
			if r.err != nil {
				break
			}
			p, err := decodePod(item, in)
			if err != nil {
				r.err = fmt.Errorf("item %d: %w", len(l.Items), err)
				break
			}
			l.Items = append(l.Items, *p)
		default:
			return false
		}
		return true
	})
	if r.err != nil {
		return nil, fmt.Errorf("decode pod list: %w", r.err)
	}
	return l, nil
}

// readObjectMeta keeps what kinds.PodSummary's ObjectMeta holds, plus the one
// annotation a watch-list bookmark carries (the reflector reads it).
func readObjectMeta(r *wireReader, m *metav1.ObjectMeta, in *interner) {
	var labels [][]byte
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			m.Name = string(r.bytes(typ))
		case 3:
			m.Namespace = in.bytes(r.bytes(typ))
		case 5:
			m.UID = types.UID(r.bytes(typ))
		case 6:
			m.ResourceVersion = string(r.bytes(typ))
		case 8:
			t := r.sub(typ)
			m.CreationTimestamp = readTime(&t)
			r.join(&t)
		case 9:
			t := r.sub(typ)
			at := readTime(&t)
			m.DeletionTimestamp = &at
			r.join(&t)
		case 11:
			if e := r.bytes(typ); r.err == nil {
				labels = append(labels, e)
			}
		case 12:
			e := r.sub(typ)
			k, v := readMapEntry(&e, func(b []byte) string { return string(b) })
			if k == metav1.InitialEventsAnnotationKey {
				m.Annotations = map[string]string{k: v}
			}
			r.join(&e)
		case 13:
			o := r.sub(typ)
			m.OwnerReferences = append(m.OwnerReferences, readOwnerRef(&o, in))
			r.join(&o)
		default:
			return false
		}
		return true
	})
	if len(labels) > 0 && r.err == nil {
		m.Labels, r.err = in.labels(labels)
	}
}

// readTime reads a metav1.Time as its generated decoder does: seconds
// only, in local time; an empty message is the zero time.
func readTime(r *wireReader) metav1.Time {
	if len(r.b) == 0 {
		return metav1.Time{}
	}
	var sec int64
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		if num == 1 {
			sec = int64(r.varint(typ))
		}
		return num == 1
	})
	return metav1.Time{Time: time.Unix(sec, 0).Local()}
}

// readMapEntry reads one entry of a map<string, string>, its strings made
// by str.
func readMapEntry(r *wireReader, str func([]byte) string) (k, v string) {
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			k = str(r.bytes(typ))
		case 2:
			v = str(r.bytes(typ))
		default:
			return false
		}
		return true
	})
	return k, v
}

func readOwnerRef(r *wireReader, in *interner) metav1.OwnerReference {
	var o metav1.OwnerReference
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			o.Kind = in.bytes(r.bytes(typ))
		case 3:
			o.Name = string(r.bytes(typ))
		case 4:
			o.UID = types.UID(r.bytes(typ))
		case 5:
			o.APIVersion = in.bytes(r.bytes(typ))
		case 6:
			c := r.varint(typ) != 0
			o.Controller = &c
		default:
			return false
		}
		return true
	})
	return o
}

func readListMeta(r *wireReader, m *metav1.ListMeta) {
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 2:
			m.ResourceVersion = string(r.bytes(typ))
		case 3:
			m.Continue = string(r.bytes(typ))
		case 4:
			n := int64(r.varint(typ))
			m.RemainingItemCount = &n
		default:
			return false
		}
		return true
	})
}

func readPodSpec(r *wireReader, p *kinds.PodSummary, in *interner) {
	var app, inits []kinds.ContainerResources
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 2:
			c := r.sub(typ)
			cs, res := readContainer(&c, in)
			p.Containers = append(p.Containers, cs)
			app = append(app, res)
			r.join(&c)
		case 20:
			c := r.sub(typ)
			cs, res := readContainer(&c, in)
			p.InitContainers = append(p.InitContainers, cs)
			inits = append(inits, res)
			r.join(&c)
		case 10:
			p.NodeName = in.bytes(r.bytes(typ))
		default:
			return false
		}
		return true
	})
	p.Resources = kinds.SumResources(app, inits)
}

func readContainer(r *wireReader, in *interner) (kinds.ContainerSummary, kinds.ContainerResources) {
	var c kinds.ContainerSummary
	var res kinds.ContainerResources
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			c.Name = in.bytes(r.bytes(typ))
		case 2:
			c.Image = in.bytes(r.bytes(typ))
		case 8: // resources
			s := r.sub(typ)
			readResources(&s, &res)
			r.join(&s)
		case 24: // restartPolicy: Always makes an init container a sidecar
			res.Sidecar = string(r.bytes(typ)) == string(corev1.ContainerRestartPolicyAlways)
		default:
			return false
		}
		return true
	})
	return c, res
}

// readResources reads the CPU and memory of a ResourceRequirements
// (limits = 1, requests = 2: maps of name to Quantity).
func readResources(r *wireReader, res *kinds.ContainerResources) {
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		if num != 1 && num != 2 {
			return false
		}
		e := r.sub(typ)
		var name, value []byte
		e.each(func(num protowire.Number, typ protowire.Type) bool {
			switch num {
			case 1:
				name = e.bytes(typ)
			case 2:
				q := e.sub(typ)
				q.each(func(num protowire.Number, typ protowire.Type) bool {
					if num != 1 {
						return false
					}
					value = q.bytes(typ)
					return true
				})
				e.join(&q)
			default:
				return false
			}
			return true
		})
		r.join(&e)
		isCPU, isMem := string(name) == string(corev1.ResourceCPU), string(name) == string(corev1.ResourceMemory)
		if e.err != nil || (!isCPU && !isMem) {
			return true
		}
		q, err := resource.ParseQuantity(string(value))
		if err != nil {
			if r.err == nil {
				r.err = fmt.Errorf("quantity %q: %w", value, err)
			}
			return true
		}
		switch {
		case num == 1 && isCPU:
			res.CPULimit, res.CPULimitSet = q.MilliValue(), true
		case num == 1:
			res.MemoryLimit, res.MemoryLimitSet = q.Value(), true
		case isCPU:
			res.CPURequest, res.CPURequestSet = q.MilliValue(), true
		default:
			res.MemoryRequest, res.MemoryRequestSet = q.Value(), true
		}
		return true
	})
}

// containerStatus is what a ContainerStatus contributes to a summary.
type containerStatus struct {
	name       string
	ready      bool
	restarts   int32
	running    bool
	waiting    bool
	terminated bool
	reason     string // of the waiting state, else of the terminated one
	exitCode   int32
}

func readPodStatus(r *wireReader, p *kinds.PodSummary, in *interner) (statuses, initStatuses []containerStatus) {
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			p.Phase = corev1.PodPhase(in.bytes(r.bytes(typ)))
		case 4:
			p.Reason = in.bytes(r.bytes(typ))
		case 6:
			p.IP = string(r.bytes(typ))
		case 8:
			s := r.sub(typ)
			statuses = append(statuses, readContainerStatus(&s, in))
			r.join(&s)
		case 10:
			s := r.sub(typ)
			initStatuses = append(initStatuses, readContainerStatus(&s, in))
			r.join(&s)
		default:
			return false
		}
		return true
	})
	return statuses, initStatuses
}

func readContainerStatus(r *wireReader, in *interner) containerStatus {
	var s containerStatus
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			s.name = in.bytes(r.bytes(typ))
		case 2:
			st := r.sub(typ)
			readContainerState(&st, &s, in)
			r.join(&st)
		case 4:
			s.ready = r.varint(typ) != 0
		case 5:
			s.restarts = int32(r.varint(typ))
		default:
			return false
		}
		return true
	})
	return s
}

func readContainerState(r *wireReader, s *containerStatus, in *interner) {
	r.each(func(num protowire.Number, typ protowire.Type) bool {
		switch num {
		case 1:
			w := r.sub(typ)
			s.waiting, s.reason = true, ""
			w.each(func(num protowire.Number, typ protowire.Type) bool {
				if num == 1 {
					s.reason = in.bytes(w.bytes(typ))
				}
				return num == 1
			})
			r.join(&w)
		case 2:
			r.skip(num, typ)
			s.running = true
		case 3:
			t := r.sub(typ)
			s.terminated = true
			t.each(func(num protowire.Number, typ protowire.Type) bool {
				switch num {
				case 1:
					s.exitCode = int32(t.varint(typ))
				case 3:
					if !s.waiting {
						s.reason = in.bytes(t.bytes(typ))
						return true
					}
					return false
				default:
					return false
				}
				return true
			})
			r.join(&t)
		default:
			return false
		}
		return true
	})
}

// mergeStatuses gives each container the first status of its name, with
// the same precedence as summarizeContainers.
func mergeStatuses(containers []kinds.ContainerSummary, statuses []containerStatus) {
	for i := range containers {
		c := &containers[i]
		for j := range statuses {
			s := &statuses[j]
			if s.name != c.Name {
				continue
			}
			c.HasStatus, c.Ready, c.Restarts = true, s.ready, s.restarts
			switch {
			case s.running:
				c.State = kinds.ContainerRunning
			case s.waiting:
				c.State, c.Reason = kinds.ContainerWaiting, s.reason
			case s.terminated:
				c.State, c.Reason, c.ExitCode = kinds.ContainerTerminated, s.reason, s.exitCode
			}
			break
		}
	}
}
