// The review and rewind actions (issue 10), the same on both faces except for how a file is
// changed: VS Code passes an editor that applies WorkspaceEdits, the server one that writes the
// disk (review/fileEditor.ts). Every path goes through the store's path checks; the store's
// errors become the action errors views show as they are.
import { ActionError } from "../protocol/actionError";
import type { ActionHandler, ActionHandlers } from "./chatActions";
import type { Chat } from "./chat/chat";
import { BadRequestError, CheckpointError, CheckpointGoneError, type CheckpointStoreApi, PathRejectedError, summarize } from "./checkpoints";
import type { ActionName } from "../protocol/actions";
import { type FileEditor, ReviewConflict } from "./review/fileEditor";
import { fileDiff, keepFiles, keepOneHunk, type ReviewTarget, revertFiles, revertOneHunk, turnFiles } from "./review/fileReview";
import { proposalView } from "./review/proposals";

export type ReviewActionName =
  | "sessionChanges"
  | "fileDiff"
  | "revertHunk"
  | "keepHunk"
  | "revertFile"
  | "keepFile"
  | "revertTurn"
  | "keepTurn"
  | "rewindPreview"
  | "rewind"
  | "undoRewind"
  | "editProposal";

/** A failure of the store or of a plan as the action error a view shows. */
export function reviewError(err: unknown): unknown {
  if (err instanceof ActionError) return err;
  if (err instanceof PathRejectedError || err instanceof BadRequestError) return new ActionError("invalid_params", err.message);
  if (err instanceof CheckpointGoneError) return new ActionError("not_found", err.message);
  if (err instanceof ReviewConflict || err instanceof CheckpointError) return new ActionError("refused", err.message);
  return err;
}

function guarded<K extends ActionName>(handler: ActionHandler<K>): ActionHandler<K> {
  return async (params, ctx) => {
    try {
      return await handler(params, ctx);
    } catch (err) {
      throw reviewError(err);
    }
  };
}

/** The first checkpoint of the chat's pi session: the one before its first message that has one. */
async function sessionStart(chat: Chat, store: CheckpointStoreApi): Promise<string | undefined> {
  const sessionId = chat.history.sessionId;
  if (!sessionId) return undefined;
  for (const point of await chat.history.forkPoints()) {
    const bound = store.bindingOf(sessionId, point.entryId);
    if (bound) return bound;
  }
  return store.timeline(sessionId).find((t) => t.kind === "turn-start")?.id;
}

export function reviewActions(editor: FileEditor): ActionHandlers<ReviewActionName> {
  const target = async (chat: Chat): Promise<ReviewTarget> => ({ store: await chat.review.requireStore(), folder: chat.review.folder, editor });
  return {
    sessionChanges: guarded(async (_, ctx) => {
      const chat = ctx.chat();
      const store = await chat.review.requireStore();
      const first = await sessionStart(chat, store);
      const files = first ? await store.changes(first, "worktree") : [];
      return { files, summary: summarize(files), ...(first ? { turnId: first } : {}) };
    }),
    fileDiff: guarded(async ({ turnId, path }, ctx) => fileDiff(await target(ctx.chat()), turnId, path)),
    revertHunk: guarded(async ({ turnId, path, hunkId }, ctx) => revertOneHunk(await target(ctx.chat()), turnId, path, hunkId)),
    keepHunk: guarded(async ({ turnId, path, hunkId }, ctx) => keepOneHunk(await target(ctx.chat()), turnId, path, hunkId)),
    revertFile: guarded(async ({ turnId, path, overwrite }, ctx) => revertFiles(await target(ctx.chat()), turnId, [path], { overwrite, undoable: editor.undoable })),
    keepFile: guarded(async ({ turnId, path }, ctx) => keepFiles(await target(ctx.chat()), turnId, [path])),
    revertTurn: guarded(async ({ turnId, overwrite }, ctx) => {
      const t = await target(ctx.chat());
      return revertFiles(t, turnId, await turnFiles(t.store, turnId), { overwrite, undoable: editor.undoable });
    }),
    keepTurn: guarded(async ({ turnId }, ctx) => {
      const t = await target(ctx.chat());
      return keepFiles(t, turnId, await turnFiles(t.store, turnId));
    }),
    rewindPreview: guarded(async ({ entryId }, ctx) => ctx.chat().rewind.preview(entryId, editor)),
    rewind: guarded(async (params, ctx) => ctx.chat().rewind.rewind(params, editor)),
    undoRewind: guarded(async ({ undoId, overwrite }, ctx) => ctx.chat().rewind.undo(undoId, overwrite, editor)),
    editProposal: guarded(async ({ dialogId }, ctx) => {
      const chat = ctx.chat();
      const item = chat.dialog(dialogId);
      if (!item) throw new ActionError("not_found", "That question is not in this chat.");
      const view = proposalView(chat.snapshots?.dir, item);
      if (!view) throw new ActionError("invalid_params", "That question is not an edit proposal.");
      return view;
    }),
  };
}
