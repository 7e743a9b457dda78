// The event stream over real HTTP against a real pi: snapshot first, then patch batches with
// ids; a killed connection resumes from Last-Event-ID without losing or repeating anything.
import * as assert from "node:assert/strict";
import { applyPatch, stateFromSnapshot, type ChatSnapshot, type ChatState, type PatchBatch } from "../../src/protocol/transcript";
import { SseHub, type SseSink, type StreamSource } from "../../src/server/sseHub";
import { assistantText, waitFor } from "../support/piFixture";
import { createReadyChat, errorCode, floodText, request, SseClient, startServerFixture, type ServerFixture, type SseEvent } from "./support";

/** Applies events like a view: a snapshot replaces the state, batches at or below its seq are ignored. */
class View {
  state: ChatState | undefined;
  lastId: string | undefined;
  applied = 0;
  skipped = 0;

  apply(ev: SseEvent): void {
    if (ev.id !== undefined) this.lastId = ev.id;
    if (ev.event === "snapshot") {
      const snap = JSON.parse(ev.data) as ChatSnapshot;
      assert.equal(String(snap.seq), ev.id, "a snapshot's id is its seq");
      this.state = stateFromSnapshot(snap);
    } else if (ev.event === "patches") {
      const batch = JSON.parse(ev.data) as PatchBatch;
      assert.equal(String(batch.seq), ev.id, "a batch's id is its seq");
      assert.ok(this.state, "a batch never arrives before a snapshot");
      if (batch.seq <= this.state.seq) {
        this.skipped++;
        return;
      }
      for (const p of batch.patches) assert.ok(applyPatch(this.state, p), `patch ${p.op} applies`);
      this.state.seq = batch.seq;
      this.applied++;
    }
  }

  text(): string {
    return this.state ? assistantText(this.state.items) : "";
  }

  done(expected: string): boolean {
    const s = this.state;
    if (s?.status !== "ready") return false;
    const last = s.items[s.items.length - 1];
    return !!last && last.kind === "assistant" && !last.streaming && this.text() === expected;
  }
}

describe("server: SSE event stream", function () {
  this.timeout(90_000);
  let f: ServerFixture;
  const clients: SseClient[] = [];

  const open = async (id: string, headers: Record<string, string> = {}) => {
    const c = new SseClient(f.port, `/api/v1/chats/${id}/events`, headers);
    clients.push(c);
    await c.open();
    return c;
  };

  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await f?.cleanup();
  });

  it("sends the snapshot first, with SSE headers", async () => {
    f = await startServerFixture();
    const id = await createReadyChat(f);
    const c = await open(id);
    assert.equal(c.status, 200);
    assert.match(String(c.headers["content-type"]), /^text\/event-stream/);
    assert.match(String(c.headers["cache-control"]), /no-cache/);
    assert.equal(c.headers["x-accel-buffering"], "no");
    assert.equal(c.headers["content-encoding"], undefined);
    await c.until("the snapshot", () => c.events.length >= 1);
    assert.equal(c.events[0].event, "snapshot");
    const snap = JSON.parse(c.events[0].data) as ChatSnapshot;
    assert.equal(snap.info.chatId, id);
    assert.equal(snap.status, "ready");
  });

  it("resumes a killed stream from Last-Event-ID mid-flood: the text is exactly what the model sent", async () => {
    f = await startServerFixture();
    const id = await createReadyChat(f);
    const expected = floodText(3000);
    const view = new View();
    const first = await open(id);
    await first.until("the snapshot", () => first.events.length >= 1);
    let consumed = 0;
    const drain = (c: SseClient) => {
      while (consumed < c.events.length) view.apply(c.events[consumed++]);
    };
    drain(first);
    const accepted = await request(f.port, `/api/v1/chats/${id}/prompt`, { method: "POST", body: { text: "flood 3000" } });
    assert.equal(accepted.status, 200);
    assert.deepEqual(accepted.json, {});
    // Kill the connection as soon as some streamed text has arrived.
    await first.until("some streamed text", () => {
      drain(first);
      return view.text().length > 0;
    });
    first.close();
    const textAtKill = view.text().length;
    const killedAt = view.lastId;
    assert.ok(killedAt, "events carry ids");
    await new Promise((r) => setTimeout(r, 150)); // more batches happen while disconnected
    consumed = 0;
    const second = await open(id, { "last-event-id": killedAt });
    await second.until("the whole flood", () => {
      drain(second);
      return view.done(expected);
    });
    assert.equal(view.text(), expected);
    assert.ok(second.events.every((e) => e.event !== "snapshot"), "the gap was replayed from the buffer, not resent as a snapshot");
    assert.equal(view.skipped, 0, "no batch was sent twice");
    assert.ok(textAtKill < expected.length, `the connection died mid-stream (${textAtKill}/${expected.length} letters)`);
    const stats = f.server.hub.stats(id);
    assert.ok(stats && stats.replays >= 1);
    // The view equals the host's truth.
    assert.equal(assistantText(f.fx.host.get(id)?.snapshot().items ?? []), expected);
  });

  it("sends a fresh snapshot when the gap is older than the replay buffer", async () => {
    f = await startServerFixture({ replayBatches: 3 });
    const id = await createReadyChat(f);
    const first = await open(id);
    await first.until("the snapshot", () => first.events.length >= 1);
    const oldId = first.events[0].id ?? "";
    first.close();
    const expected = Array.from({ length: 40 }, (_, i) => `w${i} `).join("");
    assert.equal((await request(f.port, `/api/v1/chats/${id}/prompt`, { method: "POST", body: { text: "slow 40" } })).status, 200);
    await waitFor("the slow reply to finish", () => {
      const s = f.fx.host.get(id);
      return s?.status === "ready" && assistantText(s.snapshot().items) === expected;
    }, 30_000);
    const view = new View();
    const second = await open(id, { "last-event-id": oldId });
    await second.until("a snapshot", () => second.events.length >= 1);
    assert.equal(second.events[0].event, "snapshot", "too old for the buffer: a snapshot, not a partial replay");
    view.apply(second.events[0]);
    assert.equal(view.text(), expected);
  });

  it("answers a garbage or future Last-Event-ID with a snapshot", async () => {
    f = await startServerFixture();
    const id = await createReadyChat(f);
    for (const bad of ["abc", "-1", "999999999", "1e3", ""]) {
      const c = await open(id, { "last-event-id": bad });
      await c.until("a snapshot", () => c.events.length >= 1);
      assert.equal(c.events[0].event, "snapshot", `Last-Event-ID ${JSON.stringify(bad)}`);
      c.close();
    }
  });

  it("feeds several clients the same batches, and 404s an unknown chat's stream", async () => {
    f = await startServerFixture();
    const id = await createReadyChat(f);
    const views = [new View(), new View(), new View()];
    const cs = await Promise.all(views.map(() => open(id)));
    assert.equal((await request(f.port, `/api/v1/chats/${id}/prompt`, { method: "POST", body: { text: "flood 500" } })).status, 200);
    const expected = floodText(500);
    await Promise.all(
      cs.map((c, i) => {
        let n = 0;
        return c.until("the flood", () => {
          while (n < c.events.length) views[i].apply(c.events[n++]);
          return views[i].done(expected);
        });
      }),
    );
    assert.equal(f.server.hub.clientCount(id), 3);
    const missing = await request(f.port, "/api/v1/chats/nope/events");
    assert.equal(missing.status, 404);
    assert.equal(errorCode(missing), "not_found");
  });

  it("sends `closed` when the chat is closed and `shutdown` on graceful close; new chats get 503 meanwhile", async () => {
    f = await startServerFixture();
    const a = await createReadyChat(f);
    const b = await createReadyChat(f);
    const ca = await open(a);
    const cb = await open(b);
    await ca.until("snapshot", () => ca.events.length >= 1);
    await cb.until("snapshot", () => cb.events.length >= 1);
    assert.equal((await request(f.port, `/api/v1/chats/${a}`, { method: "DELETE" })).status, 200);
    await ca.until("closed", () => ca.events.some((e) => e.event === "closed") && ca.ended);
    assert.deepEqual(JSON.parse(ca.events.find((e) => e.event === "closed")?.data ?? "null"), { chatId: a });
    const closing = f.server.close();
    const refused = await request(f.port, "/api/v1/chats", { method: "POST" });
    assert.equal(refused.status, 503);
    assert.equal(errorCode(refused), "unavailable");
    assert.equal(refused.headers["retry-after"], "5");
    await cb.until("shutdown", () => cb.events.some((e) => e.event === "shutdown") && cb.ended);
    await closing;
    assert.equal(f.fx.host.chats().length, 0, "every pi stopped");
  });
});

// The hub alone, with a fake chat and fake responses: back-pressure, buffer bounds, heartbeat.
class FakeSource implements StreamSource {
  readonly id = "fake";
  seq = 0;
  private batchL = new Set<(b: PatchBatch) => void>();
  private snapL = new Set<(s: ChatSnapshot) => void>();
  snapshot(): ChatSnapshot {
    return { info: { chatId: this.id, cwd: "/", title: "t" }, status: "ready", items: [], seq: this.seq };
  }
  onBatch(l: (b: PatchBatch) => void) {
    this.batchL.add(l);
    return () => this.batchL.delete(l);
  }
  onSnapshot(l: (s: ChatSnapshot) => void) {
    this.snapL.add(l);
    return () => this.snapL.delete(l);
  }
  emit(): void {
    this.seq++;
    const b: PatchBatch = { chatId: this.id, seq: this.seq, patches: [{ op: "status", status: "working" }] };
    this.batchL.forEach((l) => l(b));
  }
  replace(): void {
    this.seq++;
    const s = this.snapshot();
    this.snapL.forEach((l) => l(s));
  }
}

class FakeSink implements SseSink {
  chunks: string[] = [];
  writableLength = 0;
  destroyed = false;
  ended = false;
  stalled = false;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (this.stalled) this.writableLength += chunk.length;
    return !this.stalled;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  ids(): number[] {
    return this.chunks.flatMap((c) => /^id: (\d+)/.exec(c)?.[1] ?? []).map(Number);
  }
}

describe("server: SSE hub (unit)", () => {
  const limits = { replayBatches: 5, replayBytes: 1_000_000, clientBufferBytes: 2_000, heartbeatMs: 20 };

  it("drops a stalled client without affecting the others", () => {
    const hub = new SseHub(limits);
    const src = new FakeSource();
    hub.attach(src);
    const fast = new FakeSink();
    const slow = new FakeSink();
    hub.subscribe(src.id, fast, undefined);
    hub.subscribe(src.id, slow, undefined);
    slow.stalled = true;
    for (let i = 0; i < 100; i++) src.emit();
    assert.ok(slow.destroyed, "the stalled client was dropped");
    assert.ok(slow.writableLength <= limits.clientBufferBytes + 200, "its backlog stayed bounded");
    assert.equal(fast.destroyed, false);
    assert.equal(fast.ids().length, 101, "the fast client got the snapshot and every batch");
    assert.equal(hub.clientCount(src.id), 1);
    assert.equal(hub.stats(src.id)?.dropped, 1);
    hub.shutdown();
  });

  it("keeps a bounded replay buffer and replays exactly the missed batches", () => {
    const hub = new SseHub(limits);
    const src = new FakeSource();
    hub.attach(src);
    for (let i = 0; i < 20; i++) src.emit();
    assert.equal(hub.stats(src.id)?.bufferedBatches, 5);
    const recent = new FakeSink();
    assert.equal(hub.subscribe(src.id, recent, 17), "replay");
    assert.deepEqual(recent.ids(), [18, 19, 20]);
    const old = new FakeSink();
    assert.equal(hub.subscribe(src.id, old, 10), "snapshot");
    assert.match(old.chunks.join(""), /event: snapshot/);
    const current = new FakeSink();
    assert.equal(hub.subscribe(src.id, current, 20), "replay");
    assert.deepEqual(current.ids(), []);
    // A whole-state replacement invalidates the buffer: old ids get a snapshot.
    src.replace();
    assert.match(current.chunks.join(""), /event: snapshot/);
    assert.equal(hub.subscribe(src.id, new FakeSink(), 20), "snapshot");
    hub.shutdown();
    assert.ok(current.ended && /event: shutdown/.test(current.chunks.join("")));
  });

  it("sends heartbeat comments", async () => {
    const hub = new SseHub(limits);
    const src = new FakeSource();
    hub.attach(src);
    const sink = new FakeSink();
    hub.subscribe(src.id, sink, undefined);
    await new Promise((r) => setTimeout(r, 70));
    assert.ok(sink.chunks.filter((c) => c === ": heartbeat\n\n").length >= 2);
    hub.shutdown();
  });
});
