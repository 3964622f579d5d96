// The widget's own style sheet, inside its shadow root. `:host` resets
// everything the page could make it inherit (`all: initial` with
// !important wins over the page's !important rules for the host); sizes
// are in px, never rem, so the page's root font size changes nothing.

/** EMOJI_COLUMNS is the width of the emoji picker's grid (the arrow keys follow it). */
export const EMOJI_COLUMNS = 10;

/** NARROW is where the panel takes the whole screen (a phone). */
export const NARROW = "(max-width: 480px)";

export const css = `
:host{all:initial!important;display:block!important;position:static!important}
.root{all:initial;position:fixed;bottom:20px;right:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px;
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans JP","Noto Sans CJK JP",sans-serif;color:#1d2330;
 -webkit-font-smoothing:antialiased;text-align:left;direction:ltr}
.root.left{right:auto;left:20px;align-items:flex-start}
*,*::before,*::after{box-sizing:border-box}
button,input,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer}
:focus{outline:none}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.launcher{position:relative;width:60px;height:60px;border-radius:50%;border:0;padding:0;background:var(--accent);color:var(--on-accent);
 display:grid;place-items:center;box-shadow:0 6px 20px rgba(0,0,0,.25)}
.launcher svg{width:28px;height:28px}
.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;border:2px solid #fff;
 background:#c5221f;color:#fff;font-size:12px;font-weight:700;line-height:18px;text-align:center}
.panel{width:380px;height:min(620px,calc(100vh - 112px));background:#fff;border-radius:16px;box-shadow:0 14px 44px rgba(0,0,0,.28);
 display:flex;flex-direction:column;overflow:hidden;position:relative}
.head{background:var(--accent);color:var(--on-accent);padding:14px 12px 14px 18px;display:flex;align-items:center;gap:10px}
.head h2{margin:0;font-size:16px;font-weight:650;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.head .icon{color:inherit}
.head .icon:hover{background:rgba(255,255,255,.18)}
.head :focus-visible{outline-color:var(--on-accent)}
.avail{background:#eef4ff;padding:8px 14px;font-size:13px;border-bottom:1px solid #cfdcf5;overflow:auto}.full{flex:3;overflow-y:auto;background:#eef4ff}.avail .form{width:auto;margin-top:8px}.avail p{margin:0 0 4px}.avail ul{margin:2px 0;padding-left:18px}.link{background:none;border:0;padding:0;color:var(--accent-text);text-decoration:underline;cursor:pointer;font:inherit}.status{background:#fff4ce;color:#4d3800;padding:6px 14px;font-size:13px;border-bottom:1px solid #f0e0a0}
.list{flex:1;overflow-y:auto;margin:0;padding:14px 14px 6px;list-style:none;background:#f5f6f8;display:flex;flex-direction:column;gap:8px}
.msg{display:flex;flex-direction:column;max-width:86%;gap:4px}
.msg.in{align-self:flex-end;align-items:flex-end}
.msg.out{align-self:flex-start;align-items:flex-start}
.cont .who{display:none}
.cont{margin-top:-4px}
.who{display:flex;align-items:center;gap:8px;font-size:12px;color:#4b5563;margin-top:4px}
.avatar{width:28px;height:28px;border-radius:50%;background:var(--accent);color:var(--on-accent);font-size:13px;font-weight:700;
 display:grid;place-items:center;overflow:hidden;flex:none}
.avatar img{width:100%;height:100%;object-fit:cover}
.bubble{padding:8px 12px;border-radius:16px;background:#fff;border:1px solid #e2e5ea;white-space:pre-wrap;overflow-wrap:anywhere;max-width:100%}
.out .bubble{border-top-left-radius:4px}
.in .bubble{background:var(--accent);color:var(--on-accent);border-color:transparent;border-top-right-radius:4px}
.bubble.rich{white-space:normal}
.root:lang(ja) .bubble{word-break:auto-phrase;line-break:strict}
.bubble.rich>:first-child{margin-top:0}.bubble.rich>:last-child{margin-bottom:0}
.bubble p,.bubble ul,.bubble ol,.bubble pre,.bubble blockquote{margin:0 0 8px}
.bubble ul,.bubble ol{padding-left:20px}
.bubble pre,.bubble code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;background:#f0f2f5;border-radius:4px}
.bubble pre{padding:8px;overflow-x:auto}
.bubble blockquote{border-left:3px solid #d0d5dd;padding-left:8px;color:#4b5563}
.bubble a{color:var(--accent-text)}
.in .bubble a{color:inherit}
.bubble img{max-width:100%}
.meta{font-size:11px;color:#5f6675;display:flex;gap:6px;align-items:center}
.mark{letter-spacing:-3px;padding-right:3px}
.mark.read{color:var(--accent-text)}
.mark.failed{color:#c5221f;letter-spacing:0}
.media{display:block;max-width:240px;max-height:240px;border-radius:12px;border:1px solid #e2e5ea;background:#fff}
.file{display:flex;align-items:center;gap:10px;padding:8px 12px;background:#fff;border:1px solid #e2e5ea;border-radius:12px;color:#1d2330;text-decoration:none;max-width:260px}
.file svg{width:22px;height:22px;color:var(--accent-text);flex:none}
.file b{display:block;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.file small{color:#5f6675}
.file:hover b{text-decoration:underline}
.card{display:block;width:260px;background:#fff;border:1px solid #e2e5ea;border-radius:12px;overflow:hidden;color:#1d2330;text-decoration:none}
.card img{display:block;width:100%;max-height:130px;object-fit:cover}
.card span{display:block;padding:8px 12px 0;font-weight:600;color:var(--accent-text)}
.card small{display:block;padding:2px 12px 10px;color:#4b5563}
.msg-part{display:flex;flex-direction:column;align-items:flex-start;gap:6px}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip{border:1.5px solid var(--accent-text);color:var(--accent-text);background:#fff;border-radius:18px;padding:5px 14px;font-weight:600;text-decoration:none;font-size:13px}
.chip:hover{background:var(--accent);color:var(--on-accent);border-color:var(--accent)}
.chip.action{border-radius:8px}
.form{width:270px;background:#fff;border:1px solid #e2e5ea;border-radius:12px;padding:12px;display:flex;flex-direction:column;gap:10px}
.form h3{margin:0;font-size:14px;font-weight:650}
.field{display:flex;flex-direction:column;gap:3px}
.field label{font-size:12px;font-weight:600;color:#374151}
.field input,.field textarea{width:100%;border:1px solid #b8bfca;border-radius:8px;padding:7px 9px;background:#fff;color:#1d2330}
.field textarea{min-height:64px;resize:vertical}
.field [aria-invalid=true]{border-color:#c5221f;box-shadow:0 0 0 1px #c5221f}
.error{color:#b3261e;font-size:12px}
.primary{background:var(--accent);color:var(--on-accent);border:0;border-radius:8px;padding:8px 14px;font-weight:650}
.primary:disabled{opacity:.6;cursor:default}
.done{color:#1f6f3d;font-size:13px}
.typing{padding:4px 16px 6px;font-size:12px;color:#4b5563;background:#f5f6f8;display:flex;align-items:center;gap:6px}
.dots{display:inline-flex;gap:3px}
.dots i{width:6px;height:6px;border-radius:50%;background:#8a93a3;animation:sb-blink 1.2s infinite}
.dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}
@keyframes sb-blink{0%,80%,100%{opacity:.3}40%{opacity:1}}
.composer{border-top:1px solid #e2e5ea;padding:8px 8px 10px;background:#fff;display:flex;flex-direction:column;gap:6px;position:relative}
.chat{flex:1;min-height:0;display:flex;flex-direction:column;position:relative}
.chat iframe{flex:1;width:100%;border:0;background:#fff}
.newtab{padding:8px 14px;border-top:1px solid #e2e5ea;font-size:12px;color:var(--accent-text);text-align:right}
.tabs{display:flex;gap:4px;background:var(--accent);padding:0 10px}
.tabs button{border:0;background:none;color:var(--on-accent);opacity:.85;padding:4px 10px 7px;font-weight:600;font-size:13px;border-bottom:3px solid transparent}
.tabs [aria-selected=true]{opacity:1;border-bottom-color:var(--on-accent)}
.tabs :focus-visible{outline-color:var(--on-accent);outline-offset:-3px}
.faq{position:absolute;left:8px;right:8px;bottom:100%;margin-bottom:6px;background:#fff;border:1px solid #d5dae2;border-radius:12px;box-shadow:0 6px 18px rgba(0,0,0,.14);padding:6px;z-index:1}
.faq-head{font-size:12px;font-weight:650;color:#4b5563;padding:2px 8px 4px}
.faq ul{list-style:none;margin:0;padding:0}
.faq a{display:block;padding:6px 8px;border-radius:8px;color:#1d2330;text-decoration:none}
.faq a:hover,.faq a:focus-visible{background:#eef0f3}
.faq b{display:block;color:var(--accent-text);font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.faq small{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;color:#4b5563;font-size:12px}
.row{display:flex;align-items:flex-end;gap:2px}
.row textarea{flex:1;min-height:40px;max-height:120px;resize:none;border:1px solid #c9cfd8;border-radius:10px;padding:9px 10px;margin:0 4px;background:#fff;color:#1d2330}
.row textarea:focus-visible{outline:2px solid var(--focus);outline-offset:0;border-color:transparent}
.icon{width:38px;height:38px;border:0;border-radius:10px;background:transparent;color:#4b5563;display:grid;place-items:center;padding:0;flex:none}
.icon svg{width:22px;height:22px}
.icon:hover{background:#eef0f3}
.icon.send{color:var(--accent-text)}
.emojis{display:grid;grid-template-columns:repeat(${EMOJI_COLUMNS},1fr);gap:2px;padding:6px;border:1px solid #e2e5ea;border-radius:10px;max-height:156px;overflow-y:auto}
.emojis button{border:0;background:transparent;border-radius:6px;font-size:20px;line-height:32px;padding:0;font-family:"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",sans-serif}
.emojis button:hover{background:#eef0f3}
.files{display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0;list-style:none}
.files li{display:flex;align-items:center;gap:4px;background:#eef0f3;border-radius:14px;padding:2px 4px 2px 10px;font-size:12px;max-width:100%}
.files li span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:180px}
.files button{border:0;background:transparent;width:22px;height:22px;border-radius:50%;padding:0;display:grid;place-items:center}
.files button svg{width:14px;height:14px}
.notice{color:#b3261e;font-size:12px;padding:0 6px}
.hint{color:#5f6675;font-size:11px;padding:0 6px}
.drop{position:absolute;inset:0;background:rgba(255,255,255,.92);border:3px dashed var(--accent-text);border-radius:inherit;display:grid;place-items:center;font-weight:650;color:var(--accent-text);z-index:2}
@media ${NARROW}{
 .root,.root.left{right:16px;left:auto;bottom:16px}
 .root.left{left:16px;right:auto}
 .root.open{inset:0}
 .root.open .launcher{display:none}
 .panel{position:fixed;inset:0;width:100%;height:100%;border-radius:0}
}
@media (prefers-reduced-motion:reduce){.dots i{animation:none}}
`;

export interface Theme {
  accent: string;
  onAccent: string;
  accentText: string;
  focus: string;
}

/** theme picks readable colours around the channel's accent colour. */
export function theme(color: string | undefined): Theme {
  const accent = /^#[0-9a-f]{6}$/i.test(color ?? "") ? color! : "#2a5bd7";
  const lum = luminance(accent);
  // Text on the accent: white when it reads (WCAG 4.5:1), else near-black.
  const onAccent = 1.05 / (lum + 0.05) >= 4.5 ? "#ffffff" : "#111827";
  // The accent as text on white, or a dark stand-in when it is too light.
  const accentText = 1.05 / (lum + 0.05) >= 4.5 ? accent : "#1f3a8a";
  return { accent, onAccent, accentText, focus: accentText };
}

function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
