// Routing in the conversation screen: activity entries in the history
// (who moved the conversation, where, why), the Transfer dialog and the
// Claim button for conversations nobody has.
import { useId, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Dialog } from "../../components/Dialog";
import { post } from "../../lib/api";
import type { Conversation, Message } from "../../lib/types";
import { keys, patchConversation } from "../../app/streamCache";
import { ErrorBox } from "../admin/ui";
import { useDepartments, useOperators } from "../inbox/api";

export interface Activity {
  kind: string;
  actor_id?: string;
  actor_name?: string;
  department_id?: string;
  department_name?: string;
  operator_id?: string;
  operator_name?: string;
  from_department_id?: string;
  reason?: string;
}

/** activityText is one activity entry as a sentence, e.g. "Ana
 * transferred this to Billing: customer asked for a refund". */
export function activityText(a: Activity, t: (k: string, o?: Record<string, unknown>) => string): string {
  const actor = a.actor_name || t("activity.system");
  const target = a.operator_name || a.department_name || "";
  const base = t(`activity.${a.kind}${target ? "" : "NoTarget"}`, { actor, target, defaultValue: t("activity.other", { actor, kind: a.kind }) });
  return a.reason ? t("activity.withReason", { text: base, reason: a.reason }) : base;
}

export function ActivityLine({ m }: { m: Message }) {
  const { t, i18n } = useTranslation("routing");
  const a = (m.activity as Activity | undefined) ?? { kind: "other" };
  const when = new Date(m.created_at);
  return (
    <p className="activity-line" role="note">
      <span>{activityText(a, t)}</span>{" "}
      <time dateTime={m.created_at} title={when.toLocaleString(i18n.language)}>
        {when.toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" })}
      </time>
    </p>
  );
}

function useConversationAction(id: string, action: "transfer" | "claim") {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body?: { department_id?: string; operator_id?: string; reason?: string }) => post<Conversation | undefined>(`/api/v1/conversations/${encodeURIComponent(id)}/${action}`, body),
    onSuccess: (c) => {
      if (c && c.id) patchConversation(qc, id, c);
      void qc.invalidateQueries({ queryKey: keys.conversation(id) });
      void qc.invalidateQueries({ queryKey: keys.messages(id) });
      void qc.invalidateQueries({ queryKey: keys.conversations });
    },
  });
}

export function ClaimButton({ c }: { c: Conversation }) {
  const { t } = useTranslation("routing");
  const claim = useConversationAction(c.id, "claim");
  if (c.assignee_id) return null;
  return (
    <>
      <button type="button" className="primary" disabled={claim.isPending} onClick={() => claim.mutate(undefined)}>
        {t("conv.claim")}
      </button>
      {claim.error && <ErrorBox error={claim.error} />}
    </>
  );
}

export function TransferButton({ c }: { c: Conversation }) {
  const { t } = useTranslation("routing");
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>{t("conv.transfer")}</button>
      {open && <TransferDialog c={c} onClose={() => setOpen(false)} />}
    </>
  );
}

function TransferDialog({ c, onClose }: { c: Conversation; onClose: () => void }) {
  const { t } = useTranslation("routing");
  const uid = useId();
  const depts = useDepartments().data ?? [];
  const ops = useOperators().data ?? [];
  const transfer = useConversationAction(c.id, "transfer");
  const [to, setTo] = useState<"department" | "operator">("department");
  const [target, setTarget] = useState("");
  const [reason, setReason] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { ...(to === "department" ? { department_id: target } : { operator_id: target }), reason: reason.trim() };
    transfer.mutate(body, { onSuccess: onClose });
  };
  const choices = to === "department" ? depts.filter((d) => d.id !== c.department_id) : ops.filter((o) => o.id !== c.assignee_id);
  return (
    <Dialog labelledBy={uid} onClose={onClose} className="transfer-dialog">
      <form onSubmit={submit} className="admin-form">
        <h2 id={uid}>{t("conv.transferTitle")}</h2>
        <fieldset className="fieldset-plain">
          <legend>{t("conv.transferTo")}</legend>
          <span className="row">
            <label className="check-row"><input type="radio" name={uid + "-to"} checked={to === "department"} onChange={() => { setTo("department"); setTarget(""); }} />{t("conv.toDepartment")}</label>
            <label className="check-row"><input type="radio" name={uid + "-to"} checked={to === "operator"} onChange={() => { setTo("operator"); setTarget(""); }} />{t("conv.toOperator")}</label>
          </span>
        </fieldset>
        <div className="field">
          <label htmlFor={uid + "-target"}>{to === "department" ? t("conv.department") : t("conv.operator")}</label>
          <select id={uid + "-target"} value={target} required onChange={(e) => setTarget(e.target.value)} autoFocus>
            <option value="">{t("conv.choose")}</option>
            {choices.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={uid + "-reason"}>{t("conv.reason")}</label>
          <textarea id={uid + "-reason"} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={uid + "-reason-help"} />
          <p className="field-help" id={uid + "-reason-help"}>{t("conv.reasonHelp")}</p>
        </div>
        <ErrorBox error={transfer.error} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={transfer.isPending || !target}>{t("conv.transfer")}</button>
          <button type="button" onClick={onClose}>{t("cancel")}</button>
        </div>
      </form>
    </Dialog>
  );
}

/** QueueTag: priority and "waiting N min" of a queued conversation in the
 * inbox list. */
export function QueueTag({ c }: { c: Conversation }) {
  const { t } = useTranslation("routing");
  if (!c.queued_at && !c.priority) return null;
  const mins = c.queued_at ? Math.max(0, Math.floor((Date.now() - new Date(c.queued_at).getTime()) / 60000)) : 0;
  return (
    <span className="queue-tag">
      {!!c.priority && <span className="tag prio-tag">{t("conv.priority", { n: c.priority })}</span>}
      {c.queued_at && <span className="tag wait-tag">{t("conv.waiting", { count: mins })}</span>}
    </span>
  );
}
