package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// series is one program's line in a panel.
type series struct {
	name   string
	colour string
	points [][2]float64 // (N, value), N ascending
}

// panel is one chart: a measure against N for every program.
type panel struct {
	title, yLabel string
	series        []series
}

var programColours = map[string]string{progCrowsnest: "#1f6feb", progFloor: "#2da44e", progKubectl: "#cf222e"}

// Chart is scale.svg: peak RSS and sync time against N, one line per
// program, side by side.
func (r Report) Chart() []byte {
	peak := panel{title: "Peak RSS", yLabel: "peak RSS (MB)"}
	sync := panel{title: "Time to synced", yLabel: "sync time (s)"}
	for _, prog := range programs {
		ps := series{name: programNames[prog], colour: programColours[prog]}
		ss := ps
		for _, n := range r.ns() {
			if s, ok := r.summary(n, prog); ok {
				ps.points = append(ps.points, [2]float64{float64(n), s.peakMB})
				ss.points = append(ss.points, [2]float64{float64(n), s.syncMS / 1000})
			}
		}
		peak.series = append(peak.series, ps)
		sync.series = append(sync.series, ss)
	}
	return renderChart("Crowsnest vs the bare-informer floor vs kubectl, by pods in the cluster", []panel{peak, sync})
}

// Layout of a chart, in SVG user units.
const (
	panelW, panelH = 440.0, 320.0
	marginL        = 70.0
	marginR        = 20.0
	marginT        = 40.0
	marginB        = 50.0
	headerH        = 60.0
)

// renderChart draws panels side by side under a title and a legend (the
// legend of the first panel's series: every panel has the same programs).
func renderChart(title string, panels []panel) []byte {
	var b strings.Builder
	w := panelW * float64(len(panels))
	h := headerH + panelH
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="20" text-anchor="middle" font-size="15" font-weight="bold">%s</text>`+"\n", w/2, html.EscapeString(title))
	if len(panels) > 0 {
		x := marginL
		for _, s := range panels[0].series {
			fmt.Fprintf(&b, `<g class="legend"><line x1="%.0f" y1="42" x2="%.0f" y2="42" stroke="%s" stroke-width="2.5"/><circle cx="%.0f" cy="42" r="3.5" fill="%s"/><text x="%.0f" y="46">%s</text></g>`+"\n",
				x, x+24, s.colour, x+12, s.colour, x+30, html.EscapeString(s.name))
			x += 40 + 7*float64(len(s.name))
		}
	}
	for i, p := range panels {
		drawPanel(&b, p, float64(i)*panelW, headerH)
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// drawPanel draws one panel with its top-left corner at (ox, oy).
func drawPanel(b *strings.Builder, p panel, ox, oy float64) {
	x0, y0 := ox+marginL, oy+marginT // plot area's top left
	pw, ph := panelW-marginL-marginR, panelH-marginT-marginB
	maxX, maxY := 0.0, 0.0
	for _, s := range p.series {
		for _, pt := range s.points {
			maxX, maxY = math.Max(maxX, pt[0]), math.Max(maxY, pt[1])
		}
	}
	xTicks, yTicks := niceTicks(maxX), niceTicks(maxY)
	xMax, yMax := xTicks[len(xTicks)-1], yTicks[len(yTicks)-1]
	px := func(v float64) float64 { return x0 + pw*v/xMax }
	py := func(v float64) float64 { return y0 + ph - ph*v/yMax }

	fmt.Fprintf(b, `<g class="panel"><text x="%.1f" y="%.1f" text-anchor="middle" font-weight="bold">%s</text>`+"\n", x0+pw/2, oy+marginT-14, html.EscapeString(p.title))
	for _, t := range yTicks {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d0d7de" stroke-width="0.5"/><text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n",
			x0, py(t), x0+pw, py(t), x0-6, py(t)+4, tickLabel(t))
	}
	for _, t := range xTicks {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#57606a"/><text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n",
			px(t), y0+ph, px(t), y0+ph+4, px(t), y0+ph+18, tickLabel(t))
	}
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#57606a"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#57606a"/>`+"\n",
		x0, y0, x0, y0+ph, x0, y0+ph, x0+pw, y0+ph)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">pods (N)</text>`+"\n", x0+pw/2, y0+ph+38)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" transform="rotate(-90 %.1f %.1f)">%s</text>`+"\n",
		ox+18, y0+ph/2, ox+18, y0+ph/2, html.EscapeString(p.yLabel))
	for _, s := range p.series {
		if len(s.points) == 0 {
			continue
		}
		pts := make([]string, len(s.points))
		for i, pt := range s.points {
			pts[i] = fmt.Sprintf("%.1f,%.1f", px(pt[0]), py(pt[1]))
		}
		fmt.Fprintf(b, `<polyline class="series" fill="none" stroke="%s" stroke-width="2.5" points="%s"><title>%s</title></polyline>`+"\n",
			s.colour, strings.Join(pts, " "), html.EscapeString(s.name))
		for _, pt := range s.points {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %s at N=%s</title></circle>`+"\n",
				px(pt[0]), py(pt[1]), s.colour, html.EscapeString(s.name), tickLabel(pt[1]), thousands(int(pt[0])))
		}
	}
	b.WriteString("</g>\n")
}

// niceTicks returns 0 and evenly spaced round values (1, 2 or 5 times a
// power of ten apart) up to the first at or above max; at least two.
func niceTicks(max float64) []float64 {
	if max <= 0 || math.IsNaN(max) || math.IsInf(max, 0) {
		return []float64{0, 1}
	}
	raw := max / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := pow * 10
	for _, m := range []float64{1, 2, 5} {
		if m*pow >= raw {
			step = m * pow
			break
		}
	}
	ticks := []float64{0}
	for t := step; ; t += step {
		t = math.Round(t/step) * step // no drift from repeated addition
		ticks = append(ticks, t)
		if t >= max {
			return ticks
		}
	}
}

// tickLabel writes a value compactly: 50k for 50,000, 0.5 for a half.
func tickLabel(v float64) string {
	switch {
	case v >= 1000 && math.Mod(v, 1000) == 0:
		return fmt.Sprintf("%.0fk", v/1000)
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.0f", v)
	default:
		return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
	}
}
