package router

import "sync"

// localValues hands a published message's payload, already decoded, to its
// handler in the same process, so the embedded bus does not pay a JSON
// decode for what the intake had in memory a moment before. It is keyed by
// the Watermill message UUID; the publisher puts a value before Publish and
// drops it when Publish returned (the in-process Publish returns only after
// the handler acknowledged). Values are shared, so handlers must treat them
// as read-only. A nil *localValues holds nothing: get answers nil, and the
// handler decodes the payload, as it does for messages from a broker.
type localValues struct {
	m sync.Map // message UUID → decoded payload
}

func (l *localValues) put(id string, v any) { l.m.Store(id, v) }

func (l *localValues) drop(id string) { l.m.Delete(id) }

// get returns the value put for the message id, or nil.
func (l *localValues) get(id string) any {
	if l == nil {
		return nil
	}
	v, _ := l.m.Load(id)
	return v
}
