// Checkpoints belong to pi's session entries: with a real pi 0.87.1, the entry ids a checkpoint
// was bound to are found again after a fork (a new session file holding the same ids) and after
// a resume (a new pi process on the same file), and a rewind of files + conversation works.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { GitCheckpointStore } from "../../src/host/checkpoints/gitStore";
import { isUserTurnEntry } from "../../src/host/checkpoints/sessions";
import { makeWorkspace, openGitStore, type Workspace } from "./checkpointsFixture";
import { piEnvironment, type PiEnvironment, type PiRun } from "./checkpointsPiFixture";

describe("checkpoints and pi's session entries (real pi)", function () {
  this.timeout(120_000);
  let w: Workspace;
  let env: PiEnvironment;
  let store: GitCheckpointStore;
  beforeEach(async () => {
    w = makeWorkspace();
    env = await piEnvironment(w.root);
    store = await openGitStore(w);
  });
  afterEach(async () => {
    await env.close();
    w.remove();
  });

  /** One user turn as the chat would run it: checkpoint, send, wait for pi to settle, checkpoint. */
  async function turn(run: PiRun, send: () => Promise<unknown>, label: string) {
    const cp = await store.checkpoint({ kind: "turn-start", sessionId: run.sessionId, chatId: "chat", label });
    await send();
    await store.checkpoint({ kind: "turn-end", sessionId: run.sessionId, chatId: "chat" });
    return cp;
  }

  const entriesOf = async (run: PiRun) => (await run.pi.rpc.send({ type: "get_entries" })).entries;

  it("binds checkpoints to user entries and finds them after a fork and a resume", async () => {
    w.write("notes.txt", "v0\n");
    const run = await env.start(w.ws);
    const cp1 = await turn(run, () => run.prompt("write a.txt first"), "write a.txt");
    const cp2 = await turn(run, () => run.prompt("edit a.txt first second"), "edit a.txt");
    const cp3 = await turn(run, () => run.pi.rpc.send({ type: "bash", command: "echo from-bash > b.txt" }), "!echo");
    assert.equal(w.read("a.txt"), "second\n");
    assert.equal(w.read("b.txt"), "from-bash\n");

    const entries = await entriesOf(run);
    const userEntries = entries.filter(isUserTurnEntry);
    assert.equal(userEntries.length, 3, "two prompts and one !command");
    const bound = await store.bindEntries(run.sessionId, entries);
    assert.deepEqual(bound, [
      { entryId: userEntries[0].id, checkpointId: cp1.id },
      { entryId: userEntries[1].id, checkpointId: cp2.id },
      { entryId: userEntries[2].id, checkpointId: cp3.id },
    ]);

    // "Rewind to here" on the second message, both: files first, then the conversation.
    const target = await store.checkpointFor(run.sessionId, userEntries[1].id);
    assert.equal(target?.id, cp2.id);
    const plan = await store.previewRestore(cp2.id);
    assert.deepEqual(plan.userEdits, [], "nothing changed outside pi");
    await store.restore(cp2.id, { sessionId: run.sessionId, chatId: "chat" });
    assert.equal(w.read("a.txt"), "first\n");
    assert.ok(!fs.existsSync(path.join(w.ws, "b.txt")));
    const parentId = run.sessionId;
    const forked = await run.pi.rpc.send({ type: "fork", entryId: userEntries[1].id });
    assert.equal(forked.text, "edit a.txt first second");
    const child = await run.pi.rpc.send({ type: "get_state" });
    assert.notEqual(child.sessionId, parentId, "a fork is a new pi session");
    const childEntries = await entriesOf(run);
    const childIds = childEntries.map((e) => e.id);
    assert.ok(childIds.includes(userEntries[0].id), "the fork keeps the entry ids before the fork point");
    assert.ok(!childIds.includes(userEntries[1].id), "and not the message it forked at");
    assert.deepEqual(childIds, entries.slice(0, childIds.length).map((e) => e.id), "same ids, same order");

    await store.adoptFork(child.sessionId, parentId, childIds);
    await store.forgetSession(parentId); // the parent session is pruned: the fork keeps what it holds
    assert.equal((await store.checkpointFor(child.sessionId, userEntries[0].id))?.id, cp1.id);
    assert.equal(await store.checkpointFor(child.sessionId, userEntries[2].id), undefined);

    // Resume the fork in a new pi process: same session id, same entry ids, same checkpoints.
    await run.stop();
    const resumed = await env.start(w.ws, ["--session", child.sessionFile ?? ""]);
    assert.equal(resumed.sessionId, child.sessionId);
    assert.deepEqual((await entriesOf(resumed)).map((e) => e.id), childIds);
    const first = await store.checkpointFor(resumed.sessionId, userEntries[0].id);
    assert.equal(first?.id, cp1.id);
    await store.restore(cp1.id, { sessionId: resumed.sessionId });
    assert.ok(!fs.existsSync(path.join(w.ws, "a.txt")), "back to before the first message");
    assert.equal(w.read("notes.txt"), "v0\n");
  });
});
