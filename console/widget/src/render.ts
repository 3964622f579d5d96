// How one message looks: its parts as bubbles, media, buttons and forms.
// Everything from a message is text nodes, except markdown and custom HTML,
// which pass through DOMPurify (after the hub's own sanitiser) before they
// touch the DOM; links only ever point to http(s) (or mailto in markdown).
import DOMPurify from "dompurify";
import { h, icon, icons, safeURL } from "./dom";
import { renderForm } from "./form";
import { markdown } from "./markdown";
import { bytes, type Strings } from "./i18n";
import type { Button, FieldValue, Message, Part } from "./types";

/** What a message's controls do: answer a button, submit a form. */
export interface Actions {
  reply(label: string): void;
  submitForm(formMessageId: string, fields: FieldValue[]): Promise<void>;
  /** answered tells whether the visitor already answered the form of message id. */
  answered(messageId: string): boolean;
  /** repliedAfter tells whether the visitor wrote after message m (its quick replies are spent). */
  repliedAfter(m: Message): boolean;
}

// Links in operators' rich text open in a new tab without access to this page.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** sanitize is the one way HTML enters the widget. */
function sanitize(html: string): string {
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe"],
    FORBID_ATTR: ["style", "class", "id"],
  });
}

function richBubble(html: string): HTMLElement {
  const b = h("div", { class: "bubble rich" });
  b.innerHTML = sanitize(html);
  return b;
}

/** body renders the parts of m (or its text when it has none). */
export function body(m: Message, t: Strings, act: Actions): HTMLElement[] {
  const parts = m.parts?.length ? m.parts : [{ kind: "text", text: m.text }];
  return parts.map((p) => part(m, p, t, act)).filter((e): e is HTMLElement => !!e);
}

function part(m: Message, p: Part, t: Strings, act: Actions): HTMLElement | null {
  const a = p.attachment;
  switch (p.kind) {
    case "markdown":
      return richBubble(markdown(p.text ?? ""));
    case "html":
      return richBubble(p.text ?? "");
    case "image":
    case "sticker": {
      const src = safeURL(a?.url ?? p.sticker?.url);
      if (!src) return null;
      const img = h("img", { class: "media", src, alt: p.text || a?.filename || t.attachment, loading: "lazy" });
      return h("a", { href: src, target: "_blank", rel: "noopener noreferrer" }, img);
    }
    case "file":
    case "audio":
    case "video":
      return fileLink(p, t);
    case "buttons":
      return buttons(m, p, act);
    case "form":
      if (act.answered(m.id)) return h("div", { class: "form done" }, t.formSent);
      if (!p.form) return p.text ? textBubble(p.text) : null;
      return renderForm(m.id, p.form, t, act.submitForm);
    case "form_response":
      return textBubble(p.text || (p.form_response?.fields ?? []).map((f) => `${f.label || f.name}: ${f.value}`).join("\n"));
    case "link":
      return linkCard(p);
    case "location": {
      const loc = p.location;
      if (!loc) return null;
      const href = `https://www.openstreetmap.org/?mlat=${loc.latitude}&mlon=${loc.longitude}`;
      return h("a", { class: "file", href, target: "_blank", rel: "noopener noreferrer" }, h("b", null, "📍 " + (loc.title || loc.address || `${loc.latitude}, ${loc.longitude}`)));
    }
    default:
      return p.text ? textBubble(p.text) : null;
  }
}

const URLS = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’」。、]/g;

/** textBubble shows plain text, with its web addresses as links. */
function textBubble(text: string): HTMLElement {
  const b = h("div", { class: "bubble" });
  let at = 0;
  for (const m of text.matchAll(URLS)) {
    b.append(text.slice(at, m.index), h("a", { href: m[0], target: "_blank", rel: "noopener noreferrer" }, m[0]));
    at = m.index! + m[0].length;
  }
  b.append(text.slice(at));
  return b;
}

function fileLink(p: Part, t: Strings): HTMLElement | null {
  const a = p.attachment;
  const href = safeURL(a?.url);
  if (!a || !href) return null;
  const name = a.filename || p.text || t.attachment;
  return h(
    "a",
    { class: "file", href, download: name, target: "_blank", rel: "noopener noreferrer" },
    icon(icons.file),
    h("span", null, h("b", null, name), a.size ? h("small", null, bytes(a.size)) : null),
  );
}

function linkCard(p: Part): HTMLElement | null {
  const l = p.link;
  const href = safeURL(l?.url);
  if (!l || !href) return null;
  const img = safeURL(l.image_url);
  return h(
    "a",
    { class: "card", href, target: "_blank", rel: "noopener noreferrer" },
    img ? h("img", { src: img, alt: "", loading: "lazy" }) : null,
    h("span", null, l.title || new URL(href).host),
    l.description ? h("small", null, l.description) : null,
  );
}

/** buttons: URL buttons are links; the others answer with their label. Quick replies go away once used. */
function buttons(m: Message, p: Part, act: Actions): HTMLElement | null {
  if (p.quick_reply && act.repliedAfter(m)) return p.text ? textBubble(p.text) : null;
  const box = h("div", { class: p.quick_reply ? "chips quick" : "chips", role: "group", "aria-label": p.text || undefined });
  const one = (b: Button) => {
    const href = safeURL(b.url);
    if (href) return h("a", { class: "chip action", href, target: "_blank", rel: "noopener noreferrer" }, b.label);
    return h(
      "button",
      {
        class: p.quick_reply ? "chip" : "chip action",
        type: "button",
        onclick: () => {
          if (p.quick_reply) box.remove();
          act.reply(b.label);
        },
      },
      b.label,
    );
  };
  box.append(...(p.buttons ?? []).map(one));
  return p.text ? h("div", { class: "msg-part" }, textBubble(p.text), box) : box;
}
