package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	discoveryv1 "k8s.io/api/discovery/v1"

	"crowsnest/backend/kinds"
	"crowsnest/backend/model"
)

func TestEndpointSliceRow(t *testing.T) {
	c := cells(t, kinds.EndpointSlices, samples[kinds.EndpointSlices][0])
	assert.Equal(t, "8080", c["ports"])
	assert.Equal(t, "10.1.0.7,10.1.0.8", c["endpoints"])
	assert.Equal(t, "1/2 ready", c["status"])
	assert.Equal(t, model.HealthWarn, c["health"])

	// kubectl shows three values and counts the rest; a port without a
	// number is all ports ("*") unless it is named.
	many := &discoveryv1.EndpointSlice{ObjectMeta: objectMeta("shop", "many"),
		Ports:     []discoveryv1.EndpointPort{{Port: ptr(int32(80))}, {Name: ptr("grpc")}, {}, {Port: ptr(int32(443))}},
		Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"a", "b"}}, {Addresses: []string{"c", "d", "e"}}}}
	c = cells(t, kinds.EndpointSlices, many)
	assert.Equal(t, "80,grpc,* + 1 more...", c["ports"])
	assert.Equal(t, "a,b,c + 2 more...", c["endpoints"])
	assert.Equal(t, "Ready", c["status"], "an endpoint without a ready condition is ready")

	c = cells(t, kinds.EndpointSlices, &discoveryv1.EndpointSlice{ObjectMeta: objectMeta("shop", "empty")})
	assert.Equal(t, "<unset>", c["ports"])
	assert.Equal(t, "<unset>", c["endpoints"])
	assert.Equal(t, "No endpoints", c["status"])
}

func TestEndpointSliceDetails(t *testing.T) {
	d := describe(t, kinds.EndpointSlices, samples[kinds.EndpointSlices][0])
	assert.Equal(t, "web", fact(d, "Service"))
	assert.Equal(t, [][]string{{"http", "8080", "TCP", ""}}, table(t, d, "Ports").Rows)
	assert.Equal(t, [][]string{
		{"10.1.0.7", "yes", "yes", "no", "worker-1", "", "Pod/web-7d9c-abcde"},
		{"10.1.0.8", "no", "no", "yes", "", "", ""},
	}, table(t, d, "Endpoints").Rows)
}
