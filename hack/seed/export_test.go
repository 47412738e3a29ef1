package seed

import "time"

// Unit tests run against a fake clientset whose "controller" adopts pods
// synchronously, so neither pause is needed there.
func init() {
	adoptionDelay = 0
	pollInterval = 10 * time.Millisecond
}
