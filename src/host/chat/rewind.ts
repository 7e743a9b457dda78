// "Rewind to here" on an earlier user message: the files back to the checkpoint taken before
// it, the conversation forked at it (pi's own fork), or both. The user's own edits since then
// are listed first and overwritten only when the user agreed; a rewind is itself a checkpoint,
// so "Undo rewind" puts the files back. While pi works, a rewind stops the run first or is refused.
import * as path from "node:path";
import { ActionError, errorText } from "../../protocol/actionError";
import type { NoticeItem } from "../../protocol/transcript";
import type { RewindMode, RewindOutcome, RewindPreview } from "../../protocol/types";
import { type Checkpoint, CheckpointError, type CheckpointStoreApi, type RestorePlan } from "../checkpoints";
import type { FileEditor } from "../review/fileEditor";
import type { ChatCore } from "./chatCore";
import type { PiSessionHistory } from "./piSessionHistory";
import type { ChatReview } from "./review";

export interface RewindDeps {
  core: ChatCore;
  history: PiSessionHistory;
  review: ChatReview;
  chatId: string;
  /** Stops pi's run and resolves once pi settled and its checkpoint is taken. */
  stopRun(): Promise<void>;
}

const NO_CHECKPOINT = "No checkpoint was taken before that message (it was sent before checkpoints were recorded for this folder, or they are off).";

export class ChatRewind {
  constructor(private readonly deps: RewindDeps) {}

  async preview(entryId: string, editor: FileEditor): Promise<RewindPreview> {
    const text = await this.messageText(entryId);
    const working = this.deps.core.status === "working";
    const target = await this.target(entryId).catch((err: unknown) => errorText(err));
    if (typeof target === "string") return { files: { available: false, reason: target }, text, working };
    const plan = await target.store.previewRestore(target.checkpoint.id);
    return { files: { available: true, write: plan.write, delete: plan.delete, keep: plan.keep, userEdits: this.userEdits(plan, editor) }, text, working };
  }

  async rewind(params: { entryId: string; mode: RewindMode; overwrite?: boolean; stop?: boolean }, editor: FileEditor): Promise<RewindOutcome> {
    if (this.deps.core.status === "working") {
      if (!params.stop) throw new ActionError("refused", "pi is working. Stop the run first (Stop and rewind), then rewind.");
      await this.deps.stopRun();
    }
    await this.deps.review.idle();
    const label = await this.messageText(params.entryId);
    const outcome: RewindOutcome = { restored: [], deleted: [], kept: [] };
    if (params.mode !== "conversation") {
      const { store, checkpoint } = await this.target(params.entryId).catch((err: unknown) => {
        throw new ActionError("refused", `Cannot rewind the files: ${errorText(err)}`);
      });
      const plan = await store.previewRestore(checkpoint.id);
      this.confirmOverwrite(this.userEdits(plan, editor), params.overwrite, "since that message");
      const result = await this.restore(store, checkpoint.id);
      Object.assign(outcome, { undoId: result.undo.id, restored: result.restored, deleted: result.deleted, kept: result.kept });
    }
    if (params.mode !== "files") {
      try {
        outcome.text = await this.deps.history.fork(params.entryId);
      } catch (err) {
        // The files are restored already: say so, and keep Undo reachable.
        if (outcome.undoId) this.notice(`The files were rewound, but the conversation could not be forked: ${errorText(err)}`, outcome.undoId, "warning");
        throw err;
      }
    }
    const what = params.mode === "files" ? "the files" : params.mode === "conversation" ? "the conversation" : "the files and the conversation";
    this.notice(`Rewound ${what} to before “${short(label)}”.${filesLine(outcome)}${outcome.text !== undefined ? " The conversation continues from there; the earlier one stays in the past sessions." : ""}`, outcome.undoId);
    return outcome;
  }

  async undo(undoId: string, overwrite: boolean | undefined, editor: FileEditor): Promise<Omit<RewindOutcome, "undoId" | "text">> {
    if (this.deps.core.status === "working") throw new ActionError("refused", "pi is working. Stop the run first, then undo the rewind.");
    const store = await this.deps.review.requireStore();
    await this.deps.review.idle();
    let cp: Checkpoint;
    try {
      cp = await store.get(undoId);
    } catch (err) {
      throw new ActionError("refused", `Cannot undo the rewind: ${errorText(err)}`);
    }
    if (cp.kind !== "rewind") throw new ActionError("invalid_params", "That checkpoint was not taken by a rewind.");
    const plan = await store.previewRestore(cp.id);
    this.confirmOverwrite(this.userEdits(plan, editor), overwrite, "since the rewind");
    const result = await this.restore(store, cp.id);
    const outcome = { restored: result.restored, deleted: result.deleted, kept: result.kept };
    this.notice(`Undid the rewind: the files are back as they were before it.${filesLine(outcome)}`);
    return outcome;
  }

  /** The message's text; refuses an entry that is not a user message of this pi session. */
  private async messageText(entryId: string): Promise<string> {
    const point = (await this.deps.history.forkPoints()).find((p) => p.entryId === entryId);
    if (!point) throw new ActionError("not_found", "That message is not in this chat's pi session (any more).");
    return point.text;
  }

  /** The checkpoint before the message; throws (with the reason for the user) when there is none. */
  private async target(entryId: string): Promise<{ store: CheckpointStoreApi; checkpoint: Checkpoint }> {
    const store = await this.deps.review.store();
    const sessionId = this.deps.history.sessionId;
    if (!store || !sessionId) throw new Error("checkpoints are off for this chat's folder.");
    const checkpoint = await store.checkpointFor(sessionId, entryId);
    if (!checkpoint) {
      // A store deleted with its record of which message had which checkpoint: say that, not "none was taken".
      const reset = store.lastReset();
      if (reset) throw new Error(`no checkpoint of that message is left: this folder's checkpoint store was started anew on ${new Date(reset.at).toLocaleString()} because ${reset.reason}.`);
      throw new Error(NO_CHECKPOINT);
    }
    return { store, checkpoint };
  }

  /** What the restore would overwrite that pi did not write: the user's edits, and unsaved editors. */
  private userEdits(plan: RestorePlan, editor: FileEditor): string[] {
    const touched = [...plan.write, ...plan.delete];
    const unsaved = touched.filter((p) => editor.unsaved(path.join(this.deps.review.folder, ...p.split("/"))));
    return [...new Set([...plan.userEdits.map((c) => c.path), ...unsaved])].sort();
  }

  private confirmOverwrite(edits: string[], overwrite: boolean | undefined, since: string): void {
    if (edits.length === 0 || overwrite) return;
    const list = edits.length > 10 ? `${edits.slice(0, 10).join(", ")} and ${edits.length - 10} more` : edits.join(", ");
    throw new ActionError("refused", `These files changed outside pi ${since}: ${list}. Rewinding overwrites them (Undo rewind brings them back); confirm to go on.`);
  }

  private async restore(store: CheckpointStoreApi, checkpointId: string) {
    const sessionId = this.deps.history.sessionId;
    if (!sessionId) throw new ActionError("refused", "pi has not started yet.");
    try {
      return await store.restore(checkpointId, { sessionId, chatId: this.deps.chatId });
    } catch (err) {
      if (err instanceof CheckpointError) throw new ActionError("refused", err.message);
      throw err;
    }
  }

  private notice(text: string, undoRewind?: string, level: NoticeItem["level"] = "info"): void {
    const id = `rw-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    this.deps.core.builder.apply({ op: "add", item: { kind: "notice", id, level, text, ...(undoRewind ? { undoRewind } : {}) } });
  }
}

function short(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 60 ? `${one.slice(0, 60)}…` : one;
}

function filesLine(o: { restored: string[]; deleted: string[]; kept: Array<{ path: string; reason: string }> }): string {
  const parts = [o.restored.length ? `${o.restored.length} restored` : "", o.deleted.length ? `${o.deleted.length} deleted` : ""].filter(Boolean);
  const kept = o.kept.length ? ` Left as they are: ${o.kept.map((k) => `${k.path} (${k.reason})`).join("; ")}.` : "";
  return (parts.length ? ` Files: ${parts.join(", ")}.` : "") + kept;
}
