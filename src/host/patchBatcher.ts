// Coalesces streamed content into at most one batch per frame interval. Consecutive appends to
// the same block merge into one, so a flood of one-character deltas becomes a few posts. After a
// quiet interval the first batch goes out on the next turn of the event loop (what pi sent in
// one read still goes together), not a frame later: the first token of an answer shows sooner.
// A batch without streamed content (the answer's item added, a status) opens no interval: pi
// sends the answer's first words a few ms after its start, and they must not wait a frame.
import { type ChatPatch, isStreamedPatch, type PatchBatch } from "../protocol/transcript";

export const FRAME_MS = 16;

export class PatchBatcher {
  private queue: ChatPatch[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastStreamed = -Infinity;

  constructor(
    private readonly chatId: string,
    private readonly currentSeq: () => number,
    private readonly deliver: (batch: PatchBatch) => void,
    private readonly intervalMs = FRAME_MS,
  ) {}

  push(patch: ChatPatch): void {
    const last = this.queue[this.queue.length - 1];
    if (
      last &&
      last.op === "append" &&
      patch.op === "append" &&
      last.itemId === patch.itemId &&
      last.block === patch.block &&
      last.blockType === patch.blockType
    ) {
      this.queue[this.queue.length - 1] = { ...last, delta: last.delta + patch.delta };
    } else if (last && last.op === "toolOutput" && patch.op === "toolOutput" && last.itemId === patch.itemId && !patch.reset) {
      this.queue[this.queue.length - 1] = { ...last, delta: last.delta + patch.delta };
    } else {
      this.queue.push(patch);
    }
    if (this.timer || this.immediate) return;
    const wait = this.lastStreamed + this.intervalMs - performance.now();
    if (wait <= 0) this.immediate = setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /** Sends what is queued now (before a snapshot, or at shutdown). */
  flush(): void {
    this.cancel();
    if (!this.queue.length) return;
    const patches = this.queue;
    this.queue = [];
    if (patches.some(isStreamedPatch)) this.lastStreamed = performance.now();
    this.deliver({ chatId: this.chatId, seq: this.currentSeq(), patches });
  }

  /** Drops what is queued (a snapshot is about to replace it). */
  discard(): void {
    this.cancel();
    this.queue = [];
  }
}
