// Package terminal runs interactive commands in containers (pods/exec)
// for the page's terminals, within Wails' transport limits: no WebSocket
// and no streamed response reach the page, so a terminal's output leaves
// as small batched events (Output, at most MaxChunk bytes, at most one per
// Interval) and its input and size arrive through calls (Write, Resize).
//
// A Terminal owns one exec stream (its own connection: WebSocket, or SPDY
// when the server cannot upgrade to WebSocket), a bounded input queue, a
// size queue and the output batcher. Nothing is shared between
// terminals, so one that fails (a missing shell, a dead connection) ends
// alone, with its reason.
package terminal
