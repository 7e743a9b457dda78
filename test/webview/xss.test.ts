// Model output is hostile until proven otherwise. Each payload below arrives the way a real
// answer does (streamed into an assistant message, or as tool arguments/output) in the real
// bundle, in real Chromium, under the webview's CSP. A payload is inert when nothing ran
// (no __pwned call, no CSP violation: the sanitizer removed it before the browser tried)
// and nothing dangerous is left in the DOM.
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launchBrowser, openWebview, snapshotWith, type WebviewHarness } from "./harness";

const PWN = "window.__pwned&&window.__pwned(1)";

export const XSS_PAYLOADS: string[] = [
  `<script>${PWN}</script>`,
  `<SCRIPT SRC=//127.0.0.1/x.js></SCRIPT>`,
  `<img src=x onerror="${PWN}">`,
  `<img src="javascript:${PWN}">`,
  `<svg onload="${PWN}"><circle r="5"/></svg>`,
  `<svg><script>${PWN}</script></svg>`,
  `<svg><a xlink:href="javascript:${PWN}"><text y="20">click</text></a></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${PWN}">`,
  `<iframe src="javascript:${PWN}"></iframe>`,
  `<iframe srcdoc="<script>${PWN}</script>"></iframe>`,
  `<object data="javascript:${PWN}"></object>`,
  `<embed src="javascript:${PWN}">`,
  `<a href="javascript:${PWN}">click me</a>`,
  `<a href="JaVaScRiPt:${PWN}">mixed case</a>`,
  `<a href="&#106;avascript:${PWN}">entity</a>`,
  `<a href=" javascript:${PWN}">leading space</a>`,
  `<a href="data:text/html,<script>${PWN}</script>">data link</a>`,
  `<a href="vbscript:msgbox(1)">vbscript</a>`,
  `[markdown link](javascript:${PWN})`,
  `[spaced](  javascript:${PWN}  )`,
  `![markdown image](javascript:${PWN})`,
  `![img](x" onerror="${PWN})`,
  `![remote](https://127.0.0.1/tracker.png)`,
  `<div onclick="${PWN}" onmouseover="${PWN}">hover me</div>`,
  `<body onload="${PWN}">`,
  `<input autofocus onfocus="${PWN}">`,
  `<details open ontoggle="${PWN}">x</details>`,
  `<video><source onerror="${PWN}"></video>`,
  `<audio src=x onerror="${PWN}">`,
  `<form action="javascript:${PWN}"><button>go</button></form>`,
  `<style>@import "https://127.0.0.1/x.css"; body{background:url(javascript:${PWN})}</style>`,
  `<p style="background:url('javascript:${PWN}')">styled</p>`,
  `<link rel="stylesheet" href="https://127.0.0.1/x.css">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${PWN}">`,
  `<base href="javascript:/">`,
  `<noscript><p title="</noscript><img src=x onerror=${PWN}>"></noscript>`,
  `<template><img src=x onerror="${PWN}"></template>`,
  `\`\`\`html\n<script>${PWN}</script>\n\`\`\``,
  `\`<img src=x onerror="${PWN}">\``,
  `<a href="#" id="__proto__" name="cookie">dom clobbering</a>`,
  `<img src="data:image/svg+xml,<svg onload='${PWN}'/>">`,
  `<scr<script>ipt>${PWN}</scr</script>ipt>`,
];

/** What may never be left in a rendered message. */
async function dangerousLeftovers(w: WebviewHarness): Promise<string[]> {
  return w.page.evaluate(() => {
    const found: string[] = [];
    const root = document.getElementById("app");
    if (!root) return ["no #app"];
    for (const el of Array.from(root.querySelectorAll("*"))) {
      const tag = el.tagName.toLowerCase();
      if (["script", "iframe", "object", "embed", "form", "style", "link", "meta", "base", "svg", "math", "template", "video", "audio", "source"].includes(tag)) found.push(`<${tag}>`);
      // The app's own inputs live outside the messages; any inside one came from the model.
      // Only our own code-block toolbar may put a button in a message.
      const toolbarButton = tag === "button" && el.parentElement?.classList.contains("code-actions") && ["copy", "insert"].includes(el.getAttribute("data-code-action") ?? "");
      if ((tag === "input" || tag === "button") && el.closest(".markdown") && !toolbarButton) found.push(`<${tag}> in markdown`);
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) found.push(`${tag}[${attr.name}]`);
        if (attr.name === "style" && el.closest(".markdown")) found.push(`${tag}[style]`);
        if (["href", "src", "action", "xlink:href", "srcdoc", "data"].includes(attr.name) && /^\s*(?:javascript|vbscript|data:text)/i.test(attr.value)) found.push(`${tag}[${attr.name}=${attr.value.slice(0, 30)}]`);
        if (attr.name === "src" && tag === "img" && !/^data:image\/(?:png|gif|jpeg|webp);/i.test(attr.value)) found.push(`img[src=${attr.value.slice(0, 30)}]`);
      }
    }
    return found;
  });
}

describe("XSS payloads from the model are inert in the real webview", function () {
  this.timeout(120_000);
  let browser: Browser;
  let w: WebviewHarness;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await w?.close();
  });

  it(`renders ${XSS_PAYLOADS.length} payloads streamed as answers without running any`, async () => {
    assert.ok(XSS_PAYLOADS.length >= 30);
    w = await openWebview(browser, snapshotWith([], "working"));
    await w.page.evaluate(() => {
      const win = window as unknown as { __pwned(n: number): void; __pwnCount: number };
      win.__pwnCount = 0;
      win.__pwned = () => {
        win.__pwnCount++;
      };
    });
    let seq = 2;
    let inert = 0;
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      const id = `a${i}`;
      // Streamed in two deltas, split mid-payload: a half tag must not become a live one either.
      const cut = Math.floor(payload.length / 2);
      await w.patches({ chatId: "s1", seq: seq++, patches: [{ op: "add", item: { kind: "assistant", id, blocks: [], streaming: true } }] });
      await w.patches({ chatId: "s1", seq: seq++, patches: [{ op: "append", itemId: id, block: 0, blockType: "text", delta: `payload ${i}: ${payload.slice(0, cut)}` }] });
      await w.patches({ chatId: "s1", seq: seq++, patches: [{ op: "append", itemId: id, block: 0, blockType: "text", delta: payload.slice(cut) }, { op: "finish", itemId: id }] });
      await w.page.locator('[data-testid="assistant-message"]', { hasText: `payload ${i}:` }).last().waitFor();
      // Hover and click whatever the payload produced, as a curious user would.
      const message = w.page.locator('[data-testid="assistant-message"]', { hasText: `payload ${i}:` }).last();
      await message.hover();
      for (const link of await message.locator("a").all()) await link.click({ timeout: 300 }).catch(() => undefined);
      await w.page.waitForTimeout(30);
      const leftovers = await dangerousLeftovers(w);
      const ran = await w.page.evaluate(() => (window as unknown as { __pwnCount: number }).__pwnCount);
      const violations = await w.violations();
      assert.deepEqual({ payload, leftovers, ran, violations }, { payload, leftovers: [], ran: 0, violations: [] });
      assert.equal(new URL(w.page.url()).href, w.url, `payload ${i} navigated the page away`);
      inert++;
    }
    console.log(`      xss: ${inert}/${XSS_PAYLOADS.length} payloads inert`);
    assert.deepEqual(w.errors(), []);
  });

  it("shows payloads in user messages, tool arguments, tool output and thinking as plain text", async () => {
    const payload = `<img src=x onerror="${PWN}"><script>${PWN}</script>`;
    w = await openWebview(browser, snapshotWith([
      { kind: "user", id: "u1", text: payload },
      { kind: "assistant", id: "a1", blocks: [{ type: "thinking", text: payload }, { type: "toolCall", toolCallId: "t1", name: "bash", args: payload }], streaming: false },
      { kind: "tool", id: "t1", name: `bash${payload}`, args: JSON.stringify({ command: payload }), status: "error", output: payload },
      { kind: "notice", id: "n1", level: "error", text: payload, detail: payload },
    ]));
    await w.page.evaluate(() => {
      (window as unknown as { __pwned(): void }).__pwned = () => {
        document.title = "PWNED";
      };
    });
    await w.page.locator('[data-testid="tool-card"]').click();
    await w.page.locator('[data-testid="user-message"]', { hasText: "<script>" }).waitFor();
    assert.ok((await w.page.locator('[data-testid="tool-card"]').innerText()).includes("<img src=x"), "tool output is shown as text");
    assert.deepEqual(await dangerousLeftovers(w), []);
    assert.notEqual(await w.page.title(), "PWNED");
    assert.deepEqual(await w.violations(), []);
    assert.deepEqual(w.errors(), []);
  });
});
