package model

// Features a kind may have (KindInfo.Features): what the page offers on
// its objects.
const (
	// FeatureLogs: the kind's objects have container logs, their own (pods)
	// or their pods' (workloads, Services).
	FeatureLogs = "logs"
	// FeatureExec: a terminal can open in the kind's objects: a pod, or a
	// Ready pod of a workload or Service (App.TerminalPod).
	FeatureExec = "exec"
)

// LogTarget is what a log view streams: one pod, or every pod of a
// workload or Service (found in the cache by its selector, joining and
// leaving as they come and go).
type LogTarget struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Containers to read; empty means every container, init and
	// ephemeral ones included.
	Containers []string `json:"containers,omitempty"`
	Follow     bool     `json:"follow"`
	// Previous reads each container's previous run (after a restart).
	Previous bool `json:"previous,omitempty"`
	// SinceSeconds or SinceTime (Unix seconds) start the log there;
	// TailLines is how many of the last lines to read first: 0 means the
	// default (500), -1 the whole log.
	SinceSeconds int64 `json:"sinceSeconds,omitempty"`
	SinceTime    int64 `json:"sinceTime,omitempty"`
	TailLines    int64 `json:"tailLines,omitempty"`
}

// Log stream states (LogSource.State).
const (
	LogConnecting   = "connecting"
	LogStreaming    = "streaming"
	LogReconnecting = "reconnecting"
	LogEnded        = "ended"
	LogError        = "error"
)

// LogSource is one container's stream within a log view.
type LogSource struct {
	Pod       string `json:"pod"`
	Container string `json:"container"`
	State     string `json:"state"`
	// Message is the API's message for an error, or why it reconnects.
	Message string `json:"message,omitempty"`
}

// LogStatus is a log view: its lines are numbered from 1 and never
// renumbered; the ring keeps First..Next-1 and says how many fell out.
type LogStatus struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	Version    uint64 `json:"version"`
	// StatusVersion moves when Pods, Waiting, Notice or Sources may have:
	// a notice carrying the one the page last read needs no status read.
	StatusVersion uint64 `json:"statusVersion"`
	First         uint64 `json:"first"`
	Next          uint64 `json:"next"`
	Dropped       uint64 `json:"dropped"`
	Bytes         int64  `json:"bytes"`
	// Pods is how many pods the target has now; Waiting names those
	// beyond the streams a view reads at once, and Notice says so.
	Pods    int         `json:"pods"`
	Waiting []string    `json:"waiting,omitempty"`
	Notice  string      `json:"notice,omitempty"`
	Sources []LogSource `json:"sources"`
}

// LogSpan is a run of a line's text in one style, from its ANSI escape
// codes; the page renders it as text with that style, never as markup.
type LogSpan struct {
	Text string `json:"text"`
	// FG and BG are "" (the default), a palette index "0".."255", or
	// "#rrggbb".
	FG        string `json:"fg,omitempty"`
	BG        string `json:"bg,omitempty"`
	Bold      bool   `json:"bold,omitempty"`
	Dim       bool   `json:"dim,omitempty"`
	Italic    bool   `json:"italic,omitempty"`
	Underline bool   `json:"underline,omitempty"`
	Strike    bool   `json:"strike,omitempty"`
	Inverse   bool   `json:"inverse,omitempty"`
}

// LogLine is one line of a log view.
type LogLine struct {
	Seq uint64 `json:"seq"`
	// Time is the runtime's timestamp, in Unix milliseconds.
	Time      int64  `json:"time"`
	Pod       string `json:"pod"`
	Container string `json:"container"`
	// Spans hold the text: one span for a plain line.
	Spans []LogSpan `json:"spans"`
	// JSON is set when the line is a JSON object the page may pretty-print.
	JSON      bool `json:"json,omitempty"`
	Truncated bool `json:"truncated,omitempty"`
}

// LogWindow is lines of a log view from a sequence number, at most ~64 KB.
type LogWindow struct {
	ID         string    `json:"id"`
	Generation uint64    `json:"generation"`
	Version    uint64    `json:"version"`
	First      uint64    `json:"first"`
	Next       uint64    `json:"next"`
	Lines      []LogLine `json:"lines"`
}

// LogQuery is a search of a log view: a substring, or an RE2 regular
// expression, matched against the text without its escape codes.
type LogQuery struct {
	Text          string `json:"text"`
	Regexp        bool   `json:"regexp,omitempty"`
	CaseSensitive bool   `json:"caseSensitive,omitempty"`
}

// LogMatches are the sequence numbers of matching lines, in the direction
// searched; Next is where to go on (0 when the kept lines are exhausted).
type LogMatches struct {
	Seqs []uint64 `json:"seqs"`
	Next uint64   `json:"next"`
}

// LogNotice is the payload of EventLogsChanged: new lines or a new state;
// the page reads what it shows again. At most ten a second per view.
type LogNotice struct {
	ID            string `json:"id"`
	Generation    uint64 `json:"generation"`
	Version       uint64 `json:"version"`
	StatusVersion uint64 `json:"statusVersion"` // as LogStatus's
	Next          uint64 `json:"next"`
	Dropped       uint64 `json:"dropped"`
}

// SavedLog says where App.SaveLogLines wrote how many lines ("" when
// the user cancelled).
type SavedLog struct {
	Path  string `json:"path"`
	Lines int    `json:"lines"`
}

// DownloadProgress is the payload of EventLogDownload.
type DownloadProgress struct {
	ID      string `json:"id"`
	Path    string `json:"path"`
	Written int64  `json:"written"`
	Done    bool   `json:"done,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Events of log views.
const (
	EventLogsChanged = "logs:changed"
	EventLogDownload = "logs:download"
)
