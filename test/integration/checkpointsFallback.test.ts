// No git on PATH: checkpoints fall back to the guard's write/edit snapshots (a real pi with the
// guard writes them), the notice says once what that cannot restore, and it really cannot.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { openCheckpointStore } from "../../src/host/checkpoints";
import { SnapshotCheckpointStore } from "../../src/host/checkpoints/snapshotStore";
import { hashTree, makeWorkspace, type Workspace } from "./checkpointsFixture";
import { piEnvironment, type PiEnvironment } from "./checkpointsPiFixture";

describe("checkpoints without git (real pi, guard snapshots)", function () {
  this.timeout(120_000);
  let w: Workspace;
  let env: PiEnvironment;
  beforeEach(async () => {
    w = makeWorkspace();
    env = await piEnvironment(w.root);
  });
  afterEach(async () => {
    await env.close();
    w.remove();
  });

  it("uses the snapshots, says what it cannot restore, and restores what pi's tools changed", async () => {
    const noGit = path.join(w.root, "empty-bin");
    fs.mkdirSync(noGit);
    const opened = await openCheckpointStore({ folder: w.ws, storesRoot: w.storesRoot, env: { ...process.env, PATH: noGit } });
    assert.equal(opened.store.kind, "snapshots");
    assert.ok(opened.store instanceof SnapshotCheckpointStore);
    const store = opened.store;
    assert.match(opened.notice ?? "", /^Git was not found on PATH, so checkpoints cover only the files pi changes with its write and edit tools/);
    assert.match(opened.notice ?? "", /shell commands.*cannot be restored/);

    w.write("keep.txt", "one two\n");
    const before = hashTree(w.ws);
    const run = await env.start(w.ws);
    const record = async () => {
      for (const t of run.tools.splice(0)) {
        if (t.toolName === "write" || t.toolName === "edit") await store.recordToolChange(env.snapshotDir, t.toolCallId, String(t.args.path));
      }
    };
    const who = { sessionId: run.sessionId, chatId: "chat" };
    const cp = await store.checkpoint({ ...who, kind: "turn-start", label: "first" });
    await run.prompt("write made.txt by the write tool");
    await record();
    await run.prompt("edit keep.txt two TWO");
    await record();
    await run.prompt("bash echo by-bash > bash.txt");
    await record();
    await store.checkpoint({ ...who, kind: "turn-end" });
    assert.equal(w.read("keep.txt"), "one TWO\n");

    const changes = await store.changes(cp.id, "worktree");
    assert.deepEqual(
      changes.map((c) => [c.path, c.status, c.additions, c.deletions]),
      [
        ["keep.txt", "modified", 1, 1],
        ["made.txt", "added", 1, 0],
      ],
      "bash.txt is not known: exactly what the notice says",
    );
    assert.equal((await store.fileAt(cp.id, "keep.txt"))?.toString(), "one two\n");

    const entries = (await run.pi.rpc.send({ type: "get_entries" })).entries;
    const [binding] = await store.bindEntries(run.sessionId, entries);
    assert.equal(binding.checkpointId, cp.id);

    w.write("keep.txt", "one TWO and the user\n");
    const plan = await store.previewRestore(cp.id);
    assert.deepEqual(plan.userEdits.map((c) => c.path), ["keep.txt"], "an edit after pi's is seen: the file differs from pi's last copy");
    const result = await store.restore(cp.id, who);
    assert.deepEqual([result.restored, result.deleted], [["keep.txt"], ["made.txt"]]);
    const after = hashTree(w.ws);
    assert.ok(after.has("bash.txt"), "the file bash created stays: the fallback cannot know it");
    after.delete("bash.txt");
    assert.deepEqual(after, before);

    await store.restore(result.undo.id, who);
    assert.equal(w.read("keep.txt"), "one TWO and the user\n", "Undo rewind brings back what the rewind overwrote");
    assert.equal(w.read("made.txt"), "by the write tool\n");
  });
});
