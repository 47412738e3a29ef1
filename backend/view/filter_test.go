package view_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"crowsnest/backend/view"
)

func TestContainsFold(t *testing.T) {
	tests := []struct {
		name   string
		needle string
		fields []string
		want   bool
	}{
		{"empty needle matches", "", []string{"anything"}, true},
		{"empty needle matches no fields", "", nil, true},
		{"no fields", "a", nil, false},
		{"exact", "nginx", []string{"nginx"}, true},
		{"substring", "gin", []string{"nginx-7d9f"}, true},
		{"upper needle", "NGINX", []string{"web-nginx-1"}, true},
		{"mixed case field", "coredns", []string{"CoreDNS-abc"}, true},
		{"at the end", "9f", []string{"nginx-7d9F"}, true},
		{"absent", "redis", []string{"nginx", "default"}, false},
		{"second field", "kube-sys", []string{"coredns", "Kube-System"}, true},
		{"needle longer than field", "nginx-long", []string{"nginx"}, false},
		{"prefix fails then matches later", "aab", []string{"aaab"}, true},
		{"greek final sigma", "σας", []string{"ΚΑΛΗΜΕΡΑ ΣΑΣ"}, true},
		{"cyrillic", "под", []string{"ПОДЫ"}, true},
		{"kelvin sign folds to k", "k8s", []string{"\u212a8S"}, true},
		{"accents are letters, not case", "é", []string{"e"}, false},
		{"accented upper", "é", []string{"CAFÉ"}, true},
		{"no multi-letter folds", "ss", []string{"straße"}, false},
		{"invalid utf-8 does not panic", "a", []string{"\xff\xfea"}, true},
		{"invalid utf-8 needle", "\xff", []string{"\xff"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, view.ContainsFold(tc.needle, tc.fields...))
		})
	}
}

// ContainsFold agrees with lower-casing both sides for text whose folds keep
// their length.
func TestContainsFoldAgreesWithToLower(t *testing.T) {
	fields := []string{"Kube-System", "default", "NGINX-ingress", "Ärger", "ÖL", "dns"}
	needles := []string{"s", "SYS", "ingress-", "ÄR", "öl", "e-s", "x", "DNS", "Default"}
	for _, f := range fields {
		for _, n := range needles {
			want := strings.Contains(strings.ToLower(f), strings.ToLower(n))
			assert.Equal(t, want, view.ContainsFold(n, f), "ContainsFold(%q, %q)", n, f)
		}
	}
}

func BenchmarkContainsFold(b *testing.B) {
	for b.Loop() {
		view.ContainsFold("ingress", "kube-system", "nginx-ingress-controller-7d9f8b6c5-x2x9q")
	}
}

// FuzzContainsFold: the view's text filter never panics, and on ASCII it
// is exactly a case-insensitive strings.Contains.
func FuzzContainsFold(f *testing.F) {
	f.Add("gin", "nginx-7d9f")
	f.Add("NGINX", "web-nginx-1")
	f.Add("σας", "ΚΑΛΗΜΕΡΑ ΣΑΣ")
	f.Add("\xff", "\xfe\xff")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, needle, field string) {
		got := view.ContainsFold(needle, field)
		if isASCII(needle) && isASCII(field) {
			assert.Equal(t, strings.Contains(strings.ToLower(field), strings.ToLower(needle)), got)
		}
		if strings.Contains(field, needle) {
			assert.True(t, got, "a plain substring always matches")
		}
	})
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
