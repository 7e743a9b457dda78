// What the parts of one chat share: its transcript (builder + batcher), its listeners and the
// pi process it talks to. Each part (lifecycle, info, pi-session history, conversation) gets
// this object instead of reaching into the others.
import type { ChatSnapshot, ChatStatus, OlderItems, PatchBatch } from "../../protocol/transcript";
import { olderItemsOf, snapshotFromState } from "../../protocol/transcript";
import { PatchBatcher } from "../patchBatcher";
import type { Logger, PiProcess } from "../piProcess";
import type { ToolSnapshots } from "../toolSnapshots";
import { TranscriptBuilder } from "../transcriptBuilder";

type Listener<T> = (value: T) => void;

/**
 * Tells every listener; one that throws is logged, never allowed to break the transcript: these
 * run inside the handling of a pi event, and an exception there would drop the rest of it.
 */
function notify<T>(listeners: Set<Listener<T>>, value: T, log: Logger): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (err) {
      log("error", `a chat listener failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
}

export class ChatCore {
  readonly builder: TranscriptBuilder;
  readonly batcher: PatchBatcher;
  readonly batchListeners = new Set<Listener<PatchBatch>>();
  readonly snapshotListeners = new Set<Listener<ChatSnapshot>>();
  readonly statusListeners = new Set<Listener<ChatStatus>>();
  /** Status, header facts or an open question changed: what a list of chats shows. */
  readonly activityListeners = new Set<() => void>();
  /** A pi extension's setEditorText: the views put it into their composer. */
  readonly composerListeners = new Set<Listener<string>>();
  /** The running pi, if any (set and cleared by the lifecycle). */
  process: PiProcess | undefined;

  constructor(
    readonly chatId: string,
    snapshots: ToolSnapshots | undefined,
    /** The chat's info as of now (the snapshot carries it). */
    private readonly info: () => ChatSnapshot["info"],
    log: Logger = () => undefined,
  ) {
    this.batcher = new PatchBatcher(chatId, () => this.builder.state.seq, (batch) => this.batchListeners.forEach((l) => l(batch)));
    this.builder = new TranscriptBuilder((patch) => {
      this.batcher.push(patch);
      if (patch.op === "status") notify(this.statusListeners, patch.status, log);
      if (patch.op === "status" || patch.op === "info" || ((patch.op === "add" || patch.op === "replace") && patch.item.kind === "dialog")) {
        notify(this.activityListeners, undefined, log);
      }
    }, snapshots);
  }

  get status(): ChatStatus {
    return this.builder.state.status;
  }

  requireProcess(): PiProcess {
    const proc = this.process;
    if (!proc || proc.rpc.isClosed) throw new Error("pi is not running.");
    return proc;
  }

  setStatus(status: ChatStatus, detail?: string): void {
    if (this.status !== status || detail) this.builder.apply({ op: "status", status, detail });
  }

  fail(text: string, detail: string): void {
    this.builder.notice("error", text, detail);
    this.setStatus("error", detail);
  }

  /** Sends the current info to every view (after a model switch, a rename, new usage…). */
  infoChanged(): void {
    this.builder.apply({ op: "info", info: this.info() });
  }

  snapshot(): ChatSnapshot {
    return snapshotFromState(this.builder.state, this.info());
  }

  /** The items before `beforeId` (a page of a long chat's history); undefined when there is no such item. */
  olderItems(beforeId: string): OlderItems | undefined {
    return olderItemsOf(this.builder.state, beforeId);
  }

  /** Replaces every view's state: the transcript was rebuilt (history reloaded, another pi session). */
  resync(): void {
    const snapshot = this.snapshot();
    this.snapshotListeners.forEach((l) => l(snapshot));
  }
}
