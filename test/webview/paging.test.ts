// A long chat in real Chromium: the snapshot holds only its latest items; older ones page in
// (the `olderItems` action) as the view reaches the top of what it holds, until the first.
// Patches keep arriving meanwhile: one for an item not paged in yet is skipped without a
// resync, and a page folds in exactly the patches after its own `seq` — whether it arrives
// before the view has seen them (HTTP: the stream lags) or after (the stream leads).
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { ChatItem, ChatSnapshot, OlderItems, PatchBatch, ToolItem } from "../../src/protocol/transcript";
import { closeAndCheck, launchBrowser, openWebview, type WebviewHarness } from "./harness";

const PAGE = 200;

function history(n: number): ChatItem[] {
  return Array.from({ length: n }, (_, i): ChatItem => {
    const id = `h${i}`;
    if (i % 3 === 0) return { kind: "user", id, text: `question ${i}` };
    if (i % 3 === 1) return { kind: "assistant", id, blocks: [{ type: "text", text: `answer **${i}** ${"words ".repeat(i % 20)}` }], streaming: false };
    return { kind: "tool", id, name: "bash", args: "{}", status: "done", output: `out ${i}` };
  });
}

/** What the host sends a view of `all`: the last page, and how many items come before it. */
function tail(all: ChatItem[], seq = 1): ChatSnapshot {
  const older = Math.max(0, all.length - PAGE);
  return { info: { chatId: "s1", cwd: "/ws", title: "ws" }, status: "ready", items: all.slice(older), older, seq };
}

/** The page of `all` before `before`, as of `seq`. */
function pageBefore(all: ChatItem[], before: string, seq: number): OlderItems {
  const end = all.findIndex((i) => i.id === before);
  const start = Math.max(0, end - PAGE);
  return { items: all.slice(start, end), older: start, seq };
}

const running = (id: string, output = ""): ToolItem => ({ kind: "tool", id, name: "bash", args: "{}", status: "running", output });
const batch = (seq: number, patches: PatchBatch["patches"]): PatchBatch => ({ chatId: "s1", seq, patches });

describe("a long chat pages its history in (Chromium)", function () {
  this.timeout(90_000);
  let browser: Browser;
  let w: WebviewHarness;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(() => closeAndCheck(w));

  const requests = async () => (await w.sent()).filter((m) => m.method === "pi/olderItems").map((m) => m.params as { before: string });
  const snapshots = async () => (await w.sent()).filter((m) => m.method === "pi/snapshot").length;
  const toTop = () => w.page.locator('[data-testid="transcript"]').press("Home");
  // Page scripts as strings: tsx would wrap their inner functions in a helper the page lacks.
  /** olderItems requests are held until the test answers them. */
  const holdPages = () =>
    w.page.evaluate(`window.__pending = []; window.__replies = { ...(window.__replies || {}), "pi/olderItems": (params) => new Promise((resolve) => window.__pending.push({ params, resolve })) }`);
  /** Scrolls to the top until the view asks for older items; the `before` of the latest request held. */
  const pendingPage = async () => {
    for (let i = 0; i < 100; i++) {
      const params = await w.page.evaluate(() => (window as unknown as { __pending: Array<{ params: { before: string } }> }).__pending.at(-1)?.params);
      if (params) return params;
      await toTop();
      await w.page.waitForTimeout(50);
    }
    throw new Error("the view never asked for older items");
  };
  /** Answers the held request for the items before `before`. */
  const answer = (before: string, page: OlderItems) =>
    w.page.evaluate(
      ([b, p]) => {
        const held = (window as unknown as { __pending: Array<{ params: { before: string }; resolve(v: unknown): void }> }).__pending;
        const at = held.findIndex((r) => r.params.before === b);
        if (at < 0) throw new Error(`no request for the items before ${b}`);
        held.splice(at, 1)[0].resolve(p);
      },
      [before, page] as const,
    );
  const toolCard = (id: string) => w.page.locator(`[data-id="${id}"] [data-testid="tool-card"]`);

  it("opens at the end with the last page only, then pages back to the first item on the way up", async () => {
    const all = history(2_000);
    w = await openWebview(browser, tail(all));
    await w.page.locator('[data-id="h1999"]').waitFor();
    assert.deepEqual(await requests(), [], "nothing older is asked for while the view is at the end");
    await w.page.evaluate((items) => ((window as unknown as { __all: ChatItem[] }).__all = items, 0), all);
    await w.page.evaluate(`window.__replies = { "pi/olderItems": ({ before }) => {
      const end = window.__all.findIndex((i) => i.id === before);
      const start = Math.max(0, end - ${PAGE});
      return { items: window.__all.slice(start, end), older: start, seq: 1 };
    } }`);
    for (let i = 0; i < 60 && (await w.page.locator('[data-id="h0"]').count()) === 0; i++) {
      await toTop();
      await w.page.waitForTimeout(100);
    }
    await w.page.locator('[data-id="h0"]').waitFor();
    await toTop();
    await w.page.waitForTimeout(200);
    assert.equal(await w.page.locator('[data-testid="older-edge"]').count(), 0, "no edge once the first item is held");
    const asked = await requests();
    assert.equal(asked.length, Math.ceil((all.length - PAGE) / PAGE), `one request per page: ${asked.map((r) => r.before).join(" ")}`);
    asked.forEach(({ before }, i) => assert.equal(before, `h${all.length - PAGE * (i + 1)}`, "each asks for the items before the first one held"));
    const ids = await w.page.locator('[data-testid="transcript"] [data-id]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id));
    assert.deepEqual(ids.slice(0, 3), ["h0", "h1", "h2"], "in order, from the first");
    assert.ok(ids.length < 200, `a small DOM still (${ids.length} items)`);
    assert.equal(await snapshots(), 1, "no resync");
  });

  it("skips patches for items not held, and applies to a page the ones after its seq", async () => {
    const all = history(1_000);
    // h799 is a tool still running up the chat (the last item before the snapshot's).
    all[799] = running("h799");
    w = await openWebview(browser, tail(all));
    await w.page.locator('[data-id="h999"]').waitFor();
    await holdPages();
    // Not held yet: skipped, no resync.
    await w.patches(batch(2, [{ op: "toolOutput", itemId: "h799", delta: "a" }, { op: "replace", item: { kind: "user", id: "h999", text: "edited" } }]));
    await w.page.locator('[data-id="h999"]', { hasText: "edited" }).waitFor();
    const asked = await pendingPage();
    assert.equal(asked.before, "h800");
    // While the page is on its way: more output and the end of that tool.
    await w.patches(batch(3, [{ op: "toolOutput", itemId: "h799", delta: "b" }, { op: "finish", itemId: "h799", toolStatus: "done" }]));
    // The host's page is as of seq 2: output "a", still running.
    all[799] = running("h799", "a");
    await answer("h800", pageBefore(all, "h800", 2));
    await toolCard("h799").waitFor({ state: "attached" });
    await w.page.locator('[data-id="h799"] [data-status="done"]').waitFor({ state: "attached" });
    assert.equal(await toolCard("h799").locator(".tool-output").textContent(), "ab", "seq 3 applied to the page once, seq 2 not again");
    assert.equal(await snapshots(), 1, "no resync");
  });

  it("holds a page newer than the view until the view has caught up to it", async () => {
    const all = history(1_000);
    all[799] = running("h799");
    w = await openWebview(browser, tail(all));
    await w.page.locator('[data-id="h999"]').waitFor();
    await holdPages();
    await pendingPage();
    // The host is at seq 3 (output "ab", done); the view's stream has not brought 2 and 3 yet.
    const later = all.slice();
    later[799] = { ...running("h799", "ab"), status: "done" };
    await answer("h800", pageBefore(later, "h800", 3));
    await w.page.waitForTimeout(100);
    assert.equal(await toolCard("h799").count(), 0, "not merged before the view reaches seq 3");
    await w.patches(batch(2, [{ op: "toolOutput", itemId: "h799", delta: "a" }]));
    await w.patches(batch(3, [{ op: "toolOutput", itemId: "h799", delta: "b" }, { op: "finish", itemId: "h799", toolStatus: "done" }]));
    await w.patches(batch(4, [{ op: "toolOutput", itemId: "h799", delta: "c" }]));
    await toolCard("h799").locator(".tool-output", { hasText: "abc" }).waitFor({ state: "attached" });
    assert.equal(await toolCard("h799").locator(".tool-output").textContent(), "abc", "2 and 3 come with the page, 4 after it");
    assert.equal(await snapshots(), 1, "no resync");
  });

  it("drops a page asked for before a snapshot replaced the view's state", async () => {
    const all = history(1_000);
    w = await openWebview(browser, tail(all));
    await w.page.locator('[data-id="h999"]').waitFor();
    await holdPages();
    await pendingPage();
    const other = history(1_000).map((item) => ({ ...item, id: `o${item.id}` }));
    await w.event("snapshot", tail(other, 10));
    await w.page.locator('[data-id="oh999"]').waitFor({ state: "attached" });
    await answer("h800", pageBefore(all, "h800", 1));
    await w.page.waitForTimeout(200);
    assert.equal((await pendingPage()).before, "oh800", "the next page is asked for the new state");
    // At the top of what the view holds: the new chat's items only.
    await toTop();
    await w.page.locator('[data-testid="older-edge"]').waitFor();
    await w.page.locator('[data-id="oh800"]').waitFor();
    assert.equal(await w.page.locator('[data-id^="h"]').count(), 0, "nothing of the old chat came back");
  });
});
