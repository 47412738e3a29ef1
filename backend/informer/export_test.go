package informer

// WireDecoded is how many pods o decoded straight from the wire.
func WireDecoded(o *Owner) int64 { return o.wireDecoded.Load() }
