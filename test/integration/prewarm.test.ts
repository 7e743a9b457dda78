// The warm pi: a spare process per folder that the next chat adopts (one process, not two),
// replaced afterwards; never adopted with stale settings; inside the process cap; reclaimed
// when idle; gone with the host.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { storeDirFor } from "../../src/host/checkpoints/shadowRepo";
import { assistantText, type PiFixture, startPiFixture, waitFor, waitForStatus } from "../support/piFixture";
import { processesInCwd } from "../support/processes";

describe("prewarmed pi with a real pi", function () {
  this.timeout(120_000);
  let fx: PiFixture | undefined;
  let extra: string[] = [];
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
    extra = [];
  });

  const spareReady = async (f: PiFixture) => waitFor("a ready spare", () => f.host.spareChats().find((c) => c.status === "ready" && c.pid), 60_000);

  it("the next chat adopts the spare (same pi, ready at once); then a new spare warms", async () => {
    fx = await startPiFixture({}, { prewarm: () => true });
    fx.host.prewarm(fx.workspace);
    const spare = await spareReady(fx);
    const pid = spare.pid;
    assert.deepEqual(fx.host.chats(), [], "a spare is no chat of anyone's");
    const chat = fx.host.createChat({ cwd: fx.workspace });
    assert.equal(chat.status, "ready", "ready the moment it is asked for");
    assert.equal(chat.pid, pid, "the spare's own pi");
    assert.equal(processesInCwd(fx.workspace).filter((p) => p === pid).length, 1);
    const next = await spareReady(fx);
    assert.notEqual(next.pid, pid, "a fresh spare for the chat after");
    assert.equal(processesInCwd(fx.workspace).length >= 2, true);
    await chat.prompt("hello warm");
    await waitFor("the answer", () => assistantText(chat.snapshot().items).includes("hello warm"));
  });

  it("after an adoption the next spare waits a moment (the new chat's view loads first), then warms", async () => {
    fx = await startPiFixture({}, { prewarm: () => true, rewarmDelayMs: 600 });
    fx.host.prewarm(fx.workspace);
    await spareReady(fx);
    const chat = fx.host.createChat({ cwd: fx.workspace });
    assert.equal(chat.status, "ready", "the spare was adopted");
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(fx.host.spareChats(), [], "no pi starts while the new chat's view is loading");
    const next = await spareReady(fx);
    assert.notEqual(next.pid, chat.pid, "then a fresh spare for the chat after");
  });

  it("a ready spare has its folder's checkpoint store open and its capture index filled before the first message", async () => {
    const storesRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-stores-"));
    try {
      fx = await startPiFixture({}, { prewarm: () => true, checkpoints: { storesRoot } });
      fx.host.prewarm(fx.workspace);
      await spareReady(fx);
      // Opening a store runs git several times: a warm chat's first message must not wait for that.
      const dir = storeDirFor(storesRoot, fx.workspace);
      await waitFor("the store opened", () => fs.existsSync(dir), 20_000);
      // The first capture hashes every file: done while the spare waits, not beside the message.
      await waitFor("the capture index filled", () => fs.existsSync(path.join(dir, "index")), 20_000);
      const chat = fx.host.createChat({ cwd: fx.workspace });
      await chat.prompt("hello warm store");
      await waitFor("the answer", () => assistantText(chat.snapshot().items).includes("hello warm store"));
    } finally {
      await fx?.cleanup();
      fx = undefined;
      fs.rmSync(storesRoot, { recursive: true, force: true });
    }
  });

  it("a chat starting its own pi holds the folder's spare back until that start is done, and its view has loaded", async () => {
    fx = await startPiFixture({}, { prewarm: () => true, rewarmDelayMs: 600 });
    const chat = fx.host.createChat({ cwd: fx.workspace });
    assert.equal(chat.status, "starting", "no spare yet: the chat starts its own pi");
    // What the window's warm-up timer does a moment after the extension is up.
    fx.host.prewarm(fx.workspace);
    assert.deepEqual(fx.host.spareChats(), [], "no second pi start while the chat's own pi starts");
    await waitForStatus(chat, "ready", 60_000);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(fx.host.spareChats(), [], "nor while the chat's view asks for its first snapshot");
    const spare = await spareReady(fx);
    assert.notEqual(spare.pid, chat.pid, "the spare comes once the chat is ready");
  });

  it("a spare asked for while held back starts when the hold ends, even with its chat gone; never after stopAll", async () => {
    fx = await startPiFixture({}, { prewarm: () => true, rewarmDelayMs: 400 });
    const f = fx;
    const chat = f.host.createChat({ cwd: f.workspace });
    await waitForStatus(chat, "ready", 60_000);
    f.host.prewarm(f.workspace);
    await f.host.dispose(chat.id);
    assert.deepEqual(f.host.spareChats(), [], "held back for now");
    const spare = await waitFor("the spare asked for", () => f.host.spareChats()[0], 20_000);
    await waitForStatus(spare, "ready", 60_000);

    const other = f.host.createChat({ cwd: f.workspace });
    assert.equal(other.pid, spare.pid, "adopted");
    f.host.prewarm(f.workspace);
    await f.host.stopAll();
    await new Promise((r) => setTimeout(r, 1_000));
    assert.deepEqual(f.host.spareChats(), [], "no spare after stopAll");
    assert.deepEqual(processesInCwd(f.workspace), [], "and no pi left running");
  });

  it("never adopts a spare started with other settings; refreshSpares replaces it", async () => {
    fx = await startPiFixture({}, { prewarm: () => true, extraArgs: () => extra });
    fx.host.prewarm(fx.workspace);
    const stale = await spareReady(fx);
    extra = ["--thinking", "off"];
    const chat = fx.host.createChat({ cwd: fx.workspace });
    assert.notEqual(chat.pid, stale.pid, "a pi of its own, started with the new arguments");
    await waitForStatus(chat, "ready", 60_000);
    await fx.host.refreshSpares();
    assert.ok(!fx.host.spareChats().includes(stale), "the stale spare is gone");
    await waitFor("its pi stopped", () => !processesInCwd((fx as PiFixture).workspace).includes(stale.pid as number));
  });

  it("a restored chat (its pi session file) adopts the spare: one pi, switched to that session, its transcript shown", async () => {
    fx = await startPiFixture({}, { prewarm: () => true });
    const f = fx;
    const first = f.host.createChat({ cwd: f.workspace });
    await waitForStatus(first, "ready", 60_000);
    await first.prompt("remember the walrus");
    await waitFor("the answer", () => assistantText(first.snapshot().items).includes("remember the walrus"));
    await waitForStatus(first, "ready", 60_000);
    const file = first.piSessionFile;
    assert.ok(file && fs.existsSync(file));
    await f.host.dispose(first.id);

    const restore = async (spare: { pid?: number }) => {
      const chat = f.host.createChat({ cwd: f.workspace, sessionFile: file });
      assert.equal(chat.pid, spare.pid, "the spare's own pi, not a second start");
      assert.equal(chat.piSessionFile, file, "what a view records meanwhile is the restored session");
      await waitForStatus(chat, "ready", 60_000);
      assert.equal(chat.piSessionFile, file);
      assert.ok(assistantText(chat.snapshot().items).includes("remember the walrus"), "the restored transcript");
      // A message goes on in the restored session, not in the spare's new one.
      await chat.prompt("and the carpenter");
      await waitFor("the answer", () => assistantText(chat.snapshot().items).includes("and the carpenter"));
      await waitForStatus(chat, "ready", 60_000);
      assert.match(fs.readFileSync(file, "utf8"), /and the carpenter/);
      await f.host.dispose(chat.id);
    };
    // A ready spare, and one still starting (it switches at the end of its start).
    f.host.prewarm(f.workspace);
    await restore(await spareReady(f));
    await f.host.dropSpare(f.workspace);
    f.host.prewarm(f.workspace);
    // (Held back while the last restored chat's view loads: it comes when that hold ends.)
    const starting = await waitFor("a spare starting", () => f.host.spareChats()[0], 20_000);
    assert.equal(starting.status, "starting");
    await waitFor("the spare's pi spawned", () => starting.pid, 20_000);
    assert.equal(starting.status, "starting", "pi takes longer than that to be up");
    await restore(starting);
  });

  it("a chat with its own environment starts its own pi", async () => {
    fx = await startPiFixture({}, { prewarm: () => true });
    fx.host.prewarm(fx.workspace);
    const spare = await spareReady(fx);
    const demo = fx.host.createChat({ cwd: fx.workspace, env: { PI_DEMO_MARK: "1" } });
    assert.notEqual(demo.pid ?? -1, spare.pid);
    assert.ok(fx.host.spareChats().includes(spare), "the spare stays for an ordinary chat");
  });

  it("the spare counts against the process cap and gives way first", async () => {
    fx = await startPiFixture({}, { prewarm: () => true, maxProcesses: () => 1 });
    fx.host.prewarm(fx.workspace);
    const spare = await spareReady(fx);
    const own = fx.host.createChat({ cwd: fx.workspace, env: { PI_DEMO_MARK: "1" } });
    await waitForStatus(own, "ready", 60_000);
    assert.deepEqual(fx.host.spareChats(), [], "the spare stopped to make room");
    await waitFor("the spare's pi gone", () => !processesInCwd((fx as PiFixture).workspace).includes(spare.pid as number));
  });

  it("an idle spare is reclaimed; stopAll leaves no pi", async () => {
    fx = await startPiFixture({}, { prewarm: () => true, idleMinutes: () => 1 });
    fx.host.prewarm(fx.workspace);
    const spare = await spareReady(fx);
    await fx.host.reclaimIdle(Date.now() + 61_000);
    assert.deepEqual(fx.host.spareChats(), []);
    await waitFor("its pi gone", () => !processesInCwd((fx as PiFixture).workspace).includes(spare.pid as number));
    fx.host.prewarm(fx.workspace);
    await spareReady(fx);
    await fx.host.stopAll();
    await waitFor("no pi left", () => processesInCwd((fx as PiFixture).workspace).length === 0, 20_000);
  });

  it("does nothing when prewarming is off", async () => {
    fx = await startPiFixture({}, { prewarm: () => false });
    fx.host.prewarm(fx.workspace);
    assert.deepEqual(fx.host.spareChats(), []);
    const chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready", 60_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(fx.host.spareChats(), [], "no spare after a chat either");
  });
});
