package metrics

import (
	"time"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// Window is how far back measurements are kept for the details' charts,
// and Points how many are kept per series over it: one per Window/Points
// (15 s) at most, whatever the poll interval.
const (
	Window = 15 * time.Minute
	Points = 60
)

// MaxCharted bounds the pods and nodes whose history is kept: the others
// (a cluster of more pods than this) keep their latest measurement only,
// for the columns. At Points points of 12 bytes per container this bounds
// the history's memory to ~15 MB for single-container pods.
const MaxCharted = 20_000

// store keeps the measurements of one resource (pods or nodes): the latest
// per object, for the columns, and a bounded ring per object and
// container, for the charts. Not safe for concurrent use: the Poller
// guards it.
type store struct {
	epoch   time.Time // ring times are seconds since it
	objects map[string]*series
	charted int // series with a ring
}

// series is one object's measurements. Ring values are compact: seconds
// since the epoch, CPU in millicores and memory in KiB as uint32 (4 TiB).
type series struct {
	ns         string
	last       kinds.Usage
	lastAt     time.Time
	containers []string // the ring's columns, in the order measured
	ring       []uint32 // per point: t, then cpu and memory per container
	head, n    int      // next slot, points held
	charted    bool
}

func newStore(epoch time.Time) *store {
	return &store{epoch: epoch, objects: map[string]*series{}}
}

// measurement is one object's answer in a poll.
type measurement struct {
	key, ns    string
	at         time.Time
	containers []string
	cpu, mem   []int64 // per container
}

// record adds m; the object's total is the sum of its containers.
func (s *store) record(m measurement) {
	se := s.objects[m.key]
	if se == nil {
		se = &series{ns: m.ns}
		s.objects[m.key] = se
	}
	var total kinds.Usage
	for i := range m.cpu {
		total.CPU += m.cpu[i]
		total.Memory += m.mem[i]
	}
	se.last = total
	if !se.lastAt.IsZero() && !m.at.After(se.lastAt) {
		return // the same sample again (metrics-server scrapes less often than asked)
	}
	se.lastAt = m.at
	if !se.charted {
		if s.charted >= MaxCharted {
			return
		}
		se.charted = true
		s.charted++
	}
	width := 1 + 2*len(m.containers)
	if !equal(se.containers, m.containers) || len(se.ring) != Points*width {
		se.containers = m.containers
		se.ring, se.head, se.n = make([]uint32, Points*width), 0, 0
	}
	if se.n > 0 {
		prev := se.ring[((se.head+Points-1)%Points)*width]
		if m.at.Sub(s.epoch) < time.Duration(prev)*time.Second+Window/Points {
			return // closer than a point's spacing to the last point kept
		}
	}
	row := se.ring[se.head*width : (se.head+1)*width]
	row[0] = uint32(max(m.at.Sub(s.epoch)/time.Second, 0))
	for i := range m.cpu {
		row[1+2*i] = clamp32(m.cpu[i])
		row[2+2*i] = clamp32((m.mem[i] + 512) >> 10)
	}
	se.head = (se.head + 1) % Points
	se.n = min(se.n+1, Points)
}

func clamp32(v int64) uint32 { return uint32(min(max(v, 0), 1<<32-1)) }

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sweep drops the objects of scope ns ("" for every namespace) that the
// poll of that scope did not answer for (seen), and every object not
// measured for a Window (its scope is no longer polled).
func (s *store) sweep(ns string, seen map[string]bool, now time.Time) {
	for key, se := range s.objects {
		inScope := seen != nil && (ns == "" || se.ns == ns)
		if (inScope && !seen[key]) || now.Sub(se.lastAt) > Window {
			s.drop(key, se)
		}
	}
}

// clear drops everything (the resource became unavailable).
func (s *store) clear() {
	for key, se := range s.objects {
		s.drop(key, se)
	}
}

func (s *store) drop(key string, se *series) {
	if se.charted {
		s.charted--
	}
	delete(s.objects, key)
}

// usages is the latest measurement of every object, for the views.
func (s *store) usages() kinds.Usages {
	u := make(kinds.Usages, len(s.objects))
	for key, se := range s.objects {
		u[key] = se.last
	}
	return u
}

// history is one object's kept window: the total first (Name ""), then
// each container when it has several or is a pod's (containers true).
func (s *store) history(key string, containers bool) []model.UsageSeries {
	se := s.objects[key]
	if se == nil || se.n == 0 {
		return []model.UsageSeries{}
	}
	width := 1 + 2*len(se.containers)
	total := model.UsageSeries{Points: make([]model.UsagePoint, se.n)}
	var each []model.UsageSeries
	if containers {
		each = make([]model.UsageSeries, len(se.containers))
		for i, name := range se.containers {
			each[i] = model.UsageSeries{Name: name, Points: make([]model.UsagePoint, se.n)}
		}
	}
	for j := range se.n {
		row := se.ring[((se.head+Points-se.n+j)%Points)*width:]
		t := s.epoch.Add(time.Duration(row[0]) * time.Second).UnixMilli()
		total.Points[j].T = t
		for i := range se.containers {
			cpu, mem := int64(row[1+2*i]), int64(row[2+2*i])<<10
			total.Points[j].CPU += cpu
			total.Points[j].Memory += mem
			if containers {
				each[i].Points[j] = model.UsagePoint{T: t, CPU: cpu, Memory: mem}
			}
		}
	}
	return append([]model.UsageSeries{total}, each...)
}
