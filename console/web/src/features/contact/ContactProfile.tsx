// Who the customer is: name, picture, e-mail and phone (verified or not),
// the business's id, the channels they wrote from and when; and the form
// that corrects name, e-mail and phone.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { ContactDetail } from "../../lib/types";
import { ErrorBox } from "../admin/ui";
import { channelIcon, useChannels } from "../inbox/api";
import { usePatchContact } from "./api";
import { EditButton, Fact, FormActions, onEscape } from "./ui";
import { dateTime, languageName } from "./intl";

function Verified({ yes }: { yes?: boolean }) {
  const { t } = useTranslation("contact");
  return yes ? <span className="tag verified" title={t("profile.verifiedHelp")}>✓ {t("profile.verified")}</span> : null;
}

export function ContactProfile({ contact }: { contact: ContactDetail }) {
  const { t, i18n } = useTranslation("contact");
  const channels = useChannels().data ?? [];
  const [editing, setEditing] = useState(false);
  const lang = i18n.language;
  if (editing) return <ProfileForm contact={contact} onDone={() => setEditing(false)} />;
  return (
    <>
      <dl className="facts">
        <Fact label={t("profile.email")}>
          {contact.email ? (
            <span className="value-line">
              <a href={`mailto:${contact.email}`} className="ellipsis" title={contact.email}>{contact.email}</a> <Verified yes={contact.email_verified} />
            </span>
          ) : (
            <span className="muted">{t("profile.none")}</span>
          )}
        </Fact>
        <Fact label={t("profile.phone")}>
          {contact.phone ? (
            <span className="value-line">
              <a href={`tel:${contact.phone}`}>{contact.phone}</a> <Verified yes={contact.phone_verified} />
            </span>
          ) : (
            <span className="muted">{t("profile.none")}</span>
          )}
        </Fact>
        {contact.language && <Fact label={t("profile.language")}>{languageName(contact.language, lang)}</Fact>}
        {contact.external_id && (
          <Fact label={t("profile.externalId")}>
            <code className="ellipsis" title={contact.external_id}>{contact.external_id}</code>
          </Fact>
        )}
        {(contact.identities?.length ?? 0) > 0 && (
          <Fact label={t("profile.channels")}>
            <ul className="plain">
              {contact.identities!.map((id) => {
                const ch = channels.find((c) => c.id === id.channel);
                return (
                  <li key={`${id.channel}/${id.external_id}`}>
                    <span aria-hidden="true">{channelIcon(ch?.type)}</span> {ch?.name ?? id.channel}
                    {id.opted_out && <span className="tag"> {t("profile.optedOut")}</span>}
                  </li>
                );
              })}
            </ul>
          </Fact>
        )}
        {contact.first_contact_at && (
          <Fact label={t("profile.firstContact")}>
            <time dateTime={contact.first_contact_at}>{dateTime(contact.first_contact_at, lang)}</time>
          </Fact>
        )}
        {contact.last_contact_at && (
          <Fact label={t("profile.lastContact")}>
            <time dateTime={contact.last_contact_at}>{dateTime(contact.last_contact_at, lang)}</time>
          </Fact>
        )}
      </dl>
      <EditButton contact={contact} label={t("profile.edit")} onClick={() => setEditing(true)} />
    </>
  );
}

function ProfileForm({ contact, onDone }: { contact: ContactDetail; onDone: () => void }) {
  const { t } = useTranslation("contact");
  const uid = useId();
  const save = usePatchContact(contact.id);
  const [v, setV] = useState({ name: contact.name ?? "", email: contact.email ?? "", phone: contact.phone ?? "" });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(v, { onSuccess: onDone });
  };
  // The customer's details, not the operator's: no autofill.
  const fields = [
    ["name", "text"],
    ["email", "email"],
    ["phone", "tel"],
  ] as const;
  return (
    <form className="panel-form" onSubmit={submit} aria-label={t("profile.editTitle")} onKeyDown={onEscape(onDone)} noValidate>
      {fields.map(([key, type], i) => (
        <div className="field" key={key}>
          <label htmlFor={`${uid}-${key}`}>{t(`profile.${key}`)}</label>
          <input id={`${uid}-${key}`} type={type} autoComplete="off" value={v[key]} autoFocus={i === 0} onChange={(e) => setV({ ...v, [key]: e.target.value })} />
        </div>
      ))}
      <ErrorBox error={save.error} />
      <FormActions pending={save.isPending} onCancel={onDone} />
    </form>
  );
}
