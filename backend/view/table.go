package view

import "crowsnest/backend/model"

// MaxTableWindow caps TableWindow. A table row without labels and images is
// under ~300 bytes (a load pod: 276), so this many stay under the ~64 KB a
// webview takes without retaining memory; a full pod row with a dozen labels
// is ~820 bytes, over 80 KB for a window of MaxWindow.
const MaxTableWindow = 200

// TableWindow reads up to limit rows from offset (at most MaxTableWindow)
// through read, in windows of at most MaxWindow, and keeps of each row what a
// table shows: labels and images are dropped (the details view has them). All
// rows are of one version of the view: a window read from a later version
// ends it early, and the caller asks again for the rest.
func TableWindow(read func(offset, limit int) (model.Window, error), offset, limit int) (model.Window, error) {
	limit = min(limit, MaxTableWindow)
	w, err := read(offset, min(limit, MaxWindow))
	if err != nil {
		return model.Window{}, err
	}
	for len(w.Rows) < limit && offset+len(w.Rows) < w.Count {
		next, err := read(offset+len(w.Rows), min(limit-len(w.Rows), MaxWindow))
		if err != nil || next.Version != w.Version || len(next.Rows) == 0 {
			break
		}
		w.Rows = append(w.Rows, next.Rows...)
	}
	for i := range w.Rows {
		w.Rows[i].Labels = nil
		w.Rows[i].Images = nil
	}
	return w, nil
}
