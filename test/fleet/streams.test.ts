// Chat events in Redis Streams against a real redis-server: one XADD per batch, replay after a
// stream id, gap detection, the blocking reader's fan-out, and the fleet SSE hub: a client cut
// mid-answer and resumed on another instance ends with exactly the model's text, nothing lost
// and nothing repeated — also across a Redis outage on the owner.
import * as assert from "node:assert/strict";
import { EventStreams, parseStreamId, streamFrame } from "../../src/server/fleet/eventStream";
import { FleetSseHub, type PositionedSnapshot } from "../../src/server/fleet/fleetSse";
import { FleetRedis } from "../../src/server/fleet/redis";
import { StreamReader } from "../../src/server/fleet/streamReader";
import { RedisServer, waitUntil } from "./support";
import { StreamingChat, ViewSink } from "./view";

const ANSWER = Array.from({ length: 60 }, (_, i) => `Line ${i}: the quick brown fox jumps over the lazy dog.\n`).join("");

describe("fleet: event streams and SSE", function () {
  this.timeout(60_000);
  let redis: RedisServer;
  const closers: Array<() => Promise<void> | void> = [];
  const instance = async (name: string) => {
    const r = await FleetRedis.connect({ url: redis.url, commandTimeoutMs: 1_000 });
    const streams = new EventStreams({ redis: r, maxLen: 200 });
    const reader = new StreamReader({ redis: r, streams, blockMs: 5_000 });
    closers.push(async () => {
      await reader.close();
      await r.close();
    });
    return { name, redis: r, streams, reader };
  };
  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });
  after(async () => {
    await redis.stop();
  });

  it("append → increasing stream ids; readSince replays exactly the entries after an id", async () => {
    const { streams } = await instance("a");
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await streams.append("c1", "patches", { n: i }));
    assert.deepEqual(
      [...ids].sort((x, y) => (x < y ? -1 : 1)),
      ids,
    );
    const read = await streams.readSince("c1", ids[3]);
    assert.equal(read.kind, "replay");
    assert.deepEqual(read.kind === "replay" && read.entries.map((e) => JSON.parse(e.data).n), [4, 5, 6, 7, 8, 9]);
    const none = await streams.readSince("c1", ids[9]);
    assert.deepEqual(none, { kind: "replay", entries: [] });
    assert.equal(streamFrame({ id: ids[0], type: "patches", data: '{"n":0}' }), `id: ${ids[0]}\nevent: patches\ndata: {"n":0}\n\n`);
  });

  it("a gap — trimmed, unknown or a single-instance seq — is reported, never silently skipped", async () => {
    const { streams } = await instance("a");
    const first = await streams.append("c2", "patches", { n: 0 });
    for (let i = 1; i < 1000; i++) await streams.append("c2", "patches", { n: i });
    const len = await streams.length("c2");
    assert.ok(len >= 200 && len < 400, `capped near MAXLEN ~200 (got ${len})`);
    assert.deepEqual(await streams.readSince("c2", first), { kind: "gap" }, "the entry was trimmed away");
    assert.deepEqual(await streams.readSince("c2", "1-0"), { kind: "gap" }, "an id that never was");
    assert.equal(parseStreamId("42"), undefined, "a seq from single-instance mode is no stream id: snapshot");
    assert.equal(parseStreamId("1733050000123-7"), "1733050000123-7");
    assert.equal(parseStreamId("1-2\nevent: x"), undefined);
  });

  it("the reader fans out to several listeners, in order, exactly once; a late one catches up", async () => {
    const w = await instance("writer");
    const r = await instance("reader");
    const base = await w.streams.append("c3", "patches", { n: -1 });
    const a: number[] = [];
    const b: number[] = [];
    r.reader.subscribe("c3", base, (e) => a.push(JSON.parse(e.data).n));
    for (let i = 0; i < 50; i++) await w.streams.append("c3", "patches", { n: i });
    await waitUntil("listener a", () => a.length === 50);
    r.reader.subscribe("c3", base, (e) => b.push(JSON.parse(e.data).n)); // behind the shared cursor
    for (let i = 50; i < 60; i++) await w.streams.append("c3", "patches", { n: i });
    await waitUntil("both listeners", () => a.length === 60 && b.length === 60);
    const expected = Array.from({ length: 60 }, (_, i) => i);
    assert.deepEqual(a, expected);
    assert.deepEqual(b, expected);
  });

  it("a new subscription interrupts a long block at once (CLIENT UNBLOCK)", async () => {
    const w = await instance("writer");
    const r = await instance("reader");
    const other = await w.streams.append("idle", "patches", {});
    r.reader.subscribe("idle", other, () => undefined); // the reader now blocks for up to 5 s
    await new Promise((res) => setTimeout(res, 100));
    const at = await w.streams.append("hot", "patches", { n: 0 });
    let gotAt = 0;
    r.reader.subscribe("hot", at, () => (gotAt = Date.now()));
    await new Promise((res) => setTimeout(res, 50));
    const sent = Date.now();
    await w.streams.append("hot", "patches", { n: 1 });
    await waitUntil("delivery", () => gotAt > 0, 3_000);
    assert.ok(gotAt - sent < 500, `delivered in ${gotAt - sent} ms, not after the 5 s block`);
  });

  it("SSE: create on A, stream from B; cut mid-answer, resume on C with Last-Event-ID: the exact text, once", async () => {
    const [a, b, c] = await Promise.all([instance("a"), instance("b"), instance("c")]);
    const fromOwner = async (id: string): Promise<PositionedSnapshot> => {
      const got = await hubs[0].positionedSnapshot(id);
      if (!got) throw new Error("not owned");
      return got;
    };
    const hubs: FleetSseHub[] = [a, b, c].map(
      (i) => new FleetSseHub({ streams: i.streams, reader: i.reader, clientBufferBytes: 8 << 20, heartbeatMs: 60_000, remoteSnapshot: fromOwner }),
    );
    const chat = new StreamingChat("chat-x");
    await hubs[0].own(chat);
    const first = new ViewSink();
    assert.equal(await hubs[1].subscribe("chat-x", first, undefined), "snapshot");
    const streaming = chat.stream(ANSWER, 3, 2);
    await waitUntil("half the answer on B", () => first.text.length > ANSWER.length / 2, 20_000, 5);
    hubs[1].unsubscribe("chat-x", first); // the connection is cut
    const resumeFrom = first.lastEventId;
    assert.ok(resumeFrom && parseStreamId(resumeFrom), `a stream id to resume from (${resumeFrom})`);
    await new Promise((r) => setTimeout(r, 100)); // the model keeps talking meanwhile
    const second = new ViewSink();
    second.state = first.state; // the page keeps its state; EventSource resumes
    second.batchSeqs = [...first.batchSeqs];
    assert.equal(await hubs[2].subscribe("chat-x", second, resumeFrom), "replay");
    await streaming;
    await waitUntil("the whole answer on C", () => second.text === ANSWER, 10_000, 5);
    assert.equal(new Set(second.batchSeqs).size, second.batchSeqs.length, "no batch delivered twice");
    assert.ok(
      second.frames.every((f) => f.event !== "snapshot"),
      "resumed by replay, not by a snapshot",
    );
    // A client straight at the owner sees the same ids.
    const direct = new ViewSink();
    await hubs[0].subscribe("chat-x", direct, undefined);
    assert.equal(direct.text, ANSWER);
    assert.equal(direct.frames[0].id, await a.streams.lastId("chat-x"));
    for (const h of hubs) await h.shutdown();
  });

  it("Redis down on the owner: local clients keep streaming; remote ones are repaired by a snapshot entry", async () => {
    const [a, b] = await Promise.all([instance("a"), instance("b")]);
    const hubA = new FleetSseHub({
      streams: a.streams,
      reader: a.reader,
      clientBufferBytes: 8 << 20,
      heartbeatMs: 60_000,
      remoteSnapshot: () => Promise.reject(new Error("owned here")),
    });
    const hubB = new FleetSseHub({
      streams: b.streams,
      reader: b.reader,
      clientBufferBytes: 8 << 20,
      heartbeatMs: 60_000,
      remoteSnapshot: async (id) => {
        const got = await hubA.positionedSnapshot(id);
        if (!got) throw new Error("gone");
        return got;
      },
    });
    a.redis.onState((s) => s === "ok" && void hubA.repairAll());
    const chat = new StreamingChat("chat-r");
    await hubA.own(chat);
    const local = new ViewSink();
    const remote = new ViewSink();
    await hubA.subscribe("chat-r", local, undefined);
    await hubB.subscribe("chat-r", remote, undefined);
    const part1 = ANSWER.slice(0, 1000);
    await chat.stream(part1, 5, 1);
    await waitUntil("part 1 everywhere", () => local.text === part1 && remote.text === part1, 5_000, 5);

    await redis.kill();
    const part2 = ANSWER.slice(1000, 2000);
    await chat.stream(part2, 5, 1);
    await waitUntil("local clients keep streaming", () => local.text === part1 + part2, 5_000, 5);
    assert.equal(remote.text, part1, "the remote client cannot see what never reached Redis");

    await redis.startProcess();
    await waitUntil("Redis back", () => a.redis.state === "ok", 10_000);
    await chat.stream(ANSWER.slice(2000), 5, 1);
    await waitUntil("remote repaired and complete", () => remote.text === ANSWER && local.text === ANSWER, 10_000, 5);
    assert.ok(
      remote.frames.some((f) => f.event === "snapshot" && f.id),
      "repaired through a snapshot entry in the stream",
    );
    await hubA.shutdown();
    await hubB.shutdown();
  });
});
