package view_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "crowsnest/backend/model"
	"crowsnest/backend/view"
)

// rowsOf answers windows of a view of count rows at version, or, from the
// read numbered laterFrom on, at version+1.
func rowsOf(count int, laterFrom int) (func(offset, limit int) (wire.Window, error), *[]int) {
	var reads []int
	return func(offset, limit int) (wire.Window, error) {
		if limit > view.MaxWindow {
			return wire.Window{}, errors.New("over MaxWindow")
		}
		reads = append(reads, limit)
		w := wire.Window{ViewID: "v", Version: 1, Count: count, Offset: offset}
		if laterFrom > 0 && len(reads) >= laterFrom {
			w.Version = 2
		}
		for i := offset; i < min(count, offset+limit); i++ {
			w.Rows = append(w.Rows, wire.Row{Key: fmt.Sprint(i), Labels: map[string]string{"app": "web"}, Images: []string{"img"}, Status: "Running"})
		}
		return w, nil
	}, &reads
}

func TestTableWindow(t *testing.T) {
	tests := []struct {
		name          string
		count         int
		laterFrom     int
		offset, limit int
		wantRows      int
		wantReads     []int
	}{
		{name: "one window", count: 500, offset: 0, limit: 60, wantRows: 60, wantReads: []int{60}},
		{name: "two windows", count: 500, offset: 10, limit: 180, wantRows: 180, wantReads: []int{100, 80}},
		{name: "capped", count: 500, offset: 0, limit: 900, wantRows: view.MaxTableWindow, wantReads: []int{100, 100}},
		{name: "the end of the view", count: 150, offset: 20, limit: 200, wantRows: 130, wantReads: []int{100, 100}},
		{name: "a later version ends it", count: 500, laterFrom: 2, offset: 0, limit: 200, wantRows: 100, wantReads: []int{100, 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read, reads := rowsOf(tt.count, tt.laterFrom)
			w, err := view.TableWindow(read, tt.offset, tt.limit)
			require.NoError(t, err)
			assert.Len(t, w.Rows, tt.wantRows)
			assert.Equal(t, tt.wantReads, *reads)
			assert.EqualValues(t, 1, w.Version)
			for i, r := range w.Rows {
				assert.Equal(t, fmt.Sprint(tt.offset+i), r.Key)
				assert.Nil(t, r.Labels)
				assert.Nil(t, r.Images)
				assert.Equal(t, "Running", r.Status)
			}
		})
	}
}

func TestTableWindowError(t *testing.T) {
	_, err := view.TableWindow(func(int, int) (wire.Window, error) { return wire.Window{}, view.ErrClosed }, 0, 10)
	require.ErrorIs(t, err, view.ErrClosed)
}
