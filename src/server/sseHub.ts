// Server-Sent Events per session. Every event carries an id (the transcript seq), and each
// session keeps a bounded buffer of recent batches so a client reconnecting with Last-Event-ID
// gets exactly what it missed — or a fresh snapshot when the gap is older than the buffer.
// A client that cannot keep up is dropped (it reconnects); it never slows the others down.
import type { ChatSnapshot, PatchBatch } from "../protocol/transcript";
import type { ViewEventData, ViewEventName } from "../protocol/viewEvents";

/** What a stream needs from a chat (Chat satisfies it). */
export interface StreamSource {
  readonly id: string;
  snapshot(): ChatSnapshot;
  onBatch(listener: (batch: PatchBatch) => void): () => void;
  onSnapshot(listener: (snapshot: ChatSnapshot) => void): () => void;
  /** How many browsers stream this chat now (its views show who else is there). */
  setBrowserViewers?(count: number): void;
  /** Text a pi extension puts into the composer (not replayed: it is for whoever watches now). */
  onComposerText?(listener: (text: string) => void): () => void;
}

/** The writable end of one SSE response (http.ServerResponse satisfies it). */
export interface SseSink {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

export interface SseLimits {
  replayBatches: number;
  replayBytes: number;
  clientBufferBytes: number;
  heartbeatMs: number;
}

export type SseLog = (level: "debug" | "info" | "warn", message: string) => void;

interface Buffered {
  seq: number;
  frame: string;
}

/** One SSE frame; event names and their data come from the event table (protocol/viewEvents.ts). */
export function sseFrame<E extends ViewEventName>(event: E, data: ViewEventData<E>, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Parses Last-Event-ID; undefined unless it is a plain non-negative integer. */
export function parseLastEventId(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || !/^\d{1,15}$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

class SessionStream {
  readonly clients = new Set<SseSink>();
  private buffer: Buffered[] = [];
  private head = 0;
  private bufferedBytes = 0;
  /** Every batch after this seq is in the buffer (contiguously). */
  private floorSeq = 0;
  private lastSeq = 0;
  private readonly unsubscribe: Array<() => void>;
  /** Batches replayed / snapshots sent on (re)connect, for tests and logs. */
  stats = { replays: 0, snapshots: 0, dropped: 0 };

  constructor(
    readonly source: StreamSource,
    private readonly limits: SseLimits,
    private readonly log: SseLog,
  ) {
    this.unsubscribe = [
      source.onBatch((b) => this.onBatch(b)),
      source.onSnapshot((s) => this.onSnapshot(s)),
      source.onComposerText?.((text) => this.broadcast(sseFrame("draft", { text, replace: true }))) ?? (() => undefined),
    ];
    // snapshot() flushes pending patches (through onBatch above); the snapshot includes them.
    const initial = source.snapshot();
    this.reset(initial.seq);
  }

  private reset(seq: number): void {
    this.buffer = [];
    this.head = 0;
    this.bufferedBytes = 0;
    this.floorSeq = seq;
    this.lastSeq = seq;
  }

  private onBatch(batch: PatchBatch): void {
    if (batch.seq <= this.lastSeq) return;
    const frame = sseFrame("patches", batch, batch.seq);
    this.buffer.push({ seq: batch.seq, frame });
    this.bufferedBytes += frame.length;
    this.lastSeq = batch.seq;
    while (this.buffer.length - this.head > this.limits.replayBatches || (this.bufferedBytes > this.limits.replayBytes && this.buffer.length - this.head > 1)) {
      const old = this.buffer[this.head++];
      this.bufferedBytes -= old.frame.length;
      this.floorSeq = old.seq;
    }
    if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    this.broadcast(frame);
  }

  private onSnapshot(snapshot: ChatSnapshot): void {
    this.reset(snapshot.seq);
    this.broadcast(sseFrame("snapshot", snapshot, snapshot.seq));
  }

  /** Starts a client: the batches after `lastEventId` when the buffer still holds them all, else a snapshot. */
  connect(sink: SseSink, lastEventId: number | undefined): "replay" | "snapshot" {
    let mode: "replay" | "snapshot" = "snapshot";
    if (lastEventId !== undefined && lastEventId >= this.floorSeq && lastEventId <= this.lastSeq) {
      const start = this.indexAfter(lastEventId);
      if (start !== undefined) {
        mode = "replay";
        this.stats.replays++;
        sink.write("retry: 1000\n\n");
        for (let i = start; i < this.buffer.length; i++) sink.write(this.buffer[i].frame);
      }
    }
    if (mode === "snapshot") {
      this.stats.snapshots++;
      // May deliver a pending batch to the current clients first; this one is not registered yet.
      const snapshot = this.source.snapshot();
      sink.write("retry: 1000\n\n");
      sink.write(sseFrame("snapshot", snapshot, snapshot.seq));
    }
    this.clients.add(sink);
    this.clientsChanged();
    this.checkBackpressure(sink);
    return mode;
  }

  /** Index of the first buffered batch after `seq`, when `seq` is a known boundary. */
  private indexAfter(seq: number): number | undefined {
    if (seq === this.floorSeq) return this.head;
    let lo = this.head;
    let hi = this.buffer.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.buffer[mid].seq;
      if (s === seq) return mid + 1;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  remove(sink: SseSink): void {
    this.clients.delete(sink);
    this.clientsChanged();
  }

  broadcast(frame: string): void {
    for (const sink of this.clients) {
      if (sink.destroyed) {
        this.clients.delete(sink);
        this.clientsChanged();
        continue;
      }
      sink.write(frame);
      this.checkBackpressure(sink);
    }
  }

  private checkBackpressure(sink: SseSink): void {
    if (sink.writableLength <= this.limits.clientBufferBytes) return;
    this.stats.dropped++;
    this.log("warn", `SSE client of chat ${this.source.id} fell ${sink.writableLength} bytes behind: dropped (it reconnects with Last-Event-ID)`);
    this.clients.delete(sink);
    this.clientsChanged();
    sink.destroy();
  }

  /** Ends the stream with a last event: the chat closed, or the server is going away. */
  close(last: string): void {
    this.unsubscribe.forEach((u) => u());
    for (const sink of this.clients) {
      if (!sink.destroyed) {
        sink.write(last);
        sink.end();
      }
    }
    this.clients.clear();
    this.clientsChanged();
  }

  private clientsChanged(): void {
    this.source.setBrowserViewers?.(this.clients.size);
  }

  get bufferedBatches(): number {
    return this.buffer.length - this.head;
  }
}

export class SseHub {
  private readonly streams = new Map<string, SessionStream>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly limits: SseLimits,
    private readonly log: SseLog = () => undefined,
  ) {
    this.heartbeat = setInterval(() => {
      for (const s of this.streams.values()) s.broadcast(": heartbeat\n\n");
    }, limits.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Starts buffering a session's batches (call when the session is created, before any client). */
  attach(source: StreamSource): void {
    if (!this.streams.has(source.id)) this.streams.set(source.id, new SessionStream(source, this.limits, this.log));
  }

  has(id: string): boolean {
    return this.streams.has(id);
  }

  ids(): string[] {
    return [...this.streams.keys()];
  }

  /** Subscribes a client; returns how it was started, or undefined for an unknown session. */
  subscribe(id: string, sink: SseSink, lastEventId: number | undefined): "replay" | "snapshot" | undefined {
    const stream = this.streams.get(id);
    return stream?.connect(sink, lastEventId);
  }

  unsubscribe(id: string, sink: SseSink): void {
    this.streams.get(id)?.remove(sink);
  }

  /** The session is gone: tell its clients and end their streams. */
  detach(id: string, last: string = sseFrame("closed", { chatId: id })): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    stream.close(last);
  }

  /** Graceful shutdown: a `shutdown` event to every client, then the streams end. */
  shutdown(reason = "The server is shutting down."): void {
    clearInterval(this.heartbeat);
    for (const id of [...this.streams.keys()]) this.detach(id, sseFrame("shutdown", { reason }));
  }

  clientCount(id?: string): number {
    if (id !== undefined) return this.streams.get(id)?.clients.size ?? 0;
    let n = 0;
    for (const s of this.streams.values()) n += s.clients.size;
    return n;
  }

  stats(id: string): { replays: number; snapshots: number; dropped: number; bufferedBatches: number } | undefined {
    const s = this.streams.get(id);
    return s ? { ...s.stats, bufferedBatches: s.bufferedBatches } : undefined;
  }
}
