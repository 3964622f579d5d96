// The customer side panel beside a conversation: who the customer is,
// where they are and what they look at (live from the operator stream),
// the business's attributes and labels, their other conversations, and
// export / merge / erase. Beside the conversation on wide windows, a
// drawer over it on narrow ones.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ContactDetail, Conversation, CustomerContext, Me } from "../../lib/types";
import { usePrivacy } from "../admin/privacy/api";
import { ErrorBox } from "../admin/ui";
import { channelIcon, personName, useChannels } from "../inbox/api";
import { useContact } from "./api";
import { ContactActions } from "./ContactActions";
import { Attributes, Labels } from "./ContactData";
import { ContactProfile } from "./ContactProfile";
import { dateTime } from "./intl";
import { hasVisit, Visit } from "./Visit";
import { VisitorPlace } from "./VisitorPlace";
import { CONTACT_PANEL_ID, WIDE } from "./PanelFrame";
import { onEscape } from "./ui";

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="panel-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** Skeleton reserves the space of lines that are loading. */
function Skeleton({ lines }: { lines: number }) {
  const { t } = useTranslation();
  return (
    <div className="skeleton" role="status">
      <span className="sr-only">{t("loading")}</span>
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} aria-hidden="true" />
      ))}
    </div>
  );
}

function Avatar({ url, name }: { url?: string; name: string }) {
  const [broken, setBroken] = useState(false);
  if (url && !broken) return <img className="avatar" src={url} alt="" referrerPolicy="no-referrer" onError={() => setBroken(true)} />;
  const initials = name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => [...w][0]).join("").toUpperCase();
  return <span className="avatar" aria-hidden="true">{initials || "?"}</span>;
}

export default function ContactPanel({ conv, me, onClose }: { conv: Conversation; me: Me; onClose: () => void }) {
  const { t, i18n } = useTranslation("contact");
  const detail = useContact(conv.contact_id);
  const privacy = usePrivacy().data;
  const channel = useChannels().data?.find((c) => c.id === conv.channel);
  const contact: ContactDetail | undefined = detail.data;
  const context: CustomerContext | undefined = conv.context ?? conv.contact?.context ?? contact?.context;
  const name = personName(contact ?? conv.contact, t("anonymous"));
  const web = conv.channel_type === "webchat";
  // Erasure leaves nothing to show of where they were or what was noted.
  const erased = !!contact?.erased_at;
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    // Opened as a drawer: take the focus into it.
    if (!window.matchMedia(WIDE).matches) ref.current?.focus();
  }, []);
  return (
    <aside id={CONTACT_PANEL_ID} ref={ref} tabIndex={-1} className="contact-panel" aria-label={t("panel.label")} onKeyDown={onEscape(onClose)}>
      <header className="panel-head">
        <Avatar url={contact?.avatar_url ?? conv.contact?.avatar_url} name={name} />
        <div className="panel-who">
          <h2 className="ellipsis" title={name}>{name}</h2>
          <span className="muted small ellipsis">
            <span aria-hidden="true">{channelIcon(conv.channel_type)}</span> {web ? channel?.name ?? conv.channel : t("panel.profileFrom", { channel: t(`channelTypes.${conv.channel_type}`, { defaultValue: conv.channel_type }) })}
          </span>
        </div>
        <button type="button" className="panel-close" onClick={onClose} aria-label={t("panel.close")} title={t("panel.close")}>
          ×
        </button>
      </header>
      {erased && (
        <p className="erased" role="status">
          {t("panel.erased", { when: dateTime(contact?.erased_at, i18n.language) })}
        </p>
      )}
      <Section title={t("panel.contact")}>
        {contact ? <ContactProfile contact={contact} /> : detail.isError ? <ErrorBox error={detail.error} /> : <Skeleton lines={4} />}
      </Section>
      {!erased && hasVisit(context) && (
        <Section title={t("panel.visit")}>
          <Visit context={context} online={conv.contact_online} />
        </Section>
      )}
      {!erased && (web || context?.location || context?.time_zone) && (
        <Section title={t("panel.place")}>
          <VisitorPlace context={context ?? {}} privacy={privacy} />
        </Section>
      )}
      {!erased && (
        <>
          <Section title={t("attributes.title")}>{contact ? <Attributes contact={contact} /> : <Skeleton lines={2} />}</Section>
          <Section title={t("labels.title")}>{contact ? <Labels contact={contact} /> : <Skeleton lines={1} />}</Section>
        </>
      )}
      <Section title={t("conversations.title")}>{contact ? <Conversations contact={contact} current={conv.id} /> : <Skeleton lines={2} />}</Section>
      {contact && (
        <Section title={t("actions.title")}>
          <ContactActions contact={contact} role={me.role} />
        </Section>
      )}
    </aside>
  );
}

function Conversations({ contact, current }: { contact: ContactDetail; current: string }) {
  const { t, i18n } = useTranslation("contact");
  const { t: ti } = useTranslation("inbox");
  const list = [...contact.conversations].sort((a, b) => b.last_activity_at.localeCompare(a.last_activity_at));
  if (list.length === 0) return <p className="muted small">{t("conversations.empty")}</p>;
  return (
    <ul className="contact-convs">
      {list.map((c) => {
        const body = (
          <>
            <span className="cc-top">
              <span aria-hidden="true">{channelIcon(c.channel_type)}</span>
              <span className="tag">{ti(`status.${c.status}`, { defaultValue: c.status })}</span>
              <time dateTime={c.last_activity_at} className="muted small">{dateTime(c.last_activity_at, i18n.language)}</time>
            </span>
            <span className="cc-last ellipsis">{c.last_message || t("conversations.noMessage")}</span>
          </>
        );
        return (
          <li key={c.id}>
            {c.id === current ? (
              <span className="cc current" aria-current="page">
                {body}
                <span className="muted small">{t("conversations.current")}</span>
              </span>
            ) : (
              <Link className="cc" to={`/conversations/${encodeURIComponent(c.id)}`}>
                {body}
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}
