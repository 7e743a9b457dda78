// Chat leases and pi caps against a real redis-server: one owner at a time, expiry after a
// kill, hand-back on release, no double ownership across a Redis restart that lost every key,
// and caps that hold under concurrent admissions from several instances.
import * as assert from "node:assert/strict";
import { PiCaps } from "../../src/server/fleet/caps";
import { LeaseLostError, Leases, LeaseUnverifiableError } from "../../src/server/fleet/leases";
import { FleetRedis } from "../../src/server/fleet/redis";
import { RedisServer, waitUntil } from "./support";

describe("fleet: leases and caps", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  const open: FleetRedis[] = [];
  const stoppers: Array<() => void> = [];
  const connect = async () => {
    const r = await FleetRedis.connect({ url: redis.url, commandTimeoutMs: 1_000 });
    open.push(r);
    return r;
  };
  const leases = async (instanceId: string, ttlMs = 1_000, onLost?: (chatId: string) => void) => {
    const l = new Leases({ redis: await connect(), instanceId, token: `${instanceId}-token`, ttlMs, onLost });
    stoppers.push(() => l.stop());
    return l;
  };
  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(() => stoppers.splice(0).forEach((s) => s()));
  after(async () => {
    await Promise.all(open.map((r) => r.close()));
    await redis.stop();
  });

  it("one owner at a time: the second acquire names the owner; release hands it over at once", async () => {
    const a = await leases("a");
    const b = await leases("b");
    assert.deepEqual(await a.acquire("chat-1"), { ok: true });
    assert.deepEqual(await a.acquire("chat-1"), { ok: true }, "re-acquiring our own lease is fine");
    const refused = await b.acquire("chat-1");
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.reason === "owned" && refused.owner === "a" && refused.expiresInMs > 0);
    assert.equal(await b.owner("chat-1"), "a");
    await a.assertOwned("chat-1");
    await assert.rejects(b.assertOwned("chat-1"), LeaseLostError);
    assert.equal(await a.release("chat-1"), true);
    assert.equal(await b.release("chat-1"), false, "releasing someone else's lease deletes nothing");
    assert.deepEqual(await b.acquire("chat-1"), { ok: true });
    await assert.rejects(a.assertOwned("chat-1"), (err: unknown) => err instanceof LeaseLostError && err.owner === "b");
  });

  it("renewal keeps a lease past its TTL; a killed owner's lease expires and another takes it", async () => {
    const a = await leases("ka", 600);
    const b = await leases("kb", 600);
    assert.deepEqual(await a.acquire("chat-k"), { ok: true });
    a.startRenewal();
    await new Promise((r) => setTimeout(r, 1_500)); // 2.5 TTLs
    assert.equal(await b.owner("chat-k"), "ka", "renewed");
    a.stop(); // kill -9: renewals stop
    const t0 = Date.now();
    await waitUntil("the lease to expire", async () => (await b.acquire("chat-k")).ok, 3_000, 20);
    const waited = Date.now() - t0;
    assert.ok(waited <= 700, `taken within about one TTL (${waited} ms)`);
    await assert.rejects(a.assertOwned("chat-k"), LeaseLostError);
  });

  it("a renewal that finds the lease taken reports it lost (the caller stops its pi)", async () => {
    const lost: string[] = [];
    const a = await leases("la", 400, (id) => lost.push(id));
    const b = await leases("lb", 400);
    await a.acquire("chat-l");
    await new Promise((r) => setTimeout(r, 500)); // lapsed: no renewal ran
    assert.deepEqual(await b.acquire("chat-l"), { ok: true });
    await a.renew();
    assert.deepEqual(lost, ["chat-l"]);
    assert.deepEqual(a.heldChats(), []);
  });

  it("Redis restarted without its data: owners reclaim their chats, nobody else may take one in between", async () => {
    const a = await leases("ra", 1_500);
    const b = await leases("rb", 1_500);
    for (const id of ["r1", "r2", "r3"]) assert.deepEqual(await a.acquire(id), { ok: true });
    assert.deepEqual(await b.acquire("r-b"), { ok: true });
    await redis.restart();
    await waitUntil("reconnect", async () =>
      a.owner("x").then(
        () => true,
        () => false,
      ),
    );
    // b notices first (its next command after the restart) and must be refused a chat a still runs.
    const steal = await b.acquire("r1");
    assert.ok(!steal.ok && steal.reason === "grace" && steal.retryAfterMs > 0 && steal.retryAfterMs <= 1_500, JSON.stringify(steal));
    await a.renew();
    await b.renew();
    assert.equal(await b.owner("r1"), "ra");
    assert.equal(await b.owner("r3"), "ra");
    assert.equal(await a.owner("r-b"), "rb");
    await a.assertOwned("r2");
    // After the grace period, new chats can be acquired again.
    await waitUntil("the grace period to end", async () => (await b.acquire("new-after-grace")).ok, 3_000);
  });

  it("a fresh Redis opens no grace period", async () => {
    const fresh = await RedisServer.start();
    const r = await FleetRedis.connect({ url: fresh.url });
    const l = new Leases({ redis: r, instanceId: "f", token: "t" });
    assert.deepEqual(await l.acquire("first-chat"), { ok: true });
    l.stop();
    await r.close();
    await fresh.stop();
  });

  it("Redis down: a lease renewed less than one TTL ago still allows writes; an older one does not", async () => {
    const a = await leases("da", 1_200);
    await a.acquire("chat-d");
    await redis.kill();
    await a.assertOwned("chat-d"); // renewed just now: certainly still ours
    await new Promise((r) => setTimeout(r, 1_300));
    await assert.rejects(a.assertOwned("chat-d"), LeaseUnverifiableError);
    await redis.startProcess();
  });

  it("caps: global and per-instance limits hold under concurrent admissions from three instances", async () => {
    const make = async (id: string) => new PiCaps({ redis: await connect(), instanceId: id, globalCap: () => 5, instanceCap: () => 2 });
    const caps = await Promise.all(["c1", "c2", "c3"].map(make));
    // 12 chats at once, 4 per instance: at most 2 each (6 > 5, so the global cap bites too).
    const results = await Promise.all(caps.flatMap((c, i) => [0, 1, 2, 3].map((k) => c.admit(`cap-${i}-${k}`).then((r) => ({ i, chatId: `cap-${i}-${k}`, r })))));
    const admitted = results.filter((x) => x.r.ok);
    assert.equal(admitted.length, 5);
    for (let i = 0; i < 3; i++) assert.ok(admitted.filter((x) => x.i === i).length <= 2);
    const refused = results.filter((x) => !x.r.ok).map((x) => x.r);
    assert.ok(refused.some((r) => !r.ok && r.scope === "global" && r.retryAfterSeconds === 15 && /MAX_PROCESSES_FLEET/.test(r.message)));
    assert.ok(refused.some((r) => !r.ok && r.scope === "instance" && r.retryAfterSeconds === 1));
    assert.deepEqual(await caps[0].counts(), { global: 5, instance: admitted.filter((x) => x.i === 0).length });
    // Admitting a chat that already has a slot is not a new process.
    const first = admitted[0];
    assert.equal((await caps[first.i].admit(first.chatId)).ok, true);
    assert.equal((await caps[0].counts()).global, 5);
    // Releasing frees a slot for anyone.
    for (const x of admitted.filter((y) => y.i === first.i)) await caps[first.i].release(x.chatId);
    const after = await Promise.all([caps[0].admit("late-0"), caps[1].admit("late-1"), caps[2].admit("late-2")]);
    assert.ok(after.some((r) => r.ok));
    await Promise.all(caps.map((c) => c.releaseAll()));
    assert.equal((await caps[0].counts()).global, 0);
  });

  it("caps: a killed instance's slots vanish after their TTL; refresh keeps a live one's", async () => {
    const live = new PiCaps({ redis: await connect(), instanceId: "alive", globalCap: () => 2, instanceCap: () => 0, ttlMs: 500 });
    const dead = new PiCaps({ redis: await connect(), instanceId: "dead", globalCap: () => 2, instanceCap: () => 0, ttlMs: 500 });
    assert.equal((await live.admit("s-live")).ok, true);
    assert.equal((await dead.admit("s-dead")).ok, true);
    assert.equal((await live.admit("s-more")).ok, false, "full");
    live.startRefresh(100);
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(await live.counts(), { global: 1, instance: 1 }, "the dead one's slot expired, ours was refreshed");
    assert.equal((await live.admit("s-more")).ok, true);
    live.stop();
    await live.releaseAll();
  });
});
