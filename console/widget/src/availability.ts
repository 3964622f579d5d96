// What the widget shows instead of (or above) the chat when the team
// cannot take it now: the visitor's place in the queue, the offline form
// (the form renderer of operators' forms, reused) and the closed banner.
import { h } from "./dom";
import { renderForm } from "./form";
import type { Strings } from "./i18n";
import type { Availability } from "./types";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** queueNotice: "You are number N in line, about M min" and the way out. */
export function queueNotice(t: Strings, position: number, waitSeconds: number, leave: () => void): HTMLElement {
  return h(
    "div",
    { class: "avail", role: "status" },
    h("p", null, t.queue(position, Math.max(1, Math.round(waitSeconds / 60)))),
    h("button", { type: "button", class: "link", onclick: leave }, t.leave),
  );
}

/** hoursList: the opening hours, one line a day. */
function hoursList(t: Strings, a: Availability): HTMLElement | null {
  if (!a.hours?.length) return null;
  const names = t.days.split(" ");
  return h(
    "div",
    null,
    h("strong", null, t.hours + (a.time_zone ? ` (${a.time_zone})` : "")),
    h("ul", null, ...a.hours.map((d) => h("li", null, `${names[DAYS.indexOf(d.day)] ?? d.day} ${d.ranges.map((r) => r.from + "–" + r.to).join(", ")}`))),
  );
}

/** closedBanner: the team's message and opening hours, nothing to fill in. */
export function closedBanner(t: Strings, a: Availability): HTMLElement {
  return h("div", { class: "avail", role: "status" }, h("p", null, a.message || t.offline), hoursList(t, a));
}

/** offlineForm: name, e-mail and message; submit hands them to the hub. */
export function offlineForm(t: Strings, a: Availability | undefined, submit: (v: { name: string; email: string; text: string }) => Promise<unknown>): HTMLElement {
  const box = h("div", { class: "avail" }, h("p", null, a?.message || t.offline), a ? hoursList(t, a) : null);
  box.append(
    renderForm("", { fields: [{ name: "name", label: t.name }, { name: "email", label: t.email, type: "email", required: true }, { name: "text", label: t.message, type: "textarea", required: true }] }, t, async (_id, fields) => {
      const v = Object.fromEntries(fields.map((f) => [f.name, f.value]));
      await submit({ name: v.name ?? "", email: v.email ?? "", text: v.text ?? "" });
      box.replaceChildren(h("p", { role: "status" }, t.offlineSent));
    }),
  );
  return box;
}
