package router

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// MediaSignature is the signature of a public media link: providers
// (LINE, Twilio) and site-chat visitors fetch media an operator sent from
// /media/{id}?sig=..., without a session. It is an HMAC of the id under a
// key derived from the hub secret; "" when the hub has no secret (then
// media is only served to operators).
func (r *Router) MediaSignature(id string) string {
	if len(r.cfg.HubSecret) == 0 {
		return ""
	}
	key := hmac.New(sha256.New, r.cfg.HubSecret)
	key.Write([]byte("switchboard media link v1"))
	mac := hmac.New(sha256.New, key.Sum(nil))
	mac.Write([]byte(id))
	return hex.EncodeToString(mac.Sum(nil))[:32]
}

// ValidMediaSignature reports whether sig is the signature of id.
func (r *Router) ValidMediaSignature(id, sig string) bool {
	want := r.MediaSignature(id)
	return want != "" && hmac.Equal([]byte(want), []byte(sig))
}
