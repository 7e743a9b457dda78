// The chat's look in the real bundle: codicons from the shipped font (no CSP violation), icon
// buttons with a name and a tooltip that the keyboard reaches, long words wrapping in a narrow
// panel, no spinning for reduced motion, and an axe-core audit with no serious or critical issue.
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { ChatItem } from "../../src/protocol/transcript";
import { auditAccessibility } from "../support/axe";
import { closeAndCheck, launchBrowser, openWebview, snapshotWith, type WebviewHarness } from "./harness";

const LONG_URL = `https://example.com/${"a-very-long-path-segment-".repeat(12)}end`;

const CONVERSATION: ChatItem[] = [
  { kind: "user", id: "u1", text: `Look at ${LONG_URL} and ${"x".repeat(300)}` },
  { kind: "assistant", id: "a1", blocks: [{ type: "thinking", text: "Reading it" }, { type: "text", text: `Here: \`${"y".repeat(200)}\`\n\n\`\`\`ts\nconst z = 1;\n\`\`\`` }], streaming: false },
  { kind: "tool", id: "t1", name: "bash", args: "{}", status: "done", output: "ok\n", details: { command: "npm test", exitCode: 0, durationMs: 900 } },
  { kind: "tool", id: "t2", name: "write", args: "{}", status: "done", output: "ok", details: { path: "notes.txt", diff: "--- a\n+++ a\n@@ -1 +1 @@\n-old\n+new\n", snapshot: true } },
  { kind: "tool", id: "t3", name: "bash", args: "{}", status: "running", output: "building…\n", details: { command: "make" } },
  { kind: "notice", id: "n1", level: "warning", text: "The model failed (overloaded); retrying" },
  { kind: "dialog", id: "d1", method: "select", title: "Pi wants to run a shell command:\n\nrm -rf build", options: ["Allow once", "Always allow this command", "Deny"], state: "open" },
];

describe("the chat's look in Chromium", function () {
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

  it("draws codicons from the shipped font; every icon button has a name, a tooltip and takes focus", async () => {
    w = await openWebview(browser, snapshotWith(CONVERSATION, "working"));
    await w.page.locator('[data-testid="send"] .codicon-send').waitFor();
    await w.page.evaluate(() => document.fonts.ready);
    assert.equal(await w.page.evaluate(() => document.fonts.check('16px "codicon"', "\uec0f")), true, "the codicon font is loaded");
    const glyph = await w.page.locator('[data-testid="send"] .codicon').evaluate((el) => ({ family: getComputedStyle(el).fontFamily, content: getComputedStyle(el, "::before").content }));
    assert.match(glyph.family, /codicon/);
    assert.equal(glyph.content, '"\uec0f"');

    const buttons = await w.page.locator("button.icon-button").evaluateAll((els) => els.map((el) => ({ label: el.getAttribute("aria-label"), title: el.getAttribute("title"), text: el.textContent?.trim() })));
    assert.ok(buttons.length >= 6, `the toolbar buttons are icon buttons (${buttons.length})`);
    for (const b of buttons) {
      assert.ok(b.label, "an accessible name");
      assert.equal(b.title, b.label, "the tooltip says the same");
      assert.equal(b.text, "", "the icon alone, no glyph text");
    }
    for (const id of ["attach-image", "stop", "send", "new-session"]) assert.equal(await w.page.locator(`[data-testid="${id}"]`).evaluate((el) => el.tagName), "BUTTON");
    // The keyboard reaches the composer's toolbar: Tab from the input goes to attach.
    await w.page.locator('[data-testid="prompt-input"]').focus();
    await w.page.keyboard.press("Tab");
    assert.equal(await w.page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "attach-image");
    await w.page.keyboard.press("Shift+Tab");
    await w.page.locator('[data-testid="prompt-input"]').fill("a message");
    await w.page.locator('[data-testid="send"]').focus();
    await w.page.keyboard.press("Enter");
    assert.deepEqual((await w.sent()).filter((m) => m.method === "pi/prompt").map((m) => m.params), [{ text: "a message" }], "Enter on the focused send button sends");
  });

  it("tool cards fold from their head with aria-expanded; a finished bash card starts folded", async () => {
    w = await openWebview(browser, snapshotWith(CONVERSATION, "working"));
    const done = w.page.locator('[data-testid="tool-card"][data-tool="bash"][data-status="done"]');
    const toggle = done.locator(".tool-toggle");
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    assert.equal(await done.locator(".tool-output").isVisible(), false);
    assert.match((await toggle.textContent()) ?? "", /bash.*npm test/, "the folded head says what ran");
    await toggle.press("Enter");
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    assert.equal(await done.locator(".tool-output").isVisible(), true);
    const running = w.page.locator('[data-testid="tool-card"][data-status="running"]');
    assert.equal(await running.locator(".tool-toggle").getAttribute("aria-expanded"), "true", "running output is shown");
    assert.equal(await running.locator(".codicon-loading.codicon-modifier-spin").count(), 1);
  });

  it("long words and URLs wrap inside a narrow panel instead of overflowing it", async () => {
    w = await openWebview(browser, snapshotWith(CONVERSATION));
    await w.page.setViewportSize({ width: 300, height: 700 });
    await w.page.locator('[data-testid="user-message"]').waitFor();
    const overflow = await w.page.evaluate(() => {
      const t = document.querySelector('[data-testid="transcript"]') as HTMLElement;
      return { scroll: t.scrollWidth, client: t.clientWidth, page: document.documentElement.scrollWidth };
    });
    assert.ok(overflow.scroll <= overflow.client, `the transcript does not scroll sideways (${overflow.scroll} > ${overflow.client})`);
    assert.ok(overflow.page <= 300, `the page does not either (${overflow.page})`);
  });

  it("honours prefers-reduced-motion: no spinner, no blinking cursor", async () => {
    w = await openWebview(browser, snapshotWith(CONVERSATION, "working"));
    const spinner = w.page.locator(".codicon-modifier-spin").first();
    assert.notEqual(await spinner.evaluate((el) => getComputedStyle(el).animationName), "none", "it spins normally");
    await w.page.emulateMedia({ reducedMotion: "reduce" });
    assert.equal(await spinner.evaluate((el) => getComputedStyle(el).animationName), "none");
  });

  it("passes an axe-core audit (no serious or critical violations)", async () => {
    w = await openWebview(browser, snapshotWith(CONVERSATION, "working"));
    await w.page.locator('[data-testid="dialog-card"]').waitFor();
    await auditAccessibility(w.page, "webview (no theme)");
  });
});
