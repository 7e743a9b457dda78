// The composer's Claude Code-style helpers in the real webview bundle in Chromium: the `/`
// command list, the `@` file picker, pasted images, text added by the host, "Add problems" —
// all keyboard-driven, accessible, and without CSP violations.
import * as assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, openWebview, snapshotWith, type WebviewHarness, closeAndCheck } from "./harness";

/** A 1×1 PNG. */
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const COMMANDS = {
  commands: [
    { name: "review", description: "Review staged git changes", source: "prompt" },
    { name: "skill:refactor", description: "Refactor safely", source: "skill" },
    { name: "deploy", source: "extension" },
  ],
};

/** Replies of the fake host for the next requests of these methods. */
function reply(page: Page, replies: Record<string, unknown>): Promise<void> {
  return page.evaluate((r) => {
    const w = window as unknown as { __replies?: Record<string, unknown> };
    w.__replies = { ...w.__replies, ...r };
  }, replies);
}

/** Pastes (or drops) files built in the page from base64. */
function transfer(page: Page, event: "paste" | "drop", files: Array<{ name: string; type: string; base64: string }>, text?: string): Promise<void> {
  return page.evaluate(
    ({ event, files, text }) => {
      const dt = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      if (text !== undefined) dt.setData("text/plain", text);
      const target = document.querySelector('[data-testid="prompt-input"]') as HTMLTextAreaElement;
      const e = event === "paste" ? new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }) : new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true });
      target.dispatchEvent(e);
    },
    { event, files, text },
  );
}

describe("composer in Chromium: commands, mentions, images, added context", function () {
  this.timeout(60_000);
  let browser: Browser;
  let w: WebviewHarness;
  const input = () => w.page.locator('textarea[data-testid="prompt-input"]');
  const prompts = async () => (await w.sent()).filter((m) => m.method === "pi/prompt").map((m) => m.params);
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(() => closeAndCheck(w));

  it("`/` lists pi's commands, filters as you type, and inserts the pick", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await reply(w.page, { "pi/commands": COMMANDS });
    await input().click();
    await input().type("/");
    const list = w.page.locator('[role="listbox"][aria-label="Commands"]');
    await list.waitFor();
    assert.deepEqual(await list.locator('[role="option"] .completion-label').allTextContents(), ["/deploy", "/review", "/skill:refactor"]);
    // The input names the list and its highlighted option.
    assert.equal(await input().getAttribute("aria-controls"), await list.getAttribute("id"));
    const first = await input().getAttribute("aria-activedescendant");
    assert.equal(await w.page.locator(`#${first}`).getAttribute("aria-selected"), "true");
    await input().type("re");
    assert.deepEqual(await list.locator('[role="option"] .completion-label').allTextContents(), ["/review", "/skill:refactor"], "prefix first, then matches inside");
    await input().press("ArrowDown");
    const second = await input().getAttribute("aria-activedescendant");
    assert.notEqual(second, first);
    assert.equal(await w.page.locator(`#${second}`).textContent().then((t) => t?.startsWith("/skill:refactor")), true);
    await input().press("ArrowUp");
    await input().press("Enter");
    assert.equal(await input().inputValue(), "/review ");
    assert.equal(await list.count(), 0, "the list closes after a pick");
    assert.equal(await input().getAttribute("aria-activedescendant"), null);
    assert.deepEqual(await prompts(), [], "Enter picked; it did not send");
    await input().type("security");
    await input().press("Enter");
    assert.deepEqual(await prompts(), [{ text: "/review security" }]);
    assert.equal((await w.sent()).filter((m) => m.method === "pi/commands").length, 1, "asked once per opening");
  });

  it("Tab and a click pick too; no commands at all means no list", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await reply(w.page, { "pi/commands": COMMANDS });
    await input().type("/dep");
    await w.page.locator('[role="option"]').first().waitFor();
    await input().press("Tab");
    assert.equal(await input().inputValue(), "/deploy ");
    assert.ok(await input().evaluate((el) => el === document.activeElement), "focus stays in the input");
    await input().fill("");
    await input().type("/");
    await w.page.locator('[role="option"]', { hasText: "/skill:refactor" }).click();
    assert.equal(await input().inputValue(), "/skill:refactor ");
    await reply(w.page, { "pi/commands": { commands: [] } });
    await input().fill("");
    await input().type("/usr/bin is where");
    await w.page.waitForTimeout(150);
    assert.equal(await w.page.locator('[data-testid="completions"]').count(), 0);
  });

  it("Escape closes the list without stopping pi; the next Escape stops it", async () => {
    w = await openWebview(browser, snapshotWith([], "working"));
    await reply(w.page, { "pi/commands": COMMANDS });
    await input().type("/re");
    await w.page.locator('[role="listbox"]').waitFor();
    await input().press("Escape");
    assert.equal(await w.page.locator('[role="listbox"]').count(), 0, "closed");
    assert.equal((await w.sent()).filter((m) => m.method === "pi/abort").length, 0, "Escape on the list did not abort");
    await input().type("v");
    assert.equal(await w.page.locator('[role="listbox"]').count(), 0, "stays closed for the word it was closed on");
    assert.equal(await input().inputValue(), "/rev");
    await input().press("Escape");
    assert.equal((await w.sent()).filter((m) => m.method === "pi/abort").length, 1);
  });

  it("`@` searches the workspace's files and inserts the picked path", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await reply(w.page, { "pi/findFiles": { files: ["src/app.ts", "src/lib/util.ts", "docs/my notes.md"] } });
    await input().type("look at @uti");
    const list = w.page.locator('[role="listbox"][aria-label="Files"]');
    await list.locator('[role="option"]').first().waitFor();
    assert.deepEqual(await list.locator(".completion-label").allTextContents(), ["app.ts", "util.ts", "my notes.md"]);
    const queries = (await w.sent()).filter((m) => m.method === "pi/findFiles").map((m) => (m.params as { query: string }).query);
    assert.equal(queries[queries.length - 1], "uti", "the host is asked for what follows @");
    await input().press("ArrowDown");
    await input().press("Enter");
    assert.equal(await input().inputValue(), "look at @src/lib/util.ts ");
    await input().type("and @my");
    await list.locator('[role="option"]').first().waitFor();
    await input().press("ArrowUp");
    await input().press("Tab");
    assert.equal(await input().inputValue(), 'look at @src/lib/util.ts and @"docs/my notes.md" ', "a path with a space is quoted as pi completes it");
    assert.equal(await w.page.locator('[data-testid="completions"]').count(), 0);
  });

  it("keys typed right after a pick stay where they were typed, even when frames are slow", async () => {
    // Before, the caret was put after the pick in the next animation frame; letters typed before
    // that frame were then jumped over, and the next ones landed in front of them (CI lost the
    // "a" of "and" this way). Slow frames make that window wide enough to hit every time.
    const slowFrames = "window.requestAnimationFrame = (cb) => setTimeout(() => cb(performance.now()), 250);";
    w = await openWebview(browser, snapshotWith([]), slowFrames);
    await reply(w.page, { "pi/findFiles": { files: ["src/app.ts", "src/lib/util.ts"] } });
    await input().type("look at @uti");
    await w.page.locator('[role="listbox"][aria-label="Files"] [role="option"]').first().waitFor();
    await input().press("ArrowDown");
    await input().press("Enter");
    await input().type("and");
    await w.page.waitForTimeout(400);
    await input().type(" more");
    assert.equal(await input().inputValue(), "look at @src/lib/util.ts and more");
  });

  it("an arrow key pressed right after typing moves the highlight; the next word starts at the top", async () => {
    // Before, an effect that ran after the next paint put the highlight back on the first option,
    // undoing an ArrowUp pressed as soon as the typed letter had rendered.
    w = await openWebview(browser, snapshotWith([]));
    await reply(w.page, { "pi/findFiles": { files: ["src/app.ts", "src/lib/util.ts", "docs/my notes.md"] } });
    await input().type("look at @ap");
    const options = w.page.locator('[role="listbox"][aria-label="Files"] [role="option"]');
    await options.first().waitFor();
    const selected = (await w.page.evaluate(`(async () => {
      const el = document.querySelector('textarea[data-testid="prompt-input"]');
      el.value += "p";
      el.setSelectionRange(el.value.length, el.value.length);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((r) => setTimeout(r, 0));
      el.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowUp", bubbles: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 150));
      return [...document.querySelectorAll('[aria-label="Files"] [role="option"]')].findIndex((o) => o.getAttribute("aria-selected") === "true");
    })()`)) as number;
    assert.equal(selected, 2, "ArrowUp from the top wrapped to the last option and stayed there");
    await input().type(" and @u");
    await options.first().waitFor();
    assert.equal(await options.nth(0).getAttribute("aria-selected"), "true", "a new word starts at the top");
  });

  it("keeps the highlighted option in view in a long list", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await reply(w.page, { "pi/findFiles": { files: Array.from({ length: 40 }, (_, i) => `src/file${String(i).padStart(2, "0")}.ts`) } });
    await input().type("@file");
    const list = w.page.locator('[role="listbox"]');
    await list.locator('[role="option"]').first().waitFor();
    await input().press("ArrowUp");
    const last = w.page.locator('[role="option"][aria-selected="true"]');
    assert.equal(await last.locator(".completion-label").textContent(), "file39.ts", "Up from the first wraps to the last");
    const [item, box] = await Promise.all([last.boundingBox(), list.boundingBox()]);
    assert.ok(item && box && item.y >= box.y && item.y + item.height <= box.y + box.height + 1, "the last option is scrolled into the list's view");
  });

  it("a pasted image shows as a thumbnail, can be removed, and goes with the prompt", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await input().click();
    await transfer(w.page, "paste", [{ name: "shot.png", type: "image/png", base64: PNG }]);
    const thumbs = w.page.locator('[data-testid="attachments"] img');
    await thumbs.first().waitFor();
    assert.match((await thumbs.first().getAttribute("src")) ?? "", /^data:image\/png;base64,/);
    await transfer(w.page, "paste", [{ name: "second.png", type: "image/png", base64: PNG }]);
    await w.page.waitForFunction(() => document.querySelectorAll('[data-testid="attachments"] img').length === 2);
    await w.page.locator('[data-testid="attachments"] button[aria-label^="Remove image 2"]').click();
    assert.equal(await thumbs.count(), 1);
    await input().type("what is this?");
    await input().press("Enter");
    assert.deepEqual(await prompts(), [{ text: "what is this?", images: [{ type: "image", data: PNG, mimeType: "image/png" }] }]);
    assert.equal(await thumbs.count(), 0, "sent images leave the composer");
  });

  it("refuses files that are not allowed images, and pasted text stays text", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await transfer(w.page, "drop", [{ name: "notes.txt", type: "text/plain", base64: btoa("hello") }]);
    await w.page.locator('[role="alert"]', { hasText: "only PNG, JPEG, GIF and WebP" }).waitFor();
    await transfer(w.page, "drop", [{ name: "fake.png", type: "image/png", base64: btoa("not really a png") }]);
    await w.page.locator('[role="alert"]', { hasText: "not a image/png image" }).waitFor();
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}.png`, type: "image/png", base64: PNG }));
    await transfer(w.page, "drop", five);
    await w.page.locator('[role="alert"]', { hasText: "at most 4 images" }).waitFor();
    assert.equal(await w.page.locator('[data-testid="attachments"] img').count(), 4);
    await transfer(w.page, "paste", [{ name: "picture-of-text.png", type: "image/png", base64: PNG }], "copied words");
    assert.equal(await w.page.locator('[data-testid="attachments"] img').count(), 4, "a paste with text is left to the textarea");
  });

  it("text the host adds (Add Selection to Chat) lands in the draft and takes focus", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await input().type("Explain this:");
    await w.page.locator('[data-testid="send"]').focus();
    const block = "@src/app.ts:3-4\n```typescript\nconst a = 1;\nconst b = 2;\n```\n";
    await w.event("draft", { text: block });
    await w.page.waitForFunction(() => (document.querySelector('[data-testid="prompt-input"]') as HTMLTextAreaElement).value.includes("const b"));
    assert.equal(await input().inputValue(), `Explain this:\n${block}`);
    await w.page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "prompt-input");
    const state = await w.page.evaluate(() => (window as unknown as { __state: { draft?: string } }).__state);
    assert.equal(state.draft, `Explain this:\n${block}`, "kept in the draft across reloads");
  });

  it("Add problems appends the host's list; its refusal is shown", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await reply(w.page, { "pi/problems": { text: "Problems in @src/app.ts:\n- 3:7 error: Cannot find name 'x'. (ts 2304)\n" } });
    await w.page.locator('[data-testid="add-problems"]').click();
    await w.page.waitForFunction(() => (document.querySelector('[data-testid="prompt-input"]') as HTMLTextAreaElement).value.includes("Cannot find name"));
    await reply(w.page, { "pi/problems": { ok: false, error: { code: "refused", message: "No problems in @src/app.ts." } } });
    await w.page.locator('[data-testid="add-problems"]').click();
    await w.page.locator('[role="alert"]', { hasText: "No problems in @src/app.ts." }).waitFor();
  });
});
