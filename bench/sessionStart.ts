// Time from creating a session to pi being ready, median of several, and the baseline of
// spawning pi with no extension code around it (same machine, same run); and the same start on
// a waiting pi, one that has read pi's code before the chat asked (src/host/piZygote.ts).
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { NodeRuntime } from "../src/host/nodeRuntime";
import { defaultPiCliPath, defaultZygotePath } from "../src/host/piPaths";
import { PiZygote } from "../src/host/piZygote";
import { startPiFixture, waitForStatus } from "../test/support/piFixture";
import { offlinePiEnv } from "../src/demo/demoAgentDir";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Raw pi: spawn and wait for the first get_state reply (also bench/chatStart.ts's baseline). */
export function rawPiReady(cwd: string, agentDir: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [defaultPiCliPath(__dirname), "--mode", "rpc"], { cwd, env: { ...process.env, ...offlinePiEnv(agentDir) } });
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      if (d.includes('"command":"get_state"')) {
        const ms = performance.now() - t0;
        child.stdin.end();
        child.on("exit", () => resolve(ms));
      }
    });
    child.on("error", reject);
    child.stdin.write(`${JSON.stringify({ id: "1", type: "get_state" })}\n`);
  });
}

/** How long after its start a waiting pi is handed a chat: long enough to have read pi's code. */
const WAITING_LOAD_MS = 1_500;

export async function runSessionStart(runs = 5): Promise<{ hostMs: number; rawMs: number; waitingMs: number }> {
  const fx = await startPiFixture();
  const zygote = defaultZygotePath(path.join(__dirname, ".."));
  if (!zygote) throw new Error("dist/piZygote.js is missing: run `node esbuild.mjs` first");
  const node: NodeRuntime = { path: process.execPath, version: process.version, env: {}, source: "host" };
  try {
    const host: number[] = [];
    const raw: number[] = [];
    const waiting: number[] = [];
    const ready = async () => {
      const t0 = performance.now();
      const s = fx.host.createChat({ cwd: fx.workspace });
      await waitForStatus(s, "ready", 30_000);
      const ms = performance.now() - t0;
      await fx.host.dispose(s.id);
      return ms;
    };
    for (let i = 0; i < runs; i++) {
      host.push(await ready());
      raw.push(await rawPiReady(fx.workspace, fx.agentDir));
      // The same chat start on a pi that has read its code already (src/host/piZygote.ts).
      fx.host.waitingPi.offer(PiZygote.spawn(node, defaultPiCliPath(__dirname), zygote, fx.workspace, () => undefined));
      await new Promise((r) => setTimeout(r, WAITING_LOAD_MS));
      waiting.push(await ready());
    }
    return { hostMs: median(host), rawMs: median(raw), waitingMs: median(waiting) };
  } finally {
    await fx.cleanup();
  }
}

if (require.main === module) {
  runSessionStart().then((r) => {
    console.log(`new session → ready: ${r.hostMs.toFixed(0)} ms median; raw pi spawn → get_state: ${r.rawMs.toFixed(0)} ms; ratio ${(r.hostMs / r.rawMs).toFixed(2)}x`);
    console.log(`new session on a waiting pi → ready: ${r.waitingMs.toFixed(0)} ms median (${(r.waitingMs / r.rawMs).toFixed(2)}x of raw)`);
  });
}
