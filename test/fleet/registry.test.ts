// Instance registration against a real redis-server: heartbeat, listing, a killed instance
// dropping out after its TTL, and a second process refused for an id that is still held.
import * as assert from "node:assert/strict";
import { FleetRedis } from "../../src/server/fleet/redis";
import { InstanceIdTakenError, Registry } from "../../src/server/fleet/registry";
import { RedisServer, waitUntil } from "./support";

describe("fleet: instance registry", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  const open: FleetRedis[] = [];
  const connect = async () => {
    const r = await FleetRedis.connect({ url: redis.url });
    open.push(r);
    return r;
  };
  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await Promise.all(open.map((r) => r.close()));
    await redis.stop();
  });

  it("lists live instances with their internal URLs; a deregistered one is gone at once", async () => {
    const a = await Registry.register({ redis: await connect(), id: "list-a", url: "http://127.0.0.1:4001", heartbeatMs: 200 });
    const b = await Registry.register({ redis: await connect(), id: "list-b", url: "http://127.0.0.1:4002", heartbeatMs: 200 });
    const live = (await a.live()).filter((i) => i.id.startsWith("list-"));
    assert.deepEqual(
      live.map((i) => [i.id, i.url]),
      [
        ["list-a", "http://127.0.0.1:4001"],
        ["list-b", "http://127.0.0.1:4002"],
      ],
    );
    assert.ok(Math.abs(live[0].started - Date.now()) < 5_000);
    assert.deepEqual(await a.find("list-b"), { id: "list-b", url: "http://127.0.0.1:4002", started: b.info.started });
    await b.deregister();
    assert.deepEqual(
      (await a.live()).filter((i) => i.id.startsWith("list-")).map((i) => i.id),
      ["list-a"],
    );
    assert.equal(await a.find("list-b"), undefined);
    await a.deregister();
  });

  it("a second process with the same INSTANCE_ID refuses to start while the first is alive", async () => {
    const first = await Registry.register({ redis: await connect(), id: "twin", url: "http://127.0.0.1:4010", heartbeatMs: 200 });
    await assert.rejects(Registry.register({ redis: await connect(), id: "twin", url: "http://127.0.0.1:4011", heartbeatMs: 200 }), (err: unknown) => {
      assert.ok(err instanceof InstanceIdTakenError);
      assert.match(err.message, /INSTANCE_ID=twin is already used by a live instance at http:\/\/127\.0\.0\.1:4010/);
      return true;
    });
    // The refused one changed nothing: the first still owns its registration.
    assert.equal((await first.find("twin"))?.url, "http://127.0.0.1:4010");
    await first.deregister();
  });

  it("a killed instance (no more heartbeats) drops out after its TTL; its id can then be reused", async () => {
    const dead = await Registry.register({ redis: await connect(), id: "dies", url: "http://127.0.0.1:4020", heartbeatMs: 100, ttlMs: 400 });
    const watcher = await Registry.register({ redis: await connect(), id: "watcher", url: "http://127.0.0.1:4021", heartbeatMs: 100 });
    dead.stop(); // as if kill -9: the key is left to expire
    assert.ok((await watcher.live()).some((i) => i.id === "dies"));
    await waitUntil("the dead instance to drop out", async () => !(await watcher.live()).some((i) => i.id === "dies"), 3_000);
    const again = await Registry.register({ redis: await connect(), id: "dies", url: "http://127.0.0.1:4022", heartbeatMs: 100 });
    assert.equal((await watcher.find("dies"))?.url, "http://127.0.0.1:4022");
    await again.deregister();
    await watcher.deregister();
  });

  it("survives a Redis restart: the heartbeat registers the instance again", async () => {
    const r = await Registry.register({ redis: await connect(), id: "phoenix", url: "http://127.0.0.1:4030", heartbeatMs: 100 });
    await redis.restart();
    await waitUntil(
      "re-registration after the restart",
      async () => {
        try {
          return (await r.live()).some((i) => i.id === "phoenix");
        } catch {
          return false;
        }
      },
      10_000,
    );
    await r.deregister();
  });

  it("a lapsed registration taken by another process: the first learns it lost its id", async () => {
    let lost = "";
    const slow = await Registry.register({ redis: await connect(), id: "lapse", url: "http://127.0.0.1:4040", heartbeatMs: 100, ttlMs: 300, onLost: (h) => (lost = h) });
    slow.stop();
    await new Promise((r) => setTimeout(r, 450)); // lapsed
    const thief = await Registry.register({ redis: await connect(), id: "lapse", url: "http://127.0.0.1:4041", heartbeatMs: 100 });
    await slow.heartbeat(); // what its timer would do next
    assert.equal(lost, "http://127.0.0.1:4041");
    await thief.deregister();
  });

  it("refuses a malformed INSTANCE_ID", async () => {
    await assert.rejects(Registry.register({ redis: await connect(), id: "bad id/../x", url: "http://x" }), /INSTANCE_ID must be/);
  });
});
