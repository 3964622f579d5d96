// The reply window in the conversation header: "Reply window: 3 h 12 min
// left", red in the last hour; "Window closed — only approved templates"
// after it. The time sits in a fixed-width slot of tabular digits so the
// header never moves as it ticks.
import { Trans, useTranslation } from "react-i18next";
import type { Capabilities, Conversation } from "../../lib/types";
import { formatLeft, useReplyWindow } from "./window";
import "./window.css";

export function WindowIndicator({ c, caps }: { c: Conversation; caps: Capabilities | undefined }) {
  const { t, i18n } = useTranslation("window");
  const w = useReplyWindow(c, caps);
  if (!w.has) return null;
  const at = w.expiresAt?.toLocaleString(i18n.language, { dateStyle: "medium", timeStyle: "short" });
  if (w.closed) {
    return (
      <p className="window-ind window-closed" data-testid="reply-window" title={at ? t("closedAt", { at }) : t("neverWrote")}>
        <span aria-hidden="true">⏱</span> {t("closed")}
      </p>
    );
  }
  const urgent = w.left < 3600_000;
  return (
    <p className={`window-ind${urgent ? " window-urgent" : ""}`} data-testid="reply-window" title={at ? t("closesAt", { at }) : undefined}>
      <span aria-hidden="true">⏱</span>{" "}
      <Trans t={t} i18nKey="open" values={{ time: formatLeft(t, w.left) }} components={{ time: <span className="window-time" role="timer" /> }} />
    </p>
  );
}
