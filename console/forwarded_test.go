package console

import (
	"net/netip"
	"testing"
)

// TestForwardedClient: the client address is read from the right end of
// X-Forwarded-For past the trusted proxies, so an entry the client wrote
// itself (on the left) never counts.
func TestForwardedClient(t *testing.T) {
	lb := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		name    string
		headers []string
		trusted []netip.Prefix
		want    string
	}{
		{"no header", nil, nil, "192.0.2.9"},
		{"one hop", []string{"203.0.113.5"}, nil, "203.0.113.5"},
		{"client-chosen left entry ignored", []string{"1.2.3.4, 203.0.113.5"}, nil, "203.0.113.5"},
		{"trusted proxies skipped", []string{"1.2.3.4, 203.0.113.5, 10.1.2.3"}, lb, "203.0.113.5"},
		{"split over headers", []string{"1.2.3.4", "203.0.113.5, 10.1.2.3"}, lb, "203.0.113.5"},
		{"all trusted: leftmost", []string{"10.9.9.9, 10.1.2.3"}, lb, "10.9.9.9"},
		{"garbage where the client is", []string{"1.2.3.4, nonsense"}, nil, "192.0.2.9"},
		{"ipv6 and mapped", []string{"::ffff:203.0.113.7"}, nil, "203.0.113.7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := forwardedClient("192.0.2.9", c.headers, c.trusted); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}
