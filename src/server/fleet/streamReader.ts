// Follows the streams of chats owned by other instances, for this instance's SSE clients:
// one XREAD BLOCK over all followed chats on a dedicated connection, fanned out to local
// listeners. A change in the followed set interrupts the block with CLIENT UNBLOCK from the
// ordinary connection. Each listener gets every entry after the id it subscribed from, in
// order, exactly once — a late subscriber first catches up with XRANGE.
import type { Redis } from "ioredis";
import { compareStreamIds, entriesFrom, type EventStreams, type StreamEntry } from "./eventStream";
import { message, type FleetLog, type FleetRedis } from "./redis";

export type EntryListener = (entry: StreamEntry) => void;

interface Sub {
  listener: EntryListener;
  /** Deliver only entries after this id. */
  after: string;
  /** While catching up: live entries wait here. */
  pending?: StreamEntry[];
}

interface Followed {
  cursor: string;
  subs: Set<Sub>;
}

export interface StreamReaderOptions {
  redis: FleetRedis;
  streams: EventStreams;
  /** Longest single block (default 5 s); a change in the followed set interrupts it anyway. */
  blockMs?: number;
  /** Most entries per stream per read (default 512). */
  count?: number;
  /**
   * Pause after a read that returned entries (default 0), so that the next read collects the
   * entries of every chat that streamed meanwhile: fewer XREADs when many chats stream at once,
   * at the cost of up to this much latency for clients that follow another instance's chats.
   */
  coalesceMs?: number;
  log?: FleetLog;
}

export class StreamReader {
  private readonly conn: Redis;
  private readonly chats = new Map<string, Followed>();
  private readerId: string | undefined;
  private closed = false;
  private blocked = false;
  private generation = 0;
  private idle: (() => void) | undefined;
  private readonly log: FleetLog;
  private readonly loop: Promise<void>;
  /** Reads done (for the Redis-commands-per-delta figure). */
  reads = 0;

  constructor(private readonly options: StreamReaderOptions) {
    this.log = options.log ?? (() => undefined);
    this.conn = options.redis.duplicate("stream-reader");
    this.conn.on("ready", () => (this.readerId = undefined));
    this.loop = this.run();
  }

  /** Calls `listener` with every entry of the chat's stream after `afterId`; returns the unsubscribe. */
  subscribe(chatId: string, afterId: string, listener: EntryListener): () => void {
    const sub: Sub = { listener, after: afterId };
    const chat = this.chats.get(chatId);
    if (!chat) {
      this.chats.set(chatId, { cursor: afterId, subs: new Set([sub]) });
      this.wake();
    } else {
      chat.subs.add(sub);
      if (compareStreamIds(afterId, chat.cursor) < 0) void this.catchUp(chatId, sub);
    }
    return () => {
      const c = this.chats.get(chatId);
      if (!c) return;
      c.subs.delete(sub);
      if (c.subs.size === 0) {
        this.chats.delete(chatId);
        this.wake();
      }
    };
  }

  followed(): string[] {
    return [...this.chats.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    this.chats.clear();
    this.wake();
    this.conn.disconnect();
    await this.loop.catch(() => undefined);
  }

  /** A subscriber behind the shared cursor reads the entries it missed, then joins the live feed. */
  private async catchUp(chatId: string, sub: Sub): Promise<void> {
    sub.pending = [];
    let last = sub.after;
    try {
      for (;;) {
        const got = await this.options.streams.after(chatId, last, 1000);
        for (const e of got) sub.listener(e);
        if (got.length) last = got[got.length - 1].id;
        if (got.length < 1000) break;
      }
    } catch (err) {
      this.log("warn", "stream catch-up failed", { chatId, err: message(err) });
    }
    sub.after = last;
    const pending = sub.pending;
    sub.pending = undefined;
    for (const e of pending) if (compareStreamIds(e.id, sub.after) > 0) this.deliver(sub, e);
  }

  private deliver(sub: Sub, entry: StreamEntry): void {
    if (sub.pending) {
      sub.pending.push(entry);
      return;
    }
    if (compareStreamIds(entry.id, sub.after) <= 0) return;
    sub.after = entry.id;
    sub.listener(entry);
  }

  /** Makes the loop re-read the followed set now. CLIENT UNBLOCK may land before the block starts: retry until the loop moves on. */
  private wake(): void {
    const seen = this.generation;
    this.idle?.();
    const poke = (tries: number) => {
      if (this.closed || this.generation !== seen || tries <= 0) return;
      if (this.blocked && this.readerId) void this.options.redis.client.call("CLIENT", "UNBLOCK", this.readerId).catch(() => undefined);
      setTimeout(() => poke(tries - 1), 25).unref();
    };
    poke(40);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      this.generation++;
      if (this.chats.size === 0) {
        await new Promise<void>((resolve) => (this.idle = resolve));
        this.idle = undefined;
        continue;
      }
      try {
        if (this.conn.status !== "ready") await this.ready();
        this.readerId ??= String(await this.conn.call("CLIENT", "ID"));
        const ids = [...this.chats.keys()];
        const args = [
          "COUNT",
          this.options.count ?? 512,
          "BLOCK",
          this.options.blockMs ?? 5_000,
          "STREAMS",
          ...ids.map((id) => this.options.streams.key(id)),
          ...ids.map((id) => this.chats.get(id)?.cursor ?? "$"),
        ];
        this.blocked = true;
        this.reads++;
        const reply = await this.conn.call("XREAD", ...args);
        this.blocked = false;
        this.dispatch(ids, reply);
        const pause = this.options.coalesceMs ?? 0;
        if (pause > 0 && reply) await new Promise((r) => setTimeout(r, pause));
      } catch (err) {
        this.blocked = false;
        if (this.closed) return;
        this.log("debug", "stream read failed; retrying", { err: message(err) });
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private dispatch(ids: string[], reply: unknown): void {
    const byKey = new Map(ids.map((id) => [this.options.streams.key(id), id]));
    for (const [key, raw] of streamsOf(reply)) {
      const chatId = byKey.get(key);
      const chat = chatId !== undefined ? this.chats.get(chatId) : undefined;
      if (!chat) continue;
      for (const entry of entriesFrom(raw)) {
        if (compareStreamIds(entry.id, chat.cursor) <= 0) continue;
        chat.cursor = entry.id;
        for (const sub of chat.subs) this.deliver(sub, entry);
      }
    }
  }

  private ready(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.conn.off("ready", done);
        resolve();
      };
      const t = setTimeout(done, 1_000);
      this.conn.once("ready", done);
    });
  }
}

/**
 * XREAD's reply as [key, entries] pairs. RESP2 gives [[key, entries], …]; ioredis 6 may hand
 * the map form over flattened as [key, entries, key, entries, …]. Null (timeout, unblock) → none.
 */
export function streamsOf(reply: unknown): Array<[string, unknown]> {
  if (!Array.isArray(reply)) return [];
  const out: Array<[string, unknown]> = [];
  if (typeof reply[0] === "string") {
    for (let i = 0; i + 1 < reply.length; i += 2) if (typeof reply[i] === "string") out.push([reply[i] as string, reply[i + 1]]);
    return out;
  }
  for (const item of reply) if (Array.isArray(item) && typeof item[0] === "string") out.push([item[0], item[1]]);
  return out;
}
