package console

import (
	"math"
	"net"
	"net/http"
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
	if s.cfg.TrustForwardedFor {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := strings.TrimSpace(first); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
