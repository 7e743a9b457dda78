// The waiting pi (src/host/piZygote.ts + src/piZygote/zygote.ts, built to dist/piZygote.js): a
// real pi process that loads pi's code before the chat's launch is known, then becomes that
// chat's pi — one process, in the chat's folder, with the chat's environment and arguments. A
// launch it cannot honour, a pi it cannot load, or no chat at all each leave no process behind.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultPiCliPath, defaultZygotePath } from "../../src/host/piPaths";
import { PiZygote } from "../../src/host/piZygote";
import { isAlive } from "../../src/host/processTree";
import type { NodeRuntime } from "../../src/host/nodeRuntime";
import { assistantText, type PiFixture, startPiFixture, waitFor, waitForStatus } from "../support/piFixture";
import { cmdline } from "../support/processes";

const ROOT = path.join(__dirname, "..", "..");
const NODE: NodeRuntime = { path: process.execPath, version: process.version, env: {}, source: "host" };

function zygotePath(): string {
  const found = defaultZygotePath(ROOT);
  if (!found) throw new Error("dist/piZygote.js is missing: run `node esbuild.mjs` first");
  return found;
}

describe("the waiting pi with a real pi", function () {
  this.timeout(60_000);
  let fx: PiFixture | undefined;
  const started: PiZygote[] = [];
  const spawnWaiting = (env: NodeJS.ProcessEnv = process.env, cliPath = defaultPiCliPath(ROOT)) => {
    const log = fx ? (level: "debug" | "info" | "warn" | "error", message: string) => fx?.logs.push(`${level}: ${message}`) : () => undefined;
    const z = PiZygote.spawn(NODE, cliPath, zygotePath(), os.tmpdir(), log, env);
    started.push(z);
    return z;
  };
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
    for (const z of started.splice(0)) {
      await z.stop();
      if (z.pid) await waitFor("no waiting pi left", () => !isAlive(z.pid as number), 10_000);
    }
  });

  it("a chat starts on the waiting pi: the same process, in the chat's folder, on the chat's settings, and it answers", async () => {
    fx = await startPiFixture();
    // Booted without the chat's agent dir: only the launch it is sent gives pi the scripted model.
    const bootEnv = { ...process.env };
    delete bootEnv.PI_CODING_AGENT_DIR;
    const waiting = spawnWaiting(bootEnv);
    assert.equal(await waitFor("the waiting pi named pi", () => cmdline(waiting.pid as number) === "pi"), true);
    fx.host.waitingPi.offer(waiting);
    const chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready", 30_000);
    assert.equal(chat.pid, waiting.pid, "one process: the waiting one became the chat's pi");
    assert.equal(fs.readlinkSync(`/proc/${chat.pid}/cwd`), fs.realpathSync(fx.workspace), "it runs in the chat's folder");
    assert.ok(chat.piArgv.some((a) => a.endsWith(path.join("bundle", "cli.js"))), `the chat's command line is pi's: ${chat.piArgv.join(" ")}`);
    assert.ok(fx.logs.some((l) => l.includes(`on the waiting pi ${waiting.pid}`)), "the log says which process it took");
    await chat.prompt("hello waiting");
    await waitFor("the answer from the scripted model", () => assistantText(chat.snapshot().items).includes("hello waiting"));
    assert.equal(fx.host.waitingPi.take(), undefined, "taken once: the next start spawns its own");
  });

  it("a waiting pi started with other Node start-up settings is let go; the chat starts its own pi", async () => {
    fx = await startPiFixture();
    const waiting = spawnWaiting({ ...process.env, NODE_OPTIONS: "--max-old-space-size=512" });
    fx.host.waitingPi.offer(waiting);
    const chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready", 30_000);
    assert.notEqual(chat.pid, waiting.pid);
    assert.ok(fx.logs.some((l) => l.includes("does not fit this chat (NODE_OPTIONS differs")), fx.logs.join("\n"));
    await waitFor("the unfit waiting pi gone", () => !isAlive(waiting.pid as number), 10_000);
  });

  it("a waiting pi that cannot load pi says why, and the chat starts its own pi", async () => {
    fx = await startPiFixture();
    const missing = path.join(os.tmpdir(), "no-such-pi", "dist", "bundle", "cli.js");
    const waiting = spawnWaiting(process.env, missing);
    await waitFor("the waiting pi gave up", () => !waiting.waiting, 10_000);
    assert.ok(fx.logs.some((l) => l.includes(`the waiting pi ${waiting.pid} exited with code 70`) && l.includes("cannot read pi's entry")), fx.logs.join("\n"));
    fx.host.waitingPi.offer(waiting);
    const chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready", 30_000);
    assert.notEqual(chat.pid, waiting.pid);
  });

  it("a waiting pi no chat takes is stopped after its time, and by the host's shutdown", async () => {
    fx = await startPiFixture();
    const unused = spawnWaiting();
    fx.host.waitingPi.offer(unused, 300);
    await waitFor("the unused waiting pi gone", () => !isAlive(unused.pid as number), 10_000);
    const second = spawnWaiting();
    fx.host.waitingPi.offer(second);
    await fx.host.stopAll();
    await waitFor("the waiting pi gone with the host", () => !isAlive(second.pid as number), 10_000);
  });
});
