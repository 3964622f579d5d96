package notify

import (
	"context"
	"fmt"
	"strconv"

	"github.com/switchboardhq/switchboard"
)

// Channel trouble (issue 16): a channel.status event whose state needs an
// admin (switchboard.ChannelState.Trouble: credentials refused, a linked
// device logged out, an outdated client, a temporary ban) tells every
// enabled admin of the workspace by e-mail and Web Push, linking to the
// channels screen. One row per (incident, admin, method): the key names
// the state and when it began, so the reporter's repeats, the event's
// redeliveries and every instance's copy of it are one notification.
// Pairing and reconnecting are not trouble: the console shows them.

// channelTroubleMethods are how admins hear of a broken channel (the
// console shows the status itself from the event stream).
var channelTroubleMethods = []switchboard.NotifyMethod{switchboard.NotifyEmail, switchboard.NotifyPush}

// channelTrouble stores the notifications of a channel.status event.
func (n *Notifier) channelTrouble(ctx context.Context, ev switchboard.Event) error {
	st := ev.Channel
	if st == nil || !st.State.Trouble() {
		return nil
	}
	name := string(st.ChannelID)
	if ch, err := n.store.GetChannel(ctx, st.ChannelID); err == nil && ch.WorkspaceID == ev.WorkspaceID && ch.Name != "" {
		name = ch.Name
	}
	ops, err := n.store.ListOperators(ctx, ev.WorkspaceID)
	if err != nil {
		return fmt.Errorf("list operators: %w", err)
	}
	e := pending{
		kind:        switchboard.NotifyChannelTrouble,
		key:         "channel:" + string(st.ChannelID) + ":" + string(st.State) + ":" + strconv.FormatInt(st.Since.UnixNano(), 10),
		methods:     channelTroubleMethods,
		conv:        switchboard.Conversation{WorkspaceID: ev.WorkspaceID},
		channel:     st,
		channelName: name,
		url:         n.cfg.PublicURL + "/admin/channels",
	}
	for _, op := range ops {
		if op.Role == switchboard.RoleAdmin && !op.Disabled {
			e.recipients = append(e.recipients, op.ID)
		}
	}
	if len(e.recipients) == 0 {
		return nil
	}
	rows, err := n.rows(ctx, e)
	if err != nil {
		return err
	}
	stored, err := n.store.EnqueueNotifications(ctx, rows)
	if err != nil {
		return fmt.Errorf("enqueue channel notifications: %w", err)
	}
	if stored > 0 {
		n.Kick()
	}
	return nil
}

// channelTroubleText is what an admin reads about a broken channel.
func channelTroubleText(ja bool, e pending) text {
	st, name := e.channel, e.channelName
	var t text
	switch st.State {
	case switchboard.ChannelCredentialsBroken:
		t.subject = pick(ja, "チャネル「"+name+"」の認証情報が拒否されました", "Channel "+name+": the provider refused its credentials")
		t.body = pick(ja, "このチャネルからは送信できません。チャネル設定でトークンを更新してください。", "Nothing can be sent through it until an admin updates its token in the channel settings.")
	case switchboard.ChannelLoggedOut:
		t.subject = pick(ja, "チャネル「"+name+"」のWhatsApp連携が解除されました", "Channel "+name+": the WhatsApp device was logged out")
		t.body = pick(ja, "スマートフォンでリンク済みデバイスが削除されました。チャネル設定でQRコードを読み取り、もう一度リンクしてください。", "The phone removed the linked device. Scan the QR code in the channel settings to link it again.")
	case switchboard.ChannelOutdatedClient:
		t.subject = pick(ja, "チャネル「"+name+"」: WhatsAppがクライアントのバージョンを拒否しました", "Channel "+name+": WhatsApp refuses the client version")
		t.body = pick(ja, "Switchboardを更新してください。それまでメッセージは届きません。", "Update Switchboard; until then no messages arrive or leave.")
	case switchboard.ChannelTemporaryBan:
		until := ""
		if st.Until != nil {
			until = st.Until.UTC().Format("2006-01-02 15:04 UTC")
		}
		t.subject = pick(ja, "チャネル「"+name+"」: WhatsAppが番号を一時停止しました", "Channel "+name+": WhatsApp banned the number for a while")
		t.body = pick(ja, "解除予定: "+until, "The ban ends at "+until+".")
		if until == "" {
			t.body = pick(ja, "解除時刻は不明です。", "WhatsApp did not say when it ends.")
		}
	}
	if st.Reason != "" {
		t.body += "\n" + pick(ja, "詳細: ", "Details: ") + st.Reason
	}
	return t
}
