package view

import (
	"unicode"
	"unicode/utf8"
)

// ContainsFold reports whether needle occurs in any of fields, ignoring case.
// It is the text filter of views: ContainsFold(filter, r.Name, r.Namespace).
//
// Case is compared with Unicode simple folding, as strings.EqualFold does, so
// "pod" matches "POD", "σας" matches "ΣΑΣ" and "k" matches the Kelvin sign;
// folds that change the number of letters (ß and "ss") do not match. An
// empty needle matches everything. It does not allocate.
func ContainsFold(needle string, fields ...string) bool {
	if needle == "" {
		return true
	}
	for _, f := range fields {
		for i := 0; i < len(f); {
			if hasPrefixFold(f[i:], needle) {
				return true
			}
			if f[i] < utf8.RuneSelf {
				i++
			} else {
				_, n := utf8.DecodeRuneInString(f[i:])
				i += n
			}
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		if a, b := s[0], prefix[0]; a < utf8.RuneSelf && b < utf8.RuneSelf {
			if a != b && lowerASCII(a) != lowerASCII(b) {
				return false
			}
			s, prefix = s[1:], prefix[1:]
			continue
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(prefix)
		if !sameFold(r1, r2) {
			return false
		}
		s, prefix = s[n1:], prefix[n2:]
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// sameFold reports whether a and b are in the same simple case-folding orbit.
func sameFold(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
