package line

import (
	"container/list"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/switchboardhq/switchboard"
)

// profileTimeout bounds one profile look-up inside a webhook request.
const profileTimeout = 3 * time.Second

// profile returns the user's LINE profile (GET /v2/bot/profile/{userId}),
// from the cache when it was fetched before. A failure is logged and yields
// an empty profile: it must never fail the webhook.
func (c *Connector) profile(ctx context.Context, userID string) switchboard.Profile {
	now := c.now()
	if p, ok := c.profiles.get(userID, now); ok {
		return p
	}
	ctx, cancel := context.WithTimeout(ctx, profileTimeout)
	defer cancel()
	resp, err := c.call(ctx, http.MethodGet, c.apiURL("/v2/bot/profile/"+url.PathEscape(userID)), nil, nil)
	if err == nil && !resp.ok() {
		err = c.classify("profile", resp)
	}
	if err != nil {
		c.log.Warn("LINE profile unavailable", "user_id", userID, "err", err)
		return switchboard.Profile{}
	}
	var pr messaging_api.UserProfileResponse
	if err := json.Unmarshal(resp.body, &pr); err != nil {
		c.log.Warn("LINE profile unreadable", "user_id", userID, "err", err)
		return switchboard.Profile{}
	}
	p := switchboard.Profile{Name: pr.DisplayName, AvatarURL: pr.PictureUrl, Language: pr.Language}
	c.profiles.put(userID, p, now)
	return p
}

// profileCache is a small LRU of profiles with a time to live, so each user
// is looked up about once per process while names may still change.
type profileCache struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	order *list.List // front = most recent; values are *profileEntry
	byID  map[string]*list.Element
}

type profileEntry struct {
	userID  string
	profile switchboard.Profile
	expires time.Time
}

func newProfileCache(size int, ttl time.Duration) *profileCache {
	return &profileCache{size: size, ttl: ttl, order: list.New(), byID: map[string]*list.Element{}}
}

func (pc *profileCache) get(userID string, now time.Time) (switchboard.Profile, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.byID[userID]
	if !ok {
		return switchboard.Profile{}, false
	}
	e := el.Value.(*profileEntry)
	if !now.Before(e.expires) {
		pc.order.Remove(el)
		delete(pc.byID, userID)
		return switchboard.Profile{}, false
	}
	pc.order.MoveToFront(el)
	return e.profile, true
}

func (pc *profileCache) put(userID string, p switchboard.Profile, now time.Time) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.byID[userID]; ok {
		e := el.Value.(*profileEntry)
		e.profile, e.expires = p, now.Add(pc.ttl)
		pc.order.MoveToFront(el)
		return
	}
	pc.byID[userID] = pc.order.PushFront(&profileEntry{userID: userID, profile: p, expires: now.Add(pc.ttl)})
	for pc.order.Len() > pc.size {
		last := pc.order.Back()
		pc.order.Remove(last)
		delete(pc.byID, last.Value.(*profileEntry).userID)
	}
}
