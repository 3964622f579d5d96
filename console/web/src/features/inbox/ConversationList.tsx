import { QueueTag } from "../conversation/routing";
import { TicketTag } from "../tickets/badge";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { Conversation } from "../../lib/types";
import { channelIcon, contactName, useChannels, useConversations, useDepartments, useOperators, type Filters } from "./api";

const ROW = 64;

export function ConversationList({
  filters,
  onFilters,
  selectedId,
  onItems,
}: {
  filters: Filters;
  onFilters: (f: Filters) => void;
  selectedId?: string;
  onItems: (items: Conversation[]) => void;
}) {
  const { t } = useTranslation("inbox");
  const q = useConversations(filters);
  const items = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  useEffect(() => {
    onItems(items);
  }, [items, onItems]);
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 8 });
  const selIndex = items.findIndex((c) => c.id === selectedId);
  useEffect(() => {
    if (selIndex >= 0) v.scrollToIndex(selIndex, { align: "auto" });
  }, [selIndex, v]);

  return (
    <section className="list-pane" aria-label={t("list.label")}>
      <FilterBar filters={filters} onFilters={onFilters} />
      <div className="list-scroll" ref={scroller}>
        {q.isPending && <div className="empty" role="status">{t("common:loading")}</div>}
        {q.isError && (
          <div className="empty" role="alert">
            {t("common:error.generic", { message: q.error.message })} <button onClick={() => q.refetch()}>{t("common:retry")}</button>
          </div>
        )}
        {q.isSuccess && items.length === 0 && <div className="empty">{t("list.empty")}</div>}
        <ul role="list" aria-label={t("list.label")} style={{ height: v.getTotalSize(), position: "relative", margin: 0, padding: 0 }}>
          {v.getVirtualItems().map((row) => {
            const c = items[row.index];
            return (
              <li
                key={c.id}
                data-index={row.index}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${row.start}px)` }}
              >
                <ConversationRow c={c} selected={c.id === selectedId} />
              </li>
            );
          })}
        </ul>
        {q.hasNextPage && (
          <div className="load-more">
            <button onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
              {q.isFetchingNextPage ? t("common:loading") : t("list.loadMore")}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}

function ConversationRow({ c, selected }: { c: Conversation; selected: boolean }) {
  const { t, i18n } = useTranslation("inbox");
  const name = contactName(c, t("contact.anonymous"));
  const unread = c.unread || c.unread_count > 0;
  const when = new Date(c.last_activity_at);
  return (
    <Link
      to={`/conversations/${encodeURIComponent(c.id)}`}
      className={`conv-row${selected ? " selected" : ""}${unread ? " unread" : ""}`}
      aria-current={selected ? "true" : undefined}
    >
      <span className="conv-icon" title={c.channel_type} aria-hidden="true">
        {channelIcon(c.channel_type)}
      </span>
      <span className="conv-main">
        <span className="conv-top">
          <span className="conv-name">
            {c.contact_online && <span className="dot on" title={t("contact.online")} />} {name}
          </span>
          <time dateTime={c.last_activity_at}>{when.toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" })}</time>
        </span>
        <span className="conv-bottom">
          <span className="conv-last">{c.last_message ?? ""}</span>
          {c.ticket && <TicketTag b={c.ticket} />}
          <QueueTag c={c} />
          {unread && (
            <span className="badge" title={t("list.unread")}>
              {c.unread_count > 0 ? c.unread_count : "•"}
              <span className="sr-only"> {t("list.unread")}</span>
            </span>
          )}
        </span>
      </span>
    </Link>
  );
}

function FilterBar({ filters, onFilters }: { filters: Filters; onFilters: (f: Filters) => void }) {
  const { t } = useTranslation("inbox");
  const channels = useChannels().data ?? [];
  const depts = useDepartments().data ?? [];
  const ops = useOperators().data ?? [];
  const set = (k: keyof Filters, v: string | boolean) => onFilters({ ...filters, [k]: v || undefined });
  return (
    <div className="filters" role="group" aria-label={t("filters.label")}>
      <select aria-label={t("filters.status")} value={filters.status ?? ""} onChange={(e) => set("status", e.target.value)}>
        <option value="">{t("filters.anyStatus")}</option>
        {["open", "pending", "snoozed", "resolved"].map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
      <select aria-label={t("filters.assignee")} value={filters.assignee ?? ""} onChange={(e) => set("assignee", e.target.value)}>
        <option value="">{t("filters.anyone")}</option>
        <option value="me">{t("filters.me")}</option>
        <option value="none">{t("filters.unassigned")}</option>
        {ops.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <select aria-label={t("filters.channel")} value={filters.channel ?? ""} onChange={(e) => set("channel", e.target.value)}>
        <option value="">{t("filters.anyChannel")}</option>
        {channels.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      {depts.length > 1 && (
        <select aria-label={t("filters.department")} value={filters.department ?? ""} onChange={(e) => set("department", e.target.value)}>
          <option value="">{t("filters.anyDepartment")}</option>
          {depts.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      )}
      <input
        aria-label={t("filters.label_")}
        placeholder={t("filters.labelPlaceholder")}
        value={filters.label ?? ""}
        onChange={(e) => set("label", e.target.value.trim())}
        size={8}
      />
      <label className="check">
        <input type="checkbox" checked={!!filters.unread} onChange={(e) => set("unread", e.target.checked)} />
        {t("filters.unreadOnly")}
      </label>
    </div>
  );
}
