import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { Highlight, snippet } from "../../components/Highlight";
import { get, qs } from "../../lib/api";
import type { Conversation, Message, SearchResult } from "../../lib/types";
import { useDebounced } from "../../lib/useDebounced";

/** SearchBox: one box over conversations, contacts and message text (FTS). */
export function SearchBox() {
  const { t } = useTranslation("inbox");
  const nav = useNavigate();
  const [q, setQ] = useState("");
  const [open, setOpen] = useState(false);
  const [sel, setSel] = useState(0);
  const dq = useDebounced(q.trim(), 200);
  const res = useQuery({
    queryKey: ["search", dq],
    enabled: dq.length > 0,
    queryFn: ({ signal }) => get<SearchResult>("/api/v1/search" + qs({ q: dq, limit: 20 }), { signal }),
    staleTime: 10_000,
  });
  const convHits: Conversation[] = res.data?.conversations ?? [];
  const msgHits: Message[] = res.data?.items ?? [];
  // One keyboard order: conversations (by contact) first, then messages.
  const targets = [...convHits.map((c) => c.id), ...msgHits.map((m) => m.conversation_id)];
  useEffect(() => setSel(0), [dq]);
  const choose = (conversationID: string) => {
    setOpen(false);
    nav(`/conversations/${encodeURIComponent(conversationID)}`);
  };
  return (
    <div className="search-wrap" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
      <input
        type="search"
        className="search"
        role="combobox"
        aria-expanded={open && dq.length > 0}
        aria-controls="search-results"
        aria-label={t("search.label")}
        placeholder={t("search.placeholder")}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") setSel((s) => Math.min(targets.length - 1, s + 1));
          else if (e.key === "ArrowUp") setSel((s) => Math.max(0, s - 1));
          else if (e.key === "Enter" && targets[sel]) choose(targets[sel]);
          else if (e.key === "Escape") setOpen(false);
          else return;
          e.preventDefault();
        }}
      />
      {open && dq && (
        <div className="search-results" id="search-results" role="listbox" aria-label={t("search.results")}>
          {res.isPending && <div className="muted pad">{t("common:loading")}</div>}
          {res.isError && <div className="error pad">{res.error.message}</div>}
          {res.isSuccess && targets.length === 0 && <div className="muted pad">{t("search.none", { q: dq })}</div>}
          {convHits.length > 0 && <div className="search-group small muted">{t("search.conversations")}</div>}
          {convHits.map((c, i) => (
            <button type="button" role="option" aria-selected={i === sel} key={"c" + c.id} className="search-hit" onMouseDown={(e) => e.preventDefault()} onClick={() => choose(c.id)}>
              <span>
                <Highlight text={c.contact?.name || t("search.fromContact")} query={dq} />
              </span>
              <span className="small muted">
                <Highlight text={[c.contact?.email, c.contact?.phone, c.channel].filter(Boolean).join(" · ")} query={dq} />
              </span>
            </button>
          ))}
          {msgHits.length > 0 && convHits.length > 0 && <div className="search-group small muted">{t("search.messages")}</div>}
          {msgHits.map((m, j) => (
            <button type="button" role="option" aria-selected={convHits.length + j === sel} key={m.id} className="search-hit" onMouseDown={(e) => e.preventDefault()} onClick={() => choose(m.conversation_id)}>
              <span className="small muted">
                {m.direction === "in" ? t("search.fromContact") : m.author_name || t("message.system")} · {new Date(m.created_at).toLocaleString()}
              </span>
              <span>
                <Highlight text={snippet(m.text || "", dq)} query={dq} />
              </span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
