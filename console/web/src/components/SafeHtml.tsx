// SafeHtml is the ONE place the console puts HTML into the page. Every piece
// of untrusted markup (a message's server-rendered markdown/html, the
// composer's preview) passes DOMPurify here, after the server's bluemonday
// pass: no scripts, no event handlers, no javascript: URLs, no SVG/MathML,
// no forms or frames; links open in a new tab without the opener.
import DOMPurify, { type Config } from "dompurify";
import { useMemo } from "react";

const purifier = DOMPurify();
purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed", "svg", "math", "link", "meta", "base"],
  FORBID_ATTR: ["style", "srcset", "formaction"],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|tel:|\/(?!\/)|#)/i,
  RETURN_TRUSTED_TYPE: false,
};

/** sanitize returns html cleaned for insertion into the console. */
export function sanitize(html: string): string {
  return purifier.sanitize(html, CONFIG) as unknown as string;
}

export function SafeHtml({ html, className }: { html: string; className?: string }) {
  const clean = useMemo(() => sanitize(html), [html]);
  return <div className={className ?? "rich"} dangerouslySetInnerHTML={{ __html: clean }} />;
}
