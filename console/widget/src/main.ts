// Switchboard's site chat widget. A site embeds it with
//   <script async src="https://HUB/widget.js" data-channel="CHANNEL_ID"></script>
// (or sets window.SwitchboardSettings = {channel, language} first). It
// never blocks the page: it runs after the page's own scripts are parsed,
// draws only a launcher until opened, and talks to the hub it came from.
//
// The page talks to it through window.Switchboard: open(), close(),
// identify({...}), on(event, fn), off(event, fn). Calls made before the
// script loaded are queued by the snippet in docs/widget.md,
//   window.Switchboard = window.Switchboard || function () { (Switchboard.q = Switchboard.q || []).push(arguments) };
// and replayed here; "switchboard:ready" fires on window once it is ready.
import { Api } from "./api";
import { setCSATApi } from "./csat";
import { VisitorStorage } from "./storage";
import type { Config } from "./types";
import { Widget, type WidgetEvent } from "./widget";

interface Settings {
  channel?: string;
  language?: string;
}

type Queued = { q?: ArrayLike<unknown>[] };

declare global {
  interface Window {
    SwitchboardSettings?: Settings;
    Switchboard?: unknown;
  }
}

const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>("script[src*='/widget.js']");

async function boot(): Promise<void> {
  if (!script || (window.Switchboard as { version?: string } | undefined)?.version) return;
  const settings = window.SwitchboardSettings ?? {};
  const channel = settings.channel || script.dataset.channel || "web";
  const hub = new URL(script.src, location.href).origin;
  const storage = new VisitorStorage(hub, channel);
  const api = new Api(hub, channel, storage);
  setCSATApi(api);
  // The look from the last visit draws the launcher at once; a first
  // visit waits for the channel's config (colour, language).
  let config: Config | null = null;
  try {
    config = JSON.parse(storage.get("config") ?? "null");
  } catch {
    config = null;
  }
  if (!config) {
    try {
      config = await api.config();
    } catch (err) {
      console.error("Switchboard: cannot load the chat of channel", channel, err);
      return;
    }
  }
  const widget = new Widget(api, storage, config, settings.language);
  widget.start();
  install(widget);
}

/** install puts the API on window.Switchboard and replays calls queued before it loaded. */
function install(widget: Widget): void {
  const methods = {
    version: "1",
    open: () => widget.open(),
    close: () => widget.close(),
    identify: (who: Parameters<Widget["identify"]>[0]) => widget.identify(who),
    on: (event: WidgetEvent, fn: (arg?: unknown) => void) => widget.on(event, fn),
    off: (event: WidgetEvent, fn: (arg?: unknown) => void) => widget.off(event, fn),
  };
  // Callable too, like the queueing stub: Switchboard("open").
  const api = Object.assign((name: keyof typeof methods, ...args: unknown[]) => {
    const fn = methods[name];
    return typeof fn === "function" ? (fn as (...a: unknown[]) => unknown)(...args) : undefined;
  }, methods);
  const queued = (window.Switchboard as Queued | undefined)?.q ?? [];
  window.Switchboard = api;
  for (const call of Array.from(queued)) {
    const [name, ...args] = Array.from(call);
    try {
      (api as (n: unknown, ...a: unknown[]) => unknown)(name, ...args);
    } catch (err) {
      console.error("Switchboard: queued call", name, "failed", err);
    }
  }
  dispatchEvent(new CustomEvent("switchboard:ready", { detail: api }));
}

void boot();
