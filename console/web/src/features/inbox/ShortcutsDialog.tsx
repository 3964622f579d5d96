import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";

const KEYS: Array<[string, string]> = [
  ["j", "next"],
  ["k", "prev"],
  ["r", "reply"],
  ["n", "note"],
  ["e", "resolve"],
  ["Ctrl/⌘ + Enter", "send"],
  ["/", "templates"],
  [":", "emoji"],
  ["?", "help"],
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation("inbox");
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    d.showModal();
    return () => d.close();
  }, []);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="shortcuts-title" onClose={onClose} onCancel={onClose}>
      <h2 id="shortcuts-title">{t("shortcuts.title")}</h2>
      <dl className="shortcuts">
        {KEYS.map(([k, what]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{t(`shortcuts.${what}`)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose} autoFocus>
        {t("common:close")}
      </button>
    </dialog>
  );
}
