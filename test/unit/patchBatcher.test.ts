import * as assert from "node:assert/strict";
import { PatchBatcher } from "../../src/host/patchBatcher";
import type { PatchBatch } from "../../src/protocol/transcript";

describe("patch batcher", () => {
  it("merges consecutive appends to one block and posts once per interval", async () => {
    const batches: PatchBatch[] = [];
    let seq = 0;
    const b = new PatchBatcher("s", () => seq, (x) => batches.push(x), 10);
    for (let i = 0; i < 1000; i++) {
      seq++;
      b.push({ op: "append", itemId: "a", block: 0, blockType: "text", delta: "x" });
    }
    seq++;
    b.push({ op: "status", status: "ready" });
    assert.equal(batches.length, 0, "nothing is posted synchronously");
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(batches.length, 1);
    assert.equal(batches[0].seq, 1001);
    assert.deepEqual(batches[0].patches, [
      { op: "append", itemId: "a", block: 0, blockType: "text", delta: "x".repeat(1000) },
      { op: "status", status: "ready" },
    ]);
  });

  it("after a quiet interval the first batch goes out on the next turn; later ones at most once per interval", async () => {
    const batches: Array<{ at: number; n: number }> = [];
    const b = new PatchBatcher("s", () => 1, (x) => batches.push({ at: performance.now(), n: x.patches.length }), 200);
    const t0 = performance.now();
    b.push({ op: "status", status: "working" });
    b.push({ op: "append", itemId: "a", block: 0, blockType: "text", delta: "x" });
    assert.equal(batches.length, 0, "nothing is posted synchronously");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches.map((x) => x.n), [2], "both patches of one turn, together, without waiting for the interval");
    b.push({ op: "append", itemId: "a", block: 0, blockType: "text", delta: "y" });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(batches.length, 1, "the next one waits for the rest of the interval");
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(batches.length, 2);
    assert.ok(batches[1].at - t0 >= 195, "not sooner than the interval after the first");
  });

  it("a batch without streamed content opens no interval: the answer's first words right after its item go at once", async () => {
    // pi sends an answer's start and, a few ms later, its first words. Before, the item's batch
    // opened an interval and the first words waited for it (bench:start: ~19 ms).
    const batches: Array<{ ops: string[] }> = [];
    const b = new PatchBatcher("s", () => 1, (x) => batches.push({ ops: x.patches.map((p) => p.op) }), 200);
    b.push({ op: "add", item: { kind: "assistant", id: "a", blocks: [], streaming: true } });
    await new Promise((r) => setImmediate(r));
    b.push({ op: "append", itemId: "a", block: 0, blockType: "text", delta: "Hello" });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(batches.map((x) => x.ops), [["add"], ["append"]], "the first words did not wait for the interval");
    b.push({ op: "append", itemId: "a", block: 0, blockType: "text", delta: " world" });
    b.push({ op: "status", status: "ready" });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(batches.length, 2, "after streamed content the interval holds, for any patch");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(batches.map((x) => x.ops), [["add"], ["append"], ["append", "status"]]);
  });

  it("does not merge appends to different blocks or items", () => {
    const batches: PatchBatch[] = [];
    const b = new PatchBatcher("s", () => 3, (x) => batches.push(x));
    b.push({ op: "append", itemId: "a", block: 0, blockType: "thinking", delta: "1" });
    b.push({ op: "append", itemId: "a", block: 1, blockType: "text", delta: "2" });
    b.push({ op: "append", itemId: "b", block: 1, blockType: "text", delta: "3" });
    b.flush();
    assert.equal(batches[0].patches.length, 3);
  });

  it("flush posts immediately and discard drops the queue", () => {
    const batches: PatchBatch[] = [];
    const b = new PatchBatcher("s", () => 1, (x) => batches.push(x));
    b.push({ op: "status", status: "working" });
    b.discard();
    b.flush();
    assert.equal(batches.length, 0);
    b.push({ op: "status", status: "working" });
    b.flush();
    assert.equal(batches.length, 1);
  });
});
