// A small markdown renderer for what operators send to the site chat:
// paragraphs, line breaks, **bold**, *italic*, ~~strike~~, `code`, fenced
// code blocks, links and autolinks, bullet and numbered lists (nested by
// indentation), headings, blockquotes and rules. It replaces a full
// CommonMark library to keep the widget small.
//
// Safety: the answer is HTML in which every piece of the source is escaped;
// raw HTML in the source shows as text. Links are made only for http(s) and
// mailto addresses (anything else stays text) and open in a new tab without
// access to the page. render.ts still passes the answer through DOMPurify.
// This module uses no DOM, so it is tested under node.

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** href is u when it is an absolute http(s) or mailto address, else null. */
export function href(u: string): string | null {
  u = u.trim();
  return /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(u) ? u : null;
}

const a = (url: string, inner: string) => `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${inner}</a>`;

// The inline constructs, tried at each position in this order. Spans are
// bounded (999 characters) so that unclosed markers cost linear time.
const INLINE = new RegExp(
  [
    String.raw`\\([!-/:-@[-\x60{-~])`, // 1 backslash escape
    String.raw`(\x60+)([^\x60][\s\S]{0,999}?)\2(?!\x60)`, // 2,3 code span
    String.raw`!?\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?([^\s<>()]*(?:\([^\s<>()]*\)[^\s<>()]*)*)>?(?:\s+"[^"]*")?\s*\)`, // 4,5 link
    String.raw`<((?:https?:\/\/|mailto:)[^\s<>]+)>`, // 6 autolink
    String.raw`(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'’」。、*_~])`, // 7 bare address
    String.raw`(\*\*|__)(?=\S)([\s\S]{0,999}?\S)\8`, // 8,9 bold
    String.raw`(\*|(?<![\p{L}\p{N}])_)(?=\S)([\s\S]{0,999}?[^\s*])\10(?![\p{L}\p{N}])`, // 10,11 italic
    String.raw`~~(?=\S)([\s\S]{0,999}?\S)~~`, // 12 strike
    String.raw`( {2,}|\\)?\n`, // 13 line break
  ].join("|"),
  "gu",
);

/** inline renders the spans of one block; inLink stops links nesting. */
export function inline(src: string, inLink = false): string {
  let out = "";
  let at = 0;
  for (const m of src.matchAll(INLINE)) {
    out += esc(src.slice(at, m.index));
    at = m.index! + m[0].length;
    if (m[1] !== undefined) out += esc(m[1]);
    else if (m[3] !== undefined) out += `<code>${esc(m[3].replace(/\n/g, " ").replace(/^ (.*) $/, "$1"))}</code>`;
    else if (m[5] !== undefined) {
      const url = href(m[5]);
      const text = inline(m[4], true);
      out += url && !inLink ? a(url, text || esc(url)) : text;
    } else if (m[6] !== undefined) out += inLink ? esc(m[6]) : a(m[6], esc(m[6]));
    else if (m[7] !== undefined) out += inLink ? esc(m[7]) : a(m[7], esc(m[7]));
    else if (m[9] !== undefined) {
      // "**a *b***": the bold ends after the italic it contains.
      let inner = m[9];
      if (src[at] === m[8][0] && inner.split(m[8][0]).length % 2 === 0) inner += src[at++];
      out += `<strong>${inline(inner, inLink)}</strong>`;
    }
    else if (m[11] !== undefined) out += `<em>${inline(m[11], inLink)}</em>`;
    else if (m[12] !== undefined) out += `<del>${inline(m[12], inLink)}</del>`;
    else out += "<br>";
  }
  return out + esc(src.slice(at));
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)/;
const blank = (l: string) => !l.trim();

/** interrupts tells whether line l ends a paragraph by starting another block. */
function interrupts(l: string): boolean {
  const li = ITEM.exec(l);
  return FENCE.test(l) || HEADING.test(l) || RULE.test(l) || QUOTE.test(l) || (!!li && (!/\d/.test(li[2]) || /^1\D/.test(li[2])) && !blank(l.slice(li[0].length)));
}

/** blocks renders lines; tight renders paragraphs without <p> (list items). */
function blocks(lines: string[], tight = false, depth = 0): string {
  // Quotes and lists nest at most this deep; deeper is text.
  if (depth > 8) return `<p>${inline(lines.join("\n"))}</p>`;
  let out = "";
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    let m: RegExpExecArray | null;
    if (blank(l)) {
      i++;
    } else if ((m = FENCE.exec(l))) {
      const fence = m[1];
      const body: string[] = [];
      for (i++; i < lines.length; i++) {
        const c = lines[i].trim();
        if (c.startsWith(fence) && !c.slice(fence.length).replace(new RegExp("\\" + fence[0], "g"), "").trim()) {
          i++;
          break;
        }
        body.push(lines[i]);
      }
      out += `<pre><code>${esc(body.join("\n"))}</code></pre>`;
    } else if (RULE.test(l)) {
      out += "<hr>";
      i++;
    } else if ((m = HEADING.exec(l))) {
      const n = m[1].length;
      out += `<h${n}>${inline(m[2] ?? "")}</h${n}>`;
      i++;
    } else if (QUOTE.test(l)) {
      const body: string[] = [];
      // Quoted lines, and unquoted ones continuing a quoted paragraph.
      while (i < lines.length && (QUOTE.test(lines[i]) || (!blank(lines[i]) && !blank(body[body.length - 1] ?? "") && !interrupts(lines[i])))) {
        body.push(lines[i].replace(QUOTE, ""));
        i++;
      }
      out += `<blockquote>${blocks(body, false, depth + 1)}</blockquote>`;
    } else if ((m = ITEM.exec(l))) {
      i = list(lines, i, depth, (html) => (out += html));
    } else {
      const para = [l.trim()];
      for (i++; i < lines.length && !blank(lines[i]) && !interrupts(lines[i]); i++) para.push(lines[i].trim());
      const html = inline(para.join("\n"));
      out += tight ? (out ? "<br>" : "") + html : `<p>${html}</p>`;
    }
  }
  return out;
}

/** list renders the list starting at lines[i] and answers the index after it. */
function list(lines: string[], i: number, depth: number, emit: (html: string) => void): number {
  const first = ITEM.exec(lines[i])!;
  const ordered = /\d/.test(first[2]);
  const delim = first[2].slice(-1);
  const items: string[][] = [];
  let loose = false;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]);
    if (!m || /\d/.test(m[2]) !== ordered || m[2].slice(-1) !== delim) break;
    // The item's content starts after its marker; continuation lines are
    // indented at least that far (or continue its paragraph lazily).
    const width = m[0].length - m[3].length + Math.min(Math.max(m[3].length, 1), 4);
    const body = [lines[i].slice(m[0].length)];
    for (i++; i < lines.length; i++) {
      const l = lines[i];
      if (blank(l)) {
        body.push("");
        continue;
      }
      const indent = l.length - l.trimStart().length;
      // A nested list may be indented less than the content (two spaces under "1. ").
      if (indent >= width || (indent >= 2 && ITEM.test(l))) body.push(l.slice(Math.min(indent, width)));
      else if (!blank(body[body.length - 1]) && !interrupts(l) && !ITEM.test(l)) body.push(l.trim());
      else break;
    }
    // Blank lines between items (or inside one) make the list loose.
    while (body.length && blank(body[body.length - 1])) {
      body.pop();
      if (i < lines.length && ITEM.test(lines[i])) loose = true;
    }
    if (body.some(blank)) loose = true;
    items.push(body);
  }
  const start = ordered ? parseInt(first[2], 10) : 1;
  const tag = ordered ? "ol" : "ul";
  emit(`<${tag}${start !== 1 ? ` start="${start}"` : ""}>${items.map((b) => `<li>${blocks(b, !loose, depth + 1)}</li>`).join("")}</${tag}>`);
  return i;
}

/** markdown renders src (an operator's message) as escaped, safe HTML. */
export function markdown(src: string): string {
  return blocks(src.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n"));
}
