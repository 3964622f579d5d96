import { useTranslation } from "react-i18next";
import { SafeHtml } from "../../components/SafeHtml";
import { ApiError } from "../../lib/api";
import type { Message, Part } from "../../lib/types";
import { channelIcon } from "../inbox/api";
import { useDelete, useRetract, useRetry } from "./api";
import { ActivityLine } from "./routing";
import { EchoTag, echoVia, ReactionLine } from "./reactions";

export function MessageItem({
  m,
  byExternal,
  channelType,
  canRetract,
  canDelete,
  contactName,
}: {
  m: Message;
  /** the conversation's messages by provider id (what reactions point at) */
  byExternal?: Map<string, Message>;
  channelType: string;
  canRetract: boolean;
  canDelete: boolean;
  contactName: string;
}) {
  const { t, i18n } = useTranslation("inbox");
  const retry = useRetry();
  const retract = useRetract();
  const remove = useDelete();
  if (m.direction === "activity") return <ActivityLine m={m} />;
  const kind = m.direction === "note" ? "note" : m.direction === "in" ? "in" : "out";
  const echo = kind === "out" ? echoVia(m.via) : null;
  const author = m.direction === "in" ? contactName : m.author_name || (echo ? t("window:business") : t("message.system"));
  if (!m.deleted_at && m.parts?.length && m.parts.every((p) => p.kind === "reaction")) {
    return <ReactionLine m={m} author={author} byExternal={byExternal} canDelete={canDelete} />;
  }
  const when = new Date(m.created_at);
  const err = retract.error ?? retry.error ?? remove.error;
  const deleted = !!m.deleted_at;
  const retracted = !!m.retracted_at;
  return (
    <article className={`msg msg-${kind}${deleted ? " msg-deleted" : ""}`} aria-label={t(`message.kind.${kind}`, { author })}>
      <header className="msg-head">
        <span className="msg-channel" title={channelType} aria-hidden="true">
          {channelIcon(channelType)}
        </span>
        <span className="msg-author">{author}</span>
        {kind === "note" && <span className="tag note-tag">{t("message.noteTag")}</span>}
        {echo && <EchoTag via={echo} channelType={channelType} />}
        <time dateTime={m.created_at} title={when.toLocaleString(i18n.language)}>
          {when.toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" })}
        </time>
      </header>
      {deleted ? (
        <p className="msg-body muted">{m.deleted_by_name || m.deleted_by ? t("message.deletedBy", { name: m.deleted_by_name || m.deleted_by }) : t("message.erased")}</p>
      ) : (
        <div className={`msg-body${retracted ? " retracted" : ""}`}>
          {(m.parts ?? []).map((p, i) => (
            <PartView key={i} p={p} />
          ))}
          {(!m.parts || m.parts.length === 0) && m.text && <p>{m.text}</p>}
        </div>
      )}
      {kind === "out" && !deleted && (
        <footer className="msg-foot">
          {retracted ? (
            <span className="status retracted">{t("message.retracted")}</span>
          ) : (
            <span className={`status status-${m.status}`}>{t(`delivery.${m.status}`, { defaultValue: m.status })}</span>
          )}
          {m.status === "failed" && m.failure_reason && <span className="error"> — {m.failure_reason}</span>}
          {m.status === "failed" && (
            <button type="button" onClick={() => retry.mutate(m.id)} disabled={retry.isPending}>
              {t("message.retry")}
            </button>
          )}
          {!retracted && (
            <span title={canRetract ? undefined : t("message.retractUnsupported", { channel: channelType })}>
              <button
                type="button"
                onClick={() => retract.mutate(m.id)}
                disabled={!canRetract || retract.isPending || m.status === "pending" || m.status === "failed"}
                aria-label={t("message.retract")}
              >
                {t("message.retract")}
              </button>
            </span>
          )}
          {canDelete && (
            <button type="button" className="danger-link" onClick={() => remove.mutate(m.id)} disabled={remove.isPending}>
              {t("message.delete")}
            </button>
          )}
        </footer>
      )}
      {kind !== "out" && canDelete && !deleted && (
        <footer className="msg-foot">
          <button type="button" className="danger-link" onClick={() => remove.mutate(m.id)} disabled={remove.isPending}>
            {t("message.delete")}
          </button>
        </footer>
      )}
      {err && (
        <p role="alert" className="error small">
          {err instanceof ApiError && err.code === "retract_unsupported" ? t("message.retractUnsupported", { channel: channelType }) : err.message}
        </p>
      )}
    </article>
  );
}

function PartView({ p }: { p: Part }) {
  const { t } = useTranslation("inbox");
  switch (p.kind) {
    case "text":
      return <p className="text">{p.text}</p>;
    case "markdown":
    case "html":
      return p.html !== undefined ? <SafeHtml html={p.html} /> : <p className="text">{p.text}</p>;
    case "image":
      return p.attachment?.url ? (
        <a href={safeUrl(p.attachment.url)} target="_blank" rel="noopener noreferrer">
          <img className="msg-image" src={safeUrl(p.attachment.url)} alt={p.attachment.filename || t("message.image")} loading="lazy" />
        </a>
      ) : null;
    case "file":
    case "audio":
    case "video":
      return (
        <a className="attachment" href={safeUrl(p.attachment?.url)} target="_blank" rel="noopener noreferrer" download>
          📎 {p.attachment?.filename || t(`message.${p.kind}`)}
          {p.attachment?.size ? ` (${Math.ceil(p.attachment.size / 1024)} KB)` : ""}
        </a>
      );
    case "location":
      return (
        <p>
          📍 {p.location?.title || p.location?.address || `${p.location?.latitude}, ${p.location?.longitude}`}
        </p>
      );
    case "sticker":
      return <p>{t("message.sticker")}</p>;
    case "buttons":
      return (
        <div className="rich-buttons">
          {p.text && <p className="text">{p.text}</p>}
          <div className={p.quick_reply ? "quick-replies" : "buttons"} aria-label={p.quick_reply ? t("message.quickReplies") : t("message.buttons")}>
            {(p.buttons ?? []).map((b, i) => (
              <span key={i} className="fake-button">
                {b.label}
                {b.url ? ` ↗ ${b.url}` : ""}
              </span>
            ))}
          </div>
        </div>
      );
    case "form":
      return (
        <div className="rich-form">
          <strong>{p.form?.title || t("message.form")}</strong>
          <ul>
            {(p.form?.fields ?? []).map((f) => (
              <li key={f.name}>
                {f.label} <span className="muted">({f.type || "text"}{f.required ? ", " + t("message.required") : ""})</span>
              </li>
            ))}
          </ul>
          {p.form?.submit_label && <span className="fake-button">{p.form.submit_label}</span>}
        </div>
      );
    case "form_response":
      return (
        <dl className="rich-fields" aria-label={t("message.formResponse")}>
          {(p.form_response?.fields ?? []).map((f) => (
            <div key={f.name}>
              <dt>{f.label || f.name}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      );
    case "link":
      return p.link ? (
        <a className="link-preview" href={safeUrl(p.link.url)} target="_blank" rel="noopener noreferrer nofollow">
          {p.link.image_url && <img src={safeUrl(p.link.image_url)} alt="" loading="lazy" />}
          <span>
            <strong>{p.link.title || p.link.url}</strong>
            {p.link.description && <span className="muted">{p.link.description}</span>}
            <span className="muted small">{p.link.url}</span>
          </span>
        </a>
      ) : null;
    case "template":
      return (
        <p className="muted">
          {t("message.template")}
          {p.template?.name ? `: ${p.template.name}${p.template.language ? ` (${p.template.language})` : ""}` : ""}
        </p>
      );
    default:
      return p.text ? <p className="text">{p.text}</p> : <p className="muted">{t("message.unsupported", { kind: p.kind })}</p>;
  }
}

/** safeUrl lets only http(s), mailto and same-origin URLs into href/src. */
export function safeUrl(u: string | undefined): string | undefined {
  if (!u) return undefined;
  try {
    const url = new URL(u, location.origin);
    if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:") return url.href;
  } catch {
    /* not a URL */
  }
  return undefined;
}
