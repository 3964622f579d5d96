// Where the visitor writes: the text box (Enter sends, Shift+Enter and IME
// composition do not), an emoji picker, attachments (picker, drag and drop
// onto the panel, pasted images) checked against the channel's upload
// limits before anything is uploaded, and the draft the operators see live.
import { h, icon, icons } from "./dom";
import { bytes, type Strings } from "./i18n";
import { EMOJI_COLUMNS } from "./styles";
import type { UploadLimits } from "./types";

const EMOJI = "😀 😂 😊 😍 🥰 😉 😎 🤔 😅 😢 😭 😡 😮 🙄 😴 🤗 👍 👎 👏 🙏 👋 💪 👌 ✌️ 🙌 ❤️ 💔 🔥 ✨ 🎉 ✅ ❌ ⭐ 💯 📦 🚚 💳 📷 ☕ 🍣".split(" ");

/** DRAFT_EVERY is the least time between two drafts sent to the hub. */
const DRAFT_EVERY = 400;

export interface ComposerEvents {
  send(text: string, files: File[]): void;
  draft(text: string): void;
  /** input: the text changed (every keystroke; the article suggestions follow it). */
  input?(text: string): void;
}

export class Composer {
  readonly el: HTMLElement;
  /** box is the text box (the article suggestions listen to its keys). */
  readonly box: HTMLTextAreaElement;
  private readonly fileInput: HTMLInputElement;
  private readonly fileList: HTMLUListElement;
  private readonly notice: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly emojis: HTMLElement;
  private readonly emojiButton: HTMLButtonElement;
  private files: File[] = [];
  private limits: UploadLimits = { max_bytes: 0, types: [], max_files: 10 };
  private draftTimer = 0;
  private draftSent = "";

  constructor(
    private readonly t: Strings,
    private readonly on: ComposerEvents,
  ) {
    this.box = h("textarea", { rows: 1, placeholder: t.placeholder, "aria-label": t.message, enterkeyhint: "send" });
    this.box.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        this.submit();
      }
    });
    this.box.addEventListener("input", () => this.typed());
    this.box.addEventListener("paste", (e) => {
      const pasted = [...(e.clipboardData?.files ?? [])];
      if (pasted.length) {
        e.preventDefault();
        this.add(pasted);
      }
    });
    this.fileInput = h("input", { type: "file", multiple: true, hidden: true, tabindex: -1 });
    this.fileInput.addEventListener("change", () => {
      this.add([...(this.fileInput.files ?? [])]);
      this.fileInput.value = "";
    });
    const emojiId = "sb-emoji";
    this.emojis = h("div", { class: "emojis", id: emojiId, role: "group", "aria-label": t.emoji, hidden: true });
    // One tab stop for the grid; the arrow keys move inside it.
    EMOJI.forEach((e, i) => this.emojis.append(h("button", { type: "button", "aria-label": e, tabindex: i ? -1 : 0, onclick: () => this.insert(e) }, e)));
    this.emojis.addEventListener("keydown", (e) => this.moveInGrid(e));
    this.emojiButton = h("button", { class: "icon", type: "button", "aria-label": t.emoji, "aria-expanded": "false", "aria-controls": emojiId, onclick: () => this.toggleEmoji() }, icon(icons.emoji));
    this.fileList = h("ul", { class: "files", "aria-label": t.attachment });
    this.notice = h("div", { class: "notice", role: "alert" });
    this.hint = h("div", { class: "hint" });
    this.el = h(
      "div",
      { class: "composer" },
      this.emojis,
      this.fileList,
      this.notice,
      h(
        "div",
        { class: "row" },
        h("button", { class: "icon", type: "button", "aria-label": t.attach, onclick: () => this.fileInput.click() }, icon(icons.attach)),
        this.emojiButton,
        this.box,
        h("button", { class: "icon send", type: "button", "aria-label": t.send, onclick: () => this.submit() }, icon(icons.send)),
      ),
      this.hint,
      this.fileInput,
    );
  }

  /** setLimits applies the channel's upload limits (from its config). */
  setLimits(limits: UploadLimits | undefined, maxText?: number): void {
    if (!limits) return;
    this.limits = limits;
    if (limits.types?.length) this.fileInput.accept = limits.types.join(",");
    if (maxText) this.box.maxLength = maxText;
    this.hint.textContent = limits.max_bytes ? this.t.limits(bytes(limits.max_bytes)) : "";
  }

  focus(): void {
    this.box.focus();
  }

  /** attach adds els to the composer (the suggestions float above its row). */
  attach(...els: HTMLElement[]): void {
    this.el.append(...els);
  }

  /** closeEmoji closes the emoji picker; false when it was not open. */
  closeEmoji(): boolean {
    if (this.emojis.hidden) return false;
    this.toggleEmoji();
    return true;
  }

  /** acceptDrops lets files be dropped anywhere on target (the panel). */
  acceptDrops(target: HTMLElement): void {
    const cover = h("div", { class: "drop", hidden: true }, this.t.drop);
    target.append(cover);
    let depth = 0;
    const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes("Files");
    target.addEventListener("dragenter", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      cover.hidden = false;
    });
    target.addEventListener("dragover", (e) => hasFiles(e) && e.preventDefault());
    target.addEventListener("dragleave", () => {
      if (--depth <= 0) {
        depth = 0;
        cover.hidden = true;
      }
    });
    target.addEventListener("drop", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      cover.hidden = true;
      this.add([...(e.dataTransfer?.files ?? [])]);
    });
  }

  /** add attaches files that pass the limits and says why the others do not. */
  add(files: File[]): void {
    const problems: string[] = [];
    for (const f of files) {
      const why = this.check(f);
      if (why) problems.push(why);
      else this.files.push(f);
    }
    this.notice.textContent = problems.join(" ");
    this.showFiles();
  }

  private check(f: File): string {
    const { max_bytes, types, max_files } = this.limits;
    if (this.files.length >= max_files) return this.t.tooMany(max_files);
    if (max_bytes && f.size > max_bytes) return this.t.tooBig(f.name, bytes(max_bytes));
    // No type known to the browser: the hub sniffs the bytes and decides.
    if (f.type && types?.length && !types.some((a) => a === f.type || (a.endsWith("/*") && f.type.startsWith(a.slice(0, -1))))) return this.t.badType(f.name);
    return "";
  }

  private showFiles(): void {
    this.fileList.replaceChildren(
      ...this.files.map((f, i) =>
        h(
          "li",
          null,
          h("span", null, `${f.name} (${bytes(f.size)})`),
          h("button", { type: "button", "aria-label": this.t.remove(f.name), onclick: () => this.removeFile(i) }, icon(icons.close)),
        ),
      ),
    );
  }

  private removeFile(i: number): void {
    this.files.splice(i, 1);
    this.notice.textContent = "";
    this.showFiles();
    this.box.focus();
  }

  private toggleEmoji(): void {
    const open = this.emojis.hidden;
    this.emojis.hidden = !open;
    this.emojiButton.setAttribute("aria-expanded", String(open));
    if (open) this.emojis.querySelector<HTMLElement>("[tabindex='0']")?.focus();
    else this.emojiButton.focus();
  }

  private moveInGrid(e: KeyboardEvent): void {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: EMOJI_COLUMNS, ArrowUp: -EMOJI_COLUMNS }[e.key];
    if (!step) return;
    e.preventDefault();
    const buttons = [...this.emojis.children] as HTMLButtonElement[];
    const from = buttons.indexOf(e.target as HTMLButtonElement);
    const to = buttons[Math.min(Math.max(from + step, 0), buttons.length - 1)];
    for (const b of buttons) b.tabIndex = b === to ? 0 : -1;
    to.focus();
  }

  private insert(text: string): void {
    const { selectionStart: a, selectionEnd: b, value } = this.box;
    this.box.value = value.slice(0, a) + text + value.slice(b);
    this.box.selectionStart = this.box.selectionEnd = a + text.length;
    this.box.focus();
    this.typed();
  }

  private submit(): void {
    const text = this.box.value.trim();
    if (!text && !this.files.length) return;
    this.on.send(text, this.files);
    this.box.value = "";
    this.files = [];
    this.notice.textContent = "";
    this.showFiles();
    this.grow();
    this.emojis.hidden = true;
    this.emojiButton.setAttribute("aria-expanded", "false");
    this.flushDraft();
    this.box.focus();
  }

  /** typed sends the draft at most every DRAFT_EVERY ms; an empty box at once. */
  private typed(): void {
    this.grow();
    this.on.input?.(this.box.value);
    if (!this.box.value) this.flushDraft();
    else if (!this.draftTimer) this.draftTimer = window.setTimeout(() => this.flushDraft(), DRAFT_EVERY);
  }

  private flushDraft(): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = 0;
    const text = this.box.value;
    if (text === this.draftSent) return;
    this.draftSent = text;
    this.on.draft(text);
  }

  private grow(): void {
    this.box.style.height = "auto";
    this.box.style.height = Math.min(this.box.scrollHeight + 2, 120) + "px";
  }
}
