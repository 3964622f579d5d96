// Unit tests of the widget's markdown renderer (console/widget/src/markdown.ts):
// the module has no imports and no DOM, so it is compiled with TypeScript's
// transpiler and imported here. Each case is what an operator may send and the
// HTML the visitor's browser gets (before DOMPurify, which render.ts keeps).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import ts from "typescript";

const src = readFileSync(new URL("../../widget/src/markdown.ts", import.meta.url), "utf8");
const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 } }).outputText;
const file = join(mkdtempSync(join(tmpdir(), "widget-md-")), "markdown.mjs");
writeFileSync(file, js);
const { markdown } = await import(pathToFileURL(file).href);

const A = (href, text) => `<a href="${href}" target="_blank" rel="noopener noreferrer">${text}</a>`;

const cases = [
  ["paragraphs", "one\n\ntwo", "<p>one</p><p>two</p>"],
  ["line break inside a paragraph", "one\ntwo", "<p>one<br>two</p>"],
  ["bold and italic", "**b** *i* __b2__ _i2_", "<p><strong>b</strong> <em>i</em> <strong>b2</strong> <em>i2</em></p>"],
  ["italic inside bold", "**very *much***", "<p><strong>very <em>much</em></strong></p>"],
  ["no italic inside words", "snake_case_name and 2*3*4", "<p>snake_case_name and 2*3*4</p>"],
  ["Japanese text with bold", "商品到着後 **30日以内** にご連絡ください。", "<p>商品到着後 <strong>30日以内</strong> にご連絡ください。</p>"],
  ["strike", "~~old~~ new", "<p><del>old</del> new</p>"],
  ["code span keeps markup as text", "run `a <b> *c*`", "<p>run <code>a &#60;b&#62; *c*</code></p>"],
  ["fenced code block", "```js\nif (a < b) {\n  **x**\n}\n```\nafter", "<pre><code>if (a &#60; b) {\n  **x**\n}</code></pre><p>after</p>"],
  ["unclosed fence runs to the end", "~~~\ncode", "<pre><code>code</code></pre>"],
  ["link", "[Track it](https://track.example/1?a=1&b=2)", `<p>${A("https://track.example/1?a=1&#38;b=2", "Track it")}</p>`],
  ["link with title and parentheses", '[Wiki](https://en.wikipedia.org/wiki/Go_(game) "Go")', `<p>${A("https://en.wikipedia.org/wiki/Go_(game)", "Wiki")}</p>`],
  ["mailto link", "[mail us](mailto:help@example.com)", `<p>${A("mailto:help@example.com", "mail us")}</p>`],
  ["link text with emphasis", "[**big** deal](http://x.example)", `<p>${A("http://x.example", "<strong>big</strong> deal")}</p>`],
  ["autolink", "<https://example.com/a>", `<p>${A("https://example.com/a", "https://example.com/a")}</p>`],
  ["bare address, punctuation after it stays outside", "See https://example.com/docs. Or https://例え.jp/パス。", `<p>See ${A("https://example.com/docs", "https://example.com/docs")}. Or ${A("https://例え.jp/パス", "https://例え.jp/パス")}。</p>`],
  ["bare address inside bold", "**https://example.com**", `<p><strong>${A("https://example.com", "https://example.com")}</strong></p>`],
  ["bullet list", "- a\n- b *c*\n* other", "<ul><li>a</li><li>b <em>c</em></li></ul><ul><li>other</li></ul>"],
  ["numbered list with a start", "3. three\n4. four", '<ol start="3"><li>three</li><li>four</li></ol>'],
  ["list after a paragraph line", "Steps:\n1. open\n2. close", "<p>Steps:</p><ol><li>open</li><li>close</li></ol>"],
  ["nested list", "1. a\n  - a1\n  - a2\n2. b", "<ol><li>a<ul><li>a1</li><li>a2</li></ul></li><li>b</li></ol>"],
  ["loose list", "- a\n\n- b", "<ul><li><p>a</p></li><li><p>b</p></li></ul>"],
  ["lazy continuation of an item", "- first\ncontinued", "<ul><li>first<br>continued</li></ul>"],
  ["headings", "# One\n### Three ###\n#nohash", "<h1>One</h1><h3>Three</h3><p>#nohash</p>"],
  ["blockquote", "> quoted **x**\n> more\nlazy\n\nout", "<blockquote><p>quoted <strong>x</strong><br>more<br>lazy</p></blockquote><p>out</p>"],
  ["nested blockquote with a list", "> > deep\n> - item", "<blockquote><blockquote><p>deep</p></blockquote><ul><li>item</li></ul></blockquote>"],
  ["rule", "a\n\n---\n\nb", "<p>a</p><hr><p>b</p>"],
  ["backslash escapes", "\\*not italic\\* \\[x\\](y)", "<p>*not italic* [x](y)</p>"],
  ["CRLF line ends", "a\r\nb\r\n\r\nc", "<p>a<br>b</p><p>c</p>"],
  ["empty", "", ""],
];

for (const [name, input, want] of cases) {
  test(`markdown: ${name}`, () => assert.equal(markdown(input), want));
}

// What must never become markup: script, handlers, non-web links.
const attacks = [
  ["javascript: link is text", "[x](javascript:alert(1))", "<p>x</p>"],
  ["JavaScript: in capitals is text", "[x](JaVaScRiPt:alert(1))", "<p>x</p>"],
  ["data: link is text", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>"],
  ["relative link is text", "[x](/logout)", "<p>x</p>"],
  ["javascript autolink is text", "<javascript:alert(1)>", "<p>&#60;javascript:alert(1)&#62;</p>"],
  ["raw HTML is text", '<img src=x onerror="alert(1)">', "<p>&#60;img src=x onerror=&#34;alert(1)&#34;&#62;</p>"],
  ["script tag is text", "<script>alert(1)</script>", "<p>&#60;script&#62;alert(1)&#60;/script&#62;</p>"],
  ["quotes cannot leave the href", '[x](https://a.example/"onmouseover="alert(1))', `<p>${A("https://a.example/&#34;onmouseover=&#34;alert(1)", "x")}</p>`],
  ["no link inside a link", "[see https://b.example](https://a.example)", `<p>${A("https://a.example", "see https://b.example")}</p>`],
  ["image syntax is only a link to an http image", "![pic](javascript:alert(1)) ![ok](https://img.example/a.png)", `<p>pic ${A("https://img.example/a.png", "ok")}</p>`],
  ["HTML in a heading and in code is text", "# <b>h</b>\n```\n</code><script>x</script>\n```", "<h1>&#60;b&#62;h&#60;/b&#62;</h1><pre><code>&#60;/code&#62;&#60;script&#62;x&#60;/script&#62;</code></pre>"],
];

for (const [name, input, want] of attacks) {
  test(`markdown is safe: ${name}`, () => {
    const got = markdown(input);
    assert.equal(got, want);
    // Whatever the exact HTML, no tag but the renderer's own and no handler attribute.
    for (const tag of got.matchAll(/<\/?([a-z0-9]+)/g)) assert.match(tag[1], /^(p|br|strong|em|del|code|pre|a|ul|ol|li|h[1-6]|blockquote|hr)$/);
    assert.doesNotMatch(got, /<[^>]*\son\w+=/i);
  });
}

test("markdown is linear enough: a long hostile input renders quickly", () => {
  const input = "*".repeat(5000) + "_".repeat(5000) + "[".repeat(5000) + "`".repeat(3000) + "> ".repeat(2000);
  const out = markdown(input);
  assert.ok(out.length >= input.length, "rendered");
});

test("markdown: deep nesting stops at nine levels and shows the rest as text", () => {
  const out = markdown(">".repeat(3000) + " x\n" + "- ".repeat(3000) + "y");
  assert.equal(out.match(/<blockquote>/g).length, 9);
  assert.equal(out.match(/<ul>/g).length, 9);
  assert.match(out, /&#62;&#62;&#62; x/);
});
