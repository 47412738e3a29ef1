// Package shellenv finds the PATH a user's login shell would give, for an app
// started from a desktop menu, dock or file manager.
//
// Such a process inherits the session's minimal PATH (often only
// /usr/bin:/bin), not what the user's ~/.profile, ~/.zprofile or ~/.bashrc
// add, so exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin)
// are "not found" although they work in a terminal. We ask the login shell
// once at start-up, with a timeout, and merge its PATH into ours.
package shellenv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"
)

// DefaultTimeout bounds the login shell: a slow or hanging rc file must not
// hold up the app's start.
const DefaultTimeout = 3 * time.Second

// Markers delimit the environment the shell prints, so anything its rc
// files print before or after (banners, motd, warnings) is ignored.
const (
	beginMarker = "__CROWSNEST_ENV_BEGIN__"
	endMarker   = "__CROWSNEST_ENV_END__"
)

// script prints the environment between markers. It is valid in sh, bash,
// zsh, ksh and fish; env is the external command, so fish's list-valued
// PATH comes out colon-separated as in every other shell.
const script = "printf '\\n%s\\n' " + beginMarker + "; env; printf '\\n%s\\n' " + endMarker

// FromTerminal reports whether the process looks started from a terminal,
// where the PATH it inherited is already the shell's: stdin is a terminal,
// or TERM names one. A desktop launch has neither.
func FromTerminal() bool {
	if t := os.Getenv("TERM"); t != "" && t != "dumb" {
		return true
	}
	return term.IsTerminal(int(os.Stdin.Fd()))
}

// LoginPath runs shell as an interactive login shell (so both profile and rc
// files are read, as in a terminal) and returns the PATH it ends up with.
// The shell runs in a process group of its own, without stdin; when timeout
// passes, the whole group is killed and an error returned.
func LoginPath(ctx context.Context, shell string, timeout time.Duration) (string, error) {
	if shell == "" {
		return "", errors.New("no login shell ($SHELL is empty)")
	}
	if !filepath.IsAbs(shell) {
		return "", fmt.Errorf("login shell %q is not an absolute path", shell)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, "-l", "-i", "-c", script)
	cmd.Env = append(os.Environ(),
		// Keeps oh-my-zsh and similar from updating themselves or
		// prompting while we wait.
		"DISABLE_AUTO_UPDATE=true", "ZSH_DISABLE_COMPFIX=true")
	configureGroup(cmd)
	// A grandchild the group kill missed may still hold the output pipe;
	// WaitDelay stops Wait from waiting on it forever.
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return "", fmt.Errorf("login shell %s did not finish within %s; its PATH is not used", shell, timeout)
	}
	path, found := parsePath(string(out))
	if !found {
		if err != nil {
			return "", fmt.Errorf("login shell %s: %w", shell, err)
		}
		return "", fmt.Errorf("login shell %s printed no PATH", shell)
	}
	// A non-zero exit after printing the environment (a failing command in
	// an rc file's trap, say) still gave us the PATH.
	return path, nil
}

// parsePath finds PATH in the env output between the markers.
func parsePath(out string) (string, bool) {
	inside := false
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	path, found := "", false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == beginMarker:
			inside = true
		case line == endMarker:
			return path, found
		case inside && strings.HasPrefix(line, "PATH="):
			path, found = strings.TrimPrefix(line, "PATH="), true
		}
	}
	return "", false
}

// Merge joins PATH lists in order of precedence, dropping empty and
// repeated entries (the first occurrence wins). Relative entries are
// dropped too: a plugin must never be found relative to wherever the app
// happens to run.
func Merge(lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range lists {
		for _, dir := range list {
			if dir == "" || !filepath.IsAbs(dir) || seen[dir] {
				continue
			}
			seen[dir] = true
			out = append(out, dir)
		}
	}
	return out
}

// Split splits a PATH value.
func Split(path string) []string { return filepath.SplitList(path) }

// Join joins PATH entries.
func Join(dirs []string) string { return strings.Join(dirs, string(os.PathListSeparator)) }
