// The satisfaction screen: customers' ratings (score, comment, operator,
// department, channel, time, a link to the conversation) and their
// aggregates as tables with bars, filtered by period, operator,
// department and channel. Operators see their departments' ratings.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { AdminTable, ErrorBox, Page, QueryState } from "../admin/ui";
import { useChannels, useDepartments, useOperators } from "../inbox/api";
import { useCSAT, type CSATBucket, type CSATFilter } from "./api";
import "./csat.css";

const stars = (n: number) => "★".repeat(n) + "☆".repeat(5 - n);

function Buckets({ title, rows, label }: { title: string; rows: CSATBucket[]; label: (b: CSATBucket) => string }) {
  const { t } = useTranslation("csat");
  if (rows.length === 0) return null;
  return (
    <section className="csat-agg" aria-label={title}>
      <h2>{title}</h2>
      <table className="csat-bars">
        <thead>
          <tr>
            <th scope="col">{title}</th>
            <th scope="col">{t("count")}</th>
            <th scope="col">{t("average")}</th>
            <th scope="col" title={t("satisfied")}>{t("satisfiedShort")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.key}>
              <th scope="row">{label(b)}</th>
              <td>{b.count}</td>
              <td>
                <span className="csat-bar" aria-hidden="true">
                  <span style={{ width: `${(b.average / 5) * 100}%` }} />
                </span>
                {b.average.toFixed(2)}
              </td>
              <td>{Math.round(b.satisfied_share * 100)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export default function CSATPage() {
  const { t, i18n } = useTranslation("csat");
  const [f, setF] = useState<CSATFilter>({ group: "day" });
  const set = (k: keyof CSATFilter) => (e: { target: { value: string } }) => setF((old) => ({ ...old, [k]: e.target.value || undefined }));
  const q = useCSAT(f);
  const ops = useOperators().data ?? [];
  const depts = useDepartments().data ?? [];
  const chans = useChannels().data ?? [];
  const first = q.data?.pages[0];
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const agg = first?.aggregates;
  const filtered = !!(f.operator_id || f.department_id || f.channel || f.from || f.to);
  const when = (s: string) => new Date(s).toLocaleString(i18n.language);
  const unknown = t("none");

  return (
    <Page title={t("title")} intro={t("intro")}>
      <div className="csat-filters" role="search" aria-label={t("filters")}>
        <div className="field">
          <label htmlFor="csat-from">{t("from")}</label>
          <input id="csat-from" type="date" value={f.from ?? ""} onChange={set("from")} />
        </div>
        <div className="field">
          <label htmlFor="csat-to">{t("to")}</label>
          <input id="csat-to" type="date" value={f.to ?? ""} onChange={set("to")} />
        </div>
        <div className="field">
          <label htmlFor="csat-op">{t("operator")}</label>
          <select id="csat-op" value={f.operator_id ?? ""} onChange={set("operator_id")}>
            <option value="">{t("all")}</option>
            {ops.map((o) => (
              <option key={o.id} value={o.id}>{o.name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="csat-dept">{t("department")}</label>
          <select id="csat-dept" value={f.department_id ?? ""} onChange={set("department_id")}>
            <option value="">{t("all")}</option>
            {depts.map((d) => (
              <option key={d.id} value={d.id}>{d.name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="csat-ch">{t("channel")}</label>
          <select id="csat-ch" value={f.channel ?? ""} onChange={set("channel")}>
            <option value="">{t("all")}</option>
            {chans.map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="csat-group">{t("group")}</label>
          <select id="csat-group" value={f.group} onChange={set("group")}>
            {(["day", "week", "month"] as const).map((g) => (
              <option key={g} value={g}>{t("groups." + g)}</option>
            ))}
          </select>
        </div>
      </div>
      <QueryState loading={q.isPending} error={q.error} empty={!q.isPending && !q.error && items.length === 0} emptyText={filtered ? t("noMatch") : t("empty")} />
      {agg && agg.overall.count > 0 && (
        <>
          <dl className="csat-overall" aria-label={t("overall")}>
            <div>
              <dt>{t("average")}</dt>
              <dd>{agg.overall.average.toFixed(2)}</dd>
            </div>
            <div>
              <dt>{t("satisfied")}</dt>
              <dd>{Math.round(agg.overall.satisfied_share * 100)}%</dd>
            </div>
            <div>
              <dt>{t("count")}</dt>
              <dd>{agg.overall.count}</dd>
            </div>
          </dl>
          <div className="csat-aggs">
            <Buckets title={t("byOperator")} rows={agg.by_operator} label={(b) => b.name || unknown} />
            <Buckets title={t("byDepartment")} rows={agg.by_department} label={(b) => b.name || unknown} />
            <Buckets title={t("byChannel")} rows={agg.by_channel} label={(b) => b.name || b.key || unknown} />
            <Buckets title={t("byPeriod")} rows={agg.by_period} label={(b) => b.key} />
          </div>
        </>
      )}
      {items.length > 0 && (
        <div className="csat-list">
          <h2>{t("answers")}</h2>
          <AdminTable caption={t("answers")} columns={[t("col.score"), t("col.comment"), t("operator"), t("department"), t("channel"), t("col.time"), t("col.conversation")]}>
            {items.map((a) => (
              <tr role="row" key={a.id}>
                <td role="cell" data-label={t("col.score")}>
                  <span className="csat-stars" aria-label={t("scoreOf", { score: a.score })}>{stars(a.score)}</span>
                </td>
                <td role="cell" data-label={t("col.comment")} className="csat-comment">{a.comment || <span className="muted">—</span>}</td>
                <td role="cell" data-label={t("operator")}>{a.operator_name || unknown}</td>
                <td role="cell" data-label={t("department")}>{a.department_name || unknown}</td>
                <td role="cell" data-label={t("channel")}>{t("via." + a.via, { defaultValue: a.channel_type || a.channel })}</td>
                <td role="cell" data-label={t("col.time")}>
                  <time dateTime={a.answered_at}>{when(a.answered_at)}</time>
                </td>
                <td role="cell" data-label={t("col.conversation")}>
                  <Link to={`/conversations/${encodeURIComponent(a.conversation_id)}`}>{t("open")}</Link>
                </td>
              </tr>
            ))}
          </AdminTable>
          {q.hasNextPage && (
            <button type="button" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
              {t("more")}
            </button>
          )}
        </div>
      )}
      <ErrorBox error={q.isFetchNextPageError ? q.error : null} />
    </Page>
  );
}
