// The VS Code page holds its first paint inline (src/host/inlinePage.ts), in real Chromium under
// the page's CSP: it fetches none of its first-paint files, and a chunk loaded on demand (the
// diff view, highlight.js) finds the inlined modules through the import map instead of fetching
// a second copy of them (a second Preact would break every component it renders).
import * as assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { pagePreloads } from "../../src/host/chatPage";
import { buildWebview } from "../support/webviewBuild";
import { openWebview, snapshotWith, webviewSuite } from "./harness";

describe("the inline chat page in Chromium", function () {
  this.timeout(60_000);
  const suite = webviewSuite();

  it("fetches none of its first-paint files; lazy chunks come once each and share the inlined modules", async () => {
    const fetched: string[] = [];
    const watch = async (page: Page) => {
      page.on("request", (r) => {
        const url = new URL(r.url());
        if (url.pathname !== "/") fetched.push(url.pathname);
      });
    };
    const diff = "--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-const a = 1;\n+const a = 2;\n";
    const w = (suite.w = await openWebview(
      suite.browser,
      snapshotWith([
        { kind: "tool", id: "call_1", name: "edit", args: "{}", status: "done", output: "ok", details: { path: "x.ts", diff } },
        { kind: "assistant", id: "a1", blocks: [{ type: "text", text: "```ts\nconst answer = 42;\n```\n" }], streaming: false },
      ]),
      "",
      watch,
    ));
    // Both lazy parts rendered: the diff view (Preact components with hooks) and highlighted code.
    await w.page.locator('[data-testid="tool-card"] .diff-line.added', { hasText: "const a = 2;" }).waitFor();
    await w.page.locator(".code-block .hljs-keyword", { hasText: "const" }).waitFor();
    const firstPaint = new Set(["main.js", ...pagePreloads(buildWebview(), "main.js")]);
    const names = fetched.map((p) => p.split("/").pop() ?? p);
    assert.deepEqual(names.filter((n) => firstPaint.has(n) || /\.(css|ttf)$/.test(n)), [], `first-paint files fetched: ${JSON.stringify(names)}`);
    assert.ok(names.some((n) => n.startsWith("DiffView-")), `the diff view came as its own chunk: ${JSON.stringify(names)}`);
    assert.ok(names.some((n) => n.startsWith("core-")), `highlight.js came as its own chunk: ${JSON.stringify(names)}`);
    assert.equal(new Set(names).size, names.length, `each chunk once: ${JSON.stringify(names)}`);
  });

  it("holds no inline script once it has started (the early script and the entry take themselves out)", async () => {
    const w = (suite.w = await openWebview(suite.browser, snapshotWith([])));
    await w.page.locator('textarea[data-testid="prompt-input"]').waitFor();
    assert.equal(await w.page.locator("script:not([src])").count(), 0);
  });
});
