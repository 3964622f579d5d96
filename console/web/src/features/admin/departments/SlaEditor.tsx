// The department's ticket SLA (issue 15): first-reply and resolution
// targets, each a number with a unit (minutes, hours, days), saved as
// settings.sla {first_reply_minutes, resolution_minutes} (0: no target).
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import "./sla.css";

export interface SLA {
  first_reply_minutes: number;
  resolution_minutes: number;
}

const UNITS = [
  ["minutes", 1],
  ["hours", 60],
  ["days", 1440],
] as const;
type Unit = (typeof UNITS)[number][0];

function split(minutes: number): [number, Unit] {
  if (minutes > 0 && minutes % 1440 === 0) return [minutes / 1440, "days"];
  if (minutes > 0 && minutes % 60 === 0) return [minutes / 60, "hours"];
  return [minutes, "minutes"];
}

export function SlaEditor({ value, onChange }: { value: SLA; onChange: (v: SLA) => void }) {
  const { t } = useTranslation("tickets");
  return (
    <fieldset className="fieldset-plain">
      <legend>{t("sla.title")}</legend>
      <p className="field-help">{t("sla.help")}</p>
      <div className="form-grid">
        <Target label={t("sla.firstReply")} minutes={value.first_reply_minutes} onChange={(m) => onChange({ ...value, first_reply_minutes: m })} />
        <Target label={t("sla.resolution")} minutes={value.resolution_minutes} onChange={(m) => onChange({ ...value, resolution_minutes: m })} />
      </div>
    </fieldset>
  );
}

function Target({ label, minutes, onChange }: { label: string; minutes: number; onChange: (m: number) => void }) {
  const { t } = useTranslation("tickets");
  const uid = useId();
  const [init, initUnit] = split(minutes);
  const [amount, setAmount] = useState(init ? String(init) : "");
  const [unit, setUnit] = useState<Unit>(initUnit === "minutes" && !init ? "hours" : initUnit);
  const emit = (a: string, u: Unit) => {
    const n = Number(a);
    const factor = UNITS.find(([k]) => k === u)![1];
    onChange(a.trim() === "" || !Number.isFinite(n) || n <= 0 ? 0 : Math.round(n * factor));
  };
  return (
    <div className="field">
      <label htmlFor={uid}>{label}</label>
      <div className="sla-row">
        <input
          id={uid}
          type="number"
          min={0}
          step="any"
          className="narrow-number"
          placeholder={t("sla.none")}
          value={amount}
          onChange={(e) => {
            setAmount(e.target.value);
            emit(e.target.value, unit);
          }}
        />
        <select
          aria-label={t("sla.unit", { target: label })}
          value={unit}
          onChange={(e) => {
            setUnit(e.target.value as Unit);
            emit(amount, e.target.value as Unit);
          }}
        >
          {UNITS.map(([u]) => (
            <option key={u} value={u}>
              {t(`sla.units.${u}`)}
            </option>
          ))}
        </select>
      </div>
      <p className="field-help">{minutes > 0 ? t("sla.inMinutes", { count: minutes }) : t("sla.noTarget")}</p>
    </div>
  );
}
