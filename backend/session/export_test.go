package session

// Start is start, for tests of what a session leaves behind.
var Start = start
