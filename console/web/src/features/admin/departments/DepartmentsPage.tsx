// Admin screen: departments — list, add, edit (members, assignment, limits,
// business hours, what closed departments tell visitors, notifications).
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useAdminOperators } from "../operators/api";
import { AdminTable, ConfirmButton, ErrorBox, Page, QueryState, RoleGate } from "../ui";
import "../screens.css";
import "./routing.css";
import { HoursEditor } from "./HoursEditor";
import { SlaEditor } from "./SlaEditor";
import {
  NOTIFY_EVENTS,
  NOTIFY_METHODS,
  WEEKDAYS,
  useDeleteDepartment,
  useDepartments,
  useSaveDepartment,
  type Assignment,
  type DepartmentFull,
  type DepartmentInput,
  type OfflineMode,
} from "./api";

const MODES: Assignment[] = ["round_robin", "least_busy", "manual"];
const OFFLINE: OfflineMode[] = ["form", "banner", "queue"];
const LANGS = ["ja", "en"] as const;

export default function DepartmentsPage() {
  return (
    <RoleGate roles={["admin"]}>
      <Departments />
    </RoleGate>
  );
}

function Departments() {
  const { t } = useTranslation("routing");
  const depts = useDepartments();
  const ops = useAdminOperators();
  const remove = useDeleteDepartment();
  const [editing, setEditing] = useState<DepartmentFull | "new" | null>(null);
  const [notice, setNotice] = useState("");
  const items = depts.data ?? [];
  const opName = (id: string) => ops.data?.find((o) => o.id === id)?.name ?? id;
  return (
    <Page
      title={t("departments.title")}
      intro={t("departments.intro")}
      actions={editing === null && <button type="button" className="primary" onClick={() => { setEditing("new"); setNotice(""); }}>{t("departments.add")}</button>}
    >
      {notice && <p role="status" className="notice">{notice}</p>}
      {editing !== null && (
        <DepartmentForm
          key={editing === "new" ? "new" : editing.id}
          department={editing === "new" ? undefined : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) setNotice(t("departments.saved", { name: saved.name }));
          }}
        />
      )}
      <QueryState loading={depts.isPending} error={depts.error} empty={items.length === 0} emptyText={t("departments.empty")} />
      <ErrorBox error={remove.error} />
      {items.length > 0 && (
        <AdminTable caption={t("departments.title")} columns={[t("departments.name"), t("departments.members"), t("departments.assignment"), t("hours.title"), t("actions")]}>
          {items.map((d) => (
            <tr role="row" key={d.id}>
              <td role="cell">
                <strong>{d.name}</strong>
                {d.default && <span className="chip">{t("departments.default")}</span>}
              </td>
              <td role="cell">
                {(d.member_ids ?? []).length === 0 ? <span className="muted">{t("departments.noMembers")}</span> : (d.member_ids ?? []).map((m) => <span key={m} className="chip">{opName(m)}</span>)}
              </td>
              <td role="cell">
                {t("assignment." + (d.assignment || "round_robin"))}
                <div className="muted small">{t("departments.maxChatsValue", { count: d.max_chats || 5 })}</div>
              </td>
              <td role="cell">{d.hours ? <HoursSummary d={d} /> : t("hours.alwaysOpen")}</td>
              <td role="cell">
                <span className="row">
                  <button type="button" aria-label={`${t("edit")}: ${d.name}`} onClick={() => { setEditing(d); setNotice(""); }}>{t("edit")}</button>
                  {!d.default && (
                    <ConfirmButton label={t("delete")} confirmLabel={t("delete")} question={t("departments.deleteQuestion", { name: d.name })} busy={remove.isPending} onConfirm={() => remove.mutate(d.id)} />
                  )}
                </span>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
    </Page>
  );
}

function HoursSummary({ d }: { d: DepartmentFull }) {
  const { t } = useTranslation("routing");
  const h = d.hours!;
  const days = WEEKDAYS.map((k) => [k, h.weekly[k]] as const).filter(([, r]) => r && r.length > 0);
  return (
    <>
      <div className="small">{h.time_zone}</div>
      <div className="muted small">{days.map(([k, r]) => `${t("days." + k)} ${r!.map((x) => `${x.from}–${x.to}`).join(", ")}`).join(" · ")}</div>
    </>
  );
}

function DepartmentForm({ department, onDone }: { department?: DepartmentFull; onDone: (saved?: DepartmentFull) => void }) {
  const { t } = useTranslation("routing");
  const uid = useId();
  const save = useSaveDepartment();
  const ops = useAdminOperators();
  const [v, setV] = useState<DepartmentInput>(() => ({
    name: department?.name ?? "",
    member_ids: department?.member_ids ?? [],
    assignment: department?.assignment || "round_robin",
    max_chats: department?.max_chats ?? 5,
    hours: department?.hours ?? null,
    offline: { mode: "form", when_nobody_online: false, message: {}, auto_reply: {}, ...department?.offline },
    default_wait_seconds: department?.default_wait_seconds || 120,
    queue_auto_text: department?.queue_auto_text ?? false,
    notify: department?.notify ?? { new_conversation: ["email", "push", "browser"], new_message: ["push", "browser"], transfer: ["email", "push", "browser"], waiting: [], waiting_minutes: 0 },
    sla: { first_reply_minutes: 0, resolution_minutes: 0, ...department?.sla },
  }));
  const set = (p: Partial<DepartmentInput>) => setV((o) => ({ ...o, ...p }));
  const setOffline = (p: Partial<DepartmentInput["offline"]>) => setV((o) => ({ ...o, offline: { ...o.offline, ...p } }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ id: department?.id, body: { ...v, name: v.name.trim() } }, { onSuccess: (saved) => onDone(saved) });
  };
  return (
    <form className="admin-form dept-form" onSubmit={submit} aria-labelledby={uid + "-title"} onKeyDown={(e) => e.key === "Escape" && onDone()}>
      <h2 id={uid + "-title"}>{department ? t("departments.editTitle", { name: department.name }) : t("departments.addTitle")}</h2>
      <div className="field">
        <label htmlFor={uid + "-name"}>{t("departments.name")}</label>
        <input id={uid + "-name"} type="text" value={v.name} required autoFocus onChange={(e) => set({ name: e.target.value })} />
      </div>
      <fieldset className="fieldset-plain">
        <legend>{t("departments.members")}</legend>
        {(ops.data ?? []).length === 0 ? (
          <p className="muted small">{t("departments.noOperators")}</p>
        ) : (
          <div className="dept-list">
            {(ops.data ?? []).map((o) => (
              <label key={o.id} className="check-row">
                <input
                  type="checkbox"
                  checked={(v.member_ids ?? []).includes(o.id)}
                  onChange={(e) => set({ member_ids: e.target.checked ? [...(v.member_ids ?? []), o.id] : (v.member_ids ?? []).filter((x) => x !== o.id) })}
                />
                {o.name}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={uid + "-mode"}>{t("departments.assignment")}</label>
          <select id={uid + "-mode"} value={v.assignment} onChange={(e) => set({ assignment: e.target.value as Assignment })}>
            {MODES.map((m) => <option key={m} value={m}>{t("assignment." + m)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={uid + "-max"}>{t("departments.maxChats")}</label>
          <input id={uid + "-max"} type="number" min={0} max={100} value={v.max_chats} aria-describedby={uid + "-max-help"} onChange={(e) => set({ max_chats: Number(e.target.value) })} />
          <p className="field-help" id={uid + "-max-help"}>{t("departments.maxChatsHelp")}</p>
        </div>
        <div className="field">
          <label htmlFor={uid + "-wait"}>{t("departments.defaultWait")}</label>
          <input id={uid + "-wait"} type="number" min={0} value={v.default_wait_seconds} aria-describedby={uid + "-wait-help"} onChange={(e) => set({ default_wait_seconds: Number(e.target.value) })} />
          <p className="field-help" id={uid + "-wait-help"}>{t("departments.defaultWaitHelp")}</p>
        </div>
      </div>
      <label className="check-row">
        <input type="checkbox" checked={v.queue_auto_text} onChange={(e) => set({ queue_auto_text: e.target.checked })} />
        {t("departments.queueAutoText")}
      </label>
      <HoursEditor value={v.hours ?? null} onChange={(h) => set({ hours: h })} />
      <SlaEditor value={v.sla ?? { first_reply_minutes: 0, resolution_minutes: 0 }} onChange={(sla) => set({ sla })} />
      <fieldset className="fieldset-plain">
        <legend>{t("offline.title")}</legend>
        <div className="field">
          <label htmlFor={uid + "-omode"}>{t("offline.mode")}</label>
          <select id={uid + "-omode"} value={v.offline.mode} onChange={(e) => setOffline({ mode: e.target.value as OfflineMode })}>
            {OFFLINE.map((m) => <option key={m} value={m}>{t("offline.modes." + m)}</option>)}
          </select>
        </div>
        <label className="check-row">
          <input type="checkbox" checked={v.offline.when_nobody_online} onChange={(e) => setOffline({ when_nobody_online: e.target.checked })} />
          {t("offline.whenNobodyOnline")}
        </label>
        <div className="form-grid lang-grid">
          {LANGS.map((l) => (
            <div className="field" key={"m" + l}>
              <label htmlFor={`${uid}-msg-${l}`}>{t("offline.message", { lang: t("lang." + l) })}</label>
              <textarea id={`${uid}-msg-${l}`} lang={l} value={v.offline.message?.[l] ?? ""} onChange={(e) => setOffline({ message: { ...v.offline.message, [l]: e.target.value } })} />
            </div>
          ))}
          {LANGS.map((l) => (
            <div className="field" key={"a" + l}>
              <label htmlFor={`${uid}-auto-${l}`}>{t("offline.autoReply", { lang: t("lang." + l) })}</label>
              <textarea id={`${uid}-auto-${l}`} lang={l} value={v.offline.auto_reply?.[l] ?? ""} onChange={(e) => setOffline({ auto_reply: { ...v.offline.auto_reply, [l]: e.target.value } })} />
            </div>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset-plain">
        <legend>{t("notify.title")}</legend>
        <table className="notify-grid">
          <caption className="sr-only">{t("notify.title")}</caption>
          <thead>
            <tr>
              <td />
              {NOTIFY_METHODS.map((m) => <th scope="col" key={m}>{t("notify.methods." + m)}</th>)}
            </tr>
          </thead>
          <tbody>
            {NOTIFY_EVENTS.map((ev) => (
              <tr key={ev}>
                <th scope="row">{t("notify.events." + ev)}</th>
                {NOTIFY_METHODS.map((m) => (
                  <td key={m}>
                    <input
                      type="checkbox"
                      aria-label={`${t("notify.events." + ev)}: ${t("notify.methods." + m)}`}
                      checked={(v.notify[ev] ?? []).includes(m)}
                      onChange={(e) => set({ notify: { ...v.notify, [ev]: e.target.checked ? [...(v.notify[ev] ?? []), m] : (v.notify[ev] ?? []).filter((x) => x !== m) } })}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <div className="field">
          <label htmlFor={uid + "-wm"}>{t("notify.waitingMinutes")}</label>
          <input id={uid + "-wm"} type="number" min={0} className="narrow-number" value={v.notify.waiting_minutes ?? 0} onChange={(e) => set({ notify: { ...v.notify, waiting_minutes: Number(e.target.value) } })} />
        </div>
      </fieldset>
      <ErrorBox error={save.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{save.isPending ? t("saving") : department ? t("save") : t("departments.create")}</button>
        <button type="button" onClick={() => onDone()}>{t("cancel")}</button>
      </div>
    </form>
  );
}
