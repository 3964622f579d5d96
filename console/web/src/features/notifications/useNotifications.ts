// Tells the operator about new customer messages while the console is open:
// flashes the tab title while the tab is hidden, shows a desktop
// notification (when allowed) and beeps, each as the operator's settings say,
// for the events the conversation's department shows in the browser (its
// notification policy: new conversations unless assigned to me, new
// messages in my conversations). Mounted once, in the app shell.
import { useQueryClient, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { keys } from "../../app/streamCache";
import { useTranslation } from "react-i18next";
import { stream, type Frame } from "../../lib/stream";
import type { Conversation, Message, Page } from "../../lib/types";
import { useSettings, type OperatorSettings } from "../settings/api";
import { useDepartments, type DepartmentFull } from "../admin/departments/api";
import { useMe } from "../auth/auth";
import { beep } from "./beep";

const FLASH_MS = 1000;

/** contactNameOf finds the customer's name in the frame or the query cache
 * (the hub's stream frames do not carry the contact yet). */
function contactNameOf(qc: QueryClient, id: string, fromFrame?: Conversation): string {
  const named = (c?: Conversation) => c?.contact?.name || c?.contact?.email || c?.contact?.phone || "";
  let name = named(fromFrame) || named(qc.getQueryData<Conversation>(keys.conversation(id)));
  if (!name) {
    for (const [, data] of qc.getQueriesData<InfiniteData<Page<Conversation>>>({ queryKey: keys.conversations })) {
      const hit = data?.pages?.flatMap((p) => p.items).find((c) => c.id === id);
      if ((name = named(hit))) break;
    }
  }
  return name;
}

/** inBrowserByPolicy reports whether the conversation's department shows
 * this message in the browser: "new_message" for my conversations,
 * "new_conversation" otherwise. Unknown departments or policies show it. */
export function inBrowserByPolicy(depts: DepartmentFull[] | undefined, c: Conversation | undefined, me: string | undefined): boolean {
  const d = depts?.find((x) => x.id === c?.department_id);
  const mine = !!me && c?.assignee_id === me;
  const methods = d?.notify?.[mine ? "new_message" : "new_conversation"];
  return !methods || methods.includes("browser");
}

export function useNotifications() {
  const { t } = useTranslation("settings");
  const qc = useQueryClient();
  const settings = useSettings().data;
  const departments = useDepartments().data;
  const me = useMe().data;
  const live = useRef<{ settings?: OperatorSettings; t: typeof t; departments?: DepartmentFull[]; me?: string }>({ t });
  live.current = { settings, t, departments, me: me?.id };

  useEffect(() => {
    let count = 0;
    let name = "";
    let original = "";
    let timer: ReturnType<typeof setInterval> | null = null;
    let showing = false;
    let disposed = false;

    const stopFlash = () => {
      if (timer) clearInterval(timer);
      timer = null;
      if (count > 0) document.title = original;
      count = 0;
      showing = false;
    };
    const flashTitle = () => {
      const text = live.current.t("titleFlash", { count, name });
      document.title = text;
      showing = true;
      if (timer) return;
      timer = setInterval(() => {
        showing = !showing;
        document.title = showing ? live.current.t("titleFlash", { count, name }) : original;
      }, FLASH_MS);
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") stopFlash();
    };

    const onFrame = (f: Frame) => {
      if (f.type !== "message.created") return;
      const m = f.message as Message | undefined;
      if (!m || m.direction !== "in") return;
      const s = live.current.settings;
      if (!s) return;
      const c = f.conversation as Conversation | undefined;
      if (!inBrowserByPolicy(live.current.departments, c, live.current.me)) return;
      if (!s.notify_title && !s.notify_desktop && !s.notify_sound) return;
      if (s.notify_sound) beep();
      const who = contactNameOf(qc, m.conversation_id, c) || live.current.t("visitor");
      if (disposed) return;
      const hidden = document.visibilityState === "hidden" || document.hidden;
      if (s.notify_title && hidden) {
        if (count === 0) original = document.title;
        count++;
        name = who;
        flashTitle();
      }
      if (s.notify_desktop && typeof Notification !== "undefined" && Notification.permission === "granted") {
        try {
          const n = new Notification(live.current.t("newMessage", { name: who }), { body: m.text ?? "", tag: "sb-" + m.conversation_id });
          n.onclick = () => {
            window.focus();
            n.close();
          };
        } catch {
          /* e.g. only service-worker notifications allowed */
        }
      }
    };

    const off = stream.onFrame(onFrame);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      disposed = true;
      off();
      document.removeEventListener("visibilitychange", onVisibility);
      stopFlash();
    };
  }, [qc]);
}
