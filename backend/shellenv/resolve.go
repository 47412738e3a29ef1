package shellenv

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"
)

// Options say where Resolve looks. Zero values mean the process's own
// environment.
type Options struct {
	Shell        string        // $SHELL by default
	Inherited    string        // the PATH the process started with; $PATH by default
	FromTerminal *bool         // FromTerminal() by default
	Timeout      time.Duration // DefaultTimeout by default
}

// Resolved is the base PATH for exec plugins and where it came from, for
// the log and the settings page.
type Resolved struct {
	Dirs   []string
	Source string
	// Problem says why the login shell's PATH could not be used; the
	// inherited PATH is used then.
	Problem string
}

// Resolve returns the PATH exec plugins should be searched in: when the app
// was not started from a terminal (and not on Windows), the login shell's
// PATH followed by the inherited one; otherwise the inherited PATH.
func Resolve(ctx context.Context, opts Options) Resolved {
	if opts.Inherited == "" {
		opts.Inherited = os.Getenv("PATH")
	}
	inherited := Split(opts.Inherited)
	fromTerminal := FromTerminal()
	if opts.FromTerminal != nil {
		fromTerminal = *opts.FromTerminal
	}
	if fromTerminal {
		return Resolved{Dirs: Merge(inherited), Source: "started from a terminal: inherited PATH"}
	}
	if runtime.GOOS == "windows" {
		return Resolved{Dirs: Merge(inherited), Source: "inherited PATH (Windows)"}
	}
	if opts.Shell == "" {
		opts.Shell = os.Getenv("SHELL")
	}
	if opts.Shell == "" {
		opts.Shell = defaultShell()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	login, err := LoginPath(ctx, opts.Shell, opts.Timeout)
	if err != nil {
		return Resolved{Dirs: Merge(inherited), Source: "inherited PATH", Problem: err.Error()}
	}
	return Resolved{Dirs: Merge(Split(login), inherited), Source: fmt.Sprintf("login shell %s, then the inherited PATH", opts.Shell)}
}

// defaultShell is used when $SHELL is unset, as it can be for apps that
// launchd or a minimal session starts.
func defaultShell() string {
	if runtime.GOOS == "darwin" {
		return "/bin/zsh"
	}
	return "/bin/sh"
}
