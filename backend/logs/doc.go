// Package logs keeps container logs in Go for the UI to page through, the
// way package view keeps tables: a Stream reads the logs of one pod or of a
// set of pods (a workload's, resolved by the caller) from the API server,
// merges them in timestamp order into a bounded ring, reconnects dropped
// connections without losing or repeating lines, and serves windows of lines
// by sequence number, searches and filters. The page learns of new lines
// from a change callback that the owner rate-limits (events.Coalescer).
//
// Around it: ParseANSI turns a line's colours into styled spans (never
// markup), IsJSON and PrettyJSON format JSON lines, Download writes a whole
// log to a file, and CanReadLogs tells the UI before any stream opens
// whether the user may read logs in a namespace.
//
// Everything a cluster sends is untrusted: a Line's Text is exactly what the
// container wrote, escape sequences and invalid UTF-8 included.
package logs
