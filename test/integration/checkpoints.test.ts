// The checkpoint store with real git on temp folders: a turn's changes, a byte-identical restore
// and its undo, hunk review, the size limit, .gitignore, and paths outside the folder.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CheckpointGoneError, PathRejectedError } from "../../src/host/checkpoints/errors";
import { computeHunks, keepHunk, revertHunk } from "../../src/host/checkpoints/hunks";
import { storeDirFor } from "../../src/host/checkpoints/shadowRepo";
import { summarize } from "../../src/host/checkpoints/treeDiff";
import type { GitCheckpointStore } from "../../src/host/checkpoints/gitStore";
import { hashTree, makeWorkspace, openGitStore, sh, type Workspace } from "./checkpointsFixture";

const lines = (n: number, tag = "line") => Array.from({ length: n }, (_, i) => `${tag} ${i + 1}\n`).join("");

describe("checkpoints (real git)", function () {
  this.timeout(60_000);
  let w: Workspace;
  let store: GitCheckpointStore;
  const who = { sessionId: "session-1", chatId: "chat-1" };

  beforeEach(async () => {
    w = makeWorkspace();
    w.write("edited.ts", lines(30));
    w.write("doomed.txt", "delete me\n");
    w.write("src/keep.txt", "unchanged\n");
    w.write("bin/run.sh", "#!/bin/sh\necho hi\n");
    fs.chmodSync(path.join(w.ws, "bin/run.sh"), 0o755);
    fs.symlinkSync("src/keep.txt", path.join(w.ws, "link-to-keep"));
    w.write("blob.bin", Buffer.from([0, 1, 2, 3, 255]));
    store = await openGitStore(w);
  });
  afterEach(() => w.remove());

  /** The turn of the issue: writes two files, edits a third in two places, creates a fourth through bash, deletes one. */
  function piTurn() {
    w.write("new-a.ts", "export const a = 1;\n");
    w.write("deep/new-b.ts", "export const b = 2;\nexport const c = 3;\n");
    w.write("edited.ts", w.read("edited.ts").replace("line 5\n", "line five\n").replace("line 25\n", "line 25\nline 25b\n"));
    sh(w.ws, "mkdir -p gen && printf 'made by bash\\n' > gen/out.txt && rm doomed.txt && chmod -x bin/run.sh");
  }

  it("lists a turn's changes with counts, restores the folder byte for byte, and undoes the rewind", async () => {
    const before = hashTree(w.ws);
    const start = await store.checkpoint({ ...who, kind: "turn-start", label: "do the thing" });
    assert.match(start.id, /^[0-9a-f]{40}$/);
    piTurn();
    const afterTurn = hashTree(w.ws);
    const end = await store.checkpoint({ ...who, kind: "turn-end" });

    const changes = await store.changes(start.id, end.id);
    assert.deepEqual(
      changes.map((c) => [c.path, c.status, c.additions, c.deletions]),
      [
        ["bin/run.sh", "modified", 0, 0],
        ["deep/new-b.ts", "added", 2, 0],
        ["doomed.txt", "deleted", 0, 1],
        ["edited.ts", "modified", 2, 1],
        ["gen/out.txt", "added", 1, 0],
        ["new-a.ts", "added", 1, 0],
      ],
    );
    assert.equal(summarize(changes).text, "6 files changed, +6 \u22122");
    assert.deepEqual(await store.changes(start.id, "worktree"), changes, "the work tree equals the end checkpoint");
    assert.equal((await store.fileAt(start.id, "doomed.txt"))?.toString(), "delete me\n");
    assert.equal(await store.fileAt(start.id, "new-a.ts"), undefined, "a file created later did not exist then");

    const result = await store.restore(start.id, who);
    assert.deepEqual(hashTree(w.ws), before, "every file byte-identical (content, mode, links) to before the turn");
    assert.deepEqual(result.deleted.sort(), ["deep/new-b.ts", "gen/out.txt", "new-a.ts"]);
    assert.deepEqual(result.restored.sort(), ["bin/run.sh", "doomed.txt", "edited.ts"]);
    assert.ok(!fs.existsSync(path.join(w.ws, "deep")) && !fs.existsSync(path.join(w.ws, "gen")), "folders the turn created are gone");
    assert.deepEqual(result.kept, []);

    await store.restore(result.undo.id, who);
    assert.deepEqual(hashTree(w.ws), afterTurn, "Undo rewind brings the turn's result back exactly");
  });

  it("warm() fills the capture index and takes no checkpoint; the next checkpoint records the folder as it is then", async () => {
    const dir = storeDirFor(w.storesRoot, w.ws);
    await store.warm();
    assert.ok(fs.existsSync(path.join(dir, "index")), "the capture index is filled");
    assert.deepEqual(store.timeline(), [], "no checkpoint was taken");
    w.write("edited.ts", "rewritten after the warm-up\n");
    fs.rmSync(path.join(w.ws, "doomed.txt"));
    w.write("added.txt", "new\n");
    const cp = await store.checkpoint({ ...who, kind: "turn-start" });
    assert.equal((await store.fileAt(cp.id, "edited.ts"))?.toString(), "rewritten after the warm-up\n");
    assert.equal(await store.fileAt(cp.id, "doomed.txt"), undefined);
    assert.equal((await store.fileAt(cp.id, "added.txt"))?.toString(), "new\n");
    assert.equal((await store.fileAt(cp.id, "src/keep.txt"))?.toString(), "unchanged\n");
  });

  it("reverts one of two hunks of a file and keeps the other; Keep moves the review base", async () => {
    const start = await store.checkpoint({ ...who, kind: "turn-start" });
    piTurn();
    await store.checkpoint({ ...who, kind: "turn-end" });
    const base = (await store.reviewBase(start.id, "edited.ts"))?.toString("utf8") ?? "";
    const current = w.read("edited.ts");
    const hunks = computeHunks(base, current);
    assert.equal(hunks.length, 2);
    const reverted = revertHunk(base, current, hunks[0].id);
    assert.ok("text" in reverted);
    w.write("edited.ts", reverted.text);
    const [left] = await store.changes(start.id, "worktree", ["edited.ts"]);
    assert.deepEqual([left.additions, left.deletions], [1, 0], "only the second hunk (one added line) is left");
    assert.ok(w.read("edited.ts").includes("line 5\n") && w.read("edited.ts").includes("line 25b\n"));

    const kept = keepHunk(base, w.read("edited.ts"), computeHunks(base, w.read("edited.ts"))[0].id);
    assert.ok("base" in kept);
    await store.setReviewBase(start.id, "edited.ts", Buffer.from(kept.base));
    const reviewed = (await store.reviewBase(start.id, "edited.ts"))?.toString("utf8") ?? "";
    assert.deepEqual(computeHunks(reviewed, w.read("edited.ts")), [], "nothing left to review after Keep");
    await store.setReviewBase(start.id, "new-a.ts", undefined);
    assert.equal(await store.reviewBase(start.id, "new-a.ts"), undefined);
  });

  it("skips files over the size limit, says so, and never deletes or overwrites them", async () => {
    store = await openGitStore(w, { maxFileBytes: 1000 });
    w.write("big.log", "x".repeat(5000));
    w.write("grows.txt", "small\n");
    const start = await store.checkpoint({ ...who, kind: "turn-start" });
    assert.deepEqual(start.skipped, [{ path: "big.log", bytes: 5000, reason: "too-large" }]);
    w.write("grows.txt", "y".repeat(2000)); // grew past the limit: its old content must not be taken as its state now
    w.write("big.log", "z".repeat(6000));
    const end = await store.checkpoint({ ...who, kind: "turn-end" });
    assert.deepEqual(end.skipped.map((s) => s.path).sort(), ["big.log", "grows.txt"]);
    const result = await store.restore(start.id, who);
    assert.equal(w.read("big.log"), "z".repeat(6000), "a skipped file is left alone");
    assert.equal(w.read("grows.txt"), "y".repeat(2000), "a file the rewind checkpoint could not take is not overwritten");
    assert.deepEqual(result.kept.map((k) => k.path), ["grows.txt"]);
    assert.match(result.kept[0].reason, /too large or ignored/);
  });

  it("honours .gitignore and the user's .git/info/exclude; restore never deletes ignored files", async () => {
    w.write(".gitignore", "node_modules/\n*.tmp\n");
    fs.mkdirSync(path.join(w.ws, ".git", "info"), { recursive: true }); // a bare-bones repo: only info/exclude matters here
    w.write(".git/info/exclude", "secret.env\n");
    const start = await store.checkpoint({ ...who, kind: "turn-start" });
    w.write("node_modules/pkg/index.js", "module.exports = 1;\n");
    w.write("scratch.tmp", "tmp\n");
    w.write("secret.env", "KEY=1\n");
    w.write("real.ts", "x\n");
    const changes = await store.changes(start.id, "worktree");
    assert.deepEqual(changes.map((c) => c.path), ["real.ts"]);
    await store.restore(start.id, who);
    assert.ok(!fs.existsSync(path.join(w.ws, "real.ts")));
    for (const p of ["node_modules/pkg/index.js", "scratch.tmp", "secret.env"]) assert.ok(fs.existsSync(path.join(w.ws, p)), `${p} stays`);
  });

  it("does not delete a file the checkpoint's rules ignored when pi changed .gitignore since", async () => {
    w.write(".gitignore", "build/\n");
    w.write("build/cache.bin", "cache\n"); // there, but ignored
    const start = await store.checkpoint({ ...who, kind: "turn-start" });
    w.write(".gitignore", "# pi removed the rule\n");
    w.write("fresh.txt", "new\n");
    const plan = await store.previewRestore(start.id);
    assert.deepEqual(plan.delete, ["fresh.txt"]);
    assert.deepEqual(plan.keep.map((k) => k.path), ["build/cache.bin"]);
    await store.restore(start.id, who);
    assert.equal(w.read("build/cache.bin"), "cache\n");
    assert.equal(w.read(".gitignore"), "build/\n");
  });

  it("rejects paths outside the folder, links out of it and .git in every request", async () => {
    const start = await store.checkpoint({ ...who, kind: "turn-start" });
    fs.mkdirSync(path.join(w.root, "outside"));
    fs.writeFileSync(path.join(w.root, "outside", "secret"), "s");
    fs.symlinkSync(path.join(w.root, "outside"), path.join(w.ws, "escape"));
    for (const bad of ["../outside/secret", path.join(w.root, "outside", "secret"), "escape/secret", "src/../../outside/secret", ".git/config", "sub/.git/HEAD", ""]) {
      await assert.rejects(store.fileAt(start.id, bad), PathRejectedError, bad);
      await assert.rejects(store.restore(start.id, { ...who, paths: [bad] }), PathRejectedError, bad);
      await assert.rejects(store.changes(start.id, "worktree", [bad]), PathRejectedError, bad);
      await assert.rejects(store.setReviewBase(start.id, bad, Buffer.from("x")), PathRejectedError, bad);
    }
    assert.equal((await store.fileAt(start.id, path.join(w.ws, "src/keep.txt")))?.toString(), "unchanged\n", "an absolute path inside is fine");
    assert.equal(fs.readFileSync(path.join(w.root, "outside", "secret"), "utf8"), "s");
  });

  it("lists the user's own edits since a checkpoint (not pi's, not a restore's) before a rewind", async () => {
    const t1 = await store.checkpoint({ ...who, kind: "turn-start" });
    w.write("edited.ts", "pi turn 1\n");
    await store.checkpoint({ ...who, kind: "turn-end" });
    w.write("src/keep.txt", "the user's edit between turns\n");
    const t2 = await store.checkpoint({ ...who, kind: "turn-start" });
    w.write("new-a.ts", "pi turn 2\n");
    await store.checkpoint({ ...who, kind: "turn-end" });
    w.write("doomed.txt", "the user's edit after pi stopped\n");
    w.write("user-new.txt", "created by the user\n");

    const plan = await store.previewRestore(t1.id);
    assert.deepEqual(plan.userEdits.map((c) => c.path), ["doomed.txt", "src/keep.txt", "user-new.txt"]);
    assert.deepEqual(plan.write.sort(), ["doomed.txt", "edited.ts", "src/keep.txt"]);
    assert.deepEqual(plan.delete.sort(), ["new-a.ts", "user-new.txt"]);
    assert.deepEqual((await store.userEdits(t2.id)).map((c) => c.path), ["doomed.txt", "user-new.txt"]);

    const r = await store.restore(t2.id, who);
    assert.deepEqual((await store.userEdits(r.undo.id)).map((c) => c.path), [], "the restore's own changes are not the user's");
    w.write("edited.ts", "the user again\n");
    assert.deepEqual((await store.previewRestore(r.undo.id)).userEdits.map((c) => c.path), ["edited.ts"], "Undo rewind asks about edits made after the rewind");
  });

  it("prunes all but the most recent sessions, refuses their checkpoints with the reason, and packs the store", async () => {
    const ids: string[] = [];
    for (const s of ["old", "middle", "recent"]) {
      const cp = await store.checkpoint({ sessionId: s, kind: "turn-start" });
      await store.bind(s, `entry-${s}`, cp.id);
      ids.push(cp.id);
      w.write("edited.ts", `by ${s}\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const result = await store.prune(2);
    assert.deepEqual(result, { removedSessions: ["old"], removedCheckpoints: 1 });
    assert.equal(await store.checkpointFor("old", "entry-old"), undefined);
    await assert.rejects(store.restore(ids[0], who), (e: unknown) => e instanceof CheckpointGoneError && /pruned with its session/.test(e.message));
    assert.equal((await store.checkpointFor("middle", "entry-middle"))?.id, ids[1]);
    await store.restore(ids[1], who);
    assert.equal(w.read("edited.ts"), "by old\n", "the middle session's checkpoint was taken after the old one's edit");
    const packs = path.join(storeDirFor(w.storesRoot, w.ws), "git", "objects", "pack");
    assert.ok(fs.readdirSync(packs).some((f) => f.endsWith(".pack")), "the store was packed");
  });

  it("sees a same-size rewrite in the same second (git's racy-file check survives the shared capture index)", async () => {
    for (let i = 0; i < 10; i++) {
      w.write("race.txt", `aaaa${i}\n`);
      const a = await store.checkpoint({ ...who, kind: "turn-start" });
      w.write("race.txt", `bbbb${i}\n`);
      const b = await store.checkpoint({ ...who, kind: "turn-end" });
      assert.equal((await store.fileAt(a.id, "race.txt"))?.toString(), `aaaa${i}\n`);
      assert.equal((await store.fileAt(b.id, "race.txt"))?.toString(), `bbbb${i}\n`);
    }
  });

  it("restores only the paths asked for, and refuses unknown or malformed checkpoints with the reason", async () => {
    const start = await store.checkpoint({ ...who, kind: "turn-start" });
    piTurn();
    const r = await store.restore(start.id, { ...who, paths: ["edited.ts", "new-a.ts"] });
    assert.deepEqual([r.restored, r.deleted], [["edited.ts"], ["new-a.ts"]]);
    assert.ok(fs.existsSync(path.join(w.ws, "gen/out.txt")), "other changes stay");
    await assert.rejects(store.restore("0".repeat(40), who), (e: unknown) => e instanceof CheckpointGoneError && /no longer in this folder's checkpoint store/.test(e.message));
    await assert.rejects(store.get("not-an-id"), CheckpointGoneError);
  });
});
