// Admin screen: routing rules — an ordered list (drag, or the move
// buttons, to reorder; first match wins), add / edit, and a box that asks
// the hub which rule and department a made-up conversation would get.
import { useId, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ConfirmButton, ErrorBox, Page, QueryState, RoleGate } from "../ui";
import "../screens.css";
import "../departments/routing.css";
import { useAdminOperators } from "../operators/api";
import { useDeleteRule, useDepartments, useReorderRules, useRules, useSaveRule, useTestRules, type RoutingRule, type RuleTestInput } from "../departments/api";

export default function RulesPage() {
  return (
    <RoleGate roles={["admin"]}>
      <Rules />
    </RoleGate>
  );
}

const split = (s: string) => s.split(/[,、\n]/).map((x) => x.trim()).filter(Boolean);

function Rules() {
  const { t } = useTranslation("routing");
  const rules = useRules();
  const depts = useDepartments();
  const reorder = useReorderRules();
  const remove = useDeleteRule();
  const [editing, setEditing] = useState<RoutingRule | "new" | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const [overId, setOverId] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");
  const items = rules.data ?? [];
  const deptName = (id?: string) => (id ? depts.data?.find((d) => d.id === id)?.name ?? id : t("rules.noDepartment"));
  const move = (from: number, to: number) => {
    if (to < 0 || to >= items.length || from === to) return;
    const ids = items.map((r) => r.id);
    const [id] = ids.splice(from, 1);
    ids.splice(to, 0, id);
    reorder.mutate(ids);
    setAnnounce(t("rules.moved", { name: items[from].name, position: to + 1 }));
  };
  return (
    <Page
      title={t("rules.title")}
      intro={t("rules.intro")}
      actions={editing === null && <button type="button" className="primary" onClick={() => setEditing("new")}>{t("rules.add")}</button>}
    >
      <p className="sr-only" role="status" aria-live="polite">{announce}</p>
      {editing !== null && <RuleForm key={editing === "new" ? "new" : editing.id} rule={editing === "new" ? undefined : editing} onDone={() => setEditing(null)} />}
      <QueryState loading={rules.isPending} error={rules.error} empty={items.length === 0} emptyText={t("rules.empty")} />
      <ErrorBox error={reorder.error ?? remove.error} />
      {items.length > 0 && (
        <ol className="rule-list" aria-label={t("rules.title")}>
          {items.map((r, i) => (
            <li
              key={r.id}
              className={`rule-item${dragId === r.id ? " dragging" : ""}${overId === r.id && dragId !== r.id ? " drop-target" : ""}`}
              draggable
              onDragStart={(e) => { setDragId(r.id); e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", r.id); }}
              onDragOver={(e) => { e.preventDefault(); setOverId(r.id); }}
              onDragLeave={() => setOverId((o) => (o === r.id ? null : o))}
              onDrop={(e) => {
                e.preventDefault();
                const from = items.findIndex((x) => x.id === (dragId ?? e.dataTransfer.getData("text/plain")));
                if (from >= 0) move(from, i);
                setDragId(null);
                setOverId(null);
              }}
              onDragEnd={() => { setDragId(null); setOverId(null); }}
            >
              <span className="rule-handle" aria-hidden="true" title={t("rules.drag")}>⠿</span>
              <span className="rule-pos">{i + 1}</span>
              <div className="rule-body">
                <strong>{r.name}</strong>
                <div className="muted small">{describeMatch(r, t)}</div>
                <div className="small">→ {deptName(r.action.department_id)}{r.action.priority ? ` · ${t("rules.priorityValue", { n: r.action.priority })}` : ""}{(r.action.labels ?? []).map((l) => <span key={l} className="chip chip-after">{l}</span>)}</div>
              </div>
              <span className="row">
                <button type="button" aria-label={`${t("rules.moveUp")}: ${r.name}`} disabled={i === 0 || reorder.isPending} onClick={() => move(i, i - 1)}>↑</button>
                <button type="button" aria-label={`${t("rules.moveDown")}: ${r.name}`} disabled={i === items.length - 1 || reorder.isPending} onClick={() => move(i, i + 1)}>↓</button>
                <button type="button" aria-label={`${t("edit")}: ${r.name}`} onClick={() => setEditing(r)}>{t("edit")}</button>
                <ConfirmButton label={t("delete")} confirmLabel={t("delete")} question={t("rules.deleteQuestion", { name: r.name })} busy={remove.isPending} onConfirm={() => remove.mutate(r.id)} />
              </span>
            </li>
          ))}
        </ol>
      )}
      <RuleTest rules={items} deptName={deptName} />
    </Page>
  );
}

function describeMatch(r: RoutingRule, t: (k: string, o?: Record<string, unknown>) => string): string {
  const m = r.match;
  const parts: string[] = [];
  if (m.channel) parts.push(`${t("rules.channel")}: ${m.channel}`);
  if (m.channel_type) parts.push(`${t("rules.channelType")}: ${m.channel_type}`);
  if (m.language) parts.push(`${t("rules.language")}: ${m.language}`);
  if (m.page_url) parts.push(`${t("rules.pageUrl")}: ${m.page_url}`);
  if (m.keywords?.length) parts.push(`${t("rules.keywords")}: ${m.keywords.join(", ")}`);
  if (m.labels?.length) parts.push(`${t("rules.labels")}: ${m.labels.join(", ")}`);
  for (const [k, v] of Object.entries(m.attributes ?? {})) parts.push(`${k}=${v}`);
  return parts.length ? parts.join(" · ") : t("rules.matchAll");
}

function RuleForm({ rule, onDone }: { rule?: RoutingRule; onDone: () => void }) {
  const { t } = useTranslation("routing");
  const uid = useId();
  const save = useSaveRule();
  const depts = useDepartments();
  const ops = useAdminOperators();
  const m = rule?.match ?? {};
  const a = rule?.action ?? {};
  const [f, setF] = useState({
    name: rule?.name ?? "",
    channel: m.channel ?? "",
    channel_type: m.channel_type ?? "",
    language: m.language ?? "",
    page_url: m.page_url ?? "",
    keywords: (m.keywords ?? []).join(", "),
    labels: (m.labels ?? []).join(", "),
    attributes: Object.entries(m.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join("\n"),
    department_id: a.department_id ?? "",
    priority: a.priority ?? 0,
    action_labels: (a.labels ?? []).join(", "),
    assignee_id: a.assignee_id ?? "",
  });
  const set = (p: Partial<typeof f>) => setF((o) => ({ ...o, ...p }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const attributes: Record<string, string> = {};
    for (const line of f.attributes.split("\n")) {
      const i = line.indexOf("=");
      if (i > 0) attributes[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
    const body = {
      name: f.name.trim(),
      match: {
        ...(f.channel.trim() && { channel: f.channel.trim() }),
        ...(f.channel_type.trim() && { channel_type: f.channel_type.trim() }),
        ...(f.language.trim() && { language: f.language.trim() }),
        ...(f.page_url.trim() && { page_url: f.page_url.trim() }),
        ...(split(f.keywords).length > 0 && { keywords: split(f.keywords) }),
        ...(split(f.labels).length > 0 && { labels: split(f.labels) }),
        ...(Object.keys(attributes).length > 0 && { attributes }),
      },
      action: {
        ...(f.department_id && { department_id: f.department_id }),
        ...(f.priority && { priority: Number(f.priority) }),
        ...(split(f.action_labels).length > 0 && { labels: split(f.action_labels) }),
        ...(f.assignee_id && { assignee_id: f.assignee_id }),
      },
    };
    save.mutate({ id: rule?.id, body }, { onSuccess: onDone });
  };
  const text = (key: keyof typeof f, label: string, help?: string) => (
    <div className="field">
      <label htmlFor={`${uid}-${key}`}>{label}</label>
      <input id={`${uid}-${key}`} type="text" value={String(f[key])} aria-describedby={help ? `${uid}-${key}-help` : undefined} onChange={(e) => set({ [key]: e.target.value })} />
      {help && <p className="field-help" id={`${uid}-${key}-help`}>{help}</p>}
    </div>
  );
  return (
    <form className="admin-form dept-form" onSubmit={submit} aria-labelledby={uid + "-title"} onKeyDown={(e) => e.key === "Escape" && onDone()}>
      <h2 id={uid + "-title"}>{rule ? t("rules.editTitle", { name: rule.name }) : t("rules.addTitle")}</h2>
      <div className="field">
        <label htmlFor={uid + "-name"}>{t("rules.name")}</label>
        <input id={uid + "-name"} type="text" value={f.name} required autoFocus onChange={(e) => set({ name: e.target.value })} />
      </div>
      <fieldset className="fieldset-plain">
        <legend>{t("rules.match")}</legend>
        <p className="field-help">{t("rules.matchHelp")}</p>
        <div className="form-grid">
          {text("keywords", t("rules.keywords"), t("rules.keywordsHelp"))}
          {text("page_url", t("rules.pageUrl"), t("rules.pageUrlHelp"))}
          {text("channel", t("rules.channel"))}
          {text("channel_type", t("rules.channelType"))}
          {text("language", t("rules.language"))}
          {text("labels", t("rules.labels"))}
        </div>
        <div className="field">
          <label htmlFor={uid + "-attributes"}>{t("rules.attributes")}</label>
          <textarea id={uid + "-attributes"} value={f.attributes} aria-describedby={uid + "-attributes-help"} onChange={(e) => set({ attributes: e.target.value })} />
          <p className="field-help" id={uid + "-attributes-help"}>{t("rules.attributesHelp")}</p>
        </div>
      </fieldset>
      <fieldset className="fieldset-plain">
        <legend>{t("rules.action")}</legend>
        <div className="form-grid">
          <div className="field">
            <label htmlFor={uid + "-dept"}>{t("rules.department")}</label>
            <select id={uid + "-dept"} value={f.department_id} onChange={(e) => set({ department_id: e.target.value })}>
              <option value="">{t("rules.noDepartment")}</option>
              {(depts.data ?? []).map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={uid + "-prio"}>{t("rules.priority")}</label>
            <input id={uid + "-prio"} type="number" value={f.priority} onChange={(e) => set({ priority: Number(e.target.value) })} />
          </div>
          {text("action_labels", t("rules.addLabels"))}
          <div className="field">
            <label htmlFor={uid + "-assignee"}>{t("rules.assignee")}</label>
            <select id={uid + "-assignee"} value={f.assignee_id} onChange={(e) => set({ assignee_id: e.target.value })}>
              <option value="">{t("rules.noAssignee")}</option>
              {(ops.data ?? []).map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
            </select>
          </div>
        </div>
      </fieldset>
      <ErrorBox error={save.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={save.isPending}>{save.isPending ? t("saving") : rule ? t("save") : t("rules.create")}</button>
        <button type="button" onClick={onDone}>{t("cancel")}</button>
      </div>
    </form>
  );
}

function RuleTest({ rules, deptName }: { rules: RoutingRule[]; deptName: (id?: string) => string }) {
  const { t } = useTranslation("routing");
  const uid = useId();
  const test = useTestRules();
  const [f, setF] = useState<RuleTestInput>({ text: "", page_url: "", channel: "", language: "" });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: RuleTestInput = {};
    for (const [k, v] of Object.entries(f)) if (v) body[k as keyof RuleTestInput] = v;
    test.mutate(body);
  };
  const res = test.data;
  const winner = res?.rule_id ? rules.find((r) => r.id === res.rule_id) : undefined;
  return (
    <form className="admin-form rule-test" onSubmit={submit} aria-labelledby={uid + "-title"}>
      <h2 id={uid + "-title"}>{t("test.title")}</h2>
      <p className="field-help">{t("test.intro")}</p>
      <div className="field">
        <label htmlFor={uid + "-text"}>{t("test.text")}</label>
        <textarea id={uid + "-text"} value={f.text} onChange={(e) => setF({ ...f, text: e.target.value })} />
      </div>
      <div className="form-grid">
        {(["page_url", "channel", "language"] as const).map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`${uid}-${k}`}>{t(k === "page_url" ? "rules.pageUrl" : "rules." + k)}</label>
            <input id={`${uid}-${k}`} type="text" value={f[k] ?? ""} onChange={(e) => setF({ ...f, [k]: e.target.value })} />
          </div>
        ))}
      </div>
      <ErrorBox error={test.error} />
      <div className="form-actions">
        <button type="submit" disabled={test.isPending}>{t("test.run")}</button>
      </div>
      {res && (
        <output aria-live="polite">
          {res.rule_id
            ? t("test.matched", { rule: winner?.name ?? res.rule_id, department: deptName(res.department_id) })
            : t("test.noMatch", { department: deptName(res.department_id) })}
        </output>
      )}
    </form>
  );
}

