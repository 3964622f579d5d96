// A form an operator sent (part kind "form"): labelled fields, checked
// here (required, e-mail shape) before the answer goes to the hub, which
// checks it again (console/richtext.go ValidateFormResponse).
import { h } from "./dom";
import type { Strings } from "./i18n";
import type { FieldValue, Form, FormField } from "./types";

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

let seq = 0;

/** fieldError is what is wrong with value for field, or "". */
export function fieldError(field: FormField, value: string, t: Strings): string {
  if (field.required && !value) return t.required(field.label);
  if (field.type === "email" && value && !EMAIL.test(value)) return t.badEmail;
  return "";
}

export function renderForm(messageId: string, form: Form, t: Strings, submit: (id: string, fields: FieldValue[]) => Promise<void>): HTMLElement {
  const id = `sb-form-${++seq}`;
  const title = form.title ? h("h3", { id: id + "-title" }, form.title) : null;
  const el = h("form", { class: "form", novalidate: true, "aria-labelledby": title ? id + "-title" : undefined, "aria-label": title ? undefined : t.message });
  if (title) el.append(title);
  const inputs = form.fields.map((f, i) => {
    const inputId = `${id}-${i}`;
    const attrs = { id: inputId, name: f.name, required: !!f.required, "aria-required": f.required ? "true" : undefined, "aria-describedby": inputId + "-err" };
    const input =
      f.type === "textarea"
        ? h("textarea", attrs)
        : h("input", { ...attrs, type: f.type === "email" || f.type === "tel" ? f.type : "text", autocomplete: f.type === "email" ? "email" : f.type === "tel" ? "tel" : undefined });
    const err = h("div", { class: "error", id: inputId + "-err" });
    el.append(h("div", { class: "field" }, h("label", { for: inputId }, f.label + (f.required ? " *" : "")), input, err));
    return { f, input, err };
  });
  const status = h("div", { class: "error", role: "alert" });
  const button = h("button", { class: "primary", type: "submit" }, form.submit_label || t.submit);
  el.append(status, button);

  el.addEventListener("submit", async (e) => {
    e.preventDefault();
    let firstBad: HTMLElement | null = null;
    for (const { f, input, err } of inputs) {
      const msg = fieldError(f, input.value.trim(), t);
      err.textContent = msg;
      input.setAttribute("aria-invalid", msg ? "true" : "false");
      if (msg && !firstBad) firstBad = input;
    }
    if (firstBad) {
      firstBad.focus();
      return;
    }
    button.disabled = true;
    status.textContent = "";
    try {
      // Once stored, the thread redraws this message with the form answered.
      await submit(
        messageId,
        inputs.map(({ f, input }) => ({ name: f.name, label: f.label, value: input.value.trim() })),
      );
    } catch (err) {
      status.textContent = t.failed((err as Error).message);
      button.disabled = false;
    }
  });
  return el;
}
