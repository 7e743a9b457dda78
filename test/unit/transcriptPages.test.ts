// Paging a long chat: a snapshot holds its latest items within the budget, pages before an
// item cover everything before it exactly once, and a short chat's snapshot is whole.
import * as assert from "node:assert/strict";
import { emptyState, olderItemsOf, snapshotFromState, stateFromSnapshot, type ChatItem, type ChatState } from "../../src/protocol/transcript";
import { PAGE_BYTES, PAGE_ITEMS, pageStart } from "../../src/protocol/transcriptPages";

const INFO = { chatId: "c", cwd: "/w", title: "w" };

function stateOf(items: ChatItem[]): ChatState {
  const s = emptyState();
  s.items = items;
  s.index = new Map(items.map((item, i) => [item.id, i]));
  s.seq = 7;
  return s;
}

const users = (n: number, text = "hi"): ChatItem[] => Array.from({ length: n }, (_, i) => ({ kind: "user", id: `u${i}`, text }));

describe("transcript pages", () => {
  it("a short chat's snapshot is the whole chat, without `older`", () => {
    const snap = snapshotFromState(stateOf(users(10)), INFO);
    assert.equal(snap.items.length, 10);
    assert.equal("older" in snap, false);
    assert.equal(stateFromSnapshot(snap).older, 0);
  });

  it("a long chat's snapshot holds its last PAGE_ITEMS items and counts the rest", () => {
    const snap = snapshotFromState(stateOf(users(100_000)), INFO);
    assert.equal(snap.items.length, PAGE_ITEMS);
    assert.equal(snap.older, 100_000 - PAGE_ITEMS);
    assert.equal(snap.items[0].id, `u${100_000 - PAGE_ITEMS}`);
    assert.equal(stateFromSnapshot(snap).older, 100_000 - PAGE_ITEMS);
  });

  it("stops at the byte budget, but always takes one item however big", () => {
    const big = users(50, "x".repeat(10_000));
    const start = pageStart(big, big.length);
    const bytes = JSON.stringify(big.slice(start)).length;
    assert.ok(bytes <= PAGE_BYTES + 1024 && bytes > PAGE_BYTES - 11_000, `${bytes} bytes in ${big.length - start} items`);
    const huge = users(3, "x".repeat(PAGE_BYTES * 2));
    assert.equal(pageStart(huge, 3), 2, "the last item alone");
    assert.equal(pageStart(huge, 0), 0, "nothing before the first");
  });

  it("pages before the first item held cover the rest of the chat exactly once, in order", () => {
    const items = users(1_234);
    const state = stateOf(items);
    const snap = snapshotFromState(state, INFO);
    let held = snap.items;
    let older = snap.older ?? 0;
    let pages = 0;
    while (older > 0) {
      const page = olderItemsOf(state, held[0].id);
      assert.ok(page);
      assert.equal(page.seq, 7);
      assert.equal(page.older + page.items.length, older, "the page ends where the held items begin");
      held = [...page.items, ...held];
      older = page.older;
      pages++;
    }
    assert.deepEqual(held, items);
    assert.equal(pages, Math.ceil((1_234 - PAGE_ITEMS) / PAGE_ITEMS));
    assert.deepEqual(olderItemsOf(state, "u0"), { items: [], older: 0, seq: 7 }, "nothing before the first item");
    assert.equal(olderItemsOf(state, "nope"), undefined, "an unknown item");
  });
});
