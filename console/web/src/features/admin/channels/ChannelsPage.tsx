// Admin screen: the workspace's channels, adding one from the form the hub
// describes (GET /api/v1/channel-types), editing, pausing and removing.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { ConfirmButton, CopyButton, ErrorBox, Page, QueryState, RoleGate, AdminTable } from "../ui";
import "../screens.css";
import { pairing, useAdminChannels, useChannelTypes, useDeleteChannel, useSaveChannel, type AdminChannel, type ChannelType, type ConfigField } from "./api";
import { DevicePairing, HealthBadge, SyncTemplatesButton } from "./Health";

export default function ChannelsPage() {
  return (
    <RoleGate roles={["admin"]}>
      <Channels />
    </RoleGate>
  );
}

function Channels() {
  const { t } = useTranslation("admin");
  const channels = useAdminChannels();
  const [editing, setEditing] = useState<AdminChannel | "new" | null>(null);
  const [notice, setNotice] = useState("");
  const items = channels.data ?? [];
  return (
    <Page
      title={t("channels.title")}
      intro={t("channels.intro")}
      actions={
        editing === null && (
          <button type="button" className="primary" onClick={() => { setEditing("new"); setNotice(""); }}>
            {t("channels.add")}
          </button>
        )
      }
    >
      {notice && <p role="status" className="notice">{notice}</p>}
      {editing !== null && (
        <ChannelForm
          key={editing === "new" ? "new" : editing.id}
          channel={editing === "new" ? undefined : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) setNotice(t("channels.saved", { name: saved.name || saved.id }));
          }}
        />
      )}
      {items.filter(pairing).map((c) => (
        <DevicePairing key={c.id} c={c} />
      ))}
      <QueryState loading={channels.isPending} error={channels.error} empty={items.length === 0} emptyText={t("channels.empty")} />
      {items.length > 0 && <ChannelTable items={items} onEdit={(c) => { setEditing(c); setNotice(""); }} />}
    </Page>
  );
}

function ChannelTable({ items, onEdit }: { items: AdminChannel[]; onEdit: (c: AdminChannel) => void }) {
  const { t } = useTranslation("admin");
  const save = useSaveChannel();
  const remove = useDeleteChannel();
  const types = useChannelTypes();
  return (
    <>
      <ErrorBox error={save.error || remove.error} />
      <AdminTable caption={t("channels.title")} columns={[t("channels.name"), t("channels.type"), t("channels.status"), t("channels.webhook"), t("actions")]}>
          {items.map((c) => (
            <tr role="row" key={c.id}>
              <td role="cell">
                <strong>{c.name || c.id}</strong>
                <div className="muted small">{c.id}</div>
              </td>
              <td role="cell">{typeName(t, c.type, types.data?.find((x) => x.type === c.type)?.name)}</td>
              <td role="cell">
                <span className={c.paused ? "status-paused" : "status-active"}>{c.paused ? t("channels.paused") : t("channels.active")}</span>
                {!c.paused && !c.running && <div className="muted small">{t("channels.stopped")}</div>}
                {c.status && <HealthBadge status={c.status} />}
              </td>
              <td role="cell">
                {c.webhook_url ? (
                  <span className="copy-row">
                    <code>{c.webhook_url}</code>
                    <CopyButton value={c.webhook_url} />
                  </span>
                ) : (
                  <span className="muted">{t("channels.noWebhook")}</span>
                )}
              </td>
              <td role="cell">
                <span className="row">
                  <button type="button" onClick={() => onEdit(c)} aria-label={`${t("edit")}: ${c.name || c.id}`}>
                    {t("edit")}
                  </button>
                  <button
                    type="button"
                    disabled={save.isPending}
                    onClick={() => save.mutate({ id: c.id, create: false, body: { paused: !c.paused } })}
                    aria-label={`${c.paused ? t("channels.resume") : t("channels.pause")}: ${c.name || c.id}`}
                  >
                    {c.paused ? t("channels.resume") : t("channels.pause")}
                  </button>
                  <ConfirmButton
                    label={t("channels.remove")}
                    confirmLabel={t("channels.removeConfirm")}
                    question={t("channels.removeQuestion", { name: c.name || c.id })}
                    busy={remove.isPending}
                    onConfirm={() => remove.mutate(c.id)}
                  />
                </span>
                {c.type === "whatsapp" && c.config?.mode !== "device" && <SyncTemplatesButton c={c} />}
              </td>
            </tr>
          ))}
</AdminTable>
    </>
  );
}

/** typeName is a channel type's name, translated when admin.json has it. */
function typeName(t: TFunction<"admin">, type: string, name?: string) {
  return t(`channels.typeNames.${type}`, { defaultValue: name ?? type });
}

type Values = Record<string, string | boolean>;

/** initialValue is how a stored config value shows in the form. */
function initialValue(f: ConfigField, v: unknown): string | boolean {
  if (f.kind === "bool") return v === true;
  if (f.secret || v === undefined || v === null) return "";
  if (f.kind === "list" && Array.isArray(v)) return v.join(", ");
  if (f.kind === "object") return JSON.stringify(v, null, 2);
  return String(v);
}

/** toJSON turns a form value into the config value the hub expects. */
function toJSON(f: ConfigField, v: string | boolean, invalid: (key: string) => never): unknown {
  if (f.kind === "bool") return v === true;
  const s = String(v).trim();
  if (s === "") return undefined;
  switch (f.kind) {
    case "list":
      return s.split(",").map((x) => x.trim()).filter(Boolean);
    case "number":
    case "int":
      return Number(s);
    case "object":
      try {
        return JSON.parse(s);
      } catch {
        return invalid(f.key);
      }
    default:
      return s;
  }
}

function ChannelForm({ channel, onDone }: { channel?: AdminChannel; onDone: (saved?: AdminChannel) => void }) {
  const { t } = useTranslation("admin");
  const uid = useId();
  const types = useChannelTypes();
  const save = useSaveChannel();
  const creating = !channel;
  const [type, setType] = useState(channel?.type ?? "");
  const [id, setId] = useState(channel?.id ?? "");
  const [name, setName] = useState(channel?.name ?? "");
  const [paused, setPaused] = useState(false);
  const [check, setCheck] = useState(false);
  const [localError, setLocalError] = useState("");
  const ct: ChannelType | undefined = types.data?.find((x) => x.type === type);
  const initial: Values = {};
  for (const f of ct?.fields ?? []) initial[f.key] = initialValue(f, channel?.config?.[f.key]);
  const [values, setValues] = useState<Values>({});
  const value = (k: string) => (k in values ? values[k] : initial[k]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLocalError("");
    if (!ct) return;
    const config: Record<string, unknown> = {};
    try {
      for (const f of ct.fields) {
        const v = value(f.key);
        const out = toJSON(f, v, (key) => {
          throw new Error(t("channels.invalidJson", { field: "config." + key }));
        });
        if (creating) {
          if (out !== undefined) config[f.key] = out;
        } else if (f.secret) {
          if (out !== undefined) config[f.key] = out; // blank keeps the stored secret
        } else if (f.key in values && v !== initial[f.key]) {
          config[f.key] = out === undefined ? null : out;
        }
      }
    } catch (err) {
      setLocalError((err as Error).message);
      return;
    }
    const body = creating ? { id: id.trim(), type, name: name.trim(), paused, config, check } : { name: name.trim(), config, check };
    save.mutate({ id: channel?.id ?? id.trim(), create: creating, body }, { onSuccess: (saved) => onDone(saved) });
  };

  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby={uid + "-title"} onKeyDown={(e) => e.key === "Escape" && onDone()}>
      <h2 id={uid + "-title"}>{creating ? t("channels.addTitle") : t("channels.editTitle", { name: channel.name || channel.id })}</h2>
      <div className="field">
        <label htmlFor={uid + "-type"}>{t("channels.type")}</label>
        <select id={uid + "-type"} value={type} required autoFocus={creating} disabled={!creating || types.isPending} onChange={(e) => { setType(e.target.value); setValues({}); }}>
          <option value="">{types.isPending ? t("channels.typesLoading") : t("channels.chooseType")}</option>
          {(types.data ?? []).map((x) => (
            <option key={x.type} value={x.type}>
              {typeName(t, x.type, x.name)}
            </option>
          ))}
        </select>
        <ErrorBox error={types.error} />
      </div>
      {creating && (
        <div className="field">
          <label htmlFor={uid + "-id"}>{t("channels.id")}</label>
          <input id={uid + "-id"} type="text" value={id} required pattern="[a-z0-9_\-]{1,63}" autoComplete="off" aria-describedby={uid + "-id-help"} onChange={(e) => setId(e.target.value)} />
          <p className="field-help" id={uid + "-id-help"}>{t("channels.idHelp")}</p>
        </div>
      )}
      <div className="field">
        <label htmlFor={uid + "-name"}>{t("channels.name")}</label>
        <input id={uid + "-name"} type="text" value={name} autoFocus={!creating} onChange={(e) => setName(e.target.value)} />
      </div>
      {ct?.fields.map((f) => (
        <ConfigInput key={f.key} uid={uid} type={type} field={f} editing={!creating} value={value(f.key)} onChange={(v) => setValues((old) => ({ ...old, [f.key]: v }))} />
      ))}
      {creating && (
        <label className="check-row">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> {t("channels.startPaused")}
        </label>
      )}
      <label className="check-row">
        <input type="checkbox" checked={check} onChange={(e) => setCheck(e.target.checked)} /> {t("channels.check")}
      </label>
      {localError && <p className="error" role="alert">{localError}</p>}
      <ErrorBox error={save.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending || !ct}>
          {save.isPending ? t("saving") : creating ? t("channels.create") : t("save")}
        </button>
        <button type="button" onClick={() => onDone()}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}

function ConfigInput({ uid, type, field, editing, value, onChange }: { uid: string; type: string; field: ConfigField; editing: boolean; value: string | boolean; onChange: (v: string | boolean) => void }) {
  const { t } = useTranslation("admin");
  // The hub describes its fields in English; admin.json may translate them.
  const f = {
    ...field,
    label: t(`channels.fields.${type}.${field.key}.label`, { defaultValue: field.label }),
    help: field.help && t(`channels.fields.${type}.${field.key}.help`, { defaultValue: field.help }),
  };
  const id = `${uid}-cfg-${f.key}`;
  const helps = [f.help, f.secret ? (editing ? t("channels.secretKeep") : t("channels.secretSet")) : "", f.kind === "list" ? t("channels.listHelp") : "", f.kind === "object" ? t("channels.objectHelp") : "", f.kind === "duration" ? t("channels.durationHelp") : ""].filter(Boolean);
  const help = helps.length > 0 ? <p className="field-help" id={id + "-help"}>{helps.join(t("channels.helpSep"))}</p> : null;
  const describedBy = help ? id + "-help" : undefined;
  if (f.kind === "bool") {
    return (
      <div className="field">
        <label className="check-row" htmlFor={id}>
          <input id={id} type="checkbox" checked={value === true} aria-describedby={describedBy} onChange={(e) => onChange(e.target.checked)} /> {f.label}
        </label>
        {help}
      </div>
    );
  }
  const required = f.required && !(f.secret && editing);
  const common = { id, value: String(value), required, "aria-describedby": describedBy };
  return (
    <div className="field">
      <label htmlFor={id}>
        {f.label}
        {f.required && <span aria-hidden="true"> *</span>}
      </label>
      {f.kind === "object" ? (
        <textarea {...common} onChange={(e) => onChange(e.target.value)} spellCheck={false} />
      ) : (
        <input
          {...common}
          type={f.secret ? "password" : f.kind === "number" || f.kind === "int" ? "number" : "text"}
          step={f.kind === "number" ? "any" : undefined}
          autoComplete={f.secret ? "new-password" : "off"}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {help}
    </div>
  );
}
