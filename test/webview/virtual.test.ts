// The virtualized transcript in real Chromium: a 10,000-item chat keeps a small DOM, reaches
// its first item, follows a stream at the end, holds still when scrolled up (even when items
// above change height), offers "jump to latest", and comes back where it was after a reload.
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { ChatItem, ChatSnapshot } from "../../src/protocol/transcript";
import { launchBrowser, openWebview, snapshotWith, type WebviewHarness, closeAndCheck } from "./harness";

const N = 10_000;

function longChat(n: number, streamingLast = false): ChatItem[] {
  const items: ChatItem[] = [];
  for (let i = 0; i < n; i++) {
    const id = `i${i}`;
    if (i % 4 === 0) items.push({ kind: "user", id, text: `question ${i}` });
    else if (i % 4 === 2) items.push({ kind: "tool", id, name: "bash", args: '{"command":"ls"}', status: "done", output: `out ${i}\n`.repeat(1 + (i % 5)) });
    else {
      const para = `Answer **${i}**: ${"lorem ipsum dolor sit amet ".repeat(2 + (i % 13))}`;
      items.push({ kind: "assistant", id, blocks: [{ type: "text", text: i % 3 ? para : `${para}\n\n- one\n- two\n\n${para}` }], streaming: false });
    }
  }
  if (streamingLast) items.push({ kind: "assistant", id: "live", blocks: [], streaming: true });
  return items;
}

/** Page side: the item at the top edge of the view and how far the view is into it. */
const TOP_ITEM = () => {
  const scroller = document.querySelector<HTMLElement>('[data-testid="transcript"]');
  if (!scroller) return undefined;
  const edge = scroller.getBoundingClientRect().top + scroller.clientTop;
  for (const el of scroller.querySelectorAll<HTMLElement>("[data-id]")) {
    const r = el.getBoundingClientRect();
    if (r.bottom > edge) return { id: el.dataset.id as string, offset: edge - r.top };
  }
  return undefined;
};

describe("virtualized transcript in Chromium", function () {
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

  const scroller = () => w.page.locator('[data-testid="transcript"]');
  const itemCount = () => w.page.locator('[data-testid="transcript"] [data-id]').count();
  const gapToEnd = () => scroller().evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop);
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  const frames = (n = 2) => w.page.evaluate(`new Promise((r) => { let k = ${n}; const step = () => (k-- ? requestAnimationFrame(step) : r()); step(); })`);
  /** The end is in view within a few frames (a loaded machine may take more than two for layout); a lost pin never comes back by itself. */
  const atEnd = async (what: string) => {
    const deadline = Date.now() + 3_000;
    let gap = await gapToEnd();
    while (gap >= 2 && Date.now() < deadline) {
      await frames(1);
      gap = await gapToEnd();
    }
    assert.ok(gap < 2, `${what} (${gap} px from the end)`);
  };
  /** Until the view has not moved for ten frames (a keyboard scroll animation has ended). */
  const still = () =>
    w.page.evaluate(`new Promise((r) => { const el = document.querySelector('[data-testid="transcript"]'); let last = -1, same = 0;
      const step = () => { same = el.scrollTop === last ? same + 1 : 0; last = el.scrollTop; same >= 10 ? r() : requestAnimationFrame(step); }; step(); })`);
  const appendLive = (seq: number, delta: string) =>
    w.patches({ chatId: "s1", seq, patches: [{ op: "append", itemId: "live", block: 0, blockType: "text", delta }] });

  it("keeps under 200 items in the DOM for a 10,000-item chat, shows the latest, and reaches the first", async () => {
    w = await openWebview(browser, snapshotWith(longChat(N)));
    await w.page.locator('[data-id="i9999"]').waitFor();
    assert.ok(await w.page.locator('[data-id="i9999"] [data-testid="assistant-message"]').isVisible(), "the latest message is shown");
    const count = await itemCount();
    assert.ok(count > 0 && count < 200, `${count} item elements in the DOM`);
    await atEnd("starts at the end");

    await scroller().evaluate((el) => el.scrollTo(0, 0));
    await w.page.locator('[data-id="i0"] [data-testid="user-message"]', { hasText: "question 0" }).waitFor();
    await frames();
    assert.equal((await w.page.evaluate(TOP_ITEM))?.id, "i0");
    assert.ok((await itemCount()) < 200);
    await w.page.locator('[data-testid="jump-latest"]').waitFor();
  });

  it("paints the items in view first, then renders the overscan around them", async () => {
    // Each frame, from the page's start: how many pixels of rendered items lie above the view.
    const watch = `window.__above = [];
      const look = () => {
        const sc = document.querySelector('[data-testid="transcript"]');
        const items = sc ? [...sc.querySelectorAll("[data-id]")] : [];
        if (items.length) {
          const top = sc.getBoundingClientRect().top;
          window.__above.push(items.reduce((px, el) => { const r = el.getBoundingClientRect(); return px + Math.max(0, Math.min(r.bottom, top) - r.top); }, 0));
        }
        if (window.__above.length < 30) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);`;
    w = await openWebview(browser, snapshotWith(longChat(N)), watch);
    await w.page.waitForFunction(() => (window as unknown as { __above: number[] }).__above.length >= 30);
    const above = (await w.page.evaluate("window.__above")) as number[];
    assert.ok(above[0] < 400, `the first frame with items holds only what is in view (${Math.round(above[0])} px above it)`);
    assert.ok(above[above.length - 1] > 600, `then the overscan above the view is rendered (${Math.round(above[above.length - 1])} px)`);
    await atEnd("and the view is at the end");
  });

  it("scrolls with the keyboard: Home reaches the first item, End the last and follows again", async () => {
    w = await openWebview(browser, snapshotWith(longChat(2000)));
    await w.page.locator('[data-id="i1999"]').waitFor();
    await scroller().focus();
    await w.page.keyboard.press("PageUp");
    await w.page.locator('[data-testid="jump-latest"]').waitFor();
    await w.page.keyboard.press("Home");
    await w.page.locator('[data-id="i0"]').waitFor();
    await w.page.waitForFunction(() => document.querySelector('[data-testid="transcript"]')?.scrollTop === 0);
    await w.page.keyboard.press("End");
    await w.page.locator('[data-id="i1999"]').waitFor();
    await w.page.locator('[data-testid="jump-latest"]').waitFor({ state: "detached" });
  });

  it("End or Home right after PageUp lands there: the key's scroll animation does not carry on", async () => {
    // Chromium keeps animating a keyboard scroll through a scrollTop write and moves the view by
    // what the animation had left: End then stopped ~500 px short, with "jump to latest" shown.
    w = await openWebview(browser, snapshotWith(longChat(2000)));
    await w.page.locator('[data-id="i1999"]').waitFor();
    await scroller().focus();
    await w.page.keyboard.press("PageUp");
    await w.page.keyboard.press("End");
    await still();
    assert.equal(await gapToEnd(), 0, "at the end");
    assert.equal(await w.page.locator('[data-testid="jump-latest"]').count(), 0, "following the end");
    await w.page.keyboard.press("PageUp");
    await w.page.keyboard.press("Home");
    await still();
    assert.equal(await scroller().evaluate((el) => el.scrollTop), 0, "at the top");
  });

  it("stays pinned to the bottom while a message streams", async () => {
    w = await openWebview(browser, snapshotWith(longChat(N, true), "working"));
    await w.page.locator('[data-id="live"]').waitFor();
    for (let seq = 2; seq < 42; seq++) {
      await appendLive(seq, `line ${seq} ${"streamed words ".repeat(8)}\n\n`);
      if (seq % 8 === 0) {
        await frames();
        await atEnd(`pinned after patch ${seq}`);
      }
    }
    await w.patches({ chatId: "s1", seq: 42, patches: [{ op: "add", item: { kind: "tool", id: "t-new", name: "bash", args: "{}", status: "running", output: "x\n".repeat(30) } }] });
    await w.page.locator('[data-id="t-new"]').waitFor();
    await frames();
    await atEnd("pinned after a new item");
    assert.equal(await w.page.locator('[data-testid="jump-latest"]').count(), 0);
    assert.ok((await itemCount()) < 200);
  });

  /** Scrolled up while a message streams at the end and an item above the view grows. */
  async function holdsStillThenJumps(): Promise<void> {
    await w.page.locator('[data-id="live"]').waitFor();
    await scroller().hover();
    await w.page.mouse.wheel(0, -1500);
    await w.page.locator('[data-testid="jump-latest"]').waitFor();
    await frames();
    const before = await w.page.evaluate(TOP_ITEM);
    assert.ok(before, "an item is at the top");
    const scrollTop = await scroller().evaluate((el) => el.scrollTop);

    for (let seq = 2; seq < 22; seq++) await appendLive(seq, "more text\n\n".repeat(5));
    await w.patches({ chatId: "s1", seq: 22, patches: [{ op: "add", item: { kind: "user", id: "u-new", text: "new question" } }] });
    await frames(3);
    assert.deepEqual(await w.page.evaluate(TOP_ITEM), before, "new output at the end does not move the view");
    assert.equal(await scroller().evaluate((el) => el.scrollTop), scrollTop);

    // An item above the view (rendered, in the overscan) gets much taller: the view must not jump.
    const aboveId = await w.page.evaluate((topId) => {
      const els = [...document.querySelectorAll<HTMLElement>('[data-testid="transcript"] [data-id]')];
      const at = els.findIndex((el) => el.dataset.id === topId);
      return els[Math.max(0, at - 2)].dataset.id as string;
    }, before.id);
    assert.notEqual(aboveId, before.id);
    await w.patches({ chatId: "s1", seq: 23, patches: [{ op: "replace", item: { kind: "user", id: aboveId, text: "grown\n".repeat(40) } }] });
    await w.page.locator(`[data-id="${aboveId}"]`, { hasText: "grown" }).waitFor();
    await frames(2);
    const after = await w.page.evaluate(TOP_ITEM);
    assert.equal(after?.id, before.id, "the same item stays at the top");
    assert.ok(Math.abs((after?.offset ?? 0) - before.offset) < 1.5, `offset ${after?.offset} vs ${before.offset}`);

    await w.page.locator('[data-testid="jump-latest"]').click();
    await w.page.locator('[data-id="u-new"]').waitFor();
    await frames();
    await atEnd("back at the end");
    await w.page.locator('[data-testid="jump-latest"]').waitFor({ state: "detached" });
    await appendLive(24, "following again\n\n".repeat(10));
    await frames(3);
    await atEnd("follows the stream again");
  }

  it("holds the view still when scrolled up, even as items above grow, and jumps back to the latest", async () => {
    w = await openWebview(browser, snapshotWith(longChat(N, true), "working"));
    await holdsStillThenJumps();
  });

  it("does the same by hand where the browser has no CSS scroll anchoring", async () => {
    w = await openWebview(browser, snapshotWith(longChat(N, true), "working"));
    await w.page.addInitScript(`{ const real = CSS.supports.bind(CSS); CSS.supports = (a, b) => (a === "overflow-anchor" ? false : b === undefined ? real(a) : real(a, b)); }`);
    await w.page.reload();
    assert.equal(await scroller().evaluate((el) => getComputedStyle(el).overflowAnchor), "none", "the browser's anchoring is off");
    await holdsStillThenJumps();
  });

  it("sending from the composer follows the end again; a message from another view does not move it", async () => {
    const items = longChat(N);
    w = await openWebview(browser, snapshotWith(items));
    await w.page.locator('[data-id="i9999"]').waitFor();
    await scroller().evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
    await w.page.locator('[data-testid="jump-latest"]').waitFor();
    await frames(3);
    const spot = await w.page.evaluate(TOP_ITEM);

    // Another view (a browser on the same chat) sent a message: this view stays where it is.
    await w.patches({ chatId: "s1", seq: 2, patches: [{ op: "add", item: { kind: "user", id: "elsewhere", text: "from the browser" } }] });
    await frames(4);
    assert.equal((await w.page.evaluate(TOP_ITEM))?.id, spot?.id, "a message from elsewhere leaves the view still");

    // This view's composer sends: the view follows the end, and the message's echo stays in sight.
    const input = w.page.locator('[data-testid="prompt-input"]');
    await input.fill("from here");
    await input.press("Enter");
    await w.page.locator('[data-testid="jump-latest"]').waitFor({ state: "detached" });
    await w.patches({ chatId: "s1", seq: 3, patches: [{ op: "add", item: { kind: "user", id: "here", text: "from here" } }] });
    await w.page.locator('[data-id="here"]').waitFor();
    await frames(3);
    await atEnd("the view is at the end after sending");
  });

  it("keeps its place through a narrower panel and a resync snapshot; another session's snapshot goes to its end", async () => {
    const items = longChat(N);
    w = await openWebview(browser, snapshotWith(items));
    await w.page.locator('[data-id="i9999"]').waitFor();
    await scroller().evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
    await w.page.locator('[data-testid="jump-latest"]').waitFor();
    await frames(3);
    const spot = await w.page.evaluate(TOP_ITEM);

    await w.page.setViewportSize({ width: 420, height: 720 });
    await frames(4);
    assert.equal((await w.page.evaluate(TOP_ITEM))?.id, spot?.id, "the same item at the top after the panel narrowed");
    const narrow = await w.page.evaluate(TOP_ITEM);

    const notify = (snap: ChatSnapshot) => w.event("snapshot", snap);
    await notify(snapshotWith(items, "ready", 5));
    await frames(4);
    const resynced = await w.page.evaluate(TOP_ITEM);
    assert.equal(resynced?.id, narrow?.id, "a resync of the same chat keeps the place");
    assert.ok(Math.abs((resynced?.offset ?? 0) - (narrow?.offset ?? 0)) < 1.5);

    await notify({ ...snapshotWith(longChat(300).map((it) => ({ ...it, id: `other-${it.id}` })), "ready", 1), info: { chatId: "s2", cwd: "/ws", title: "other" } });
    await w.page.locator('[data-id="other-i299"]').waitFor();
    await frames(3);
    await atEnd("another chat starts at its end");
    await w.page.locator('[data-testid="jump-latest"]').waitFor({ state: "detached" });
  });

  it("comes back to the same place after a reload (webview state), and to the end when it was there", async () => {
    w = await openWebview(browser, snapshotWith(longChat(N)));
    await w.page.locator('[data-id="i9999"]').waitFor();
    assert.equal(await w.page.evaluate(() => (window as unknown as { __state?: { scroll?: unknown } }).__state?.scroll), undefined, "nothing saved while following the end");
    await scroller().evaluate((el) => el.scrollTo(0, el.scrollHeight * 0.4));
    await frames();
    await scroller().evaluate((el) => el.scrollBy(0, 37));
    await frames();
    const spot = await w.page.evaluate(TOP_ITEM);
    assert.ok(spot);
    // Saved once scrolling pauses (an earlier pause may have saved an earlier spot first).
    await w.page.waitForFunction((want) => {
      const saved = (window as unknown as { __state?: { scroll?: { itemId: string; offset: number } } }).__state?.scroll;
      return saved?.itemId === want.id && Math.abs(saved.offset - want.offset) < 1;
    }, spot);
    const state = await w.page.evaluate(() => (window as unknown as { __state: unknown }).__state);

    await w.page.evaluate((s) => sessionStorage.setItem("carry", JSON.stringify(s)), state);
    await w.page.addInitScript(() => ((window as unknown as { __state: unknown }).__state = JSON.parse(sessionStorage.getItem("carry") ?? "null")));
    await w.page.reload();
    await w.page.locator(`[data-id="${spot.id}"]`).waitFor();
    await frames(3);
    const back = await w.page.evaluate(TOP_ITEM);
    assert.equal(back?.id, spot.id, "the same item is at the top");
    assert.ok(Math.abs((back?.offset ?? 0) - spot.offset) < 1.5, `offset ${back?.offset} vs ${spot.offset}`);
    await w.page.locator('[data-testid="jump-latest"]').waitFor();

    // Back to the end: that is saved as "follow" (undefined), and a reload starts at the end.
    await w.page.locator('[data-testid="jump-latest"]').click();
    await w.page.waitForFunction(() => (window as unknown as { __state?: { scroll?: unknown } }).__state?.scroll === undefined);
    const followState = await w.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    await w.page.evaluate((s) => sessionStorage.setItem("carry", JSON.stringify(s)), followState);
    await w.page.reload();
    await w.page.locator('[data-id="i9999"]').waitFor();
    await frames();
    await atEnd("starts at the end");
  });
});
