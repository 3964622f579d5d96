import { useVirtualizer } from "@tanstack/react-virtual";
import { ClaimButton, TransferButton } from "./routing";
import { useEffect, useMemo, useRef, useState, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import type { Conversation, Me, Message } from "../../lib/types";
import { Composer, type ComposerHandle } from "../composer/Composer";
import { CONTACT_PANEL_ID, ContactPanel, useContactPanel } from "../contact/PanelFrame";
import { channelIcon, contactName, useChannels, useConversation, useMarkRead, useMarkUnread, useOperators, usePatchConversation } from "../inbox/api";
import { useMessages, useTyping } from "./api";
import { MessageItem } from "./MessageItem";
import { ConvertButton, TicketSection } from "../tickets/section";
import { WindowIndicator } from "./WindowIndicator";

export function ConversationView({ id, me, composerRef }: { id: string; me: Me; composerRef: RefObject<ComposerHandle | null> }) {
  const { t } = useTranslation("inbox");
  const conv = useConversation(id);
  const markRead = useMarkRead();
  const unread = conv.data?.unread || (conv.data?.unread_count ?? 0) > 0;
  // An open conversation stays read (new messages included) while the tab
  // is visible, until the operator marks it unread.
  const [held, setHeld] = useState(false);
  const reading = markRead.isPending;
  const [panel, setPanel] = useContactPanel();
  const panelToggle = useRef<HTMLButtonElement>(null);
  const closePanel = () => {
    setPanel(false);
    panelToggle.current?.focus();
  };
  useEffect(() => {
    if (conv.data && unread && !held && !reading && document.visibilityState === "visible") markRead.mutate(id);
  }, [conv.data, id, unread, held, reading, markRead]);

  if (conv.isPending) return <div className="empty" role="status">{t("common:loading")}</div>;
  if (conv.isError)
    return (
      <div className="empty" role="alert">
        {conv.error && "status" in conv.error && (conv.error as { status: number }).status === 404 ? t("conversation.notFound") : t("common:error.generic", { message: conv.error.message })}
      </div>
    );
  return (
    <div className="conv-body">
      <section className="conv-pane" aria-label={t("conversation.label", { name: contactName(conv.data, t("contact.anonymous")) })}>
        <ConversationHeader c={conv.data} me={me} onMarkUnread={() => setHeld(true)} panelOpen={panel} panelToggle={panelToggle} onPanel={() => setPanel(!panel)} />
        <TicketSection c={conv.data} />
        <History c={conv.data} me={me} />
        <Composer ref={composerRef} conv={conv.data} />
      </section>
      {panel && <ContactPanel conv={conv.data} me={me} onClose={closePanel} />}
    </div>
  );
}

interface HeaderProps {
  c: Conversation;
  me: Me;
  onMarkUnread: () => void;
  /** whether the customer panel is open, its toggle, and what the toggle does */
  panelOpen: boolean;
  panelToggle: RefObject<HTMLButtonElement | null>;
  onPanel: () => void;
}

function ConversationHeader({ c, me, onMarkUnread, panelOpen, panelToggle, onPanel }: HeaderProps) {
  const { t } = useTranslation("inbox");
  const p = usePatchConversation(c.id);
  const unread = useMarkUnread();
  const ops = useOperators().data ?? [];
  const caps = useChannels().data?.find((ch) => ch.id === c.channel)?.capabilities;
  const name = contactName(c, t("contact.anonymous"));
  const resolved = c.status === "resolved";
  const base = `/api/v1/conversations/${encodeURIComponent(c.id)}/transcript?format=`;
  return (
    <header className="conv-head">
      <div className="conv-title">
        <span aria-hidden="true">{channelIcon(c.channel_type)}</span>
        <h2>{name}</h2>
        <span className={`presence-tag ${c.contact_online ? "on" : ""}`} role="status">
          <span className={`dot ${c.contact_online ? "on" : ""}`} aria-hidden="true" />
          {c.contact_online ? t("contact.online") : t("contact.offline")}
        </span>
        <span className="tag">{t(`status.${c.status}`, { defaultValue: c.status })}</span>
        {c.labels?.map((l) => (
          <span key={l} className="tag label-tag">
            {l}
          </span>
        ))}
        <WindowIndicator c={c} caps={caps} />
      </div>
      <div className="conv-actions">
        <label className="inline-select">
          <span>{t("conversation.assignee")}</span>
          <select value={c.assignee_id ?? ""} onChange={(e) => p.mutate({ assignee_id: e.target.value })} aria-label={t("conversation.assignee")}>
            <option value="">{t("filters.unassigned")}</option>
            {!ops.some((o) => o.id === me.id) && <option value={me.id}>{me.name}</option>}
            {ops.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
            {c.assignee_id && c.assignee_id !== me.id && !ops.some((o) => o.id === c.assignee_id) && <option value={c.assignee_id}>{c.assignee_id}</option>}
          </select>
        </label>
        <ClaimButton c={c} />
        <TransferButton c={c} />
        <ConvertButton c={c} />
        <button
          type="button"
          onClick={() => {
            onMarkUnread();
            unread.mutate(c.id);
          }}
          disabled={c.unread}
        >
          {t("conversation.markUnread")}
        </button>
        <button type="button" className={resolved ? "" : "primary"} onClick={() => p.mutate({ status: resolved ? "open" : "resolved" })} disabled={p.isPending}>
          {resolved ? t("conversation.reopen") : t("conversation.resolve")}
        </button>
        <details className="menu">
          <summary>{t("conversation.transcript")}</summary>
          <div className="menu-items">
            {(["txt", "json", "html"] as const).map((f) => (
              <a key={f} href={base + f} download>
                {t(`conversation.transcriptAs.${f}`)}
              </a>
            ))}
          </div>
        </details>
        <button type="button" ref={panelToggle} className="panel-toggle" aria-expanded={panelOpen} aria-controls={CONTACT_PANEL_ID} onClick={onPanel}>
          <span aria-hidden="true">👤</span> {t("contact:panel.toggle")}
        </button>
      </div>
      {p.error && (
        <p role="alert" className="error small">
          {p.error.message}
        </p>
      )}
    </header>
  );
}

function History({ c, me }: { c: Conversation; me: Me }) {
  const { t } = useTranslation("inbox");
  const msgs = useMessages(c.id);
  const typing = useTyping(c.id);
  const channels = useChannels().data;
  const caps = channels?.find((ch) => ch.id === c.channel)?.capabilities;
  const items = msgs.data ?? [];
  // Reactions name the message they answer by its provider id.
  const byExternal = useMemo(() => {
    const m = new Map<string, Message>();
    for (const x of items) if (x.external_id) m.set(x.external_id, x);
    return m;
  }, [items]);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 72,
    overscan: 10,
    getItemKey: (i) => items[i].id,
  });
  // Stay at the bottom when new messages come (and on opening).
  const atBottom = useRef(true);
  useEffect(() => {
    if (items.length && atBottom.current) v.scrollToIndex(items.length - 1, { align: "end" });
  }, [items.length, v]);
  const onScroll = () => {
    const el = scroller.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };
  const name = contactName(c, t("contact.anonymous"));
  const canDelete = me.role === "admin" || me.role === "supervisor";
  return (
    <div className="history" ref={scroller} onScroll={onScroll} role="log" aria-label={t("conversation.history")} aria-live="polite">
      {msgs.isPending && <div className="empty" role="status">{t("common:loading")}</div>}
      {msgs.isError && (
        <div className="empty" role="alert">
          {t("common:error.generic", { message: msgs.error.message })}
        </div>
      )}
      {msgs.isSuccess && items.length === 0 && <div className="empty">{t("conversation.noMessages")}</div>}
      <div style={{ height: v.getTotalSize(), position: "relative" }}>
        {v.getVirtualItems().map((row) => (
          <div key={row.key} data-index={row.index} ref={v.measureElement} style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}>
            <MessageItem m={items[row.index]} byExternal={byExternal} channelType={c.channel_type} canRetract={!!caps?.retract} canDelete={canDelete} contactName={name} />
          </div>
        ))}
      </div>
      {typing?.text && (
        <div className="typing-preview" role="status" aria-label={t("conversation.typingLabel", { name })}>
          <span className="muted">{t("conversation.typing", { name })}</span>
          <p>{typing.text}</p>
        </div>
      )}
    </div>
  );
}
