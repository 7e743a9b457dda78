// Test helpers for the SSE building blocks: a chat that streams patches through the real
// PatchBatcher and transcript reducer (what Chat does, without pi), an SSE sink that parses the
// frames it is written, and a view that applies them exactly as webview/chatStore.ts does.
import { PatchBatcher } from "../../src/host/patchBatcher";
import {
  applyPatch,
  emptyState,
  snapshotFromState,
  stateFromSnapshot,
  type ChatInfo,
  type ChatPatch,
  type ChatSnapshot,
  type ChatState,
  type PatchBatch,
} from "../../src/protocol/transcript";
import type { SseSink, StreamSource } from "../../src/server/sseHub";

export class StreamingChat implements StreamSource {
  readonly state: ChatState = emptyState();
  private readonly batchListeners = new Set<(b: PatchBatch) => void>();
  private readonly snapshotListeners = new Set<(s: ChatSnapshot) => void>();
  private readonly batcher: PatchBatcher;
  readonly info: ChatInfo;

  constructor(readonly id: string) {
    this.info = { chatId: id, cwd: "/work", title: id };
    this.batcher = new PatchBatcher(
      id,
      () => this.state.seq,
      (b) => this.batchListeners.forEach((l) => l(b)),
    );
    this.push({ op: "add", item: { kind: "assistant", id: "a1", blocks: [], streaming: true } });
  }

  push(patch: ChatPatch): void {
    applyPatch(this.state, patch);
    this.state.seq++;
    this.batcher.push(patch);
  }

  /** Streams `text` as one-character deltas, `perTick` per macrotask (a fast model). */
  async stream(text: string, perTick = 5, tickMs = 1): Promise<void> {
    for (let i = 0; i < text.length; i += perTick) {
      for (const ch of text.slice(i, i + perTick)) this.push({ op: "append", itemId: "a1", block: 0, blockType: "text", delta: ch });
      await new Promise((r) => setTimeout(r, tickMs));
    }
    this.batcher.flush();
  }

  snapshot(): ChatSnapshot {
    this.batcher.flush();
    return snapshotFromState(this.state, this.info);
  }

  /** A reset, as Chat emits after a restart. */
  reset(): void {
    this.batcher.flush();
    const s = this.snapshot();
    this.snapshotListeners.forEach((l) => l(s));
  }

  onBatch(listener: (b: PatchBatch) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  onSnapshot(listener: (s: ChatSnapshot) => void): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }
}

export function assistantText(state: ChatState): string {
  const item = state.items.find((i) => i.id === "a1");
  if (item?.kind !== "assistant") return "";
  return item.blocks.map((b) => (b.type === "text" ? b.text : "")).join("");
}

export interface Frame {
  id?: string;
  event: string;
  data: string;
}

export function parseFrames(text: string): { frames: Frame[]; rest: string } {
  const frames: Frame[] = [];
  let rest = text;
  for (let end = rest.indexOf("\n\n"); end >= 0; end = rest.indexOf("\n\n")) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const f: Frame = { event: "message", data: "" };
    let any = false;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") f.id = value;
      else if (field === "event") f.event = value;
      else if (field === "data") f.data = value;
      else continue;
      any = true;
    }
    if (any && (f.data || f.id)) frames.push(f);
  }
  return { frames, rest };
}

/** An SseSink that keeps the frames, and a view state built from them like the webview's. */
export class ViewSink implements SseSink {
  writableLength = 0;
  destroyed = false;
  ended = false;
  frames: Frame[] = [];
  lastEventId: string | undefined;
  state: ChatState = emptyState();
  /** Every batch seq applied, to catch duplicates the seq filter would hide. */
  batchSeqs: number[] = [];
  private buffer = "";

  write(chunk: string): boolean {
    if (this.ended) throw new Error("write after end");
    const { frames, rest } = parseFrames(this.buffer + chunk);
    this.buffer = rest;
    for (const f of frames) this.apply(f);
    return true;
  }

  end(): void {
    this.ended = true;
  }

  destroy(): void {
    this.destroyed = true;
  }

  get text(): string {
    return assistantText(this.state);
  }

  private apply(f: Frame): void {
    this.frames.push(f);
    if (f.id) this.lastEventId = f.id;
    if (f.event === "snapshot") this.state = stateFromSnapshot(JSON.parse(f.data) as ChatSnapshot);
    else if (f.event === "patches") {
      const batch = JSON.parse(f.data) as PatchBatch;
      this.batchSeqs.push(batch.seq);
      if (batch.seq <= this.state.seq) return;
      for (const p of batch.patches) if (!applyPatch(this.state, p)) throw new Error(`patch did not apply: ${JSON.stringify(p)}`);
      this.state.seq = batch.seq;
    }
  }
}
