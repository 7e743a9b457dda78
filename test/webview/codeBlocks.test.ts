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

  it("renders a block plain until its language's chunk is in, then highlighted; an unknown language stays plain", async () => {
    w = await openWebview(browser, snapshotWith([]));
    // Hold the TypeScript chunk back (the language table and the core may load) and note every module fetched.
    const fetched: string[] = [];
    w.page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let asked = () => {};
    const requested = new Promise<void>((r) => {
      asked = r;
    });
    await w.page.route(/\/webview\/typescript-[A-Za-z0-9_-]+\.js$/, async (route) => {
      asked();
      await held;
      await route.continue();
    });
    const text = "```ts\nconst answer = 42;\n```\n\n```nosuchlang\nconst not = highlighted;\n```\n";
    await w.event("snapshot", snapshotWith([{ kind: "assistant", id: "a1", blocks: [{ type: "text", text }], streaming: false }], "ready", 2));
    const blocks = w.page.locator(".code-block");
    await blocks.nth(1).waitFor();
    await requested;
    assert.equal(await blocks.nth(0).locator("pre code").textContent(), "const answer = 42;", "plain text while the language loads");
    assert.equal(await blocks.nth(0).locator("pre code span").count(), 0);
    release();
    await blocks.nth(0).locator(".hljs-keyword", { hasText: "const" }).waitFor();
    assert.equal(await blocks.nth(0).locator("pre code").textContent(), "const answer = 42;");
    assert.equal(await blocks.nth(1).locator(".code-lang").textContent(), "nosuchlang");
    assert.equal(await blocks.nth(1).locator("pre code span").count(), 0, "an unknown language stays plain");
    assert.equal(await blocks.nth(1).locator("pre code").textContent(), "const not = highlighted;");
    const languages = fetched.filter((f) => /^\/webview\/[a-z]+-[A-Za-z0-9_-]+\.js$/.test(f) && !/^\/webview\/(chunk|highlightLanguages|core)-/.test(f));
    assert.deepEqual(
      languages.map((f) => f.replace(/^\/webview\/|-[A-Za-z0-9_]+\.js$/g, "")),
      ["typescript"],
      "only the declared language's chunk is fetched",
    );
  });

  it("Copy and Insert send the block's exact text to the host and report the outcome", async () => {
    w = await openWebview(browser, snapshotWith([{ kind: "assistant", id: "a1", blocks: [{ type: "text", text: ANSWER }], streaming: false }]));
    const first = w.page.locator(".code-block").first();
    await first.locator('button[data-code-action="copy"]').click();
    await first.locator('button[data-code-action="copy"]', { hasText: "Copied" }).waitFor();
    await first.locator('button[data-code-action="insert"]').click();
    await first.locator('button[data-code-action="insert"]', { hasText: "Inserted" }).waitFor();
    const sent = (await w.sent()).filter((m) => m.method === "pi/copyText" || m.method === "pi/insertText");
    assert.deepEqual(
      sent.map((m) => [m.method, m.params]),
      [
        ["pi/copyText", { text: "const answer: number = 42; // the answer" }],
        ["pi/insertText", { text: "const answer: number = 42; // the answer" }],
      ],
    );
    // The label comes back after a moment, ready for the next click.
    await first.locator('button[data-code-action="copy"]', { hasText: /^Copy$/ }).waitFor({ timeout: 5_000 });
  });
});
