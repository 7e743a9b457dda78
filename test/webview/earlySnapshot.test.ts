// The VS Code page asks for its snapshot from its HTML, before its modules load
// (src/protocol/earlySnapshot.ts), in real Chromium with the page's modules held back 400 ms
// (the page as it is when its files are linked, not inline: src/host/inlinePage.ts):
// the request goes out first, and what the host sends meanwhile is neither lost nor applied
// out of order.
import * as assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { ChatItem } from "../../src/protocol/transcript";
import { closeAndCheck, launchBrowser, openWebview, snapshotWith, type WebviewHarness } from "./harness";

const HOLD_MS = 400;
const holdModules = async (page: Page): Promise<void> => {
  await page.route("**/webview/main.js", async (route) => {
    await new Promise((r) => setTimeout(r, HOLD_MS));
    await route.continue();
  });
};

const ITEMS: ChatItem[] = [
  { kind: "user", id: "u1", text: "Say something" },
  { kind: "assistant", id: "a1", blocks: [{ type: "text", text: "First part" }], streaming: false },
];

describe("the early snapshot request in Chromium", function () {
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

  it("goes out before the page's modules have loaded", async () => {
    // When each message left the page (the stand-in VS Code API of the harness records none).
    const watch = `(() => {
      window.__postedAt = [];
      const acquire = window.acquireVsCodeApi;
      window.acquireVsCodeApi = () => {
        const api = acquire();
        const post = api.postMessage.bind(api);
        api.postMessage = (m) => { window.__postedAt.push([m.method, performance.now()]); post(m); };
        return api;
      };
    })();`;
    w = await openWebview(browser, snapshotWith(ITEMS), watch, holdModules, { linked: true });
    await w.page.locator('[data-id="a1"]', { hasText: "First part" }).waitFor();
    const posted = (await w.page.evaluate("window.__postedAt")) as Array<[string, number]>;
    const main = (await w.page.evaluate(`performance.getEntriesByType("resource").find((e) => e.name.endsWith("/webview/main.js")).responseEnd`)) as number;
    const snapshots = posted.filter(([method]) => method === "pi/snapshot");
    assert.equal(snapshots.length, 1, "one snapshot request");
    assert.ok(snapshots[0][1] < main - HOLD_MS / 2, `asked at ${snapshots[0][1].toFixed(0)} ms, main.js in at ${main.toFixed(0)} ms`);
  });

  it("applies what came meanwhile after the snapshot, in order; drops what the snapshot already holds", async () => {
    // Around the answer to the early request: an older snapshot before it (stale), newer
    // patches and a draft after it — all before the page's modules run.
    const stale = snapshotWith([{ kind: "assistant", id: "a1", blocks: [{ type: "text", text: "STALE" }], streaming: false }], "ready", 0);
    const host = `(() => {
      const acquire = window.acquireVsCodeApi;
      window.acquireVsCodeApi = () => {
        const api = acquire();
        const post = api.postMessage.bind(api);
        api.postMessage = (m) => {
          const early = m.id === "pi-early-snapshot";
          if (early) window.__event("snapshot", ${JSON.stringify(stale)});
          post(m);
          if (early) setTimeout(() => {
            window.__event("patches", { chatId: "s1", seq: 2, patches: [{ op: "append", itemId: "a1", block: 0, blockType: "text", delta: " and more" }] });
            window.__event("draft", { text: "early draft" });
          }, 5);
        };
        return api;
      };
    })();`;
    w = await openWebview(browser, snapshotWith(ITEMS), host, holdModules, { linked: true });
    await w.page.locator('[data-id="a1"]', { hasText: "First part and more" }).waitFor();
    assert.equal(await w.page.getByText("STALE").count(), 0, "the older snapshot was not applied");
    assert.equal(await w.page.locator('textarea[data-testid="prompt-input"]').inputValue(), "early draft");
    // Later events come through the messenger as usual.
    await w.patches({ chatId: "s1", seq: 3, patches: [{ op: "append", itemId: "a1", block: 0, blockType: "text", delta: ", then the rest" }] });
    await w.page.locator('[data-id="a1"]', { hasText: "First part and more, then the rest" }).waitFor();
  });
});
