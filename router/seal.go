package router

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/switchboardhq/switchboard/connectors"
)

const sealedPrefix = "sealed:v1:"

// Sealer encrypts the secret keys of channel configs at rest with AES-GCM.
// The first key seals; every key opens, so a key can be rotated by putting
// the new one first and keeping the old one until channels were re-saved.
type Sealer struct {
	keys []sealKey
}

type sealKey struct {
	id   string
	aead cipher.AEAD
}

// NewSealer derives channel-secret keys from hub secrets (current first).
func NewSealer(secrets ...[]byte) (*Sealer, error) {
	s := &Sealer{}
	for i, secret := range secrets {
		if len(secret) < 16 {
			return nil, fmt.Errorf("secret key %d: too short", i)
		}
		derived := sha256.Sum256(append([]byte("switchboard channel secrets\x00"), secret...))
		block, err := aes.NewCipher(derived[:])
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		idSum := sha256.Sum256(derived[:])
		s.keys = append(s.keys, sealKey{id: hex.EncodeToString(idSum[:4]), aead: aead})
	}
	if len(s.keys) == 0 {
		return nil, errors.New("no secret key")
	}
	return s, nil
}

// Seal returns config with the values of its channel type's secret keys
// encrypted. Values already sealed are left alone.
func (s *Sealer) Seal(channelType string, config json.RawMessage) (json.RawMessage, error) {
	return s.transform(channelType, config, s.SealString)
}

// Open returns config with its sealed values decrypted.
func (s *Sealer) Open(channelType string, config json.RawMessage) (json.RawMessage, error) {
	return s.transform(channelType, config, s.OpenString)
}

// SealString encrypts one secret v, bound to key (the name it is stored
// under: a value sealed for one key does not open for another). A value
// already sealed, or empty, is returned as it is.
func (s *Sealer) SealString(key, v string) (string, error) {
	if strings.HasPrefix(v, sealedPrefix) || v == "" {
		return v, nil
	}
	k := s.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := k.aead.Seal(nonce, nonce, []byte(v), []byte(key))
	return sealedPrefix + k.id + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// OpenString decrypts a value SealString made for key; a value that is
// not sealed is returned as it is.
func (s *Sealer) OpenString(key, v string) (string, error) {
	if !strings.HasPrefix(v, sealedPrefix) {
		return v, nil
	}
	id, data, ok := strings.Cut(strings.TrimPrefix(v, sealedPrefix), ":")
	raw, err := base64.RawStdEncoding.DecodeString(data)
	if !ok || err != nil {
		return "", fmt.Errorf("%s: sealed value is corrupt", key)
	}
	for _, k := range s.keys {
		if k.id != id || len(raw) < k.aead.NonceSize() {
			continue
		}
		pt, err := k.aead.Open(nil, raw[:k.aead.NonceSize()], raw[k.aead.NonceSize():], []byte(key))
		if err != nil {
			return "", fmt.Errorf("%s: sealed value does not open with its key", key)
		}
		return string(pt), nil
	}
	return "", fmt.Errorf("%s: sealed with a key that is not configured (secret_key or old_secret_keys)", key)
}

func (s *Sealer) transform(channelType string, config json.RawMessage, fn func(key, v string) (string, error)) (json.RawMessage, error) {
	reg, ok := connectors.Lookup(channelType)
	if !ok || len(reg.Secrets) == 0 || len(config) == 0 {
		return config, nil
	}
	var m map[string]any
	if err := json.Unmarshal(config, &m); err != nil {
		return nil, fmt.Errorf("channel config: %w", err)
	}
	for _, key := range reg.Secrets {
		v, ok := m[key].(string)
		if !ok {
			continue
		}
		out, err := fn(key, v)
		if err != nil {
			return nil, err
		}
		m[key] = out
	}
	return json.Marshal(m)
}
