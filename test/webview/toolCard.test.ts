// Tool cards in the real webview bundle in Chromium: per-tool bodies, diffs coloured by class,
// the Open diff and path buttons posting the right requests, text never parsed as HTML, and
// no CSP violations.
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { ToolItem } from "../../src/protocol/transcript";
import { launchBrowser, openWebview, snapshotWith, type WebviewHarness, closeAndCheck } from "./harness";

const WRITE_DIFF = "--- notes.txt\n+++ notes.txt\n@@ -1,2 +1,2 @@\n keep\n-old line\n+new line\n";

const writeCard: ToolItem = {
  kind: "tool",
  id: "call_w",
  name: "write",
  args: '{"path":"notes.txt","content":"keep\\nnew line\\n"}',
  status: "done",
  output: "Successfully wrote to notes.txt",
  details: { path: "notes.txt", diff: WRITE_DIFF, snapshot: true },
};

describe("tool cards in Chromium", function () {
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

  const requests = async (method: string) => (await w.sent()).filter((m) => m.method === method).map((m) => m.params);

  it("write: a coloured diff, Open diff and the path post their requests", async () => {
    w = await openWebview(browser, snapshotWith([writeCard]));
    const card = w.page.locator('[data-testid="tool-card"][data-status="done"]');
    await card.waitFor();
    assert.deepEqual(await card.locator(".diff-line.added").allTextContents(), ["+new line"]);
    assert.deepEqual(await card.locator(".diff-line.removed").allTextContents(), ["-old line"]);
    assert.equal(await card.locator(".diff-line.context").count(), 1);
    assert.ok(!(await card.locator('[data-testid="diff"]').textContent())?.includes("+++"), "the file header is not repeated");
    const added = await card.locator(".diff-line.added").evaluate((el) => getComputedStyle(el).backgroundColor);
    const removed = await card.locator(".diff-line.removed").evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(added, removed, "added and removed lines look different");
    assert.notEqual(added, "rgba(0, 0, 0, 0)");

    await card.locator('[data-testid="open-diff"]').click();
    await card.locator('[data-testid="tool-path"]').click();
    assert.deepEqual(await requests("pi/openDiff"), [{ toolCallId: "call_w" }]);
    assert.deepEqual(await requests("pi/openFile"), [{ path: "notes.txt" }]);
  });

  it("a refused action shows its reason in the card", async () => {
    w = await openWebview(browser, snapshotWith([writeCard]));
    await w.page.evaluate(() => {
      (window as unknown as { __replies: unknown }).__replies = { "pi/openFile": { ok: false, error: { code: "forbidden", message: "notes.txt is outside the workspace folder" } } };
    });
    await w.page.locator('[data-testid="tool-path"]').click();
    await w.page.locator('[data-testid="tool-card"] [role="alert"]', { hasText: "outside the workspace" }).waitFor();
  });

  it("bash: command, live output, then exit code and duration; a failure stays an error", async () => {
    w = await openWebview(browser, snapshotWith([{ kind: "tool", id: "call_b", name: "bash", args: "{}", status: "running", output: "", details: { command: "make test" } }], "working"));
    const card = w.page.locator('[data-testid="tool-card"]');
    await card.locator(".tool-command", { hasText: "$ make test" }).waitFor();
    await w.patches({ chatId: "s1", seq: 2, patches: [{ op: "toolOutput", itemId: "call_b", delta: "compiling…\n" }] });
    await card.locator(".tool-output", { hasText: "compiling…" }).waitFor();
    assert.equal(await card.locator('[data-testid="exit-code"]').count(), 0, "no exit code while it runs");
    await w.patches({
      chatId: "s1",
      seq: 3,
      patches: [
        { op: "toolOutput", itemId: "call_b", delta: "\n\nCommand exited with code 2" },
        { op: "finish", itemId: "call_b", toolStatus: "error", details: { command: "make test", exitCode: 2, durationMs: 1234 } },
      ],
    });
    const failed = w.page.locator('[data-testid="tool-card"][data-status="error"]');
    await failed.waitFor();
    assert.equal(await failed.locator('[data-testid="exit-code"]').textContent(), "exit 2");
    assert.equal(await failed.locator('[data-testid="duration"]').textContent(), "1.2 s");
    assert.match((await failed.textContent()) ?? "", /bash.*failed/s);
    assert.match((await failed.locator(".tool-output").textContent()) ?? "", /compiling…[\s\S]*Command exited with code 2/);
  });

  it("read: path and range, the content folded until asked for", async () => {
    w = await openWebview(browser, snapshotWith([
      { kind: "tool", id: "call_r", name: "read", args: "{}", status: "done", output: "line ten\nline eleven\n", details: { path: "src/a.ts", offset: 10, limit: 2 } },
    ]));
    const card = w.page.locator('[data-testid="tool-card"]');
    assert.equal(await card.locator('[data-testid="tool-path"]').textContent(), "src/a.ts");
    assert.equal(await card.locator(".tool-range").textContent(), "lines 10–11");
    assert.equal(await card.locator(".tool-output").isVisible(), false, "content folded");
    await card.locator(".tool-content summary").click();
    assert.equal(await card.locator(".tool-output").isVisible(), true);
    await card.locator('[data-testid="tool-path"]').click();
    assert.deepEqual(await requests("pi/openFile"), [{ path: "src/a.ts" }]);
  });

  it("renders everything from pi as text, and offers Open diff only with snapshots", async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    w = await openWebview(browser, snapshotWith([
      {
        kind: "tool",
        id: "call_e",
        name: "edit",
        args: "{}",
        status: "done",
        output: "ok",
        details: { path: `${evil}.ts`, diff: `--- x\n+++ x\n@@ -1 +1 @@\n-${evil}\n+<script>window.__pwned=2</script>\n` },
      },
    ]));
    const card = w.page.locator('[data-testid="tool-card"]');
    await card.locator(".diff-line.removed", { hasText: evil }).waitFor();
    assert.equal(await card.locator('[data-testid="tool-path"]').textContent(), `${evil}.ts`);
    assert.equal(await w.page.locator("img, script:not([src])").count(), 0);
    assert.equal(await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await card.locator('[data-testid="open-diff"]').count(), 0, "no snapshots: no Open diff");
  });
});
