// One 50,000-character unbroken token in an answer, in real Chromium: shown as plain chunks
// whose off-screen part skips layout (media/chat.css), yet all of the text is there to read,
// select and copy exactly, the item has its real height, and the view follows the end, both
// when the answer arrives finished in a snapshot and while it streams.
import * as assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { ChatItem } from "../../src/protocol/transcript";
import { closeAndCheck, launchBrowser, openWebview, snapshotWith, type WebviewHarness } from "./harness";

const TOKEN = 50_000;
const letters = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((from + i) % 26))).join("");

describe("a 50,000-character token in Chromium", function () {
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

  const frames = (n = 2) => w.page.evaluate(`new Promise((r) => { let k = ${n}; const step = () => (k-- ? requestAnimationFrame(step) : r()); step(); })`);
  const gapToEnd = () => w.page.locator('[data-testid="transcript"]').evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop);
  /** The end is in view within a few frames (a loaded machine may take more than two for layout). */
  const atEnd = async (what: string) => {
    const deadline = Date.now() + 3_000;
    let gap = await gapToEnd();
    while (gap >= 2 && Date.now() < deadline) {
      await frames(1);
      gap = await gapToEnd();
    }
    assert.ok(gap < 2, `${what} (${gap} px from the end)`);
  };
  /** The plain block's text, as its chunks hold it and as a selection of all of it copies. */
  const plainText = () =>
    w.page.evaluate(() => {
      const plain = document.querySelector('[data-id="a1"] .md-plain') as HTMLElement;
      const range = document.createRange();
      range.selectNodeContents(plain);
      const selection = getSelection() as Selection;
      selection.removeAllRanges();
      selection.addRange(range);
      const copied = selection.toString();
      selection.removeAllRanges();
      const chunks = [...plain.children].map((c) => c.textContent ?? "");
      return { chunks, text: plain.textContent, copied };
    });
  /** The item's height now, and once every chunk is laid out for real. */
  const heights = async () => {
    const item = w.page.locator('[data-id="a1"]');
    const now = await item.evaluate((el) => el.getBoundingClientRect().height);
    await item.evaluate((el) => {
      for (const chunk of el.querySelectorAll<HTMLElement>(".md-plain > div")) chunk.style.contentVisibility = "visible";
    });
    await frames();
    return { now, laidOut: await item.evaluate((el) => el.getBoundingClientRect().height) };
  };

  it("a finished answer in a snapshot: exact text and copy, its real height, the end in view", async () => {
    const token = "x".repeat(TOKEN);
    const items: ChatItem[] = [
      { kind: "user", id: "u1", text: "Send a long token" },
      { kind: "assistant", id: "a1", blocks: [{ type: "text", text: `Here it is:\n\n${token}\n\nThat was it.` }], streaming: false },
    ];
    w = await openWebview(browser, snapshotWith(items));
    await w.page.locator('[data-id="a1"]', { hasText: "That was it." }).waitFor();
    await frames(3);
    await atEnd("follows the end");
    assert.ok(await w.page.getByText("That was it.").isVisible());

    const { chunks, text, copied } = await plainText();
    assert.ok(chunks.length > 2 && chunks.every((c) => c.length <= 2_000), `${chunks.length} chunks`);
    assert.equal(chunks.join(""), `${token}\n`);
    assert.equal(text, `${token}\n`);
    assert.equal(copied.trimEnd(), token, "a selection of the block copies the token as is");

    const { now, laidOut } = await heights();
    assert.ok(Math.abs(now - laidOut) < 1, `height ${now} before all chunks were laid out, ${laidOut} after`);
    await atEnd("still at the end");
  });

  it("a finished answer shows its first chunk in the first frame, and the rest after it", async () => {
    // Each frame from the page's start: how many chunks the plain block holds.
    const watch = `window.__chunks = [];
      const look = () => {
        const n = document.querySelectorAll('[data-id="a1"] .md-plain > div').length;
        if (n || window.__chunks.length) window.__chunks.push(n);
        if (window.__chunks.length < 10) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);`;
    const items: ChatItem[] = [{ kind: "assistant", id: "a1", blocks: [{ type: "text", text: "x".repeat(TOKEN) }], streaming: false }];
    w = await openWebview(browser, snapshotWith(items), watch);
    await w.page.waitForFunction(() => (window as unknown as { __chunks: number[] }).__chunks.length >= 10);
    const chunks = (await w.page.evaluate("window.__chunks")) as number[];
    assert.equal(chunks[0], 1, `the first frame lays out one chunk (${chunks.join(", ")})`);
    assert.equal(chunks[chunks.length - 1], TOKEN / 2_000, "then the block holds all of them");
    await atEnd("and the view follows the end");
  });

  it("a streaming answer: follows the end while the word grows, then holds all of it", async () => {
    const items: ChatItem[] = [
      { kind: "user", id: "u1", text: "flood" },
      { kind: "assistant", id: "a1", blocks: [], streaming: true },
    ];
    w = await openWebview(browser, snapshotWith(items, "working"));
    await w.page.locator('[data-id="a1"]').waitFor();
    const step = 1_000;
    for (let at = 0, seq = 2; at < TOKEN; at += step, seq++) {
      await w.patches({ chatId: "s1", seq, patches: [{ op: "append", itemId: "a1", block: 0, blockType: "text", delta: letters(step, at) }] });
      if (seq % 10 === 0) {
        await frames();
        await atEnd(`pinned at ${at + step} characters`);
      }
    }
    await w.patches({ chatId: "s1", seq: 100, patches: [{ op: "finish", itemId: "a1" }, { op: "status", status: "ready" }] });
    await w.page.locator('[data-id="a1"] [data-testid="assistant-message"][aria-busy="false"]').waitFor();
    await frames(3);
    await atEnd("at the end when it finishes");
    const { chunks, text, copied } = await plainText();
    assert.equal(chunks.join(""), letters(TOKEN));
    assert.equal(text, letters(TOKEN));
    assert.equal(copied, letters(TOKEN));
    const { now, laidOut } = await heights();
    // a–z have their own widths: a stand-in chunk may be a line off.
    assert.ok(Math.abs(now - laidOut) < 40, `height ${now} before all chunks were laid out, ${laidOut} after`);
  });
});
