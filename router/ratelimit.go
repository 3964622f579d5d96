package router

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"time"
)

// rateLimitKey is the hub-level channel key that paces outgoing messages
// (messages per second for the channel across every instance; 0: no
// limit). Without it the connector's Capabilities.SendRate applies. It is
// removed from the config before the connector sees it.
const rateLimitKey = "rate_limit"

// SplitRateLimit returns a channel config without the hub's rate_limit key,
// after checking its value.
func SplitRateLimit(config json.RawMessage) (json.RawMessage, error) {
	keys, _, _, err := splitRateLimit(config)
	if err != nil || keys == nil {
		return config, err
	}
	out, err := json.Marshal(keys)
	return out, err
}

// splitRateLimit decodes config, removes rate_limit and returns it (set
// reports whether it was there). keys is nil when config holds no
// rate_limit (then config is used as is).
func splitRateLimit(config json.RawMessage) (keys map[string]json.RawMessage, rate float64, set bool, err error) {
	if len(config) == 0 {
		return nil, 0, false, nil
	}
	if err := json.Unmarshal(config, &keys); err != nil || keys == nil {
		return nil, 0, false, nil // the connector reports a malformed config
	}
	raw, ok := keys[rateLimitKey]
	if !ok {
		return nil, 0, false, nil
	}
	delete(keys, rateLimitKey)
	if string(raw) == "null" {
		return keys, 0, false, nil
	}
	if err := json.Unmarshal(raw, &rate); err != nil || rate < 0 || math.IsInf(rate, 0) || math.IsNaN(rate) {
		return nil, 0, false, errors.New(rateLimitKey + ": must be a number of messages per second, 0 or more (0: no limit)")
	}
	return keys, rate, true, nil
}

// sendInterval is the pause between two sends of a channel: from its
// rate_limit key, else from the connector's default.
func (rc *RunningChannel) sendInterval() time.Duration {
	rate := rc.Connector.Capabilities().SendRate
	if rc.rateSet {
		rate = rc.rateLimit
	}
	if rate <= 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / rate)
}

// waitForSendSlot paces a channel's sends across the cluster: it reserves
// the channel's next slot in the store and waits for it (or ctx).
func (r *Router) waitForSendSlot(ctx context.Context, rc *RunningChannel) error {
	interval := rc.sendInterval()
	if interval <= 0 {
		return nil
	}
	wait, err := r.store.TakeSendSlot(ctx, "channel:"+string(rc.ID), interval, time.Now().UTC())
	if err != nil {
		return err
	}
	if wait > 0 {
		outboundPaced.Inc()
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
