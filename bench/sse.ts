// SSE fan-out: 50 clients on one session while the scripted model floods 20,000 deltas.
// The server runs in this process; the clients run in a child process (so their parsing does
// not count as server CPU). Latency = client receipt time − the moment the session host emitted
// the batch (both as wall-clock ms: performance.timeOrigin + performance.now()).
// Server CPU is this process's CPU during the flood, measured once with 0 clients (the host and
// the in-process scripted model alone) and once with 50; the difference is the SSE cost.
import { spawn } from "node:child_process";
import * as http from "node:http";
import pino from "pino";
import type { PatchBatch } from "../src/protocol/transcript";
import { configFromEnv } from "../src/server/config";
import { createPiServer } from "../src/server/httpServer";
import { startPiFixture, waitFor } from "../test/support/piFixture";

const now = () => performance.timeOrigin + performance.now();

interface ClientReport {
  /** Per client: [event id, receipt time] pairs. */
  arrivals: Array<Array<[number, number]>>;
  bytes: number;
}

/** Child mode: open N streams, wait for the flood's end on each, print arrivals as JSON. */
async function clientMain(port: number, chatId: string, n: number): Promise<void> {
  const arrivals: Array<Array<[number, number]>> = [];
  let bytes = 0;
  let readyCount = 0;
  const done: Array<Promise<void>> = [];
  for (let i = 0; i < n; i++) {
    const mine: Array<[number, number]> = [];
    arrivals.push(mine);
    done.push(
      new Promise<void>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, path: `/api/v1/chats/${chatId}/events`, agent: false }, (res) => {
          res.setEncoding("utf8");
          let buf = "";
          let sawSnapshot = false;
          let sawWorking = false;
          res.on("data", (chunk: string) => {
            const t = now();
            bytes += chunk.length;
            buf += chunk;
            let at: number;
            while ((at = buf.indexOf("\n\n")) >= 0) {
              const block = buf.slice(0, at);
              buf = buf.slice(at + 2);
              const id = /^id: (\d+)$/m.exec(block);
              if (block.includes("event: snapshot")) {
                if (!sawSnapshot && ++readyCount === n) process.stdout.write("READY\n");
                sawSnapshot = true;
                continue;
              }
              if (!id || !block.includes("event: patches")) continue;
              mine.push([Number(id[1]), t]);
              if (block.includes('"status":"working"')) sawWorking = true;
              if (sawWorking && block.includes('"status":"ready"')) {
                req.destroy();
                resolve();
              }
            }
          });
          res.on("error", () => undefined);
        });
        req.on("error", (err) => (mine.length ? resolve() : reject(err)));
        req.end();
      }),
    );
  }
  await Promise.all(done);
  const report: ClientReport = { arrivals, bytes };
  process.stdout.write(`REPORT ${JSON.stringify(report)}\n`);
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitReady(get: () => string | undefined): Promise<void> {
  await waitFor("the session to be ready", () => get() === "ready", 60_000);
}

export async function runSseBench(clients = 50, deltas = 20_000): Promise<void> {
  const fx = await startPiFixture();
  const config = configFromEnv({}, { port: 0, host: "127.0.0.1", dataDir: fx.agentDir });
  const server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log: pino({ level: "silent" }) });
  await server.listen();
  try {
    const session = fx.host.createChat({ cwd: fx.workspace });
    await waitReady(() => session.status);
    const emitted = new Map<number, number>();
    let batches = 0;
    session.onBatch((b: PatchBatch) => {
      emitted.set(b.seq, now());
      batches++;
    });

    // Warm-up (JIT, pi's caches), then the baseline: the same flood with no SSE client.
    await session.prompt(`flood ${deltas}`);
    await waitFor("flood start", () => session.status === "working", 30_000).catch(() => undefined);
    await waitReady(() => session.status);
    batches = 0;
    let cpu0 = process.cpuUsage();
    let t0 = now();
    await session.prompt(`flood ${deltas}`);
    await waitFor("flood start", () => session.status === "working", 30_000).catch(() => undefined);
    await waitReady(() => session.status);
    const base = process.cpuUsage(cpu0);
    const baseMs = now() - t0;
    const baseBatches = batches;

    // 50 clients in a child process.
    const child = spawn(process.execPath, ["--import", "tsx", __filename, "--client", String(server.port), session.id, String(clients)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await waitFor("all clients connected", () => out.includes("READY"), 30_000);
    emitted.clear();
    batches = 0;
    cpu0 = process.cpuUsage();
    t0 = now();
    await session.prompt(`flood ${deltas}`);
    await waitReady(() => (session.status === "working" ? "working" : batches > 0 ? session.status : undefined));
    const withClients = process.cpuUsage(cpu0);
    const floodMs = now() - t0;
    await exited;
    const line = out.split("\n").find((l) => l.startsWith("REPORT "));
    if (!line) throw new Error(`the client process printed no report:\n${out.slice(0, 500)}`);
    const report = JSON.parse(line.slice(7)) as ClientReport;
    const latencies: number[] = [];
    let missing = 0;
    for (const list of report.arrivals) {
      const got = new Set(list.map(([id]) => id));
      for (const seq of emitted.keys()) if (!got.has(seq)) missing++;
      for (const [id, t] of list) {
        const e = emitted.get(id);
        if (e !== undefined) latencies.push(t - e);
      }
    }
    latencies.sort((a, b) => a - b);
    const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
    console.log(`SSE fan-out: ${clients} clients, flood ${deltas} deltas → ${batches} batches (${baseBatches} with no clients), ${(report.bytes / 1024).toFixed(0)} KiB received in total`);
    console.log(`  delivery latency host emit → client receipt: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies[latencies.length - 1]?.toFixed(2)} ms over ${latencies.length} deliveries; missed ${missing}`);
    console.log(`  server process CPU during the flood: ${cpuMs(withClients).toFixed(0)} ms with ${clients} clients (${floodMs.toFixed(0)} ms wall), ${cpuMs(base).toFixed(0)} ms with none (${baseMs.toFixed(0)} ms wall) → SSE cost ≈ ${(cpuMs(withClients) - cpuMs(base)).toFixed(0)} ms`);
    console.log(`  (server process = HTTP server + session host + the in-process scripted model; pi runs in its own process)`);
  } finally {
    await server.close();
    await fx.cleanup();
  }
}

if (require.main === module) {
  const i = process.argv.indexOf("--client");
  const main = i >= 0 ? clientMain(Number(process.argv[i + 1]), process.argv[i + 2], Number(process.argv[i + 3])) : runSseBench(Number(process.env.SSE_CLIENTS ?? 50), Number(process.env.SSE_DELTAS ?? 20_000));
  main.then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
