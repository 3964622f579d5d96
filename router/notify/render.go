package notify

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard"
)

// text is a notification's words in one language.
type text struct {
	subject, body, url string
	// mailBody is body with a line that links to the conversation.
	mailBody string
}

// excerptRunes is how much of a customer's message a notification quotes.
const excerptRunes = 200

// render writes what e tells in lang ("ja"; anything else is English).
func render(lang string, e pending, url string) text {
	ja := strings.HasPrefix(lang, "ja")
	customer := ""
	if e.conv.Contact != nil {
		customer = e.conv.Contact.Name
	}
	// san is the customer as a Japanese sentence names them.
	san := customer + "さん"
	if customer == "" {
		customer, san = pick(ja, "お客様", "A customer"), "お客様"
	}
	dept := e.deptName
	if dept == "" {
		dept = pick(ja, "部署", "your department")
	}
	quote := excerpt(e.msg.Text())
	var t text
	switch e.kind {
	case switchboard.NotifyNewConversation:
		t.subject = pick(ja, "新しい会話（"+dept+"）: "+customer, "New conversation in "+dept+": "+customer)
		t.body = pick(ja, san+"からの新しい会話です。", customer+" started a conversation.")
	case switchboard.NotifyNewMessage:
		t.subject = pick(ja, san+"から新しいメッセージ", "New message from "+customer)
		t.body = pick(ja, "担当の会話に"+san+"からメッセージが届きました。", customer+" wrote in your conversation.")
	case switchboard.NotifyTransfer:
		a := e.activity
		actor := a.ActorName
		if actor == "" {
			actor = pick(ja, "オペレーター", "An operator")
		}
		to := pick(ja, "あなた", "you")
		if a.OperatorID == "" {
			to = dept
		}
		t.subject = pick(ja, "会話が"+to+"に転送されました: "+customer, "Conversation transferred to "+to+": "+customer)
		t.body = pick(ja, actor+"さんが"+san+"との会話を"+to+"に転送しました。", actor+" transferred the conversation with "+customer+" to "+to+".")
		if a.Reason != "" {
			t.body += "\n" + pick(ja, "理由: ", "Reason: ") + a.Reason
		}
		quote = ""
	case switchboard.NotifyWaiting:
		mins := strconv.Itoa(e.waitMinutes)
		t.subject = pick(ja, san+"が"+mins+"分以上お待ちです（"+dept+"）", customer+" has been waiting over "+mins+" minutes in "+dept)
		t.body = pick(ja, "まだ誰も担当していない会話です。", "Nobody has taken the conversation yet.")
	case switchboard.NotifyTicketBreached:
		tk := e.ticket
		target := pick(ja, "初回返信", "first reply")
		if e.breach == "resolution" {
			target = pick(ja, "解決", "resolution")
		}
		t.subject = pick(ja, tk.SubjectTag()+" SLA超過（"+target+"）: "+tk.Subject, tk.SubjectTag()+" missed its "+target+" target: "+tk.Subject)
		t.body = pick(ja, san+"のチケット "+tk.SubjectTag()+" が"+target+"の期限を過ぎました。", "Ticket "+tk.SubjectTag()+" from "+customer+" passed its "+target+" target.")
		quote = ""
	case switchboard.NotifyChannelTrouble:
		t = channelTroubleText(ja, e)
		quote = ""
	default:
		t.subject = pick(ja, "会話の通知", "Conversation notification")
	}
	if quote != "" {
		t.body += "\n\n" + quote
	}
	t.url = url
	open := pick(ja, "会話を開く: ", "Open the conversation: ")
	if e.kind == switchboard.NotifyChannelTrouble {
		open = pick(ja, "チャネル設定を開く: ", "Open the channel settings: ")
	}
	t.mailBody = t.body + "\n\n" + open + url + "\n"
	return t
}

func pick(ja bool, jaText, enText string) string {
	if ja {
		return jaText
	}
	return enText
}

// excerpt shortens s to excerptRunes characters.
func excerpt(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= excerptRunes {
		return s
	}
	r := []rune(s)
	return string(r[:excerptRunes]) + "…"
}
