// The virtual list's geometry: estimates until measured, prefix sums, lookups, and what
// survives a fresh snapshot or a width change.
import * as assert from "node:assert/strict";
import { HeightIndex, type Sized } from "../../webview/virtualList";

const items = (n: number, kind = "user", prefix = "i"): Sized[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, kind }));

describe("HeightIndex", () => {
  it("estimates per kind, then uses measured heights in its offsets", () => {
    const idx = new HeightIndex();
    const list = items(4);
    idx.sync(list);
    assert.equal(idx.total(), 4 * 60, "the user-message default");
    assert.equal(idx.set(1, 100), true);
    // One measured user item becomes the estimate for the other (unmeasured) ones.
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => idx.top(i)), [0, 100, 200, 300, 400]);
    assert.equal(idx.set(1, 100.2), false, "sub-pixel noise is not a change");
    idx.set(2, 40);
    // The second sample moves the estimate to their mean: i0 and i3 are now guessed at 70.
    assert.equal(idx.top(3), 70 + 100 + 40);
  });

  it("finds the item at a y, clamped to the list", () => {
    const idx = new HeightIndex();
    idx.sync(items(3));
    [10, 20, 30].forEach((h, i) => idx.set(i, h));
    assert.deepEqual([-5, 0, 9.9, 10, 29, 30, 59, 1e6].map((y) => idx.indexAt(y)), [0, 0, 0, 1, 1, 2, 2, 2]);
    assert.equal(new HeightIndex().indexAt(100), 0, "an empty list");
  });

  it("grows with items appended in place and keeps measurements across a fresh snapshot", () => {
    const idx = new HeightIndex();
    const list = items(2);
    idx.sync(list);
    idx.set(0, 10);
    idx.set(1, 20);
    list.push({ id: "i2", kind: "user" });
    idx.sync(list);
    assert.equal(idx.length, 3);
    assert.equal(idx.top(2), 30);
    const fresh = [{ id: "new", kind: "user" }, ...list.map((x) => ({ ...x }))];
    idx.sync(fresh);
    assert.equal(idx.top(3) - idx.top(1), 30, "i0 and i1 keep their measured heights");
    assert.equal(idx.find("i1"), 2);
    assert.equal(idx.find("i1", 2), 2);
    assert.equal(idx.find("gone"), -1);
  });

  it("after a width change keeps the old heights as estimates until measured again", () => {
    const idx = new HeightIndex();
    idx.sync(items(3));
    [10, 20, 30].forEach((h, i) => idx.set(i, h));
    idx.invalidate();
    assert.equal(idx.total(), 60, "nothing jumps");
    assert.equal(idx.set(0, 10), true, "measured again counts as news");
  });

  it("stays fast on 100,000 items", () => {
    const idx = new HeightIndex();
    const list = items(100_000);
    const t0 = performance.now();
    idx.sync(list);
    for (let i = 99_000; i < 100_000; i++) {
      idx.set(i, 50 + (i % 7));
      idx.top(i);
    }
    idx.indexAt(idx.total() / 2);
    assert.ok(performance.now() - t0 < 500, `${(performance.now() - t0).toFixed(0)} ms`);
  });
});
