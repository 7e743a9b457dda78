// Fleet mode assembled, with real instances in their own processes and a real redis-server:
// the settings' errors, the start-up refusals (Redis unreachable, INSTANCE_ID taken), where a
// chat lives as its owner is killed -9 or stopped with SIGTERM, and the health figures.
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { ConfigError } from "../../src/server/config";
import { Fleet } from "../../src/server/fleet/fleet";
import { fleetConfigFromEnv } from "../../src/server/fleet/fleetConfig";
import { RedisUnavailableError } from "../../src/server/fleet/redis";
import { InstanceIdTakenError } from "../../src/server/fleet/registry";
import { freePort, REPO, RedisServer, waitUntil } from "./support";

const SECRET = "fleet-secret-fleet-secret-fleet-secret!";

interface Child {
  proc: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

function startChild(env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "fleetChild.ts")], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
  return { proc, out: () => out, exit };
}

describe("fleet: the assembled fleet mode", function () {
  this.timeout(60_000);
  let redis: RedisServer;
  const fleets: Fleet[] = [];
  const children: Child[] = [];
  const env = (id: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    REDIS_URL: redis.url,
    INSTANCE_ID: id,
    INSTANCE_URL: `http://127.0.0.1:${4000 + Number(id.replace(/\D/g, "") || 0)}`,
    FLEET_SECRET: SECRET,
    LEASE_MS: "1500",
    ...extra,
  });
  const start = async (id: string) => {
    const config = fleetConfigFromEnv(env(id));
    assert.ok(config);
    const fleet = await Fleet.start({
      config,
      log: () => undefined,
      clientBufferBytes: 1 << 20,
      heartbeatMs: 60_000,
      remoteSnapshot: () => Promise.reject(new Error("unused")),
      onLeaseLost: () => undefined,
      onIdLost: () => undefined,
    });
    fleets.push(fleet);
    return fleet;
  };
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    for (const c of children) c.proc.kill("SIGKILL");
    for (const f of fleets) await f.shutdown(async () => undefined).catch(() => undefined);
    await redis.stop();
  });

  it("settings: off without REDIS_URL; each mistake is one error naming its variable", () => {
    assert.equal(fleetConfigFromEnv({}), undefined, "no REDIS_URL: one process, as before");
    const base = { REDIS_URL: "redis://127.0.0.1:6379", INSTANCE_ID: "a", INSTANCE_URL: "http://10.0.0.5:3000/", FLEET_SECRET: SECRET };
    const ok = fleetConfigFromEnv(base);
    assert.deepEqual([ok?.instanceUrl, ok?.leaseMs, ok?.instanceCap, ok?.globalCap, ok?.keyPrefix], ["http://10.0.0.5:3000", 10_000, 8, 0, "pi-fleet:"]);
    const bad: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ ...base, REDIS_URL: "http://:pw@x" }, /^REDIS_URL must start with redis:\/\/.*:\*\*\*@/],
      [{ ...base, INSTANCE_URL: "" }, /^INSTANCE_URL is required with REDIS_URL/],
      [{ ...base, INSTANCE_URL: "not a url" }, /^INSTANCE_URL must be a URL/],
      [{ ...base, FLEET_SECRET: "short" }, /^FLEET_SECRET must be set/],
      [{ ...base, INSTANCE_ID: "a b" }, /^INSTANCE_ID must be/],
      [{ ...base, LEASE_MS: "10" }, /^LEASE_MS must be between/],
      [{ ...base, MAX_PROCESSES_FLEET: "-1" }, /^MAX_PROCESSES_FLEET must be a whole number/],
    ];
    for (const [e, re] of bad)
      assert.throws(
        () => fleetConfigFromEnv(e),
        (err: unknown) => err instanceof ConfigError && re.test(err.message),
      );
  });

  it("Redis unreachable at start: one RedisUnavailableError naming REDIS_URL", async () => {
    const port = await freePort();
    const config = fleetConfigFromEnv({ ...env("u1"), REDIS_URL: `redis://127.0.0.1:${port}` });
    assert.ok(config);
    await assert.rejects(
      Fleet.start({
        config,
        log: () => undefined,
        clientBufferBytes: 1,
        heartbeatMs: 1000,
        remoteSnapshot: () => Promise.reject(new Error()),
        onLeaseLost: () => undefined,
        onIdLost: () => undefined,
      }),
      (err: unknown) => err instanceof RedisUnavailableError && err.message.includes(`REDIS_URL=redis://127.0.0.1:${port}`),
    );
  });

  it("a second process with a live instance's INSTANCE_ID refuses to start", async () => {
    await start("twin1");
    const child = startChild(env("twin1"));
    assert.equal(await child.exit, 2);
    assert.match(child.out(), /InstanceIdTakenError: INSTANCE_ID=twin1 is already used by a live instance at http:\/\/127\.0\.0\.1:4001/);
    await assert.rejects(start("twin1"), InstanceIdTakenError);
  });

  it("kill -9 of an owner: its chats free up within the lease time; another instance takes them", async () => {
    const b = await start("b2");
    const child = startChild(env("a2", { CHATS: "k1,k2" }));
    children.push(child);
    await waitUntil(`child ready (${child.out()})`, () => child.out().includes("ready"), 20_000);
    const where = await b.locate("k1");
    assert.equal(where.kind, "remote");
    assert.ok(where.kind === "remote" && where.instance.id === "a2" && where.instance.url === "http://127.0.0.1:4002");
    assert.equal((await b.caps.counts()).global, 2);
    child.proc.kill("SIGKILL");
    const killed = Date.now();
    await waitUntil("the chat to free up", async () => (await b.locate("k1")).kind === "free", 5_000, 50);
    const after = Date.now() - killed;
    assert.ok(after <= 1_500 + 1_000, `free ${after} ms after the kill (lease 1.5 s)`);
    assert.deepEqual(await b.leases.acquire("k1"), { ok: true });
    assert.equal((await b.locate("k1")).kind, "here");
    assert.ok(!(await b.registry.live()).some((i) => i.id === "a2"), "the killed instance left the registry");
    await waitUntil("its pi slots to expire", async () => (await b.caps.counts()).global === 0, 5_000);
  });

  it("SIGTERM: views told, pi stopped, leases handed back at once (not after expiry), then deregistered", async () => {
    const b = await start("b3");
    const child = startChild(env("a3", { CHATS: "t1,t2,t3", LEASE_MS: "60000" }));
    children.push(child);
    await waitUntil("child ready", () => child.out().includes("ready"), 20_000);
    assert.equal((await b.locate("t1")).kind, "remote");
    const sent = Date.now();
    child.proc.kill("SIGTERM");
    assert.equal(await child.exit, 0, child.out());
    const took = Date.now() - sent;
    assert.ok(took < 5_000, `shut down in ${took} ms, far below the 60 s lease`);
    assert.deepEqual(child.out().trim().split("\n"), ["ready", "stopping pi", "stopped"]);
    for (const id of ["t1", "t2", "t3"]) assert.equal((await b.locate(id)).kind, "free", `${id} free at once`);
    assert.ok(!(await b.registry.live()).some((i) => i.id === "a3"));
    assert.equal((await b.caps.counts()).global, 0, "its pi slots are free too");
  });

  it("health: this instance, the live instances with their URLs, the lease time, Redis ok → degraded → ok", async () => {
    const h = await start("h4");
    const health = await h.health();
    assert.equal(health.instanceId, "h4");
    assert.equal(health.leaseMs, 1500);
    assert.equal(health.redis, "ok");
    assert.ok(health.instances.some((i) => i.id === "h4" && i.url === "http://127.0.0.1:4004"));
    await redis.kill();
    await waitUntil("degraded", async () => (await h.health()).redis === "degraded", 5_000);
    assert.deepEqual(
      (await h.health()).instances.map((i) => i.id),
      ["h4"],
      "without Redis it can vouch only for itself",
    );
    await redis.startProcess();
    await waitUntil(
      "ok again, registered again",
      async () => {
        const x = await h.health();
        return x.redis === "ok" && x.instances.some((i) => i.id === "h4");
      },
      10_000,
    );
  });
});
