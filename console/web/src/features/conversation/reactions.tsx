// Reactions ("Reacted 👍 to “…”", one compact line) and echoes (messages
// the business sent from elsewhere: the page inbox, the phone, another
// app) in the message history.
import { useTranslation } from "react-i18next";
import type { Message } from "../../lib/types";
import { useDelete } from "./api";

/** echoVia is the source of an echo ("page_inbox", "phone", "app:…"), or
 * null for messages written in Switchboard (console, api, slack, e-mail). */
export function echoVia(via: string | undefined): string | null {
  if (!via) return null;
  if (via === "page_inbox" || via === "phone" || via.startsWith("app:")) return via;
  return null;
}

export function EchoTag({ via, channelType }: { via: string; channelType: string }) {
  const { t } = useTranslation("window");
  const channel = t(`channelNames.${channelType}`, { defaultValue: channelType });
  const text = via.startsWith("app:") ? t("via.app", { app: via.slice(4) || "?" }) : t(`via.${via}`, { channel });
  return <span className="tag echo-tag">{text}</span>;
}

/** snippet is how a reacted-to message is named: its first words. */
function snippet(m: Message | undefined): string | null {
  const text = m?.text?.trim();
  if (!text) return null;
  return text.length > 60 ? text.slice(0, 59) + "…" : text;
}

export function ReactionLine({ m, author, byExternal, canDelete }: { m: Message; author: string; byExternal?: Map<string, Message>; canDelete: boolean }) {
  const { t, i18n } = useTranslation("window");
  const remove = useDelete();
  const when = new Date(m.created_at);
  return (
    <div className={`msg-reaction msg-reaction-${m.direction === "in" ? "in" : "out"}`} role="article" aria-label={t("reactionLabel", { author, emoji: m.parts.map((p) => p.reaction?.emoji ?? "").join(" ") })}>
      {m.parts.map((p, i) => {
        const target = snippet(byExternal?.get(p.reaction?.to ?? ""));
        return (
          <span key={i} className="reaction-text">
            <span className="msg-author">{author}</span> {t("reaction", { emoji: p.reaction?.emoji ?? "" })}{" "}
            {target ? <q className="muted">{target}</q> : <span className="muted">{t("earlier")}</span>}
          </span>
        );
      })}
      <time className="muted small" dateTime={m.created_at} title={when.toLocaleString(i18n.language)}>
        {when.toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" })}
      </time>
      {canDelete && (
        <button type="button" className="danger-link small" onClick={() => remove.mutate(m.id)} disabled={remove.isPending}>
          {t("inbox:message.delete")}
        </button>
      )}
    </div>
  );
}
