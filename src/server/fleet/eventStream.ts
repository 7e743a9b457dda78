// A chat's events in a Redis Stream, so that any instance can replay them. One XADD per
// frame batch (never per delta), capped with MAXLEN ~. SSE ids are stream ids.
//
// SSE ids: single-instance mode sends the transcript seq ("42"); fleet mode sends the stream
// id ("1733050000123-0"). Browsers treat Last-Event-ID as an opaque string and send back
// whichever they last saw. A stream id is found in the stream → the entries after it are
// replayed; anything else (a seq from before fleet mode, an id trimmed away, an id from a Redis
// that lost its data) is a gap → the caller sends a snapshot. The test for "nothing was lost"
// is exact: the id the client last saw must still be in the stream (XRANGE from it,
// inclusive); then everything after it is too. The stream never has to be searched by seq.
import type { FleetRedis } from "./redis";

export interface StreamEntry {
  /** The stream id, which is also the SSE id. */
  id: string;
  /** The SSE event name: "patches", "snapshot", "notice", "closed", … */
  type: string;
  /** The event's JSON text, sent as the SSE data line unchanged. */
  data: string;
}

export type ReadResult = { kind: "replay"; entries: StreamEntry[] } | { kind: "gap" };

export interface EventStreamOptions {
  redis: FleetRedis;
  /** Entries kept per chat, approximately (MAXLEN ~); like the single instance's replayBatches. */
  maxLen?: number;
  /** A stream nobody appended to for this long is deleted by Redis (default 24 h). */
  idleTtlMs?: number;
}

const STREAM_ID = /^(\d{1,16})-(\d{1,16})$/;

/** A Last-Event-ID that is a stream id, else undefined (a legacy seq or garbage → snapshot). */
export function parseStreamId(value: string | string[] | undefined): string | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  return v !== undefined && STREAM_ID.test(v) ? v : undefined;
}

/** Orders stream ids as Redis does (milliseconds, then sequence). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return am !== bm ? am - bm : as - bs;
}

/** The SSE frame of an entry: its stream id is the event id. */
export function streamFrame(entry: StreamEntry): string {
  return `id: ${entry.id}\nevent: ${entry.type}\ndata: ${entry.data}\n\n`;
}

/** Stream entries as Redis returns them: [id, [field, value, …]]. */
export function entriesFrom(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const out: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== "string" || !Array.isArray(item[1])) continue;
    const fields = item[1] as unknown[];
    let type = "";
    let data = "";
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === "t") type = String(fields[i + 1]);
      else if (fields[i] === "d") data = String(fields[i + 1]);
    }
    if (type) out.push({ id: item[0], type, data });
  }
  return out;
}

export class EventStreams {
  readonly maxLen: number;
  private readonly idleTtlMs: number;
  /** When each chat's stream expiry was last pushed back: once per tenth of the TTL, not per append. */
  private readonly expirySetAt = new Map<string, number>();

  constructor(private readonly options: EventStreamOptions) {
    this.maxLen = options.maxLen ?? 2000;
    this.idleTtlMs = options.idleTtlMs ?? 24 * 3600_000;
  }

  key(chatId: string): string {
    return this.options.redis.key("events", chatId);
  }

  /**
   * Appends one event (a whole patch batch, a snapshot, a notice) and returns its stream id.
   * `data` is the event's JSON text (or a value to stringify). Appends to one chat are sent in
   * call order on one connection, so their ids increase in that order.
   */
  async append(chatId: string, type: string, data: unknown): Promise<string> {
    const text = typeof data === "string" ? data : JSON.stringify(data);
    const { client } = this.options.redis;
    const key = this.key(chatId);
    const now = Date.now();
    const id = client.xadd(key, "MAXLEN", "~", this.maxLen, "*", "t", type, "d", text);
    const last = this.expirySetAt.get(chatId);
    if (last === undefined || now - last > this.idleTtlMs / 10) {
      this.expirySetAt.set(chatId, now);
      client.pexpire(key, this.idleTtlMs).catch(() => this.expirySetAt.delete(chatId));
    }
    const got = await id;
    if (!got) throw new Error(`XADD to ${key} returned no id`);
    return got;
  }

  /** The entries after `lastId`, or "gap" when `lastId` is no longer (or never was) in the stream. */
  async readSince(chatId: string, lastId: string, limit = this.maxLen): Promise<ReadResult> {
    const raw = await this.options.redis.client.xrange(this.key(chatId), lastId, "+", "COUNT", limit + 1);
    const entries = entriesFrom(raw);
    if (entries.length === 0 || entries[0].id !== lastId) return { kind: "gap" };
    // More than a stream's worth behind: a snapshot is cheaper than the replay.
    if (entries.length > limit) return { kind: "gap" };
    return { kind: "replay", entries: entries.slice(1) };
  }

  /** Entries strictly after `afterId` (up to `limit`), oldest first: the reader's catch-up. */
  async after(chatId: string, afterId: string, limit = this.maxLen): Promise<StreamEntry[]> {
    return entriesFrom(await this.options.redis.client.xrange(this.key(chatId), `(${afterId}`, "+", "COUNT", limit));
  }

  /** The newest entry's id, if the stream has any. */
  async lastId(chatId: string): Promise<string | undefined> {
    const raw = await this.options.redis.client.xrevrange(this.key(chatId), "+", "-", "COUNT", 1);
    return entriesFrom(raw)[0]?.id;
  }

  async length(chatId: string): Promise<number> {
    return this.options.redis.client.xlen(this.key(chatId));
  }

  /** The chat is gone for good (closed by its user): drop its stream. */
  async remove(chatId: string): Promise<void> {
    this.expirySetAt.delete(chatId);
    await this.options.redis.client.del(this.key(chatId));
  }
}
