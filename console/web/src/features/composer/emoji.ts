// Emoji data and picker, loaded only when first needed (dynamic import), so
// they are no part of the app's first load.
interface EmojiData {
  emojis: Record<string, { id: string; name: string; keywords?: string[]; skins: { native: string }[] }>;
}

let dataPromise: Promise<EmojiData> | null = null;

export function loadEmojiData(): Promise<EmojiData> {
  dataPromise ??= import("@emoji-mart/data").then((m) => (m.default ?? m) as unknown as EmojiData);
  return dataPromise;
}

/** shortcodeMatches finds emoji whose id starts with (then contains) q. */
export async function shortcodeMatches(q: string, max = 8): Promise<{ id: string; native: string }[]> {
  const data = await loadEmojiData();
  const s = q.toLowerCase();
  const all = Object.values(data.emojis);
  const starts = all.filter((e) => e.id.startsWith(s));
  const contains = all.filter((e) => !e.id.startsWith(s) && e.id.includes(s));
  const named = all.filter((e) => !e.id.includes(s) && (e.keywords ?? []).some((k) => k.startsWith(s)));
  return [...starts, ...contains, ...named].slice(0, max).map((e) => ({ id: e.id, native: e.skins[0]?.native ?? "" }));
}

/** mountPicker puts emoji-mart's picker into el; returns an unmount. */
export async function mountPicker(el: HTMLElement, locale: string, onPick: (native: string) => void): Promise<() => void> {
  const [{ Picker }, data] = await Promise.all([import("emoji-mart"), loadEmojiData()]);
  const picker = new Picker({
    data,
    locale: locale === "ja" ? "ja" : "en",
    onEmojiSelect: (e: { native: string }) => onPick(e.native),
    previewPosition: "none",
    skinTonePosition: "search",
    autoFocus: true,
  }) as unknown as HTMLElement;
  el.appendChild(picker);
  return () => picker.remove();
}
