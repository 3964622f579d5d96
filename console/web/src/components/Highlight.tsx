// Highlight marks the occurrences of the query's words in text with <mark>,
// as React text nodes (never HTML), so a hit can't inject markup.
import { Fragment } from "react";

function escapeRe(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function Highlight({ text, query }: { text: string; query: string }) {
  const words = query.trim().split(/\s+/).filter(Boolean).map(escapeRe);
  if (!words.length) return <>{text}</>;
  const re = new RegExp(`(${words.join("|")})`, "giu");
  const pieces = text.split(re);
  return (
    <>
      {pieces.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : <Fragment key={i}>{p}</Fragment>))}
    </>
  );
}

/** snippet cuts text to about width characters around the first hit. */
export function snippet(text: string, query: string, width = 120): string {
  const w = query.trim().split(/\s+/)[0] ?? "";
  const i = w ? text.toLowerCase().indexOf(w.toLowerCase()) : -1;
  if (i < 0 || text.length <= width) return text.slice(0, width);
  const start = Math.max(0, i - Math.floor(width / 3));
  return (start > 0 ? "…" : "") + text.slice(start, start + width) + (start + width < text.length ? "…" : "");
}
