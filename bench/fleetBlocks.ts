// Fleet building blocks under load, before they are wired into the server (no pi here: the
// chats are synthetic, streamed through the real PatchBatcher). One real redis-server; three
// instances (each with its own Redis connections, SSE hub and HTTP server) in this process;
// 300 chats, 100 owned by each; 50 SSE clients (in a child process, so their parsing is not
// the servers' CPU), one per streaming chat, spread over three paths measured in the same run:
//   direct  — the client is connected to the chat's owner;
//   stream  — connected to another instance, which follows the chat's Redis Stream;
//   forward — connected to another instance, which forwards the SSE request to the owner.
// Each streaming chat floods its deltas in bursts (as the scripted model does), so a 16 ms frame
// batch holds many deltas. Latency = client receipt − the moment the owner emitted the batch
// (wall-clock ms in both processes: performance.timeOrigin + performance.now()).
// Also: Redis commands per streamed delta (INFO commandstats), memory of an idle instance
// process against a bare Node HTTP server, and the lease handover after kill -9.
import { spawn } from "node:child_process";
import * as http from "node:http";
import * as os from "node:os";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { Fleet } from "../src/server/fleet/fleet";
import { fleetConfigFromEnv } from "../src/server/fleet/fleetConfig";
import { FleetAuth, forward, readRawBody } from "../src/server/fleet/forward";
import { parseStreamId } from "../src/server/fleet/eventStream";
import { RedisServer } from "../test/fleet/support";
import { parseFrames, StreamingChat } from "../test/fleet/view";

const now = () => performance.timeOrigin + performance.now();
const SECRET = "bench-secret-bench-secret-bench-secret!!";
const CHATS = 300;
const CLIENTS = 50;
const DELTAS_PER_CHAT = 4000;
const BURST = 100;
const BURST_EVERY_MS = 50;

interface Instance {
  name: string;
  fleet: Fleet;
  port: number;
  chats: Map<string, StreamingChat>;
}

const emitted = new Map<string, number>();

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;
}

async function startInstance(name: string, redisUrl: string, peers: () => Instance[]): Promise<Instance> {
  const config = fleetConfigFromEnv({ REDIS_URL: redisUrl, INSTANCE_ID: name, INSTANCE_URL: "http://127.0.0.1:1", FLEET_SECRET: SECRET, LEASE_MS: "10000", MAX_PROCESSES: "0" });
  if (!config) throw new Error("no config");
  const chats = new Map<string, StreamingChat>();
  const fleet = await Fleet.start({
    config,
    log: () => undefined,
    clientBufferBytes: 8 << 20,
    heartbeatMs: 15_000,
    onLeaseLost: () => undefined,
    onIdLost: () => undefined,
    // In a real fleet an internal HTTP request; here the owner's object (same positioned snapshot).
    remoteSnapshot: async (chatId) => {
      const owner = peers().find((p) => p.chats.has(chatId));
      const got = owner && (await owner.fleet.hub.positionedSnapshot(chatId));
      if (!got) throw new Error("no owner");
      return got;
    },
  });
  const auth = new FleetAuth(SECRET);
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://x");
      const chatId = url.searchParams.get("chat") ?? "";
      const body = await readRawBody(req, 1024);
      // A forwarded request (it carries the fleet signature) is served here, never forwarded again.
      if (url.pathname === "/forward" && !req.headers["x-pi-fleet-from"]) {
        const owner = peers().find((p) => p.chats.has(chatId));
        if (!owner) return void res.writeHead(404).end();
        await forward(req, res, { auth, from: name, target: `http://127.0.0.1:${owner.port}`, body });
        return;
      }
      if (req.headers["x-pi-fleet-auth"]) auth.verify(req.method ?? "GET", req.url ?? "", req.headers, body);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      req.socket.setNoDelay(true);
      const last = parseStreamId(req.headers["last-event-id"]);
      await fleet.hub.subscribe(chatId, res, last);
      res.on("close", () => fleet.hub.unsubscribe(chatId, res));
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { name, fleet, port: (server.address() as AddressInfo).port, chats };
}

interface ClientSpec {
  port: number;
  path: string;
  chatId: string;
  mode: string;
}

/** Child mode: open the streams, note when each batch arrives, print [mode, chatId, seq, t] rows as JSON. */
async function clientMain(specs: ClientSpec[]): Promise<void> {
  const rows: Array<[string, string, number, number]> = [];
  let done = 0;
  for (const spec of specs) {
    const req = http.request({ host: "127.0.0.1", port: spec.port, path: spec.path, agent: false }, (res) => {
      res.setEncoding("utf8");
      let buf = "";
      res.on("data", (chunk: string) => {
        const t = now();
        const { frames, rest } = parseFrames(buf + chunk);
        buf = rest;
        for (const f of frames) {
          if (f.event !== "patches") continue;
          const seq = (JSON.parse(f.data) as { seq: number }).seq;
          rows.push([spec.mode, spec.chatId, seq, t]);
          if (seq >= DELTAS_PER_CHAT + 1) {
            done++;
            req.destroy();
          }
        }
      });
    });
    req.on("error", () => undefined);
    req.end();
  }
  process.stdout.write("connected\n");
  const end = now() + 90_000;
  while (done < specs.length && now() < end) await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(`${JSON.stringify({ done, rows })}\n`);
  process.exit(0);
}

async function redisCalls(redis: RedisServer): Promise<number> {
  const out = await new Promise<string>((resolve) => {
    const p = spawn("redis-cli", ["-p", String(redis.port), "INFO", "commandstats"]);
    let s = "";
    p.stdout.on("data", (d: Buffer) => (s += d.toString()));
    p.on("exit", () => resolve(s));
  });
  let calls = 0;
  for (const m of out.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) if (m[1] !== "info") calls += Number(m[2]);
  return calls;
}

async function rssOf(script: string, env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: path.join(__dirname, ".."),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString())));
  child.kill("SIGKILL");
  return Number(line.trim());
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const instances: Instance[] = [];
  for (const name of ["pi-1", "pi-2", "pi-3"]) instances.push(await startInstance(name, redis.url, () => instances));
  for (let i = 0; i < CHATS; i++) {
    const owner = instances[i % 3];
    const chat = new StreamingChat(`chat-${i}`);
    chat.onBatch((b) => emitted.set(`${chat.id}:${b.seq}`, now()));
    owner.chats.set(chat.id, chat);
    await owner.fleet.leases.acquire(chat.id);
    await owner.fleet.hub.own(chat);
  }
  // 50 streaming chats, one client each: a third per path.
  const paths = ["direct", "stream", "forward"] as const;
  const streaming: StreamingChat[] = [];
  const specs: ClientSpec[] = [];
  for (let k = 0; k < CLIENTS; k++) {
    const owner = instances[k % 3];
    const other = instances[(k + 1) % 3];
    const chat = [...owner.chats.values()][Math.floor(k / 3)];
    streaming.push(chat);
    const mode = paths[k % 3];
    specs.push({ port: mode === "direct" ? owner.port : other.port, path: `/${mode === "forward" ? "forward" : "events"}?chat=${chat.id}`, chatId: chat.id, mode });
  }
  const clients = spawn(process.execPath, ["--import", "tsx", __filename, "--clients", JSON.stringify(specs)], {
    cwd: path.join(__dirname, ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  clients.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const report = new Promise<string>((resolve) => clients.once("exit", () => resolve(out)));
  while (!out.includes("connected")) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 1_500)); // every client has its snapshot
  const callsBefore = await redisCalls(redis);
  const t0 = now();
  await Promise.all(streaming.map((c) => c.stream("x".repeat(DELTAS_PER_CHAT), BURST, BURST_EVERY_MS)));
  const wall = now() - t0;
  const { done: finished, rows } = JSON.parse((await report).trim().split("\n").pop() ?? "{}") as { done: number; rows: Array<[string, string, number, number]> };
  const calls = (await redisCalls(redis)) - callsBefore;
  const deltas = CLIENTS * DELTAS_PER_CHAT;
  const lat: Record<string, number[]> = { direct: [], stream: [], forward: [] };
  const received = new Set<string>();
  let repeated = 0;
  for (const [mode, chatId, seq, t] of rows) {
    const key = `${chatId}:${seq}`;
    if (received.has(key)) repeated++;
    received.add(key);
    const at = emitted.get(key);
    if (at !== undefined) lat[mode].push(t - at);
  }
  // Every batch emitted after the clients' snapshots (seq 1 is the chat's opening item).
  const watched = new Set(specs.map((c) => c.chatId));
  const missed = [...emitted.keys()].filter((k) => watched.has(k.split(":")[0]) && Number(k.split(":")[1]) > 1 && !received.has(k)).length;

  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${os.cpus().length} cores (a shared machine makes p99 noisy)`,
  );
  console.log(
    `fleet building blocks: 3 instances (one process), ${CHATS} chats, ${CLIENTS} SSE clients, ${deltas} deltas (bursts of ${BURST} every ${BURST_EVERY_MS} ms per chat) in ${(wall / 1000).toFixed(1)} s; ${finished}/${CLIENTS} streams complete, ${missed} batches missed, ${repeated} repeated`,
  );
  for (const p of paths) {
    const s = lat[p].sort((a, b) => a - b);
    console.log(`  ${p.padEnd(7)} batch emit → client: p50 ${percentile(s, 50).toFixed(2)} ms, p99 ${percentile(s, 99).toFixed(2)} ms over ${s.length} batches`);
  }
  const d99 = percentile(lat.direct, 99);
  console.log(
    `  p99 ratio to direct: stream ${(percentile(lat.stream, 99) / d99).toFixed(2)}×, forward ${(percentile(lat.forward, 99) / d99).toFixed(2)}× (goal ≤ 1.5× and ≤ 50 ms)`,
  );
  console.log(
    `  Redis commands during the stream: ${calls} for ${deltas} deltas → ${(calls / deltas).toFixed(4)} per delta (goal ≤ 0.1; includes lease/slot renewals and the readers' XREADs)`,
  );

  const env = { REDIS_URL: redis.url, FLEET_SECRET: SECRET, INSTANCE_URL: "http://127.0.0.1:1", LEASE_MS: "10000" };
  const idle = await rssOf(
    `const { Fleet } = require("./src/server/fleet/fleet"); const { fleetConfigFromEnv } = require("./src/server/fleet/fleetConfig"); const http = require("node:http");
     (async () => { const f = await Fleet.start({ config: fleetConfigFromEnv({ ...process.env, INSTANCE_ID: "idle" }), log: () => {}, clientBufferBytes: 1, heartbeatMs: 15000, remoteSnapshot: async () => { throw new Error(); }, onLeaseLost: () => {}, onIdLost: () => {} });
       for (let i = 0; i < 100; i++) await f.leases.acquire("idle-" + i);
       http.createServer().listen(0, "127.0.0.1"); setTimeout(() => { global.gc?.(); process.stdout.write(String(process.memoryUsage().rss) + "\\n"); }, 1500); })();`,
    env,
  );
  const bare = await rssOf(
    `require("node:http").createServer().listen(0, "127.0.0.1"); setTimeout(() => process.stdout.write(String(process.memoryUsage().rss) + "\\n"), 1500);`,
    env,
  );
  console.log(
    `  idle instance process (fleet mode, 100 leases, no pi): ${(idle / 1048576).toFixed(1)} MiB RSS; bare Node HTTP server under tsx: ${(bare / 1048576).toFixed(1)} MiB → fleet mode adds ${((idle - bare) / 1048576).toFixed(1)} MiB`,
  );

  // kill -9 of an owner: how long until another instance holds its chat's lease.
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "../test/fleet/fleetChild.ts")], {
    cwd: path.join(__dirname, ".."),
    env: { ...process.env, ...env, INSTANCE_ID: "victim", CHATS: "moving-chat" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
  child.kill("SIGKILL");
  const killed = now();
  while (!(await instances[0].fleet.leases.acquire("moving-chat")).ok) await new Promise((r) => setTimeout(r, 20));
  console.log(
    `  kill -9 of an owner → lease taken by another instance: ${((now() - killed) / 1000).toFixed(2)} s (LEASE_MS 10 s; pi's restart on the session file comes on top, see step 2)`,
  );

  for (const i of instances) await i.fleet.shutdown(async () => undefined);
  await redis.stop();
  process.exit(0);
}

const clientArg = process.argv.indexOf("--clients");
(clientArg > 0 ? clientMain(JSON.parse(process.argv[clientArg + 1]) as ClientSpec[]) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
