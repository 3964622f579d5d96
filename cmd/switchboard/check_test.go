package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	linefake "github.com/switchboardhq/switchboard/connectors/line/fake"
	slackfake "github.com/switchboardhq/switchboard/connectors/slack/fake"
	smsfake "github.com/switchboardhq/switchboard/connectors/sms/fake"
)

// TestChannelsCheck asks each provider's fake whether the configured
// credentials work, and names the channel whose do not.
func TestChannelsCheck(t *testing.T) {
	line := linefake.New(t, lineToken)
	sms := smsfake.New(t, twilioSID, twilioToken)
	slack := slackfake.New(slackfake.Options{})
	t.Cleanup(slack.Close)
	write := func(lineTok string) string {
		dir := t.TempDir()
		path := filepath.Join(dir, "c.yaml")
		writeFile(t, path, fmt.Sprintf(`data_dir: %s
channels:
  - {id: web, type: webchat}
  - {id: line, type: line, channel_secret: s, channel_access_token: %s, api_base_url: %s, data_api_base_url: %s}
  - {id: sms, type: sms, account_sid: %s, auth_token: %s, from: "+15550001111", api_base_url: %s}
  - {id: slack, type: slack, bot_token: %s, signing_secret: s, channel: C1, api_base_url: %s}
`, dir, lineTok, line.URL, line.URL, twilioSID, twilioToken, sms.URL, slack.Options().BotToken, slack.APIURL()))
		return path
	}

	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"channels", "check", "--config", write(lineToken)}, nil, &out, &errOut); code != 0 {
		t.Fatalf("check with good credentials exited %d:\n%s%s", code, out.String(), errOut.String())
	}
	for _, id := range []string{"line", "sms", "slack"} {
		if !strings.Contains(out.String(), id) || strings.Contains(out.String(), "FAIL") {
			t.Fatalf("output:\n%s", out.String())
		}
	}

	out.Reset()
	errOut.Reset()
	code := run(context.Background(), []string{"channels", "check", "--config", write("revoked-token")}, nil, &out, &errOut)
	if code != 1 {
		t.Fatalf("check with a bad LINE token exited %d", code)
	}
	var lineRow string
	for _, row := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(row, "line ") {
			lineRow = row
		}
	}
	if !strings.Contains(lineRow, "FAIL") || !strings.Contains(lineRow, "401") {
		t.Fatalf("the LINE row does not say what is wrong:\n%s", out.String())
	}
	if strings.Contains(out.String(), "revoked-token") {
		t.Fatal("the check printed the secret token")
	}
}
