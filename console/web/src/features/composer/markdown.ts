// Markdown → HTML for the composer's preview only (the hub renders the sent
// message itself); loaded on demand and shown through SafeHtml.
export async function renderMarkdown(src: string): Promise<string> {
  const { marked } = await import("marked");
  return marked.parse(src, { async: false, gfm: true, breaks: true }) as string;
}

/** looksLikeMarkdown: does the text use markdown syntax worth rendering? */
export function looksLikeMarkdown(s: string): boolean {
  return /(\*\*[^*]+\*\*|(^|\s)\*[^*\s][^*]*\*|(^|\s)_[^_\s][^_]*_|^\s*([-*+]|\d+\.)\s|\[[^\]]+\]\([^)]+\)|`[^`]+`|^#{1,6}\s)/m.test(s);
}
