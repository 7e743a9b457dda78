// Your message shows the moment you press Enter, as in any chat: the view echoes it at the end
// of the transcript until pi's own copy arrives (pi takes a message and the host relays it
// 100–150 ms later in a real VS Code), then the echo gives way to it — never both, never one
// left behind when the message was refused. Real webview bundle in Chromium.
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { closeAndCheck, launchBrowser, openWebview, snapshotWith, type WebviewHarness } from "./harness";

describe("the echo of a message just sent, in Chromium", function () {
  this.timeout(60_000);
  let browser: Browser;
  let w: WebviewHarness;
  const input = () => w.page.locator('textarea[data-testid="prompt-input"]');
  const echo = () => w.page.locator('[data-testid="pending-message"]');
  const mine = () => w.page.locator('[data-testid="user-message"]');
  const prompts = async () => (await w.sent()).filter((m) => m.method === "pi/prompt");
  /** The host holds its answer to the prompt until the test releases it. */
  const holdPrompt = () =>
    w.page.evaluate(`window.__replies = { ...(window.__replies || {}), "pi/prompt": () => new Promise((resolve) => (window.__release = resolve)) }`);
  const release = (value: unknown) => w.page.evaluate((v) => (window as unknown as { __release?: (v: unknown) => void }).__release?.(v), value);

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(() => closeAndCheck(w));

  it("shows the message before the host answers, then gives way to pi's copy of it", async () => {
    w = await openWebview(browser, snapshotWith([{ kind: "assistant", id: "a0", blocks: [{ type: "text", text: "Earlier answer" }], streaming: false }]));
    await holdPrompt();
    await input().fill("hello there");
    await input().press("Enter");
    await echo().filter({ hasText: "hello there" }).waitFor();
    assert.equal(await mine().count(), 0, "no message of pi's yet: only the echo");
    // The echo is the last thing in the transcript, after the earlier answer.
    const [answerBottom, echoTop] = await w.page.evaluate(() => [
      document.querySelector('[data-id="a0"]')?.getBoundingClientRect().bottom ?? Number.NaN,
      document.querySelector('[data-testid="pending-message"]')?.getBoundingClientRect().top ?? Number.NaN,
    ]);
    assert.ok(echoTop >= answerBottom, `the echo (top ${echoTop}) is below the answer (bottom ${answerBottom})`);

    await w.patches({ chatId: "s1", seq: 2, patches: [{ op: "status", status: "working" }, { op: "add", item: { kind: "user", id: "u1", text: "hello there" } }] });
    await mine().filter({ hasText: "hello there" }).waitFor();
    await echo().waitFor({ state: "detached" });
    await release({});
    await w.page.waitForTimeout(100);
    assert.equal(await mine().count(), 1, "pi's copy, once");
    assert.equal(await echo().count(), 0);
  });

  it("takes the echo back when the message is refused, and the text is back in the input", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await holdPrompt();
    await input().fill("please refuse me");
    await input().press("Enter");
    await echo().filter({ hasText: "please refuse me" }).waitFor();
    await release({ ok: false, error: { code: "refused", message: "pi is busy" } });
    await echo().waitFor({ state: "detached" });
    assert.equal(await input().inputValue(), "please refuse me");
    assert.equal(await mine().count(), 0);
  });

  it("echoes neither a `/command` nor a message queued while pi works", async () => {
    w = await openWebview(browser, snapshotWith([]));
    await holdPrompt();
    await input().fill("/compact");
    await input().press("Enter");
    await w.page.waitForFunction(() => (window as unknown as { __sent: Array<{ method?: string }> }).__sent.some((m) => m.method === "pi/prompt"));
    await w.page.waitForTimeout(100);
    assert.equal(await echo().count(), 0, "no echo for a command");
    await release({});

    await w.event("snapshot", snapshotWith([], "working", 5));
    await w.page.locator('textarea[data-testid="prompt-input"][placeholder^="pi is working"]').waitFor();
    await holdPrompt();
    await input().fill("do this next");
    await input().press("Enter");
    await w.page.waitForFunction(() => (window as unknown as { __sent: Array<{ method?: string }> }).__sent.filter((m) => m.method === "pi/prompt").length === 2);
    await w.page.waitForTimeout(100);
    assert.equal(await echo().count(), 0, "a queued message shows in the queue line, not as an echo");
    await release({});
    assert.equal((await prompts()).length, 2);
  });
});
