import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import type { Conversation } from "../../lib/types";
import { useMe } from "../auth/auth";
import type { ComposerHandle } from "../composer/Composer";
import { ConversationView } from "../conversation/ConversationView";
import { usePatchConversation, type Filters } from "./api";
import { ConversationList } from "./ConversationList";
import { ShortcutsDialog } from "./ShortcutsDialog";

const FILTER_KEY = "sb.inbox.filters";

function loadFilters(): Filters {
  try {
    return JSON.parse(localStorage.getItem(FILTER_KEY) || "{}");
  } catch {
    return {};
  }
}

function typingInField(e: KeyboardEvent) {
  const el = e.target as HTMLElement | null;
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || !!el.closest("[role=dialog]"));
}

export function InboxPage() {
  const { t } = useTranslation("inbox");
  const { id } = useParams();
  const nav = useNavigate();
  const me = useMe().data!;
  const [filters, setFilters] = useState<Filters>(loadFilters);
  const [help, setHelp] = useState(false);
  const items = useRef<Conversation[]>([]);
  const composer = useRef<ComposerHandle | null>(null);
  const patch = usePatchConversation(id ?? "");
  const onItems = useCallback((list: Conversation[]) => {
    items.current = list;
  }, []);
  const onFilters = (f: Filters) => {
    setFilters(f);
    localStorage.setItem(FILTER_KEY, JSON.stringify(f));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typingInField(e)) return;
      const list = items.current;
      const i = list.findIndex((c) => c.id === id);
      const go = (j: number) => {
        const c = list[Math.max(0, Math.min(list.length - 1, j))];
        if (c) nav(`/conversations/${encodeURIComponent(c.id)}`);
      };
      switch (e.key) {
        case "j":
          go(i < 0 ? 0 : i + 1);
          break;
        case "k":
          go(i < 0 ? 0 : i - 1);
          break;
        case "r":
          composer.current?.focus("reply");
          break;
        case "n":
          composer.current?.focus("note");
          break;
        case "e":
          if (id) patch.mutate({ status: "resolved" });
          break;
        case "?":
          setHelp(true);
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [id, nav, patch]);

  return (
    <div className={`inbox${id ? " has-conv" : ""}`}>
      <ConversationList filters={filters} onFilters={onFilters} selectedId={id} onItems={onItems} />
      <div className="conv-wrap">
        {id ? (
          <>
            <button type="button" className="back" onClick={() => nav("/conversations")}>
              ← {t("conversation.back")}
            </button>
            <ConversationView key={id} id={id} me={me} composerRef={composer} />
          </>
        ) : (
          <div className="empty">
            <p>{t("conversation.pick")}</p>
            <p className="muted small">{t("shortcuts.hint")}</p>
          </div>
        )}
      </div>
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
    </div>
  );
}
