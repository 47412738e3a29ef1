package session

import (
	"context"
	"errors"
	"testing"

	"crowsnest/backend/kinds"
)

// TestDoRefusesReadOnly: a write in a read-only context is refused with
// the reason and never runs; in a writable one it runs once.
func TestDoRefusesReadOnly(t *testing.T) {
	ro := map[string]string{"prod": `context "prod" is marked read-only (Settings)`}
	for _, c := range []struct {
		context string
		runs    bool
	}{{"prod", false}, {"dev", true}} {
		s := &Session{Context: c.context, ctx: context.Background(), readOnly: func(ctx string) string { return ro[ctx] }}
		ran := 0
		err := s.Do(Write{Verb: "scale", Kind: kinds.Builtin(kinds.Deployments), Namespace: "shop", Names: []string{"front"}},
			func(context.Context) error { ran++; return nil })
		if c.runs {
			if err != nil || ran != 1 {
				t.Errorf("%s: err %v, ran %d; want a write", c.context, err, ran)
			}
			continue
		}
		if !errors.Is(err, ErrReadOnly) || ran != 0 {
			t.Errorf("%s: err %v, ran %d; want ErrReadOnly and no write", c.context, err, ran)
		}
		if err != nil && err.Error() != "read-only: "+ro["prod"] {
			t.Errorf("message %q does not give the reason", err)
		}
	}
}
