//go:build bindings

package main

// wails generate module (and wails build) compile the app with the
// "bindings" tag and run it to read the bound methods; that run must not
// open the user's log or settings, nor start their login shell.
func init() { generatingBindings = true }
