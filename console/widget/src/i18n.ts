// The widget's words in English and Japanese. The language is the
// channel's (config), else the site's setting, else the page's <html lang>,
// else the browser's.

const en = {
  open: "Open chat",
  unread: (n: number) => (n === 1 ? "1 unread message" : `${n} unread messages`),
  close: "Close chat",
  title: "Chat with us",
  messages: "Messages",
  placeholder: "Write a message…",
  message: "Message",
  send: "Send",
  attach: "Attach files",
  emoji: "Insert emoji",
  remove: (name: string) => `Remove ${name}`,
  drop: "Drop files to attach them",
  typing: (name: string) => `${name} is typing…`,
  team: "Support",
  you: "You",
  reconnecting: "Reconnecting…",
  waiting: "Offline: your messages will be sent when you are back online.",
  sending: "Sending",
  sent: "Sent",
  read: "Read",
  failed: (why: string) => `Not sent: ${why}`,
  tooBig: (name: string, max: string) => `“${name}” is larger than ${max}.`,
  badType: (name: string) => `“${name}” is not a file type you can send here.`,
  tooMany: (max: number) => `You can attach up to ${max} files at once.`,
  limits: (max: string) => `Up to ${max} per file.`,
  required: (label: string) => `${label} is required.`,
  badEmail: "Enter an e-mail address like name@example.com.",
  submit: "Send",
  formSent: "Thank you, your answer was sent.",
  newMessage: (name: string, text: string) => `${name}: ${text}`,
  attachment: "Attachment",
  queue: (n: number, min: number) => `You are number ${n} in line, about ${min} min.`,
  leave: "Leave a message instead",
  offline: "We are away right now. Leave a message and we will answer by e-mail.",
  name: "Name",
  email: "E-mail",
  hours: "Opening hours",
  days: "Mon Tue Wed Thu Fri Sat Sun",
  offlineSent: "Thank you! We will get back to you by e-mail.",
  faqHead: "Articles that may help",
  faqFound: (n: number) => (n === 1 ? "1 help article may answer your question." : `${n} help articles may answer your question.`),
  chat: "Chat",
  tickets: "My tickets",
  newTab: "Open in a new tab",
  sections: "Chat or your tickets",
};

export type Strings = typeof en;

const ja: Strings = {
  open: "チャットを開く",
  unread: (n) => `未読メッセージ ${n} 件`,
  close: "チャットを閉じる",
  title: "お問い合わせ",
  messages: "メッセージ",
  placeholder: "メッセージを入力…",
  message: "メッセージ",
  send: "送信",
  attach: "ファイルを添付",
  emoji: "絵文字を入力",
  remove: (name) => `${name} を外す`,
  drop: "ここにドロップして添付",
  typing: (name) => `${name} が入力中…`,
  team: "サポート",
  you: "あなた",
  reconnecting: "再接続しています…",
  waiting: "オフラインです。接続が戻るとメッセージを送信します。",
  sending: "送信中",
  sent: "送信済み",
  read: "既読",
  failed: (why) => `送信できませんでした: ${why}`,
  tooBig: (name, max) => `「${name}」は ${max} を超えています。`,
  badType: (name) => `「${name}」はここでは送れない種類のファイルです。`,
  tooMany: (max) => `一度に添付できるのは ${max} 個までです。`,
  limits: (max) => `1 ファイル ${max} まで。`,
  required: (label) => `${label}は必須です。`,
  badEmail: "name@example.com のようなメールアドレスを入力してください。",
  submit: "送信",
  formSent: "ありがとうございます。回答を送信しました。",
  newMessage: (name, text) => `${name}: ${text}`,
  attachment: "添付ファイル",
  queue: (n, min) => `ただいま ${n} 番目です。あと約 ${min} 分でおつなぎします。`,
  leave: "代わりにメッセージを残す",
  offline: "ただいま受付時間外です。メッセージを残していただければ、メールでお返事します。",
  name: "お名前",
  email: "メールアドレス",
  hours: "受付時間",
  days: "月 火 水 木 金 土 日",
  offlineSent: "ありがとうございます。メールでご連絡します。",
  faqHead: "こちらの記事が役立つかもしれません",
  faqFound: (n) => `ご質問に役立つヘルプ記事が ${n} 件あります。`,
  chat: "チャット",
  tickets: "お問い合わせ履歴",
  newTab: "新しいタブで開く",
  sections: "チャットとお問い合わせ履歴",
};

/** language picks "ja" or "en" from the first of candidates that is set. */
export function language(...candidates: (string | undefined | null)[]): "ja" | "en" {
  const tag = candidates.find((c) => c && c.trim()) ?? "";
  return /^ja\b/i.test(tag.trim()) ? "ja" : "en";
}

export function strings(lang: "ja" | "en"): Strings {
  return lang === "ja" ? ja : en;
}

/** bytes is a size for people: 1.5 MB, 20 KB. */
export function bytes(n: number): string {
  if (n >= 1 << 20) return `${+(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} KB`;
  return `${n} B`;
}
