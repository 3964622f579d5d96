package portal

import (
	"errors"
	"regexp"

	"github.com/switchboardhq/switchboard/router"
)

// portalTexts are the customer portal's strings; init adds them to the
// help centre's.
var portalTexts = map[string]map[string]string{
	"en": {
		"portal":          "Support",
		"signInTitle":     "Sign in to your tickets",
		"signInIntro":     "Enter your e-mail address and we will send you a link to sign in. No password needed.",
		"signInIntroSMS":  "Enter your mobile number and we will text you a link to sign in. No password needed.",
		"emailLabel":      "E-mail address",
		"phoneLabel":      "Mobile number (with country code, e.g. +81 90 1234 5678)",
		"sendLink":        "Send me a sign-in link",
		"useSMS":          "Use my mobile number instead",
		"useEmail":        "Use my e-mail address instead",
		"noMail":          "Sign-in by e-mail is not available: this help desk has no mail server set up. Please contact us another way.",
		"noMailHere":      "Sign-in by e-mail is not available here yet: this help desk has no mail server set up.",
		"noSMS":           "Sign-in by text message is not available here.",
		"badEmail":        "Please enter a valid e-mail address, like name@example.com.",
		"badPhone":        "Please enter your mobile number with its country code, like +81 90 1234 5678.",
		"noAddress":       "Please enter your e-mail address.",
		"tooMany":         "Too many sign-in requests. Please wait %d seconds and try again.",
		"sendFailed":      "We could not send the sign-in link just now. Please try again in a few minutes.",
		"checkTitle":      "Check your messages",
		"checkText":       "If %s can receive messages, a sign-in link is on its way. It works once, for %d minutes.",
		"mailSubject":     "Your sign-in link for %s support",
		"mailIntro":       "Open the link below to see your tickets with %s.",
		"mailText":        "Open this link to see your tickets with %s:\n\n%s\n\nThe link works once, for %d minutes. If you did not ask for it, ignore this e-mail.",
		"mailExpiry":      "The link works once, for %d minutes. If you did not ask for it, ignore this e-mail.",
		"smsText":         "Your %s sign-in link: %s",
		"signIn":          "Sign in",
		"signInButton":    "Press the button to sign in.",
		"linkInvalid":     "This sign-in link has expired or was already used. Ask for a new one below.",
		"signOut":         "Sign out",
		"signedInAs":      "Signed in as",
		"myTickets":       "My tickets",
		"noTickets":       "You have no tickets yet.",
		"newTicket":       "New ticket",
		"subject":         "Subject",
		"subjectHint":     "optional: the first line of your message otherwise",
		"message":         "Message",
		"attachments":     "Attachments",
		"filesHint":       "Up to %d files: images, PDF, text, audio or video.",
		"send":            "Send",
		"openTicket":      "Open the ticket",
		"reply":           "Reply",
		"close":           "Close this ticket",
		"reopen":          "Reopen",
		"you":             "You",
		"team":            "Support team",
		"attachment":      "Attachment",
		"unread":          "New reply",
		"newMark":         "new",
		"opened":          "Opened",
		"status_open":     "Open",
		"status_waiting":  "Waiting on you",
		"status_resolved": "Resolved",
		"resolvedNote":    "This ticket is resolved. Reopen it if you need more help, or just reply.",
		"done_replied":    "Your reply was sent.",
		"done_closed":     "The ticket is closed. Thank you!",
		"done_reopened":   "The ticket is open again.",
		"done_opened":     "Your ticket was opened. We will answer soon.",
		"backTickets":     "Back to my tickets",
		"errorTitle":      "Something went wrong",
		"failed":          "Something went wrong on our side. Please try again later.",
		"badOrigin":       "This form was sent from another site and was refused.",
		"badForm":         "This form has expired. Please go back, reload the page and try again.",
		"signedOut":       "You are signed out. Please sign in again.",
		"ticketNotFound":  "This page does not exist, or it is not yours to see.",
		"textMissing":     "Please write a message.",
		"textTooLong":     "Your message is too long (20,000 characters at most).",
		"subjectTooLong":  "The subject is too long (200 characters at most).",
		"tooManyFiles":    "Too many files: please attach fewer.",
		"emptyFile":       "The file %s is empty.",
		"fileTooBig":      "The file %s is too large.",
		"fileType":        "The file %s is of a type we do not accept.",
		"bodyTooBig":      "The files are too large together.",
		"faq":             "Help yourself",
		"faqSearch":       "Search the help centre",
		"allArticles":     "All articles",
		// The CSAT question in the thread.
		"threadCsatRate":    "Rate",
		"threadCsatRated":   "You rated this ★%d. Thank you!",
		"threadCsatExpired": "The rating period has ended.",
		// The hub's validation errors, by field (HubInputError).
		"hubContact":  "Please give your e-mail address or mobile number.",
		"hubName":     "Your name is too long (200 characters at most).",
		"hubSubject":  "Please check the subject: one line of at most 200 characters.",
		"hubPartKind": "One of the attachments cannot be sent here. Please remove it and try again.",
		"hubPartText": "Your message contains characters we cannot accept. Please check it and try again.",
		"hubStatus":   "This ticket cannot be changed that way.",
		"hubChannel":  "This ticket cannot take messages right now. Please try again later.",
	},
	"ja": {
		"portal":          "サポート",
		"signInTitle":     "お問い合わせ履歴にサインイン",
		"signInIntro":     "メールアドレスを入力すると、サインイン用のリンクをお送りします。パスワードは不要です。",
		"signInIntroSMS":  "携帯電話番号を入力すると、サインイン用のリンクをSMSでお送りします。パスワードは不要です。",
		"emailLabel":      "メールアドレス",
		"phoneLabel":      "携帯電話番号(国番号から。例: +81 90 1234 5678)",
		"sendLink":        "サインインリンクを送信",
		"useSMS":          "携帯電話番号で受け取る",
		"useEmail":        "メールアドレスで受け取る",
		"noMail":          "メールでのサインインはご利用いただけません(メールサーバーが設定されていません)。別の方法でお問い合わせください。",
		"noMailHere":      "メールでのサインインは現在ご利用いただけません(メールサーバーが設定されていません)。",
		"noSMS":           "SMSでのサインインはご利用いただけません。",
		"badEmail":        "正しいメールアドレスを入力してください(例: name@example.com)。",
		"badPhone":        "携帯電話番号を国番号から入力してください(例: +81 90 1234 5678)。",
		"noAddress":       "メールアドレスを入力してください。",
		"tooMany":         "リクエストが多すぎます。%d秒ほど待ってからもう一度お試しください。",
		"sendFailed":      "サインインリンクを送信できませんでした。数分後にもう一度お試しください。",
		"checkTitle":      "メッセージをご確認ください",
		"checkText":       "%s 宛てにサインインリンクを送信しました(受信できる宛先の場合)。リンクは%d分間、1回だけ使えます。",
		"mailSubject":     "%s サポートへのサインインリンク",
		"mailIntro":       "下のリンクから %s へのお問い合わせをご覧いただけます。",
		"mailText":        "次のリンクから %s へのお問い合わせをご覧いただけます:\n\n%s\n\nリンクは%d分間、1回だけ使えます。お心当たりがない場合は、このメールを破棄してください。",
		"mailExpiry":      "リンクは%d分間、1回だけ使えます。お心当たりがない場合は、このメールを破棄してください。",
		"smsText":         "%s サインインリンク: %s",
		"signIn":          "サインイン",
		"signInButton":    "ボタンを押してサインインしてください。",
		"linkInvalid":     "このサインインリンクは期限切れか、すでに使用されています。下から新しいリンクをお申し込みください。",
		"signOut":         "サインアウト",
		"signedInAs":      "サインイン中:",
		"myTickets":       "お問い合わせ一覧",
		"noTickets":       "お問い合わせはまだありません。",
		"newTicket":       "新しいお問い合わせ",
		"subject":         "件名",
		"subjectHint":     "任意: 省略するとメッセージの1行目になります",
		"message":         "メッセージ",
		"attachments":     "添付ファイル",
		"filesHint":       "%d個まで: 画像、PDF、テキスト、音声、動画。",
		"send":            "送信",
		"openTicket":      "お問い合わせを送信",
		"reply":           "返信",
		"close":           "このお問い合わせを終了",
		"reopen":          "再開する",
		"you":             "あなた",
		"team":            "サポートチーム",
		"attachment":      "添付ファイル",
		"unread":          "新しい返信",
		"newMark":         "新着",
		"opened":          "受付日時",
		"status_open":     "対応中",
		"status_waiting":  "お客様の返信待ち",
		"status_resolved": "解決済み",
		"resolvedNote":    "このお問い合わせは解決済みです。さらにお手伝いが必要な場合は、再開するか返信してください。",
		"done_replied":    "返信を送信しました。",
		"done_closed":     "お問い合わせを終了しました。ありがとうございました。",
		"done_reopened":   "お問い合わせを再開しました。",
		"done_opened":     "お問い合わせを受け付けました。担当者よりご連絡いたします。",
		"backTickets":     "お問い合わせ一覧に戻る",
		"errorTitle":      "エラーが発生しました",
		"failed":          "サーバーでエラーが発生しました。しばらくしてからもう一度お試しください。",
		"badOrigin":       "このフォームは別のサイトから送信されたため、受け付けられませんでした。",
		"badForm":         "フォームの有効期限が切れました。ページを再読み込みしてもう一度お試しください。",
		"signedOut":       "サインアウトしています。もう一度サインインしてください。",
		"ticketNotFound":  "このページは存在しないか、閲覧できません。",
		"textMissing":     "メッセージを入力してください。",
		"textTooLong":     "メッセージが長すぎます(20,000文字まで)。",
		"subjectTooLong":  "件名が長すぎます(200文字まで)。",
		"tooManyFiles":    "ファイルが多すぎます。数を減らしてください。",
		"emptyFile":       "ファイル %s は空です。",
		"fileTooBig":      "ファイル %s が大きすぎます。",
		"fileType":        "ファイル %s は受け付けられない種類です。",
		"bodyTooBig":      "ファイルの合計サイズが大きすぎます。",
		"faq":             "よくある質問",
		"faqSearch":       "ヘルプセンターを検索",
		"allArticles":     "すべての記事",
		// The CSAT question in the thread.
		"threadCsatRate":    "評価する",
		"threadCsatRated":   "評価済みです(★%d)。ありがとうございました。",
		"threadCsatExpired": "評価の受付期間は終了しました。",
		// The hub's validation errors, by field (HubInputError).
		"hubContact":  "メールアドレスか携帯電話番号を入力してください。",
		"hubName":     "お名前が長すぎます(200文字まで)。",
		"hubSubject":  "件名をご確認ください(改行なしの1行、200文字まで)。",
		"hubPartKind": "送信できない添付ファイルが含まれています。削除してからもう一度お試しください。",
		"hubPartText": "メッセージに使用できない文字が含まれています。ご確認のうえもう一度お試しください。",
		"hubStatus":   "このお問い合わせはその状態に変更できません。",
		"hubChannel":  "現在このお問い合わせにはメッセージを送信できません。しばらくしてからもう一度お試しください。",
	},
}

// hubFieldKeys are the portal's texts of the hub's validation errors, by
// the error's Field (a part's index taken out: "parts[2].kind" is
// "parts.kind"); "text" is told apart by router.ErrTooLong.
var hubFieldKeys = map[string]string{
	"text":          "textMissing",
	"parts":         "textMissing",
	"subject":       "hubSubject",
	"contact":       "hubContact",
	"contact.email": "badEmail",
	"contact.phone": "badPhone",
	"contact.name":  "hubName",
	"parts.kind":    "hubPartKind",
	"parts.text":    "hubPartText",
	"status":        "hubStatus",
	"channel":       "hubChannel",
}

var partIndex = regexp.MustCompile(`\[\d+\]`)

// HubInputError is what the portal shows of a validation error of the
// hub (Hub.OpenTicket, CustomerReply, SetTicketStatus): the page's
// language's text of its field, or the hub's English message for a field
// the portal has no text of.
func HubInputError(verr *router.ValidationError) *InputError {
	key := hubFieldKeys[partIndex.ReplaceAllString(verr.Field, "")]
	if key == "textMissing" && errors.Is(verr, router.ErrTooLong) {
		key = "textTooLong"
	}
	return &InputError{Key: key, Message: verr.Error()}
}

func init() {
	for lang, strs := range portalTexts {
		for k, v := range strs {
			if _, taken := texts[lang][k]; !taken {
				texts[lang][k] = v
			}
		}
	}
}
