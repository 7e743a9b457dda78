// Lifecycle with a real pi: idle reclaim, the process cap, and repeated start/stop without leaks.
import * as assert from "node:assert/strict";
import { processesInCwd, processesMatching } from "../support/processes";
import { assistantText, startPiFixture, waitFor, waitForStatus, type PiFixture } from "../support/piFixture";

const PI_CLI = "pi-coding-agent/dist/bundle/cli.js";

describe("session lifecycle with a real pi", function () {
  this.timeout(180_000);
  let fx: PiFixture | undefined;
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
  });

  it("reclaims an idle chat and restarts it transparently on the next message", async () => {
    fx = await startPiFixture({}, { idleMinutes: () => 1 });
    const session = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(session, "ready");
    await session.prompt("first message");
    await waitFor("the first answer", () => assistantText(session.snapshot().items).includes("first message"));
    await waitForStatus(session, "ready");
    const pid = session.pid as number;
    assert.equal(await fx.host.reclaimIdle(Date.now() + 30_000), 0, "not idle long enough yet");
    assert.equal(await fx.host.reclaimIdle(Date.now() + 61_000), 1);
    assert.equal(session.status, "stopped");
    assert.ok(!session.isRunning && processesMatching(String(pid)).length === 0);
    await session.prompt("second message");
    await waitFor("the second answer", () => assistantText(session.snapshot().items).includes("second message"));
    const text = assistantText(session.snapshot().items);
    assert.ok(text.includes("first message"), "the earlier transcript came back from the session file");
    assert.notEqual(session.pid, pid);
  });

  it("caps concurrent pi processes: reclaims the idle one, refuses when all are busy", async () => {
    fx = await startPiFixture({}, { maxProcesses: () => 1 });
    const a = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(a, "ready");
    const b = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(b, "ready");
    assert.equal(a.status, "stopped", "the idle chat made room");
    assert.equal(fx.host.chats().filter((s) => s.isRunning).length, 1);
    await b.prompt("slow 400");
    await waitForStatus(b, "working");
    await assert.rejects(a.prompt("let me in"), /limit 1/);
    assert.equal(a.status, "error");
    const notice = a.snapshot().items.find((i) => i.kind === "notice" && i.level === "error");
    assert.ok(notice && notice.kind === "notice" && /pi\.maxProcesses/.test(notice.detail ?? ""), "the chat says how to fix it");
    await b.abort();
  });

  it("50 start/stop cycles leave no pi process behind", async () => {
    fx = await startPiFixture();
    const before = processesMatching(PI_CLI).length;
    for (let i = 0; i < 50; i++) {
      const s = fx.host.createChat({ cwd: fx.workspace });
      // Alternate: stop once ready, and stop while still starting.
      if (i % 2 === 0) await waitForStatus(s, "ready");
      await fx.host.dispose(s.id);
    }
    await waitFor("all pi processes to exit", () => processesMatching(PI_CLI).length === before, 10_000);
    assert.equal(fx.host.chats().length, 0);
    // A start racing its stop must not spawn pi late: look again after a pause.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(processesInCwd(fx.workspace), [], "no process runs in the workspace");
    console.log(`      50 cycles: ${processesMatching(PI_CLI).length - before} pi processes left`);
  });
});
