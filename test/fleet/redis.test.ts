// FleetRedis against a real redis-server: the start-up error names REDIS_URL, a later outage
// turns the state "degraded" without crashing, and reconnecting turns it "ok" again.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { FleetRedis, redactRedisUrl, RedisUnavailableError } from "../../src/server/fleet/redis";
import { freePort, REPO, RedisServer, waitUntil } from "./support";

describe("fleet: redis connection", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis.stop();
  });

  it("unreachable at start: one RedisUnavailableError naming REDIS_URL, without the password", async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    await assert.rejects(FleetRedis.connect({ url: `redis://:hunter2secret@127.0.0.1:${port}/0`, connectTimeoutMs: 1_000 }), (err: unknown) => {
      assert.ok(err instanceof RedisUnavailableError);
      assert.match(err.message, /REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0/);
      assert.match(err.message, /ECONNREFUSED/);
      assert.doesNotMatch(err.message, /hunter2secret/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000, "fails fast instead of retrying forever");
  });

  it("a URL that is not one is refused with the same clear error", async () => {
    await assert.rejects(FleetRedis.connect({ url: "not a url", connectTimeoutMs: 500 }), /REDIS_URL/);
    assert.equal(redactRedisUrl("redis://user:pw@h:1"), "redis://user:***@h:1");
  });

  it("an outage later: degraded, commands fail fast, no crash; back to ok after Redis returns", async () => {
    const logs: string[] = [];
    const fleet = await FleetRedis.connect({ url: redis.url, log: (_l, m) => logs.push(m) });
    const states: string[] = [];
    fleet.onState((s) => states.push(s));
    assert.equal(fleet.state, "ok");
    await fleet.client.set(fleet.key("x"), "1");

    await redis.kill();
    await waitUntil("degraded", () => fleet.state === "degraded", 5_000);
    const t0 = Date.now();
    await assert.rejects(fleet.client.get(fleet.key("x")));
    assert.ok(Date.now() - t0 < 2_500, "a command while Redis is down fails within the command timeout");

    await redis.startProcess();
    await waitUntil("ok again", () => fleet.state === "ok", 10_000);
    assert.equal(await fleet.client.get(fleet.key("x")), null, "a Redis without persistence lost the key — the fleet copes with that elsewhere");
    assert.deepEqual(states, ["degraded", "ok"]);
    assert.ok(logs.includes("redis unreachable: fleet degraded") && logs.includes("redis reachable again"));
    await fleet.close();
  });

  it("a process whose Redis dies keeps running and reports degraded", async () => {
    // In a child process, so that a crash would show as its exit code.
    const own = await RedisServer.start();
    const script = `
      const { FleetRedis } = require(${JSON.stringify(path.join(REPO, "src/server/fleet/redis.ts"))});
      FleetRedis.connect({ url: "${own.url}" }).then((f) => {
        process.stdout.write("connected\\n");
        setTimeout(() => { process.stdout.write("state=" + f.state + "\\n"); process.exit(0); }, 2500);
      }, (e) => { console.error(e); process.exit(3); });`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await waitUntil(`child connected (${out})`, () => out.includes("connected"), 15_000);
    await own.stop();
    assert.equal(await exit, 0, out);
    assert.match(out, /state=degraded/);
  });
});
