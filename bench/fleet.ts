// Fleet mode under load, end to end: three real pi-vscode-server instances (REDIS_URL) behind
// nginx, real redis-server, real pi with the scripted model, all on 127.0.0.1.
// 300 chats: LIVE of them with a running pi each (8 per instance); the rest are parked (their
// records in Redis, no pi — what an idle-reclaimed chat is). 300 real pi processes (~110 MB
// each) do not fit this 2-core / 24 GB machine next to everything else, so they are not faked.
// 50 SSE clients on the live chats, in one run: for each chat one client straight at its owner
// and one at another instance (which follows the chat's Redis Stream). Delivery latency = the
// client's receipt − the moment a timing proxy between pi and the model passed the delta on.
// Also: the HTTP forward hop (GET snapshot straight at the owner vs through another instance),
// Redis commands per streamed delta, memory of an idle instance against a bare Node HTTP
// server, and the time from kill -9 of an owner to the next answered prompt.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { ReplyPlan } from "../src/demo/scriptedReplies";
import { ChatRecords } from "../src/server/fleet/chatRecords";
import { FleetRedis } from "../src/server/fleet/redis";
import { request } from "../test/server/support";
import { AUTH, Cluster, health, promptUntilAccepted, spawnInstance } from "../test/fleet/cluster";
import { parseFrames } from "../test/fleet/view";
import { freePort, REPO, waitUntil } from "../test/fleet/support";
import type { RedisServer } from "../test/fleet/support";

const CHATS = 300;
const LIVE = 25;
const CLIENTS = 2 * LIVE;
const PIECES = 150;
const WAVE = 5;
const FAST = 10;
const FLOOD = 2000;
const now = () => performance.timeOrigin + performance.now();
/** When the proxy passed each piece ("t<chat>.<i> ") on to pi. */
const sentAt = new Map<string, number>();

/** `bench <tag>` → PIECES pieces "<tag>.<i> ", 20 ms apart (like the scripted `slow`). */
function plan(body: { messages?: Array<{ role: string; content?: unknown }> }): ReplyPlan | undefined {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user");
  const text = typeof last?.content === "string" ? last.content : Array.isArray(last?.content) ? String((last.content[0] as { text?: string })?.text ?? "") : "";
  const m = /^bench (\S+)/.exec(text);
  return m ? { text: Array.from({ length: PIECES }, (_, i) => `${m[1]}.${i} `), delayMs: 20 } : undefined;
}

/** Between pi and the model: notes when each content delta went to pi. */
async function timingProxy(baseUrl: string): Promise<string> {
  const target = new URL(baseUrl);
  const server = http.createServer((req, res) => {
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on("data", (chunk: Buffer) => {
        const t = now();
        for (const m of chunk.toString("utf8").matchAll(/"content":"([^"]*)"/g)) if (m[1]) sentAt.set(m[1], t);
        res.write(chunk);
      });
      answer.on("end", () => res.end());
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  server.unref();
  return `http://127.0.0.1:${(server.address() as { port: number }).port}${target.pathname}`;
}

/** An SSE client that records, per piece, how long after the proxy sent it it arrived. */
function sseClient(port: number, chatId: string, latencies: number[]): () => void {
  let buffer = "";
  const req = http.request({ host: "127.0.0.1", port, path: `/api/v1/chats/${chatId}/events`, headers: { ...AUTH, accept: "text/event-stream" }, agent: false }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      const t = now();
      const { frames, rest } = parseFrames(buffer + chunk);
      buffer = rest;
      for (const f of frames) {
        if (f.event !== "patches") continue;
        for (const m of f.data.matchAll(/"delta":"([^"]*)"/g))
          for (const piece of m[1].match(/\S+ /g) ?? []) {
            const sent = sentAt.get(piece);
            if (sent !== undefined) latencies.push(t - sent);
          }
      }
    });
  });
  req.on("error", () => undefined);
  req.end();
  return () => req.destroy();
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms (n=${xs.length})`;

function rssKb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** Every command Redis has run so far, by command (INFO commandstats, without INFO itself). */
async function redisStats(redis: RedisServer): Promise<Map<string, number>> {
  const out = await new Promise<string>((resolve) => {
    const p = spawn("redis-cli", ["-p", String(redis.port), "INFO", "commandstats"]);
    let s = "";
    p.stdout.on("data", (d: Buffer) => (s += d.toString()));
    p.on("exit", () => resolve(s));
  });
  const calls = new Map<string, number>();
  for (const m of out.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) if (m[1] !== "info") calls.set(m[1], Number(m[2]));
  return calls;
}

async function redisCalls(redis: RedisServer): Promise<number> {
  return [...(await redisStats(redis)).values()].reduce((a, b) => a + b, 0);
}

/** The commands run since `before`, most first. */
async function redisBreakdown(redis: RedisServer, before: Map<string, number>): Promise<string> {
  const after = await redisStats(redis);
  return [...after]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const)
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

async function bareNodeRssKb(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "require('http').createServer().listen(0, () => console.log('up'))"], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((r) => child.stdout.once("data", r));
  await new Promise((r) => setTimeout(r, 500));
  const kb = rssKb(child.pid);
  child.kill("SIGKILL");
  return kb;
}

async function main(): Promise<void> {
  console.log(
    `fleet bench: node ${process.version}, ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  const cluster = await Cluster.start({ instances: 3, leaseMs: 10_000, model: { plan }, modelUrl: timingProxy, env: { MAX_PROCESSES: "9" } });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const idle = cluster.instances.map((i) => rssKb(i.proc.pid));
    const bare = await bareNodeRssKb();
    console.log(
      `memory of an idle instance: ${(idle.reduce((a, b) => a + b, 0) / idle.length / 1024).toFixed(1)} MB RSS run from source with tsx (bare Node HTTP server: ${(bare / 1024).toFixed(1)} MB)`,
    );
    // The shipped form: the esbuild bundle (npm run build), without tsx's compiler in memory.
    const bundle = path.join(REPO, "dist", "server.js");
    if (fs.existsSync(bundle)) {
      const port = await freePort();
      const built = spawnInstance(cluster.workspace, port, cluster.envFor("pi-bundle", port), "pi-bundle", bundle);
      await waitUntil("the bundled instance", async () => (await request(port, "/api/v1/health").catch(() => undefined))?.status === 200, 30_000, 100);
      await new Promise((r) => setTimeout(r, 1500));
      console.log(`memory of an idle instance from dist/server.js: ${(rssKb(built.proc.pid) / 1024).toFixed(1)} MB RSS`);
      built.proc.kill("SIGTERM");
      await built.exit;
    }

    // The parked chats: records only, as the fleet keeps a chat whose pi was reclaimed.
    const redis = await FleetRedis.connect({ url: cluster.redis.url });
    const records = new ChatRecords(redis);
    for (let i = 0; i < CHATS - LIVE; i++) {
      await records.put({ chatId: `parked-${i}`, cwd: cluster.workspace, owner: "pi-1", title: `parked ${i}`, status: "stopped", lastActivity: Date.now(), created: Date.now() });
    }
    const live: Array<{ chatId: string; owner: number }> = [];
    for (let i = 0; i < LIVE; i++) {
      const port = cluster.instances[i % 3].port;
      const reply = await cluster.api("/api/v1/chats", { method: "POST", port });
      if (reply.status !== 201) throw new Error(`POST /chats → ${reply.status} ${reply.text}`);
      live.push({ chatId: (reply.json as { chatId: string }).chatId, owner: i % 3 });
    }
    await waitUntil(
      "every live chat ready",
      async () => {
        const list = (await cluster.api("/api/v1/chats")).json as { chats: Array<{ chatId: string; status: string }> };
        return list.chats.length === CHATS && live.every((c) => list.chats.find((x) => x.chatId === c.chatId)?.status === "ready");
      },
      120_000,
      500,
    );
    console.log(`${CHATS} chats in the fleet, ${LIVE} with a live pi; ${CLIENTS} SSE clients`);

    // The HTTP forward hop: the same GET straight at the owner and through another instance.
    const direct: number[] = [];
    const forwarded: number[] = [];
    for (let k = 0; k < 200; k++) {
      const c = live[k % LIVE];
      for (const [port, into] of [
        [cluster.instances[c.owner].port, direct],
        [cluster.instances[(c.owner + 1) % 3].port, forwarded],
      ] as const) {
        const t = now();
        await request(port, `/api/v1/chats/${c.chatId}`, { headers: AUTH });
        into.push(now() - t);
      }
    }
    console.log(`GET snapshot, straight to the owner: ${fmt(direct)}; forwarded by another instance: ${fmt(forwarded)}`);

    const atOwner: number[] = [];
    const elsewhere: number[] = [];
    const closers = live.flatMap((c) => [sseClient(cluster.instances[c.owner].port, c.chatId, atOwner), sseClient(cluster.instances[(c.owner + 1) % 3].port, c.chatId, elsewhere)]);
    await new Promise((r) => setTimeout(r, 1000));
    // Paced answers (a delta every 20 ms, like a model's token rate), WAVE chats at a time: with
    // all 25 pi streaming at once the 2 cores, not the fleet, would set the latency.
    let callsBefore = await redisCalls(cluster.redis);
    for (let w = 0; w < LIVE; w += WAVE) {
      const wave = live.slice(w, w + WAVE);
      const target = atOwner.length + wave.length * PIECES;
      await Promise.all(wave.map((c, i) => cluster.api(`/api/v1/chats/${c.chatId}/prompt`, { method: "POST", body: { text: `bench t${w + i}` } })));
      await waitUntil("the wave's pieces at both clients", () => atOwner.length >= target && elsewhere.length >= target, 60_000, 50).catch((err: Error) =>
        console.log(`  (${err.message})`),
      );
    }
    const paced = LIVE * PIECES;
    const pacedCalls = (await redisCalls(cluster.redis)) - callsBefore;
    console.log(`SSE delivery, straight at the owner: ${fmt(atOwner)}`);
    console.log(`SSE delivery, through another instance (Redis Stream): ${fmt(elsewhere)}`);
    console.log(`  p99 ratio ${(pct(elsewhere, 99) / pct(atOwner, 99)).toFixed(2)}x (goal ≤ 1.5x and ≤ 50 ms)`);
    console.log(`Redis commands per streamed delta, paced answers: ${(pacedCalls / paced).toFixed(3)} (${pacedCalls} commands for ${paced} deltas, everything included)`);
    // Fast answers (the scripted `flood`: deltas as fast as pi takes them), FAST chats at once.
    const statsBefore = await redisStats(cluster.redis);
    callsBefore = [...statsBefore.values()].reduce((a, b) => a + b, 0);
    const fast = live.slice(0, FAST);
    await Promise.all(fast.map((c) => cluster.api(`/api/v1/chats/${c.chatId}/prompt`, { method: "POST", body: { text: `flood ${FLOOD}` } })));
    // Asked of each owner directly: its own chats cost no Redis command (the fleet list would).
    await waitUntil(
      "the floods done",
      async () => {
        const states = await Promise.all(fast.map((c) => request(cluster.instances[c.owner].port, `/api/v1/chats/${c.chatId}`, { headers: AUTH })));
        return states.every((r) => (r.json as { status?: string }).status === "ready");
      },
      120_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 500));
    const fastCalls = (await redisCalls(cluster.redis)) - callsBefore;
    console.log(`Redis commands per streamed delta, fast answers: ${(fastCalls / (FAST * FLOOD)).toFixed(3)} (${fastCalls} commands for ${FAST * FLOOD} deltas; goal ≤ 0.1)`);
    console.log(`  ${await redisBreakdown(cluster.redis, statsBefore)}`);
    closers.forEach((close) => close());

    // kill -9 of an owner → the next prompt answered by another instance.
    const victim = live[0];
    const owner = cluster.instances[victim.owner];
    owner.proc.kill("SIGKILL");
    const killed = now();
    await owner.exit;
    await promptUntilAccepted(cluster, victim.chatId, "after the kill", 60_000);
    await waitUntil(
      "the answer after the kill",
      async () => JSON.stringify((await cluster.api(`/api/v1/chats/${victim.chatId}`)).json).includes("You said: **after the kill**"),
      60_000,
      100,
    );
    const survivors = await health(cluster.instances[(victim.owner + 1) % 3].port);
    console.log(
      `kill -9 of an owner → next prompt answered: ${((now() - killed) / 1000).toFixed(1)} s (LEASE_MS ${10_000} ms; ${survivors.fleet?.instances.length} instances left)`,
    );
    await redis.close();
  } finally {
    await cluster.stop();
  }
  console.log(
    `load after: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
