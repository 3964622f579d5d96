import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState, type ClipboardEvent, type DragEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { SafeHtml } from "../../components/SafeHtml";
import { useQueryClient } from "@tanstack/react-query";
import { api, ApiError } from "../../lib/api";
import type { Conversation, Part, Template } from "../../lib/types";
import { useSend, type SendBody } from "../conversation/api";
import { useChannels } from "../inbox/api";
import { looksLikeMarkdown, renderMarkdown } from "./markdown";
import { mountPicker, shortcodeMatches } from "./emoji";
import { filterTemplates, useTemplates } from "./templates";
import { articleLink, articleURL, useArticleHits } from "./articles";
import type { Article } from "../articles/api";
import { useTypingSignal } from "./typing";
import { TemplatePicker } from "./TemplatePicker";
import { useReplyWindow } from "../conversation/window";
import { keys } from "../../app/streamCache";

export type Mode = "reply" | "note" | "html";
export interface ComposerHandle {
  focus(mode?: Mode): void;
}

interface Upload {
  key: string;
  name: string;
  kind: string;
  state: "uploading" | "done" | "error";
  part?: Part;
  error?: string;
}

interface MediaAnswer {
  id: string;
  url: string;
  content_type: string;
  size: number;
}

function partKindOf(type: string): string {
  if (type.startsWith("image/")) return "image";
  if (type.startsWith("audio/")) return "audio";
  if (type.startsWith("video/")) return "video";
  return "file";
}

export const Composer = forwardRef<ComposerHandle, { conv: Conversation }>(function Composer({ conv }, ref) {
  const { t, i18n } = useTranslation("inbox");
  const [mode, setMode] = useState<Mode>("reply");
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<string | null>(null);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [template, setTemplate] = useState<Template | null>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [sel, setSel] = useState(0);
  const [shortcodes, setShortcodes] = useState<{ id: string; native: string }[]>([]);
  const area = useRef<HTMLTextAreaElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const send = useSend(conv.id);
  const typing = useTypingSignal(conv.id);
  const channel = useChannels().data?.find((c) => c.id === conv.channel);
  const caps = channel?.capabilities;
  const qc = useQueryClient();
  // The reply window (WhatsApp, Messenger, Instagram): outside it only
  // approved templates go out; a send the hub refused as window_closed
  // counts as closed until the customer writes again.
  const win = useReplyWindow(conv, caps, false);
  const [refused, setRefused] = useState(false);
  useEffect(() => setRefused(false), [conv.id, conv.customer_last_at, conv.window_expires_at]);
  const closed = (win.closed || refused) && mode !== "note";
  const whatsapp = (channel?.type ?? conv.channel_type) === "whatsapp";
  const providerTemplates = !!caps?.templates && whatsapp;
  const [picker, setPicker] = useState(false);
  // Outside the window the picker replaces the free-text box (where the
  // channel has templates); inside it the toolbar button opens it.
  const closedPicker = closed && (!!caps?.templates || whatsapp);
  const showPicker = closedPicker || (picker && providerTemplates && mode !== "note");
  const limit = caps?.max_text_length || 0;
  const htmlOK = !!caps?.html;
  const media = (caps?.media as string[] | undefined) ?? [];

  useImperativeHandle(ref, () => ({
    focus(m) {
      if (m) setMode(m);
      // Outside the reply window the picker stands in for the text box.
      if (area.current) area.current.focus();
      else requestAnimationFrame(() => (area.current ?? root.current?.querySelector<HTMLElement>(".tpl-picker input, .tpl-picker button"))?.focus());
    },
  }));

  // Reset the draft when another conversation opens.
  useEffect(() => {
    setText("");
    setUploads([]);
    setTemplate(null);
    setPreview(null);
    setMode("reply");
    setPicker(false);
  }, [conv.id]);

  // Private notes are not shown to the customer as typing.
  useEffect(() => {
    if (mode === "note") typing.stop();
    else typing.onText(text);
  }, [text, mode]);

  // "/" at the start opens the template list, filtered by what follows.
  const slash = !closed && mode !== "html" && text.startsWith("/") && !text.includes("\n") ? text.slice(1) : null;
  const templates = useTemplates(slash !== null);
  const tplHits = useMemo(() => (slash !== null ? filterTemplates(templates.data ?? [], slash) : []), [slash, templates.data]);
  // Published help-centre articles below the templates: one list, one selection.
  const articles = useArticleHits(slash);
  const artHits: Article[] = slash !== null ? (articles.data ?? []) : [];

  // ":smi" before the caret offers emoji by shortcode.
  const [caret, setCaret] = useState(0);
  const colon = /(?:^|\s):([a-z0-9_+-]{2,})$/i.exec(text.slice(0, caret));
  const colonQ = colon?.[1] ?? "";
  useEffect(() => {
    let live = true;
    if (!colonQ) {
      setShortcodes([]);
      return;
    }
    void shortcodeMatches(colonQ).then((r) => live && setShortcodes(r));
    return () => {
      live = false;
    };
  }, [colonQ]);

  const popup: "templates" | "emoji" | null = slash !== null ? "templates" : shortcodes.length && !closed ? "emoji" : null;
  useEffect(() => setSel(0), [popup, slash, colonQ]);

  useEffect(() => {
    let live = true;
    if (preview === null) return;
    if (mode === "html") setPreview(text);
    else void renderMarkdown(text).then((h) => live && setPreview(h));
    return () => {
      live = false;
    };
  }, [text, mode, preview !== null]);

  function insertTemplate(tpl: Template) {
    if (tpl.parts && tpl.parts.length && !tpl.text) {
      setTemplate(tpl);
      setText("");
    } else {
      setTemplate(null);
      setText(tpl.text ?? "");
    }
    requestAnimationFrame(() => area.current?.focus());
  }

  function insertArticle(a: Article) {
    setTemplate(null);
    setText(articleLink(a) + " ");
    requestAnimationFrame(() => area.current?.focus());
  }

  function insertAtCaret(s: string, replaceBefore = 0) {
    const el = area.current;
    const pos = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? pos;
    const next = text.slice(0, pos - replaceBefore) + s + text.slice(end);
    setText(next);
    const at = pos - replaceBefore + s.length;
    setCaret(at);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at, at);
    });
  }

  async function upload(files: FileList | File[]) {
    for (const f of Array.from(files)) {
      const key = `${f.name}-${f.size}-${Math.random()}`;
      const kind = partKindOf(f.type);
      setUploads((u) => [...u, { key, name: f.name, kind, state: "uploading" }]);
      const body = new FormData();
      body.append("file", f, f.name);
      try {
        const m = await api<MediaAnswer>("POST", "/api/v1/media", body);
        const part: Part = { kind, attachment: { media_id: m.id, url: m.url, content_type: m.content_type, filename: f.name, size: m.size } };
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, state: "done", part } : x)));
      } catch (e) {
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, state: "error", error: (e as Error).message } : x)));
      }
    }
  }

  const ready = uploads.filter((u) => u.state === "done");
  const busy = uploads.some((u) => u.state === "uploading");
  const over = limit > 0 && mode !== "note" && text.length > limit;
  const empty = !text.trim() && !ready.length && !template;

  function onSendError(e: Error) {
    if (e instanceof ApiError && e.code === "window_closed") {
      setRefused(true);
      void qc.invalidateQueries({ queryKey: keys.conversation(conv.id) });
    }
  }

  function sendTemplate(p: Part) {
    send.mutate({ parts: [p] }, { onSuccess: () => setPicker(false), onError: onSendError });
  }

  function submit() {
    if (empty || busy || over || send.isPending || closed) return;
    let body: SendBody;
    const files = ready.map((u) => u.part!);
    if (template) body = { template_id: template.id };
    else if (mode === "note") body = { text, note: true };
    else if (mode === "html") body = { parts: [{ kind: "html", text }, ...files] };
    else if (files.length || looksLikeMarkdown(text)) body = { parts: [...(text.trim() ? [{ kind: looksLikeMarkdown(text) ? "markdown" : "text", text }] : []), ...files] };
    else body = { text };
    send.mutate(body, {
      onSuccess: () => {
        setText("");
        setUploads([]);
        setTemplate(null);
        setPreview((p) => (p === null ? null : ""));
      },
      onError: onSendError,
    });
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
      e.preventDefault();
      submit();
      return;
    }
    const list = popup === "templates" ? [...tplHits, ...artHits] : popup === "emoji" ? shortcodes : [];
    if (popup && list.length) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        setSel((s) => (s + 1) % list.length);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        setSel((s) => (s - 1 + list.length) % list.length);
      } else if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        if (popup === "templates") {
          if (sel < tplHits.length) insertTemplate(tplHits[sel]);
          else insertArticle(artHits[sel - tplHits.length]);
        }
        else insertAtCaret(shortcodes[sel].native + " ", colonQ.length + 1);
      }
    }
    if (e.key === "Escape") {
      if (popup === "templates") setText("");
      else (e.target as HTMLElement).blur();
    }
  }

  const onDrop = (e: DragEvent) => {
    if (e.dataTransfer.files.length) {
      e.preventDefault();
      void upload(e.dataTransfer.files);
    }
  };
  const onPaste = (e: ClipboardEvent) => {
    if (e.clipboardData.files.length) {
      e.preventDefault();
      void upload(e.clipboardData.files);
    }
  };

  const hints: string[] = [];
  if (mode !== "note") {
    if (conv.channel_type === "sms") hints.push(t("composer.hint.noHtmlSms"));
    else if (mode === "html" && !htmlOK) hints.push(t("composer.hint.noHtml"));
    if (media.length) hints.push(t("composer.hint.media", { kinds: media.join(", ") }));
    else if (caps) hints.push(t("composer.hint.noMedia"));
  }

  return (
    <div ref={root} className={`composer composer-${mode}`} onDrop={onDrop} onDragOver={(e) => e.preventDefault()}>
      <div className="composer-tabs" role="tablist" aria-label={t("composer.mode")}>
        {(["reply", "note", "html"] as Mode[]).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            onClick={() => setMode(m)}
            disabled={m === "html" && !htmlOK}
            title={m === "html" && !htmlOK ? t("composer.hint.noHtml") : undefined}
          >
            {t(`composer.modes.${m}`)}
          </button>
        ))}
        <span className="spacer" />
        <button type="button" aria-pressed={preview !== null} onClick={() => setPreview((p) => (p === null ? "" : null))}>
          {t("composer.preview")}
        </button>
      </div>
      {popup === "templates" && (
        <ul className="popup" role="listbox" aria-label={t("composer.templates")}>
          {templates.isPending && <li className="muted">{t("common:loading")}</li>}
          {templates.isSuccess && tplHits.length === 0 && artHits.length === 0 && <li className="muted">{t("composer.noTemplates")}</li>}
          {tplHits.map((tpl, i) => (
            <li
              key={tpl.id}
              role="option"
              aria-selected={i === sel}
              onMouseDown={(e) => {
                e.preventDefault();
                insertTemplate(tpl);
              }}
              onMouseEnter={() => setSel(i)}
            >
              <strong>/{tpl.shortcut}</strong> <span>{tpl.name}</span> <span className="muted small">{t(`composer.scope.${tpl.scope}`)}</span>
              {tpl.text && <span className="muted small tpl-text">{tpl.text.slice(0, 80)}</span>}
            </li>
          ))}
          {artHits.length > 0 && (
            <li role="presentation" className="muted small popup-head">
              {t("composer.articles")}
            </li>
          )}
          {artHits.map((a, j) => (
            <li
              key={a.id}
              role="option"
              aria-selected={tplHits.length + j === sel}
              onMouseDown={(e) => {
                e.preventDefault();
                insertArticle(a);
              }}
              onMouseEnter={() => setSel(tplHits.length + j)}
            >
              <strong lang={a.locale} title={articleURL(a)}>
                {a.title}
              </strong>{" "}
              <span className="muted small">{t("composer.articleLink", { locale: a.locale })}</span>
            </li>
          ))}
        </ul>
      )}
      {popup === "emoji" && (
        <ul className="popup" role="listbox" aria-label={t("composer.emojiSuggestions")}>
          {shortcodes.map((s, i) => (
            <li
              key={s.id}
              role="option"
              aria-selected={i === sel}
              onMouseDown={(e) => {
                e.preventDefault();
                insertAtCaret(s.native + " ", colonQ.length + 1);
              }}
            >
              {s.native} :{s.id}:
            </li>
          ))}
        </ul>
      )}
      {closed && (
        <p className="window-reason" id={`why-${conv.id}`} role="note">
          <span aria-hidden="true">⏱</span> {t("window:freeTextOff")}
        </p>
      )}
      {showPicker && (
        <TemplatePicker channel={conv.channel} busy={send.isPending} autoFocus={!closedPicker || refused} onSend={sendTemplate} onClose={closed ? undefined : () => { setPicker(false); requestAnimationFrame(() => area.current?.focus()); }} />
      )}
      {template && !closed && (
        <div className="chip" role="status">
          {t("composer.templateChosen", { name: template.name })}{" "}
          <button type="button" onClick={() => setTemplate(null)} aria-label={t("composer.removeTemplate")}>
            ×
          </button>
        </div>
      )}
      {!closedPicker && <textarea
        ref={area}
        value={closed ? "" : text}
        disabled={closed}
        aria-describedby={closed ? `why-${conv.id}` : undefined}
        aria-label={mode === "note" ? t("composer.noteLabel") : t("composer.replyLabel")}
        placeholder={closed ? t("window:closed") : mode === "note" ? t("composer.notePlaceholder") : mode === "html" ? t("composer.htmlPlaceholder") : t("composer.placeholder")}
        onChange={(e) => {
          setText(e.target.value);
          setCaret(e.target.selectionStart);
        }}
        onSelect={(e) => setCaret((e.target as HTMLTextAreaElement).selectionStart)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={typing.stop}
        rows={closed ? 1 : 3}
      />}
      {preview !== null && !closed && (
        <div className="composer-preview" aria-label={t("composer.previewLabel")}>
          {text.trim() ? <SafeHtml html={preview} /> : <span className="muted">{t("composer.previewEmpty")}</span>}
        </div>
      )}
      {uploads.length > 0 && !closed && (
        <ul className="uploads" aria-label={t("composer.attachments")}>
          {uploads.map((u) => (
            <li key={u.key} className={u.state}>
              📎 {u.name} <span className="muted small">{t(`composer.upload.${u.state}`)}</span>
              {u.error && <span className="error small"> {u.error}</span>}
              <button type="button" aria-label={t("composer.removeAttachment", { name: u.name })} onClick={() => setUploads((x) => x.filter((y) => y.key !== u.key))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {!closed && <div className="composer-bar">
        <button type="button" onClick={() => fileInput.current?.click()} aria-label={t("composer.attach")} title={t("composer.attach")}>
          📎
        </button>
        <input ref={fileInput} type="file" multiple hidden onChange={(e) => e.target.files && upload(e.target.files).then(() => (e.target.value = ""))} />
        <button type="button" onClick={() => setEmojiOpen((o) => !o)} aria-expanded={emojiOpen} aria-label={t("composer.emoji")} title={t("composer.emoji")}>
          😊
        </button>
        {providerTemplates && mode !== "note" && (
          <button type="button" onClick={() => setPicker((o) => !o)} aria-expanded={picker}>
            {t("window:picker.open")}
          </button>
        )}
        <span className="hints small muted">{hints.join(" · ")}</span>
        {limit > 0 && mode !== "note" && (
          <span className={`counter small ${over ? "error" : "muted"}`} aria-live="polite">
            {text.length}/{limit}
          </span>
        )}
        <button type="button" className="primary" onClick={submit} disabled={empty || busy || over || send.isPending}>
          {mode === "note" ? t("composer.addNote") : t("composer.send")}
        </button>
      </div>}
      {send.error && (
        <p role="alert" className="error small">
          {send.error.message}
        </p>
      )}
      {emojiOpen && <EmojiPicker lang={i18n.language} onPick={(n) => insertAtCaret(n)} onClose={() => setEmojiOpen(false)} />}
    </div>
  );
});

function EmojiPicker({ lang, onPick, onClose }: { lang: string; onPick: (n: string) => void; onClose: () => void }) {
  const { t } = useTranslation("inbox");
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let off: (() => void) | undefined;
    let live = true;
    void mountPicker(box.current!, lang, (n) => pick.current(n)).then((u) => {
      if (live) {
        off = u;
        setLoading(false);
      } else u();
    });
    return () => {
      live = false;
      off?.();
    };
  }, [lang]);
  return (
    <div className="emoji-pop" role="dialog" aria-label={t("composer.emoji")} onKeyDown={(e) => e.key === "Escape" && onClose()}>
      {loading && <span className="muted">{t("common:loading")}</span>}
      <div ref={box} />
    </div>
  );
}
