// The frame of the customer side panel: whether it is open, and the lazy
// panel itself (its code loads the first time it is shown; until then an
// empty panel of the same width holds its place).
import { lazy, Suspense, useState, type ComponentProps } from "react";
import { useTranslation } from "react-i18next";
import "./contact.css";

/** WIDE windows show the panel beside the conversation; narrower ones as a drawer. */
export const WIDE = "(min-width: 1400px)";
const OPEN_KEY = "sb.contactPanel";

export const CONTACT_PANEL_ID = "contact-panel";

/** useContactPanel is whether the panel is open: on wide windows as the
 * operator last left it (open at first), on narrow ones closed until asked. */
export function useContactPanel() {
  const wide = () => window.matchMedia(WIDE).matches;
  const [open, setOpen] = useState(() => wide() && localStorage.getItem(OPEN_KEY) !== "closed");
  const set = (v: boolean) => {
    setOpen(v);
    if (wide()) localStorage.setItem(OPEN_KEY, v ? "open" : "closed");
  };
  return [open, set] as const;
}

const Panel = lazy(() => import("./ContactPanel"));

export function ContactPanel(props: ComponentProps<typeof Panel>) {
  const { t } = useTranslation("contact");
  return (
    <Suspense fallback={<aside id={CONTACT_PANEL_ID} className="contact-panel" aria-label={t("panel.label")} aria-busy="true" />}>
      <Panel {...props} />
    </Suspense>
  );
}
