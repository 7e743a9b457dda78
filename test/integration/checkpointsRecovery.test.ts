// A checkpoint store that is deleted or damaged between turns: the next checkpoint says so and
// starts a new store (the chat goes on), and checkpoints that were lost are refused with the reason.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CheckpointGoneError, StoreDamagedError } from "../../src/host/checkpoints/errors";
import type { GitCheckpointStore } from "../../src/host/checkpoints/gitStore";
import { storeDirFor } from "../../src/host/checkpoints/shadowRepo";
import { hashTree, makeWorkspace, openGitStore, type Workspace } from "./checkpointsFixture";

describe("checkpoint store damage and recovery (real git)", function () {
  this.timeout(60_000);
  let w: Workspace;
  let store: GitCheckpointStore;
  let storeDir: string;
  const who = { sessionId: "s", chatId: "c" };

  beforeEach(async () => {
    w = makeWorkspace();
    w.write("a.txt", "alpha\n");
    w.write("b.txt", "beta\n");
    store = await openGitStore(w);
    storeDir = storeDirFor(w.storesRoot, w.ws);
  });
  afterEach(() => w.remove());

  /** Cuts every pack of the shadow repository (where captures write their blobs) to half its size. */
  function truncatePacks(): number {
    const dir = path.join(storeDir, "git", "objects", "pack");
    const packs = fs.readdirSync(dir).filter((f) => f.endsWith(".pack"));
    for (const p of packs) {
      const file = path.join(dir, p);
      const bytes = fs.readFileSync(file);
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    }
    return packs.length;
  }

  it("a deleted store: the next checkpoint says so and works; the old checkpoint is refused with the reason", async () => {
    const old = await store.checkpoint({ ...who, kind: "turn-start" });
    fs.rmSync(storeDir, { recursive: true, force: true });
    w.write("a.txt", "changed\n");
    const next = await store.checkpoint({ ...who, kind: "turn-start" });
    assert.match(next.notice ?? "", /checkpoint store of this folder was missing.*new one was started/);
    await assert.rejects(store.restore(old.id, who), (e: unknown) => e instanceof CheckpointGoneError && /no longer in this folder's checkpoint store/.test(e.message));
    w.write("b.txt", "changed too\n");
    await store.restore(next.id, who);
    assert.deepEqual([w.read("a.txt"), w.read("b.txt")], ["changed\n", "beta\n"], "the new store restores");
  });

  it("warming a deleted store leaves it to the next checkpoint, which says so", async () => {
    await store.checkpoint({ ...who, kind: "turn-start" });
    fs.rmSync(storeDir, { recursive: true, force: true });
    await store.warm();
    assert.equal(fs.existsSync(storeDir), false, "not silently started anew");
    const next = await store.checkpoint({ ...who, kind: "turn-start" });
    assert.match(next.notice ?? "", /checkpoint store of this folder was missing.*new one was started/);
  });

  it("HEAD removed: a clear notice, a new store, and the chat goes on", async () => {
    const old = await store.checkpoint({ ...who, kind: "turn-start" });
    fs.rmSync(path.join(storeDir, "git", "HEAD"));
    await assert.rejects(store.changes(old.id, "worktree"), CheckpointGoneError);
    const next = await store.checkpoint({ ...who, kind: "turn-end" });
    assert.match(next.notice ?? "", /missing.*HEAD.*Earlier checkpoints cannot be restored/);
    await assert.rejects(store.get(old.id), (e: unknown) => e instanceof CheckpointGoneError && /store was missing/.test(e.message));
    assert.deepEqual(await store.changes(next.id, "worktree"), []);
  });

  it("a truncated pack: the restore fails before touching a file, then the next checkpoint starts anew", async () => {
    const old = await store.checkpoint({ ...who, kind: "turn-start" });
    assert.ok(truncatePacks() > 0);
    w.write("a.txt", "pi rewrote it\n");
    w.write("created.txt", "by pi\n");
    const before = hashTree(w.ws);
    await assert.rejects(store.restore(old.id, who), (e: unknown) => e instanceof StoreDamagedError && /damaged/.test(e.message));
    assert.deepEqual(hashTree(w.ws), before, "nothing was deleted or overwritten by the failed restore");
    const next = await store.checkpoint({ ...who, kind: "turn-end" });
    assert.match(next.notice ?? "", /was damaged/);
    w.write("a.txt", "user edit\n");
    await store.restore(next.id, who);
    assert.equal(w.read("a.txt"), "pi rewrote it\n", "the new store works");
  });

  it("a truncated commit object: a clear error, then a new store", async () => {
    const old = await store.checkpoint({ ...who, kind: "turn-start" });
    const file = path.join(storeDir, "git", "objects", old.id.slice(0, 2), old.id.slice(2));
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 10));
    await assert.rejects(store.get(old.id), (e: unknown) => e instanceof StoreDamagedError && /next message starts a new store/.test(e.message));
    const next = await store.checkpoint({ ...who, kind: "turn-end" });
    assert.match(next.notice ?? "", /was damaged/);
    await assert.rejects(store.get(old.id), CheckpointGoneError);
  });

  it("a damaged capture index is rebuilt silently (it is only a cache)", async () => {
    await store.checkpoint({ ...who, kind: "turn-start" });
    fs.writeFileSync(path.join(storeDir, "index"), "garbage");
    w.write("b.txt", "beta 2\n");
    const next = await store.checkpoint({ ...who, kind: "turn-end" });
    assert.equal(next.notice, undefined);
    assert.equal((await store.fileAt(next.id, "b.txt"))?.toString(), "beta 2\n");
    assert.equal((await store.fileAt(next.id, "a.txt"))?.toString(), "alpha\n");
  });

  it("an unreadable state file does not stop checkpoints; lost bindings are simply absent", async () => {
    const cp = await store.checkpoint({ ...who, kind: "turn-start" });
    await store.bind("s", "entry-1", cp.id);
    assert.equal((await store.checkpointFor("s", "entry-1"))?.id, cp.id);
    fs.writeFileSync(path.join(storeDir, "state.json"), "{ truncated");
    assert.equal(await store.checkpointFor("s", "entry-1"), undefined);
    const next = await store.checkpoint({ ...who, kind: "turn-start" });
    assert.match(next.id, /^[0-9a-f]{40}$/);
    assert.equal((await store.get(cp.id)).id, cp.id, "the checkpoint itself is still in the repository");
  });
});
