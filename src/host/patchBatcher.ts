// Coalesces patches into at most one batch per frame interval. Consecutive appends to the
// same block merge into one, so a flood of one-character deltas becomes a few posts.
import type { ChatPatch, PatchBatch } from "../protocol/transcript";

export const FRAME_MS = 16;

export class PatchBatcher {
  private queue: ChatPatch[] = [];
  private timer: NodeJS.Timeout | undefined;

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
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Sends what is queued now (before a snapshot, or at shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queue.length) return;
    const patches = this.queue;
    this.queue = [];
    this.deliver({ chatId: this.chatId, seq: this.currentSeq(), patches });
  }

  /** Drops what is queued (a snapshot is about to replace it). */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }
}
