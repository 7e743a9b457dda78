// Time from creating a session to pi being ready, median of several, and the baseline of
// spawning pi with no extension code around it (same machine, same run).
import { spawn } from "node:child_process";
import { defaultPiCliPath } from "../src/host/piPaths";
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

export async function runSessionStart(runs = 5): Promise<{ hostMs: number; rawMs: number }> {
  const fx = await startPiFixture();
  try {
    const host: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const s = fx.host.createChat({ cwd: fx.workspace });
      await waitForStatus(s, "ready", 30_000);
      host.push(performance.now() - t0);
      await fx.host.dispose(s.id);
      raw.push(await rawPiReady(fx.workspace, fx.agentDir));
    }
    return { hostMs: median(host), rawMs: median(raw) };
  } finally {
    await fx.cleanup();
  }
}

if (require.main === module) {
  runSessionStart().then((r) => {
    console.log(`new session → ready: ${r.hostMs.toFixed(0)} ms median; raw pi spawn → get_state: ${r.rawMs.toFixed(0)} ms; ratio ${(r.hostMs / r.rawMs).toFixed(2)}x`);
  });
}
