// Pure helpers of the side panel over the browser's Intl: a visitor's
// local time and its offset from the operator's, and localized names of
// currencies, countries and languages (the code itself when Intl can't).

/** offsetMinutes is timeZone's offset from UTC at date, in minutes. */
export function offsetMinutes(timeZone: string, date: Date): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? "";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** validTimeZone reports whether the browser knows the IANA name. */
export function validTimeZone(timeZone: string | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** clockTime formats date as a wall-clock time (with weekday) in timeZone. */
export function clockTime(date: Date, timeZone: string, lang: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit" }).format(date);
}

/** hoursAndMinutes splits a whole number of minutes (sign dropped). */
export function hoursAndMinutes(minutes: number): { hours: number; minutes: number } {
  const m = Math.abs(minutes);
  return { hours: Math.floor(m / 60), minutes: m % 60 };
}

function displayName(type: Intl.DisplayNamesType, code: string | undefined, lang: string): string {
  if (!code) return "";
  try {
    return new Intl.DisplayNames([lang], { type }).of(code) ?? code;
  } catch {
    return code;
  }
}

export const currencyName = (code: string | undefined, lang: string) => displayName("currency", code, lang);
export const countryName = (code: string | undefined, lang: string) => displayName("region", code, lang);
export const languageName = (tag: string | undefined, lang: string) => displayName("language", tag, lang);

/** flag is the emoji flag of an ISO 3166 country code ("" for none). */
export function flag(code: string | undefined): string {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return "";
  return String.fromCodePoint(...[...code.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

/** coordinates prints a latitude and longitude to four places. */
export const coordinates = (lat: number, lon: number) => `${lat.toFixed(4)}, ${lon.toFixed(4)}`;

/** dateTime formats an ISO time as a medium date and short time. */
export function dateTime(iso: string | undefined, lang: string): string {
  return iso ? new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" }) : "";
}

/** shortTime is the time of day of an ISO time (pages of a visit). */
export function shortTime(iso: string, lang: string): string {
  return new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
}
