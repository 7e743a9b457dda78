// Real pi 0.87.1 in RPC mode, with only the language model scripted.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { PatchBatch } from "../../src/protocol/transcript";
import { processesMatching } from "../support/processes";
import { assistantText, startPiFixture, waitFor, waitForStatus, type PiFixture } from "../support/piFixture";

describe("session with a real pi", function () {
  this.timeout(60_000);
  let fx: PiFixture;

  beforeEach(async () => {
    fx = await startPiFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it("streams a prompt's answer as incremental patches", async () => {
    const session = fx.host.createChat({ cwd: fx.workspace });
    const batches: PatchBatch[] = [];
    session.onBatch((b) => batches.push(b));
    await waitForStatus(session, "ready");
    await session.prompt("hello there");
    await waitFor("the echoed answer", () => assistantText(session.snapshot().items).includes("You said: **hello there**"));
    await waitForStatus(session, "ready");
    const appends = batches.flatMap((b) => b.patches).filter((p) => p.op === "append");
    assert.ok(appends.length >= 1, "text arrives as append patches");
    assert.ok(
      batches.every((b) => !b.patches.some((p) => p.op === "replace")),
      "no message is re-sent whole when the deltas rebuilt it exactly",
    );
    const users = session.snapshot().items.filter((i) => i.kind === "user");
    assert.deepEqual(
      users.map((u) => (u.kind === "user" ? u.text : "")),
      ["hello there"],
      "the system prompt stays hidden",
    );
  });

  it("runs a tool call that writes a file inside the workspace", async () => {
    const session = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(session, "ready");
    await session.prompt("write notes/hello.txt hi from pi");
    await waitFor("the tool card to finish", () =>
      session.snapshot().items.find((i) => i.kind === "tool" && i.name === "write" && i.status === "done"),
    );
    await waitFor("the comment after the tool", () => assistantText(session.snapshot().items).includes("Tool finished"));
    assert.equal(fs.readFileSync(path.join(fx.workspace, "notes", "hello.txt"), "utf8"), "hi from pi\n");
  });

  it("aborts mid-stream promptly and stays usable", async () => {
    const session = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(session, "ready");
    await session.prompt("slow 500");
    await waitFor("streaming to start", () => assistantText(session.snapshot().items).includes("w3"));
    const t0 = Date.now();
    await session.abort();
    await waitForStatus(session, "ready");
    const abortMs = Date.now() - t0;
    assert.ok(abortMs < 3000, `abort took ${abortMs} ms`);
    const text = assistantText(session.snapshot().items);
    assert.ok(!text.includes("w499"), "the stream stopped early");
    await session.prompt("still alive?");
    await waitFor("an answer after abort", () => assistantText(session.snapshot().items).includes("still alive?"));
  });

  it("reports pi killed from outside as crashed, with a notice, and can restart on the same session", async () => {
    const session = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(session, "ready");
    await session.prompt("remember me");
    await waitFor("the answer", () => assistantText(session.snapshot().items).includes("remember me"));
    await waitForStatus(session, "ready");
    const pid = session.pid as number;
    process.kill(pid, "SIGKILL");
    await waitForStatus(session, "crashed");
    const notice = session.snapshot().items.find((i) => i.kind === "notice" && i.level === "error");
    assert.ok(notice && notice.kind === "notice" && /SIGKILL/.test(notice.detail ?? ""), "the crash notice says how pi ended");
    await session.restart();
    await waitForStatus(session, "ready");
    assert.notEqual(session.pid, pid);
    assert.ok(assistantText(session.snapshot().items).includes("remember me"), "the transcript is reloaded from the session file");
  });

  it("leaves no pi process and no child of it alive after stop()", async () => {
    const session = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(session, "ready");
    // A bash tool child that would outlive pi if shutdown were careless.
    await session.prompt("bash sleep 300 && echo leaked-marker-7781");
    await waitFor("the bash tool to start", () => processesMatching("leaked-marker-7781").length > 0);
    const piPid = session.pid as number;
    await fx.host.stopAll();
    await waitFor("every process to be gone", () => processesMatching("leaked-marker-7781").length === 0 && !fs.existsSync(`/proc/${piPid}`), 10_000);
    assert.equal(session.status, "stopped");
  });

  it("shows pi's stderr when it exits at start", async () => {
    const session = fx.host.createChat({ cwd: fx.workspace, args: ["--definitely-not-a-flag"] });
    await waitFor("the start to fail", () => session.status === "error" || session.status === "crashed");
    const notice = session.snapshot().items.find((i) => i.kind === "notice" && i.level === "error");
    assert.ok(notice && notice.kind === "notice" && (notice.detail ?? "").length > 0, "the notice carries pi's stderr tail");
  });
});
