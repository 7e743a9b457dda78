// Code blocks in answers: highlighted by their declared language, with Copy and Insert going
// to the host (VS Code's clipboard, the active editor) as validated requests.
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launchBrowser, openWebview, snapshotWith, type WebviewHarness, closeAndCheck } from "./harness";

const ANSWER = "Here:\n\n```ts\nconst answer: number = 42; // the answer\n```\n\nand plain:\n\n```\nno language <b>here</b>\n```\n";

describe("code blocks in the chat webview", function () {
  this.timeout(60_000);
  let browser: Browser;
  let w: WebviewHarness;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(() => closeAndCheck(w));

  it("highlights a block with a known language and leaves others plain", async () => {
    w = await openWebview(browser, snapshotWith([{ kind: "assistant", id: "a1", blocks: [{ type: "text", text: ANSWER }], streaming: false }]));
    const blocks = w.page.locator(".code-block");
    await blocks.first().waitFor();
    assert.equal(await blocks.count(), 2);
    assert.equal(await blocks.nth(0).locator(".code-lang").textContent(), "ts");
    assert.equal(await blocks.nth(0).locator(".hljs-keyword", { hasText: "const" }).count(), 1);
    assert.equal(await blocks.nth(0).locator(".hljs-comment").textContent(), "// the answer");
    assert.equal(await blocks.nth(0).locator("pre code").textContent(), "const answer: number = 42; // the answer");
    assert.equal(await blocks.nth(1).locator("pre code span").count(), 0);
    assert.equal(await blocks.nth(1).locator("pre code").textContent(), "no language <b>here</b>", "code is text, never markup");
  });

  it("Copy and Insert send the block's exact text to the host and report the outcome", async () => {
    w = await openWebview(browser, snapshotWith([{ kind: "assistant", id: "a1", blocks: [{ type: "text", text: ANSWER }], streaming: false }]));
    const first = w.page.locator(".code-block").first();
    await first.locator('button[data-code-action="copy"]').click();
    await first.locator('button[data-code-action="copy"]', { hasText: "Copied" }).waitFor();
    await first.locator('button[data-code-action="insert"]').click();
    await first.locator('button[data-code-action="insert"]', { hasText: "Inserted" }).waitFor();
    const sent = (await w.sent()).filter((m) => m.method === "pi/copyText" || m.method === "pi/insertText");
    assert.deepEqual(sent.map((m) => [m.method, m.params]), [
      ["pi/copyText", { text: "const answer: number = 42; // the answer" }],
      ["pi/insertText", { text: "const answer: number = 42; // the answer" }],
    ]);
    // The label comes back after a moment, ready for the next click.
    await first.locator('button[data-code-action="copy"]', { hasText: /^Copy$/ }).waitFor({ timeout: 5_000 });
  });
});
