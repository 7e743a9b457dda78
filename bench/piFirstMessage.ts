// A pi's first message against its second, in pi alone (real pi, the guard, the scripted
// model; no VS Code): Enter → the answer's first delta on pi's stdout, and the CPU pi's threads
// use in the 300 ms after it — its main thread, and V8's workers (which compile and optimize
// code in the background). Also the CPU used while the new pi waits (its start settling and the
// guard's model warm-up). Two sides, interleaved pi by pi: as shipped, and with the warm-up's
// refusal in one piece (PI_VSCODE_WARM_PIECES=1, as before 2026-12-04) — the baseline.
// Run: npm run bench:pi-first (BENCH_RUNS=n pis a side).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { offlinePiEnv, writeDemoAgentDir } from "../src/demo/demoAgentDir";
import { startScriptedModel } from "../src/demo/scriptedModel";
import { defaultPiCliPath } from "../src/host/piPaths";
import { JsonlSplitter, serializeJsonLine } from "../src/pi/jsonl";
import { WARM_PIECES_ENV } from "../src/piGuard/providerWarmUp";
import { runBench } from "./benchRig";
import { fig } from "./chatStart";
import { threadRunNs } from "./cpuSample";

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
/** The new pi's start and its warm-up (500 ms after the start) are over by then. */
const SETTLE_MS = 3_000;
const CPU_WINDOW_MS = 300;
const ROOT = path.join(__dirname, "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PiEvent {
  type: string;
  command?: string;
  assistantMessageEvent?: { type: string };
}

/** CPU ms of `pid`'s threads so far, main thread and V8's workers apart. */
function threadCpu(pid: number): { main: number; workers: number } {
  let main = 0;
  let workers = 0;
  for (const { tid, name, ns } of threadRunNs(pid)) {
    if (name.startsWith("V8Worker")) workers += ns / 1e6;
    else if (tid === pid) main += ns / 1e6;
  }
  return { main, workers };
}
const cpuSince = (pid: number, from: { main: number; workers: number }) => {
  const now = threadCpu(pid);
  return { main: now.main - from.main, workers: now.workers - from.workers };
};

/** Lines of pi's stdout, handed to whoever waits for one. */
function events(child: ChildProcessWithoutNullStreams): (match: (e: PiEvent) => boolean) => Promise<number> {
  let waiting: Array<{ match: (e: PiEvent) => boolean; resolve: (t: number) => void }> = [];
  const lines = new JsonlSplitter((line) => {
    if (!line.startsWith("{")) return;
    const event = JSON.parse(line) as PiEvent;
    const t = performance.now();
    waiting = waiting.filter((w) => (w.match(event) ? (w.resolve(t), false) : true));
  });
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (text: string) => lines.push(text));
  return (match) => new Promise((resolve) => waiting.push({ match, resolve }));
}

interface Run {
  settle: { main: number; workers: number };
  first: { ms: number; main: number; workers: number };
  second: { ms: number; main: number; workers: number };
}

async function onePi(baseUrl: string, env: Record<string, string>): Promise<Run> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-first-"));
  const agentDir = path.join(root, "agent");
  const workspace = path.join(root, "workspace");
  fs.mkdirSync(workspace);
  writeDemoAgentDir(agentDir, baseUrl);
  const guard = path.join(ROOT, "dist", "piGuard.js");
  const child = spawn(process.execPath, [defaultPiCliPath(ROOT), "--mode", "rpc", "--no-extensions", "-e", guard], {
    cwd: workspace,
    env: {
      ...process.env,
      ...offlinePiEnv(agentDir),
      PI_VSCODE_WORKSPACE: workspace,
      PI_VSCODE_BASH_POLICY: "ask",
      PI_VSCODE_BASH_ALLOW: "[]",
      PI_VSCODE_EDIT_APPROVAL: "auto",
      PI_VSCODE_PROTECTED_PATHS: JSON.stringify([agentDir]),
      ...env,
    },
  });
  const next = events(child);
  const pid = child.pid ?? 0;
  try {
    const ready = next((e) => e.type === "response" && e.command === "get_state");
    child.stdin.write(serializeJsonLine({ id: "ready", type: "get_state" }));
    await ready;
    const started = threadCpu(pid);
    await sleep(SETTLE_MS);
    const settle = cpuSince(pid, started);
    const message = async (n: number) => {
      const from = threadCpu(pid);
      const delta = next((e) => e.type === "message_update" && e.assistantMessageEvent?.type === "text_delta");
      const end = next((e) => e.type === "agent_end");
      const t0 = performance.now();
      child.stdin.write(serializeJsonLine({ id: `m${n}`, type: "prompt", message: "say something short" }));
      const ms = (await delta) - t0;
      await end;
      await sleep(Math.max(0, CPU_WINDOW_MS - (performance.now() - t0)));
      return { ms, ...cpuSince(pid, from) };
    };
    const first = await message(1);
    await sleep(1_000);
    const second = await message(2);
    return { settle, first, second };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, "dist", "piGuard.js"))) throw new Error("dist/piGuard.js is missing: run npm run build first");
  const model = await startScriptedModel();
  try {
    // The model's own first request costs it more than later ones: not pi's, so paid here.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${model.baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "pi-demo", stream: true, messages: [{ role: "user", content: "warm" }] }),
      });
      await res.text();
    }
    const sides = [
      { label: "as shipped", env: {} as Record<string, string>, runs: [] as Run[] },
      { label: `${WARM_PIECES_ENV}=1 (before)`, env: { [WARM_PIECES_ENV]: "1" }, runs: [] as Run[] },
    ];
    for (let i = 0; i < RUNS; i++) for (const side of sides) side.runs.push(await onePi(model.baseUrl, side.env));
    console.log(`node ${process.version}, ${os.cpus().length} cpus, ${RUNS} pis a side, ${new Date().toISOString()}`);
    console.log(`a message's CPU is over the ${CPU_WINDOW_MS} ms after it was sent`);
    for (const { label, runs } of sides) {
      const of = (f: (r: Run) => number) => fig(runs.map(f));
      console.log(`${label}:`);
      console.log(`  while the new pi waits (${SETTLE_MS} ms): main ${of((r) => r.settle.main)}, V8 workers ${of((r) => r.settle.workers)}`);
      console.log(`  first message: delta ${of((r) => r.first.ms)}; main ${of((r) => r.first.main)}, V8 workers ${of((r) => r.first.workers)}`);
      console.log(`  second message: delta ${of((r) => r.second.ms)}; main ${of((r) => r.second.main)}, V8 workers ${of((r) => r.second.workers)}`);
    }
  } finally {
    await model.close();
  }
}

runBench(main);
