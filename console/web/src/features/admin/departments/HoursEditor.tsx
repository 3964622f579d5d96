// Business hours editor: time zone, opening ranges per weekday, holidays
// and special days. Value null means "always open".
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { WEEKDAYS, type BusinessHours, type TimeRange } from "./api";

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf("timeZone");
  } catch {
    return ["Asia/Tokyo", "UTC", "Europe/London", "America/New_York"];
  }
})();

export function defaultHours(): BusinessHours {
  const day = [{ from: "09:00", to: "18:00" }];
  return { time_zone: "Asia/Tokyo", weekly: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays: [], special: [] };
}

/** TimeInput is a 24-hour "HH:MM" field (the end of a range may be 24:00). */
function TimeInput({ label, value, placeholder, end, onChange }: { label: string; value: string; placeholder: string; end?: boolean; onChange: (v: string) => void }) {
  return (
    <input
      type="text"
      inputMode="numeric"
      pattern={end ? "([01][0-9]|2[0-3]):[0-5][0-9]|24:00" : "([01][0-9]|2[0-3]):[0-5][0-9]"}
      placeholder={placeholder}
      className="time-text"
      aria-label={label}
      value={value}
      required
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function Ranges({ label, ranges, onChange }: { label: string; ranges: TimeRange[]; onChange: (r: TimeRange[]) => void }) {
  const { t } = useTranslation("routing");
  return (
    <div className="hours-ranges" role="group" aria-label={label}>
      {ranges.length === 0 && <span className="muted small">{t("hours.closed")}</span>}
      {ranges.map((r, i) => (
        <span key={i} className="row hours-range">
          <TimeInput label={`${label} ${t("hours.from")} ${i + 1}`} value={r.from} placeholder="09:00" onChange={(from) => onChange(ranges.map((x, j) => (j === i ? { ...x, from } : x)))} />
          <span aria-hidden="true">–</span>
          <TimeInput label={`${label} ${t("hours.to")} ${i + 1}`} value={r.to} placeholder="18:00" end onChange={(to) => onChange(ranges.map((x, j) => (j === i ? { ...x, to } : x)))} />
          <button type="button" aria-label={`${t("hours.removeRange")}: ${label} ${i + 1}`} onClick={() => onChange(ranges.filter((_, j) => j !== i))}>
            ✕
          </button>
        </span>
      ))}
      <button type="button" className="link-btn" aria-label={`${t("hours.addRange")}: ${label}`} onClick={() => onChange([...ranges, { from: "09:00", to: "18:00" }])}>
        + {t("hours.addRange")}
      </button>
    </div>
  );
}

export function HoursEditor({ value, onChange }: { value: BusinessHours | null; onChange: (h: BusinessHours | null) => void }) {
  const { t } = useTranslation("routing");
  const uid = useId();
  return (
    <fieldset className="fieldset-plain hours-editor">
      <legend>{t("hours.title")}</legend>
      <label className="check-row">
        <input type="checkbox" checked={value === null} onChange={(e) => onChange(e.target.checked ? null : defaultHours())} />
        {t("hours.alwaysOpen")}
      </label>
      {value && (
        <>
          <div className="field">
            <label htmlFor={uid + "-tz"}>{t("hours.timeZone")}</label>
            <select id={uid + "-tz"} value={value.time_zone} onChange={(e) => onChange({ ...value, time_zone: e.target.value })}>
              {(ZONES.includes(value.time_zone) ? ZONES : [value.time_zone, ...ZONES]).map((z) => (
                <option key={z} value={z}>{z}</option>
              ))}
            </select>
          </div>
          <table className="hours-week">
            <caption className="sr-only">{t("hours.weekly")}</caption>
            <tbody>
              {WEEKDAYS.map((d) => (
                <tr key={d}>
                  <th scope="row">{t("days." + d)}</th>
                  <td>
                    <Ranges label={t("days." + d)} ranges={value.weekly[d] ?? []} onChange={(r) => onChange({ ...value, weekly: { ...value.weekly, [d]: r } })} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="field">
            <span className="field-label" id={uid + "-hol"}>{t("hours.holidays")}</span>
            <div className="row" role="group" aria-labelledby={uid + "-hol"}>
              {(value.holidays ?? []).map((h, i) => (
                <span key={i} className="row">
                  <input type="date" aria-label={`${t("hours.holiday")} ${i + 1}`} value={h} required onChange={(e) => onChange({ ...value, holidays: (value.holidays ?? []).map((x, j) => (j === i ? e.target.value : x)) })} />
                  <button type="button" aria-label={`${t("hours.removeHoliday")} ${i + 1}`} onClick={() => onChange({ ...value, holidays: (value.holidays ?? []).filter((_, j) => j !== i) })}>✕</button>
                </span>
              ))}
              <button type="button" className="link-btn" onClick={() => onChange({ ...value, holidays: [...(value.holidays ?? []), ""] })}>+ {t("hours.addHoliday")}</button>
            </div>
          </div>
          <div className="field">
            <span className="field-label" id={uid + "-sp"}>{t("hours.special")}</span>
            <p className="field-help">{t("hours.specialHelp")}</p>
            {(value.special ?? []).map((s, i) => (
              <div key={i} className="row special-day">
                <input type="date" aria-label={`${t("hours.specialDate")} ${i + 1}`} value={s.date} required onChange={(e) => onChange({ ...value, special: (value.special ?? []).map((x, j) => (j === i ? { ...x, date: e.target.value } : x)) })} />
                <Ranges label={`${t("hours.specialDate")} ${s.date || i + 1}`} ranges={s.ranges} onChange={(r) => onChange({ ...value, special: (value.special ?? []).map((x, j) => (j === i ? { ...x, ranges: r } : x)) })} />
                <button type="button" aria-label={`${t("hours.removeSpecial")} ${i + 1}`} onClick={() => onChange({ ...value, special: (value.special ?? []).filter((_, j) => j !== i) })}>✕</button>
              </div>
            ))}
            <button type="button" className="link-btn" onClick={() => onChange({ ...value, special: [...(value.special ?? []), { date: "", ranges: [{ from: "10:00", to: "15:00" }] }] })}>+ {t("hours.addSpecial")}</button>
          </div>
        </>
      )}
    </fieldset>
  );
}
