import { useTranslation } from "react-i18next";
import { Dialog } from "../../components/Dialog";

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
  return (
    <Dialog labelledBy="shortcuts-title" onClose={onClose}>
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
    </Dialog>
  );
}
