package dao

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

// SecretKeys reads a Secret from the API and returns its type and its keys
// with the size of each value. The values are dropped before it returns:
// nothing of them is kept, cached or logged.
func (a *Access) SecretKeys(ctx context.Context, ns, name string) (string, []model.SecretKey, error) {
	u, err := a.getUnstructured(ctx, kinds.Builtin(kinds.Secrets), ns, name)
	if err != nil {
		return "", nil, err
	}
	typ, _, _ := unstructured.NestedString(u.Object, "type")
	data, _, _ := unstructured.NestedStringMap(u.Object, "data")
	keys := make([]model.SecretKey, 0, len(data))
	for k, v := range data {
		keys = append(keys, model.SecretKey{Key: k, Size: base64.StdEncoding.DecodedLen(len(v)) - padding(v)})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Key < keys[j].Key })
	return typ, keys, nil
}

// RevealSecretValue reads one value of a Secret from the API, for the user
// who asked to see it. It is fetched on each call and never kept. A value
// that is not UTF-8 text comes back base64-encoded, and says so.
func (a *Access) RevealSecretValue(ctx context.Context, ns, name, key string) (model.SecretValue, error) {
	u, err := a.getUnstructured(ctx, kinds.Builtin(kinds.Secrets), ns, name)
	if err != nil {
		return model.SecretValue{}, err
	}
	data, _, _ := unstructured.NestedStringMap(u.Object, "data")
	encoded, ok := data[key]
	if !ok {
		return model.SecretValue{}, fmt.Errorf("secret %s/%s has no key %q", ns, name, key)
	}
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return model.SecretValue{}, fmt.Errorf("secret %s/%s key %q: %w", ns, name, key, err)
	}
	if !utf8.Valid(raw) {
		return model.SecretValue{Key: key, Value: encoded, Base64: true}, nil
	}
	return model.SecretValue{Key: key, Value: string(raw)}, nil
}

func padding(s string) int {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '='; i-- {
		n++
	}
	return n
}
