package model

// TerminalTarget is what a terminal runs and where: a command with a TTY
// in a container of a pod.
type TerminalTarget struct {
	Namespace string `json:"namespace"`
	Pod       string `json:"pod"`
	// Container runs the command; "" means the pod's default container
	// (the kubectl.kubernetes.io/default-container annotation, else the
	// first).
	Container string `json:"container,omitempty"`
	// Command overrides the shell (bash where the image has it, else sh).
	Command []string `json:"command,omitempty"`
	// Cols and Rows are the terminal's size when it opens.
	Cols int `json:"cols"`
	Rows int `json:"rows"`
}

// TerminalInfo describes an open terminal.
type TerminalInfo struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	Namespace  string `json:"namespace"`
	Pod        string `json:"pod"`
	Container  string `json:"container"`
	// Containers are the pod's containers a terminal may open in (for
	// the picker).
	Containers []string `json:"containers"`
	// Command is what runs; empty for the automatic shell.
	Command []string `json:"command"`
	// Node is set for a node shell: the node whose shell this is (the
	// pod is the node shell's own).
	Node string `json:"node,omitempty"`
}

// TerminalOutput is the payload of EventTerminalOutput: the next piece of
// a terminal's output (a few KB at most), to be written to the terminal
// as data, never as markup.
type TerminalOutput struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	// Seq numbers a terminal's outputs from 1, without gaps. The page
	// acknowledges what it has written (TerminalAck); a few outputs
	// ahead of that, the terminal waits (and so does its command).
	Seq  uint64 `json:"seq"`
	Data string `json:"data"`
}

// TerminalEnded is the payload of EventTerminalEnded, sent once after a
// terminal's last output when it ends by itself.
type TerminalEnded struct {
	ID         string `json:"id"`
	Generation uint64 `json:"generation"`
	// Exited: the command ended and the server reported its exit code.
	Exited   bool `json:"exited"`
	ExitCode int  `json:"exitCode"`
	// Reason says why it ended otherwise (the stream's error).
	Reason string `json:"reason,omitempty"`
}

// Events of terminals.
const (
	EventTerminalOutput = "terminal:output"
	EventTerminalEnded  = "terminal:ended"
)
