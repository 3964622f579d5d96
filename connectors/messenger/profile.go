package messenger

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard"
)

// profileTimeout bounds one profile look-up inside a webhook request.
const profileTimeout = 3 * time.Second

// userProfile is the answer of GET /{user id}?fields=... (Messenger:
// first_name, last_name, profile_pic; Instagram: name, username,
// profile_pic).
type userProfile struct {
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Name       string `json:"name"`
	Username   string `json:"username"`
	ProfilePic string `json:"profile_pic"`
}

// profile returns the customer's name and picture, fetched once per
// contact (then from the cache). A failure is logged and cached briefly
// as an empty profile: it never fails or blocks the webhook for long.
func (c *Connector) profile(ctx context.Context, userID string) switchboard.Profile {
	now := c.now()
	if cached, hit := c.profiles.get(userID, now); hit {
		return cached
	}
	var up userProfile
	if err := c.fetchProfile(ctx, userID, &up); err != nil {
		c.log.Warn(c.flavor.Name+" profile unavailable", "user_id", userID, "err", classify("profile", err))
		c.profiles.put(userID, switchboard.Profile{}, now, profileRetryAfter)
		return switchboard.Profile{}
	}
	name := strings.TrimSpace(strings.TrimSpace(up.FirstName) + " " + strings.TrimSpace(up.LastName))
	p := switchboard.Profile{Name: firstNonEmpty(name, up.Name, up.Username), AvatarURL: up.ProfilePic}
	c.profiles.put(userID, p, now, 0)
	return p
}

// fetchProfile calls GET /{user id}?fields=... within profileTimeout.
func (c *Connector) fetchProfile(ctx context.Context, userID string, into *userProfile) error {
	ctx, cancel := context.WithTimeout(ctx, profileTimeout)
	defer cancel()
	return c.graph.Get(ctx, "/"+url.PathEscape(userID), url.Values{"fields": {c.flavor.ProfileFields}}, into)
}

// profileRetryAfter is how long a failed look-up is not repeated.
const profileRetryAfter = 10 * time.Minute

// profileCache keeps profiles by user id with an expiry. When full it
// drops the expired entries, then the oldest half; a profile refetched
// later is harmless.
type profileCache struct {
	mu      sync.Mutex
	max     int
	ttl     time.Duration
	entries map[string]cachedProfile
}

type cachedProfile struct {
	profile switchboard.Profile
	stored  time.Time
	expires time.Time
}

func newProfileCache(max int, ttl time.Duration) *profileCache {
	return &profileCache{max: max, ttl: ttl, entries: make(map[string]cachedProfile)}
}

func (pc *profileCache) get(userID string, now time.Time) (switchboard.Profile, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.entries[userID]
	if !ok || !now.Before(e.expires) {
		return switchboard.Profile{}, false
	}
	return e.profile, true
}

// put stores p; ttl 0 means the cache's own.
func (pc *profileCache) put(userID string, p switchboard.Profile, now time.Time, ttl time.Duration) {
	if ttl == 0 {
		ttl = pc.ttl
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if len(pc.entries) >= pc.max {
		pc.evict(now)
	}
	pc.entries[userID] = cachedProfile{profile: p, stored: now, expires: now.Add(ttl)}
}

func (pc *profileCache) evict(now time.Time) {
	for id, e := range pc.entries {
		if !now.Before(e.expires) {
			delete(pc.entries, id)
		}
	}
	if len(pc.entries) < pc.max {
		return
	}
	// Still full: drop everything stored before the median time.
	times := make([]time.Time, 0, len(pc.entries))
	for _, e := range pc.entries {
		times = append(times, e.stored)
	}
	cutoff := medianTime(times)
	for id, e := range pc.entries {
		if !e.stored.After(cutoff) {
			delete(pc.entries, id)
		}
	}
}

func medianTime(ts []time.Time) time.Time {
	slices.SortFunc(ts, time.Time.Compare)
	return ts[len(ts)/2]
}

// recentSet remembers the mids this process sent lately, so their echoes
// are skipped even where the Send API carries no metadata (Instagram).
type recentSet struct {
	mu    sync.Mutex
	max   int
	order []string
	set   map[string]struct{}
}

func newRecentSet(max int) *recentSet { return &recentSet{max: max, set: make(map[string]struct{})} }

func (s *recentSet) add(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.set[id]; ok {
		return
	}
	s.set[id] = struct{}{}
	s.order = append(s.order, id)
	if len(s.order) > s.max {
		delete(s.set, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *recentSet) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.set[id]
	return ok
}
