// Tool card details from a real pi 0.87.1 with the workspace guard loaded as the extension
// ships it (PI_VSCODE_SNAPSHOT_DIR set by the host): write diffs from the guard's snapshots,
// edit diffs from pi, bash exit codes and durations, live and rebuilt from history.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Chat } from "../../src/host/chat/chat";
import { snapshotKey } from "../../src/piGuard/snapshotFormat";
import type { PatchBatch, ToolItem } from "../../src/protocol/transcript";
import { openGuard } from "../support/guardBundle";
import { startPiFixture, waitFor, waitForStatus, type PiFixture } from "../support/piFixture";

function tools(session: Chat): ToolItem[] {
  return session.snapshot().items.filter((i): i is ToolItem => i.kind === "tool");
}

/** Sends a prompt that makes the scripted model call one tool; returns that tool's finished card. */
async function runTool(session: Chat, prompt: string): Promise<ToolItem> {
  const seen = new Set(tools(session).map((t) => t.id));
  await session.prompt(prompt);
  const item = await waitFor(`the tool card of "${prompt}"`, () => tools(session).find((t) => !seen.has(t.id) && t.status !== "running"));
  await waitForStatus(session, "ready");
  return item;
}

describe("tool cards with a real pi", function () {
  this.timeout(60_000);
  let fx: PiFixture;
  let session: Chat;

  beforeEach(async () => {
    fx = await startPiFixture({}, { guard: openGuard });
    session = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(session, "ready");
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it("a write over an existing file shows the removed and added line; its snapshots go with the chat", async () => {
    fs.writeFileSync(path.join(fx.workspace, "notes.txt"), "first line\nold line\n");
    const batches: PatchBatch[] = [];
    session.onBatch((b) => batches.push(b));
    const item = await runTool(session, "write notes.txt new line");
    assert.equal(item.status, "done", item.output);
    assert.equal(item.details?.path, "notes.txt");
    assert.equal(item.details?.snapshot, true);
    const diff = item.details?.diff ?? "";
    assert.match(diff, /^--- notes\.txt\n\+\+\+ notes\.txt\n@@ /);
    assert.match(diff, /^-first line$/m);
    assert.match(diff, /^-old line$/m);
    assert.match(diff, /^\+new line$/m);
    // The diff travels once, with the finish patch.
    const carrying = batches.flatMap((b) => b.patches).filter((p) => JSON.stringify(p).includes("-old line"));
    assert.deepEqual(carrying.map((p) => p.op), ["finish"]);

    const dir = session.snapshots?.dir as string;
    const key = snapshotKey(item.id);
    assert.equal(fs.readFileSync(path.join(dir, `${key}.before`), "utf8"), "first line\nold line\n");
    assert.equal(fs.readFileSync(path.join(dir, `${key}.after`), "utf8"), "new line\n");
    assert.deepEqual(session.toolChange(item.id), { path: "notes.txt", key });
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);

    await fx.host.dispose(session.id);
    assert.ok(!fs.existsSync(dir), "the snapshot directory is removed with the chat");
  });

  it("a write of a new file is all added lines; an edit shows pi's own patch", async () => {
    const created = await runTool(session, "write fresh.txt hello there");
    assert.match(created.details?.diff ?? "", /@@ -0,0 \+1,1 @@\n\+hello there\n/);
    const edited = await runTool(session, "edit fresh.txt there world");
    assert.equal(edited.status, "done", edited.output);
    assert.match(edited.details?.diff ?? "", /^-hello there$/m);
    assert.match(edited.details?.diff ?? "", /^\+hello world$/m);
    assert.equal(edited.details?.snapshot, true);
    assert.equal(fs.readFileSync(path.join(fx.workspace, "fresh.txt"), "utf8"), "hello world\n");
  });

  it("bash shows the exit code and how long it ran", async () => {
    const failed = await runTool(session, "bash echo out; sleep 0.2; exit 3");
    assert.equal(failed.status, "error");
    assert.equal(failed.details?.command, "echo out; sleep 0.2; exit 3");
    assert.equal(failed.details?.exitCode, 3);
    assert.ok((failed.details?.durationMs ?? 0) >= 200, `duration ${failed.details?.durationMs}`);
    assert.ok((failed.details?.durationMs ?? Infinity) < 20_000);
    const ok = await runTool(session, "bash echo fine");
    assert.equal(ok.details?.exitCode, 0);
    assert.equal(typeof ok.details?.durationMs, "number");
  });

  it("rebuilt from history after a restart, the cards keep their details (duration aside)", async () => {
    fs.writeFileSync(path.join(fx.workspace, "h.txt"), "before\n");
    await runTool(session, "write h.txt after");
    await runTool(session, "bash exit 4");
    await runTool(session, "read h.txt");
    await session.restart();
    await waitForStatus(session, "ready");
    const [write, bash, read] = tools(session);
    assert.equal(write.name, "write");
    assert.match(write.details?.diff ?? "", /^-before\n\+after$/m);
    assert.equal(write.details?.snapshot, true, "the snapshots outlive a restart of pi");
    assert.deepEqual(bash.details, { command: "exit 4", exitCode: 4 });
    assert.deepEqual(read.details, { path: "h.txt" });
  });

  it("keeps nothing for a write the guard refused", async () => {
    const outside = path.join(path.dirname(fx.workspace), "outside.txt");
    const item = await runTool(session, `write ${outside} nope`);
    assert.equal(item.status, "error");
    assert.equal(item.details?.diff, undefined);
    assert.ok(!fs.existsSync(outside));
    assert.deepEqual(fs.readdirSync(session.snapshots?.dir as string), []);
    assert.equal(session.toolChange(item.id), undefined);
  });
});
