package portal

import (
	"testing"

	"github.com/switchboardhq/switchboard/router"
)

// TestHubInputErrorTranslated: the hub's validation errors are shown in
// the page's language by their field (a part's index ignored, a too long
// text told apart); a field the portal has no text of keeps the hub's
// English message.
func TestHubInputErrorTranslated(t *testing.T) {
	tests := []struct {
		verr   *router.ValidationError
		ja, en string
	}{
		{&router.ValidationError{Field: "subject", Message: "must be one line"}, "件名をご確認ください(改行なしの1行、200文字まで)。", "Please check the subject: one line of at most 200 characters."},
		{&router.ValidationError{Field: "text", Message: "missing: a reply needs text or a file"}, "メッセージを入力してください。", "Please write a message."},
		{&router.ValidationError{Field: "text", Message: "over the limit", Err: router.ErrTooLong}, "メッセージが長すぎます(20,000文字まで)。", "Your message is too long (20,000 characters at most)."},
		{&router.ValidationError{Field: "parts[2].kind", Message: "unknown part kind"}, "送信できない添付ファイルが含まれています。削除してからもう一度お試しください。", "One of the attachments cannot be sent here. Please remove it and try again."},
		{&router.ValidationError{Field: "contact.email", Message: `"x" is not an e-mail address`}, "正しいメールアドレスを入力してください(例: name@example.com)。", "Please enter a valid e-mail address, like name@example.com."},
		{&router.ValidationError{Field: "priority", Message: `"x" is not one of low, normal, high, urgent`}, `priority: "x" is not one of low, normal, high, urgent`, `priority: "x" is not one of low, normal, high, urgent`},
	}
	for _, tc := range tests {
		t.Run(tc.verr.Field, func(t *testing.T) {
			e := HubInputError(tc.verr)
			if got := e.text(textsFor("ja")); got != tc.ja {
				t.Errorf("ja = %q, want %q", got, tc.ja)
			}
			if got := e.text(textsFor("en")); got != tc.en {
				t.Errorf("en = %q, want %q", got, tc.en)
			}
		})
	}
}
