package session

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"crowsnest/backend/edit"
)

// Where the page reads and sends the texts of edits and applies: they
// can be far larger than a bound call's result should be (DESIGN, ~64 KB),
// so they travel through Wails' AssetServer like the YAML view's.
const (
	// EditTextPath: GET ?gen=&id= → the text an edit's editor holds.
	EditTextPath = "/api/edit/text"
	// EditLivePath: GET ?gen=&id= → the live object an edit is based on.
	EditLivePath = "/api/edit/live"
	// EditPreviewPath: POST ?gen=&id=, the text as body → EditPreview (JSON).
	EditPreviewPath = "/api/edit/preview"
	// ApplyPreviewPath: POST ?gen=&namespace=, the text as body → ApplyPreview (JSON).
	ApplyPreviewPath = "/api/apply/preview"
)

// EditHandles reports whether EditHandler serves path.
func EditHandles(path string) bool {
	return strings.HasPrefix(path, "/api/edit/") || strings.HasPrefix(path, "/api/apply/")
}

// EditHandler serves the texts of edits and applies of the current
// session (see the paths above). A request naming an older session
// generation gets 409; a body larger than edit.MaxText 413. Bodies are
// never logged.
func EditHandler(b *Switchboard) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		post := r.URL.Path == EditPreviewPath || r.URL.Path == ApplyPreviewPath
		get := r.URL.Path == EditTextPath || r.URL.Path == EditLivePath
		if !post && !get {
			http.NotFound(w, r)
			return
		}
		if post && r.Method != http.MethodPost || get && r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		s := requestSession(b, w, q)
		if s == nil {
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		var (
			body []byte
			err  error
		)
		if post {
			body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, edit.MaxText))
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "the text is larger than 4 MiB", http.StatusRequestEntityTooLarge)
				return
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		var answer any
		switch r.URL.Path {
		case EditTextPath, EditLivePath:
			read := s.EditText
			if r.URL.Path == EditLivePath {
				read = s.EditLive
			}
			text, err := read(q.Get("id"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write(text)
			return
		case EditPreviewPath:
			answer, err = s.PreviewEdit(q.Get("id"), body)
		case ApplyPreviewPath:
			ns := q.Get("namespace")
			if ns != "" && len(validation.IsDNS1123Label(ns)) > 0 {
				http.Error(w, "invalid namespace "+strconv.Quote(ns), http.StatusBadRequest)
				return
			}
			answer, err = s.PreviewApply(body, ns)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(answer)
	})
}
