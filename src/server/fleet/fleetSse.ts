// SSE in fleet mode: the SseHub counterpart whose event ids are stream ids.
// - A chat owned here: each batch is appended to its stream (one XADD), and local clients get
//   the frame with the id Redis assigned. If an append fails (Redis down), local clients still
//   get the frame (without an id, so their Last-Event-ID stays on the last stored event) and the
//   stream is repaired with a snapshot entry as soon as Redis answers: no reader misses a change.
// - A chat owned elsewhere: local clients are fed by the StreamReader.
// A (re)connecting client gets the entries after its Last-Event-ID from the stream, or a
// snapshot positioned in the stream (the entries after that position are exactly the newer ones).
import type { ChatSnapshot } from "../../protocol/transcript";
import type { SseSink, StreamSource } from "../sseHub";
import { compareStreamIds, streamFrame, type EventStreams, type StreamEntry } from "./eventStream";
import { message, type FleetLog } from "./redis";
import type { StreamReader } from "./streamReader";

/** A snapshot and its place in the stream: every entry after `streamId` is newer than it. */
export interface PositionedSnapshot {
  snapshot: ChatSnapshot;
  /** Undefined when Redis could not be reached (the client then resumes by snapshot). */
  streamId: string | undefined;
}

export interface FleetSseOptions {
  streams: EventStreams;
  reader: StreamReader;
  /** The owner's positioned snapshot of a chat owned elsewhere (an internal request to it). */
  remoteSnapshot: (chatId: string) => Promise<PositionedSnapshot>;
  clientBufferBytes: number;
  heartbeatMs: number;
  log?: FleetLog;
  /** Called per event delivered to a local client (the events-per-second metric). */
  onDelivered?: (count: number) => void;
}

interface Client {
  sink: SseSink;
  /** Frames after this stream id only (undefined: anything). */
  after?: string;
  /** Frames held while the client's start (replay or snapshot) is being written. */
  pending?: Array<{ id?: string; frame: string }>;
  unfollow?: () => void;
  ended?: boolean;
}

class OwnedChat {
  private chain: Promise<void> = Promise.resolve();
  lastId: string | undefined;
  broken = false;
  private readonly off: Array<() => void>;

  constructor(
    readonly source: StreamSource,
    private readonly streams: EventStreams,
    private readonly emit: (id: string | undefined, frame: string) => void,
    private readonly log: FleetLog,
  ) {
    this.off = [source.onBatch((b) => this.enqueue("patches", b)), source.onSnapshot((s) => this.enqueue("snapshot", s))];
  }

  /** Sent at once (pipelined, so ids follow call order); delivered locally in the same order. */
  enqueue(type: string, data: unknown): Promise<void> {
    const text = JSON.stringify(data);
    const appended = this.streams.append(this.source.id, type, text).then(
      (id) => id,
      (err: unknown) => {
        if (!this.broken) this.log("warn", "event append failed: local clients only until Redis is back", { chatId: this.source.id, err: message(err) });
        this.broken = true;
        return undefined;
      },
    );
    this.chain = this.chain.then(async () => {
      const id = await appended;
      if (id) this.lastId = id;
      this.emit(id, id ? streamFrame({ id, type, data: text }) : `event: ${type}\ndata: ${text}\n\n`);
    });
    return this.chain;
  }

  /** A snapshot entry that makes the stream whole again after failed appends. */
  async repair(): Promise<void> {
    if (!this.broken) return;
    this.broken = false;
    await this.enqueue("snapshot", this.source.snapshot());
  }

  async positioned(): Promise<PositionedSnapshot> {
    if (this.broken) await this.repair();
    const snapshot = this.source.snapshot(); // flushes pending patches into the chain first
    await this.chain;
    return { snapshot, streamId: this.broken ? undefined : this.lastId };
  }

  dispose(): void {
    this.off.forEach((o) => o());
  }

  settled(): Promise<void> {
    return this.chain;
  }
}

export class FleetSseHub {
  private readonly owned = new Map<string, OwnedChat>();
  private readonly clients = new Map<string, Set<Client>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly log: FleetLog;

  constructor(private readonly options: FleetSseOptions) {
    this.log = options.log ?? (() => undefined);
    this.heartbeat = setInterval(() => this.forAll((c) => this.write(c, ": heartbeat\n\n")), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * This instance now owns the chat: a snapshot entry opens (or, after a move, re-opens) its
   * stream, then `notice` if given (e.g. "continued on another server"). Local clients that
   * followed it from the stream reconnect and resume from their Last-Event-ID.
   */
  async own(source: StreamSource, notice?: unknown): Promise<void> {
    if (this.owned.has(source.id)) return;
    this.reconnectClients(source.id);
    const chat = new OwnedChat(source, this.options.streams, (id, frame) => this.broadcast(source.id, id, frame), this.log);
    this.owned.set(source.id, chat);
    const opened = chat.enqueue("snapshot", source.snapshot());
    if (notice !== undefined) void chat.enqueue("notice", notice);
    await opened;
  }

  /** Stops owning the chat (handed back, moved, lease lost); local clients reconnect and follow the stream. */
  async disown(chatId: string): Promise<void> {
    const chat = this.owned.get(chatId);
    if (!chat) return;
    this.owned.delete(chatId);
    chat.dispose();
    await chat.settled();
    this.reconnectClients(chatId);
  }

  isOwned(chatId: string): boolean {
    return this.owned.has(chatId);
  }

  /** For the internal route other instances call to start a client by snapshot. */
  async positionedSnapshot(chatId: string): Promise<PositionedSnapshot | undefined> {
    return this.owned.get(chatId)?.positioned();
  }

  /** After Redis comes back: repair every stream an append failed on. */
  async repairAll(): Promise<void> {
    await Promise.all([...this.owned.values()].map((c) => c.repair().catch(() => undefined)));
  }

  /**
   * Starts a client; resolves to how it was started. "unavailable": no snapshot could be had (the
   * owner is unreachable, e.g. dead and its lease not yet expired): the stream was ended and the
   * client's EventSource retries shortly.
   */
  async subscribe(chatId: string, sink: SseSink, lastEventId: string | undefined): Promise<"replay" | "snapshot" | "unavailable"> {
    const client: Client = { sink, pending: [] };
    const set = this.clients.get(chatId) ?? new Set<Client>();
    this.clients.set(chatId, set);
    set.add(client);
    this.write(client, "retry: 500\n\n", true);
    const owned = this.owned.get(chatId);
    let mode: "replay" | "snapshot" = "snapshot";
    try {
      if (lastEventId !== undefined && !owned?.broken) {
        const read = await this.options.streams.readSince(chatId, lastEventId);
        if (read.kind === "replay") {
          mode = "replay";
          for (const e of read.entries) this.write(client, streamFrame(e), true);
          client.after = read.entries.length ? read.entries[read.entries.length - 1].id : lastEventId;
        }
      }
    } catch (err) {
      this.log("debug", "replay from the stream failed; sending a snapshot", { chatId, err: message(err) });
    }
    if (mode === "snapshot") {
      let positioned: PositionedSnapshot;
      try {
        positioned = owned ? await owned.positioned() : await this.options.remoteSnapshot(chatId);
      } catch (err) {
        this.log("info", "no snapshot for an SSE client: it retries", { chatId, err: message(err) });
        this.drop(chatId, client, true);
        return "unavailable";
      }
      const { snapshot, streamId } = positioned;
      this.write(
        client,
        streamId ? streamFrame({ id: streamId, type: "snapshot", data: JSON.stringify(snapshot) }) : `event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`,
        true,
      );
      client.after = streamId;
    }
    const pending = client.pending ?? [];
    client.pending = undefined;
    for (const p of pending) if (!p.id || !client.after || compareStreamIds(p.id, client.after) > 0) this.write(client, p.frame);
    if (client.ended) return mode;
    if (!this.owned.has(chatId)) {
      // Without a stream position there is nothing to follow from: resume later (a reconnect).
      if (client.after === undefined) this.drop(chatId, client, true);
      else client.unfollow = this.options.reader.subscribe(chatId, client.after, (e) => this.fromStream(chatId, client, e));
    }
    return mode;
  }

  unsubscribe(chatId: string, sink: SseSink): void {
    const set = this.clients.get(chatId);
    for (const c of set ?? []) if (c.sink === sink) this.drop(chatId, c);
  }

  /** The chat was closed for good: readers elsewhere learn it from the stream; local clients now. */
  async close(chatId: string, data: unknown = { chatId }): Promise<void> {
    const chat = this.owned.get(chatId);
    if (chat) {
      await chat.enqueue("closed", data);
      chat.dispose();
      this.owned.delete(chatId);
    }
    this.endClients(chatId, `event: closed\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Graceful shutdown: a `shutdown` event to every local client, then the streams end (they reconnect elsewhere). */
  async shutdown(reason = "The server is shutting down."): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all([...this.owned.values()].map((c) => c.settled()));
    for (const c of this.owned.values()) c.dispose();
    this.owned.clear();
    for (const id of [...this.clients.keys()]) this.endClients(id, `event: shutdown\ndata: ${JSON.stringify({ reason })}\n\n`);
  }

  clientCount(chatId?: string): number {
    if (chatId !== undefined) return this.clients.get(chatId)?.size ?? 0;
    let n = 0;
    for (const s of this.clients.values()) n += s.size;
    return n;
  }

  private fromStream(chatId: string, client: Client, entry: StreamEntry): void {
    this.write(client, streamFrame(entry));
    if (entry.type === "closed") this.drop(chatId, client, true);
  }

  private broadcast(chatId: string, id: string | undefined, frame: string): void {
    for (const c of this.clients.get(chatId) ?? []) {
      if (c.pending) c.pending.push({ id, frame });
      else if (!id || !c.after || compareStreamIds(id, c.after) > 0) {
        if (id) c.after = id;
        this.write(c, frame);
      }
    }
  }

  /** Ends the streams without a final event: EventSource reconnects and resumes from Last-Event-ID. */
  private reconnectClients(chatId: string): void {
    for (const c of [...(this.clients.get(chatId) ?? [])]) this.drop(chatId, c, true);
  }

  private endClients(chatId: string, frame: string): void {
    for (const c of [...(this.clients.get(chatId) ?? [])]) {
      this.write(c, frame, true);
      this.drop(chatId, c, true);
    }
  }

  private drop(chatId: string, c: Client, end = false): void {
    c.unfollow?.();
    const set = this.clients.get(chatId);
    set?.delete(c);
    if (set && set.size === 0) this.clients.delete(chatId);
    if (end && !c.ended && !c.sink.destroyed) c.sink.end();
    c.ended = true;
  }

  private write(c: Client, frame: string, force = false): void {
    if (c.ended || c.sink.destroyed) return;
    if (c.pending && !force) {
      c.pending.push({ frame });
      return;
    }
    c.sink.write(frame);
    if (frame.startsWith("id: ") || frame.startsWith("event: ")) this.options.onDelivered?.(1);
    if (c.sink.writableLength > this.options.clientBufferBytes) {
      this.log("warn", "SSE client fell behind: dropped (it reconnects with Last-Event-ID)", { bytes: c.sink.writableLength });
      for (const [chatId, set] of this.clients) if (set.has(c)) this.drop(chatId, c);
      c.sink.destroy();
    }
  }

  private forAll(fn: (c: Client) => void): void {
    for (const set of this.clients.values()) for (const c of [...set]) fn(c);
  }
}
