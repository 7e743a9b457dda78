// The view's copy of the transcript. Applies patch batches in order, ignores ones already
// folded into its snapshot, resyncs from a fresh snapshot when a patch does not fit, and
// notifies the UI at most once per animation frame while content streams (at once after a
// quiet moment). A long chat's older items page in on demand (olderItems.ts); patches for
// items not paged in yet are skipped, not resynced for.
import type { ChatSnapshot, ChatState, PatchBatch, UserItem } from "../src/protocol/transcript";
import { applyPatch, emptyState, isStreamedPatch, stateFromSnapshot } from "../src/protocol/transcript";
import { OlderItemsLoader, type PagedStore } from "./olderItems";
import type { ChatTransport } from "./transport";

type Listener = () => void;

/** pi answers every message with its own copy of it; should that never come, the echo goes. */
const ECHO_MAX_MS = 60_000;
/** One frame at 60 Hz. */
const FRAME_MS = 16;
/**
 * No change for this long is a quiet moment. Three frames: a stream's batches come a frame or
 * so apart (the host sends at most one per 16 ms), and those must keep rendering in the frame's
 * own callback, with its layout, not in their message's task and again in the frame.
 */
const QUIET_MS = 3 * FRAME_MS;

export class ChatStore implements PagedStore {
  state: ChatState = emptyState();
  /** Bumped on every change, so components can memoize on it. */
  version = 0;
  private readonly listeners = new Set<Listener>();
  /** The notification pending: a requestAnimationFrame id, or -1 for a microtask. */
  private frame = 0;
  /** When streamed content last rendered. */
  private flushedAt = Number.NEGATIVE_INFINITY;
  private streamedPending = false;
  private resyncing: Promise<void> | undefined;
  /** The items before the ones held, paged in as the user scrolls up. */
  readonly older: OlderItemsLoader;
  /**
   * Your message as this view sent it, shown at once at the end of the transcript until pi's
   * own copy arrives (pi takes a message and the host relays it 100–150 ms after Enter).
   */
  echo: UserItem | undefined;
  private echoes = 0;

  constructor(private readonly transport: ChatTransport) {
    this.older = new OlderItemsLoader(transport, this);
    transport.on("patches", (batch) => this.applyBatch(batch));
    transport.on("snapshot", (snapshot) => this.setSnapshot(snapshot));
  }

  /**
   * Asks the host for a snapshot. A lost or failed answer (the host was busy starting, or
   * restarting) is retried with backoff: a view that never connects would look dead.
   */
  connect(): Promise<void> {
    this.resyncing ??= this.connectWithRetry().finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  private async connectWithRetry(): Promise<void> {
    const waits = [0, 500, 1_000, 2_000, 4_000, 8_000];
    let lastError: unknown;
    for (const wait of waits) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      try {
        const snapshot = await Promise.race([
          this.transport.connect(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer from the host")), 5_000)),
        ]);
        if (snapshot && typeof snapshot === "object" && Array.isArray(snapshot.items)) return this.setSnapshot(snapshot);
        lastError = new Error("the host sent a malformed snapshot");
      } catch (err) {
        lastError = err;
      }
    }
    console.warn(`pi chat: could not connect: ${String(lastError)}`);
  }

  /** Takes a fresh snapshot (a patch did not fit). */
  resync(): void {
    void this.connect();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Shows `text` as your message now; the returned function takes it back (the send failed). */
  showEcho(text: string, imageCount = 0): () => void {
    const item: UserItem = { kind: "user", id: `echo-${++this.echoes}`, text, ...(imageCount ? { imageCount } : {}) };
    this.echo = item;
    this.changed();
    const drop = () => {
      if (this.echo !== item) return;
      this.echo = undefined;
      this.changed();
    };
    const timer = setTimeout(drop, ECHO_MAX_MS);
    return () => {
      clearTimeout(timer);
      drop();
    };
  }

  setSnapshot(snapshot: ChatSnapshot): void {
    // Another chat, or this one already holding the message as its last: the echo is done.
    if (this.echo) {
      const lastUser = [...snapshot.items].reverse().find((i) => i.kind === "user");
      if (snapshot.info?.chatId !== this.state.info?.chatId || (lastUser?.kind === "user" && lastUser.text === this.echo.text)) this.echo = undefined;
    }
    this.state = stateFromSnapshot(snapshot);
    this.older.reset();
    this.changed();
  }

  /** Pages in the items before the first one held (a long chat scrolled to its top). */
  readonly loadOlder = (): void => this.older.load();

  applyBatch(batch: PatchBatch): void {
    // A batch for another session (the view switched) or already in our snapshot.
    if (this.state.info && batch.chatId !== this.state.info.chatId) return;
    if (batch.seq <= this.state.seq) return;
    for (const patch of batch.patches) {
      if (applyPatch(this.state, patch) || this.older.skip(batch.seq, patch)) continue;
      this.resync();
      return;
    }
    this.state.seq = batch.seq;
    if (this.echo && batch.patches.some((p) => p.op === "add" && p.item.kind === "user")) this.echo = undefined;
    this.older.caughtUp();
    this.changed(batch.patches.some(isStreamedPatch));
  }

  /** `streamed`: the change holds streamed content (see isStreamedPatch). */
  changed(streamed = false): void {
    this.version++;
    this.streamedPending ||= streamed;
    if (this.frame) return;
    const flush = () => {
      this.frame = 0;
      if (this.streamedPending) this.flushedAt = performance.now();
      this.streamedPending = false;
      this.listeners.forEach((l) => l());
    };
    // A change after a quiet moment renders in this task, so the next frame paints it (your
    // message, an answer's first piece); while content streams, changes wait for a frame, so a
    // flood of deltas still renders once per frame. Only streamed content ends a quiet moment:
    // the answer's item, added a few ms before its first words, does not hold them back.
    if (performance.now() - this.flushedAt > QUIET_MS) {
      this.frame = -1;
      queueMicrotask(flush);
    } else this.frame = typeof requestAnimationFrame === "function" ? requestAnimationFrame(flush) : (setTimeout(flush, FRAME_MS) as unknown as number);
  }
}
