package meta

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

var versionPattern = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// APIVersion validates a channel's api_version ("v26.0"); empty gives
// DefaultAPIVersion. Errors name the field.
func APIVersion(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultAPIVersion, nil
	}
	if !versionPattern.MatchString(v) {
		return "", fmt.Errorf("config: api_version must look like %q, got %q", DefaultAPIVersion, v)
	}
	return v, nil
}

// BaseURL validates a channel's api_base_url: an absolute http(s) URL of
// the host without the version (a trailing slash is dropped); empty gives
// DefaultBaseURL. A URL that already ends in a version is refused with a
// reason, since the version has its own key.
func BaseURL(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultBaseURL, nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("config: api_base_url must be an absolute http(s) URL, got %q", v)
	}
	v = strings.TrimRight(v, "/")
	if last := v[strings.LastIndex(v, "/")+1:]; versionPattern.MatchString(last) {
		return "", fmt.Errorf("config: api_base_url is the host without the version (put %s in api_version), got %q", last, v)
	}
	return v, nil
}
