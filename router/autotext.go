package router

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboardhq/switchboard"
	"github.com/switchboardhq/switchboard/connectors"
)

// Automatic answers on messaging channels (issue 14). The site chat shows
// its visitors the queue and the offline form itself; customers on LINE,
// WhatsApp, SMS and the like get, once per conversation, the department's
// offline auto reply while it is closed, or (with queue_auto_text) their
// place in the queue and the wait. "Once" holds across instances and
// redeliveries: FirstSeen records each.

// siteChat is the channel type whose widget shows queue and offline state.
const siteChat = "webchat"

// pickLanguage returns texts' entry for lang ("ja-JP" takes "ja"), else
// English, else any; "" when texts is empty.
func pickLanguage(texts map[string]string, lang string) string {
	if base, _, _ := strings.Cut(strings.ToLower(lang), "-"); texts[base] != "" {
		return texts[base]
	}
	if texts["en"] != "" {
		return texts["en"]
	}
	for _, t := range texts {
		if t != "" {
			return t
		}
	}
	return ""
}

// queueText is the automatic queue message in the customer's language.
func queueText(lang string, position int, minutes int) string {
	if strings.HasPrefix(strings.ToLower(lang), "ja") {
		return fmt.Sprintf("ただいま混み合っています。お客様は%d番目です。およそ%d分でおつなぎします。", position, minutes)
	}
	return fmt.Sprintf("All our agents are busy. You are number %d in the queue; expect a reply in about %d minutes.", position, minutes)
}

// autoText sends conv's customer the department's automatic answer, if
// any is due: the offline auto reply when the department is closed, the
// queue message when it is open and conv waits.
func (h *Hub) autoText(ctx context.Context, conv switchboard.Conversation, dept switchboard.Department, open bool) error {
	if conv.ChannelType == siteChat {
		return nil
	}
	lang := ""
	if conv.Contact != nil {
		lang = conv.Contact.Language
	}
	var kind, text string
	switch {
	case !open:
		kind, text = "offline", pickLanguage(dept.Offline.AutoReply, lang)
	case dept.QueueAutoText && conv.QueuedAt != nil && conv.AssigneeID == "":
		position, wait, err := h.QueuePlace(ctx, conv)
		if err != nil || position == 0 {
			return err
		}
		kind, text = "queue", queueText(lang, position, max(1, int(wait.Minutes()+0.5)))
	}
	if text == "" {
		return nil
	}
	first, err := h.store.FirstSeen(ctx, "auto:"+kind+":"+string(conv.ID))
	if err != nil || !first {
		return err
	}
	_, err = h.Reply(ctx, connectors.ReplyRequest{WorkspaceID: conv.WorkspaceID, ConversationID: conv.ID, Parts: switchboard.TextParts(text)})
	return err
}
