// pi runs without V8's memory reducer (src/host/piProcess.ts): a warm pi does no full GC of its
// own while it waits for a message. With it, V8 ran one ~8 s after pi's start-up, and in
// bench:delta's young windows that pause (13–48 ms) fell inside the first message in 3 of 4 chats.
// Seen from inside the real pi: a GC observer loaded through NODE_OPTIONS logs every collection.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openGuard } from "../support/guardBundle";
import { assistantText, type PiFixture, startPiFixture, waitFor, waitForStatus } from "../support/piFixture";

/** V8's memory reducer starts its GC 8 s after the last one; a little more, for a slow machine. */
const IDLE_MS = 11_000;

describe("a warm pi while it waits", function () {
  this.timeout(90_000);
  let fx: PiFixture | undefined;
  let dir = "";
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("does no full GC between its warm-up and the first message, which is answered", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-idle-gc-"));
    const log = path.join(dir, "gc.log");
    const observer = path.join(dir, "observer.mjs");
    // kind 4 is NODE_PERFORMANCE_GC_MAJOR (mark-compact); times are ms since pi's start.
    fs.writeFileSync(
      observer,
      `import { PerformanceObserver } from "node:perf_hooks";\nimport * as fs from "node:fs";\n` +
        `new PerformanceObserver((list) => { for (const e of list.getEntries()) fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ t: e.startTime, ms: e.duration, kind: e.detail.kind }) + "\\n"); }).observe({ entryTypes: ["gc"] });\n`,
    );
    fx = await startPiFixture({}, { guard: openGuard });
    const chat = fx.host.createChat({ cwd: fx.workspace, env: { NODE_OPTIONS: `--import ${observer}` } });
    await waitForStatus(chat, "ready", 30_000);
    const current = fx;
    await waitFor("the warm-up", () => current.logs.some((l) => /loaded ahead of the first message/.test(l)), 15_000);
    const readGcs = () =>
      fs
        .readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { t: number; ms: number; kind: number });
    const warmedAt = Math.max(...readGcs().map((g) => g.t));
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleMajor = readGcs().filter((g) => g.kind === 4 && g.t > warmedAt);
    assert.deepEqual(idleMajor, [], "no mark-compact while pi waited");
    await chat.prompt("after the wait");
    await waitFor("the answer", () => assistantText(chat.snapshot().items).includes("after the wait"));
  });
});
