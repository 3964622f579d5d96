package console

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimit is how many requests a key (a client IP, a visitor) may make per
// minute; bursts of a quarter of that are allowed. Zero turns the limit off.
type RateLimit struct {
	PerMinute int
}

// limiter keeps one token bucket per key, forgetting keys idle for ten
// minutes so memory stays bounded.
type limiter struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxBuckets caps memory under a flood of distinct keys: past it, the
// oldest buckets are dropped on the next sweep.
const maxBuckets = 100000

func newLimiter(l RateLimit) *limiter {
	if l.PerMinute <= 0 {
		return nil
	}
	return &limiter{
		limit:   rate.Limit(float64(l.PerMinute) / 60),
		burst:   max(1, l.PerMinute/4),
		buckets: map[string]*bucket{},
	}
}

// allow takes a token for key; when none is left it returns how long to wait.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute || len(l.buckets) > maxBuckets {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute || len(l.buckets) > maxBuckets {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// clientIP is the caller's address: the peer, or the first X-Forwarded-For
// hop when the hub is configured to sit behind a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	if !s.cfg.TrustForwardedFor {
		return peer
	}
	return forwardedClient(peer, r.Header.Values("X-Forwarded-For"), s.cfg.TrustedProxies)
}

// forwardedClient is the client address behind a proxy: X-Forwarded-For is
// read from its right end (what the proxy next to the hub appended) past
// the addresses of trusted proxies; the first entry that is not one is the
// client. Entries to the left of it were written by the client itself and
// are never believed, so a client cannot pick its address to dodge a
// limit. With no trusted proxies listed, the rightmost entry is taken.
// An unparsable entry where the client should be falls back to the peer.
func forwardedClient(peer string, headers []string, trusted []netip.Prefix) string {
	var hops []string
	for _, h := range headers {
		for _, e := range strings.Split(h, ",") {
			hops = append(hops, strings.TrimSpace(e))
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(hops[i])
		if err != nil {
			return peer
		}
		addr = addr.Unmap()
		if i > 0 && isTrusted(addr, trusted) {
			continue
		}
		return addr.String()
	}
	return peer
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// throttled answers 429 with Retry-After when key is over its limit and
// reports whether it did.
func throttled(w http.ResponseWriter, l *limiter, key, what string) bool {
	ok, wait := l.allow(key, time.Now())
	if ok {
		return false
	}
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	writeError(w, http.StatusTooManyRequests, "rate_limited", "too many "+what+"; retry in "+strconv.Itoa(max(1, secs))+"s")
	return true
}
