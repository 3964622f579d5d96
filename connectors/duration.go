package connectors

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration written as a Go duration string ("1m30s") in
// configs.
type Duration time.Duration

// DurationError is a duration a config cannot read.
type DurationError struct{ Value string }

func (e *DurationError) Error() string {
	return fmt.Sprintf("%s is not a duration (want a Go duration such as \"10s\")", e.Value)
}

// UnmarshalJSON reads "10s" (or a number of seconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var secs float64
		if err := json.Unmarshal(b, &secs); err != nil {
			return &DurationError{string(b)}
		}
		*d = Duration(secs * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return &DurationError{string(b)}
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }
