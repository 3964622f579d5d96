package switchboard

import "encoding/json"

// CanonicalJSON re-encodes a JSON document with sorted object keys, so two
// documents that say the same compare equal. Invalid JSON is returned as is.
func CanonicalJSON(b []byte) []byte {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return b
	}
	out, err := json.Marshal(v)
	if err != nil {
		return b
	}
	return out
}
