// The VS Code face of the action table: the shared chat actions plus what only VS Code does —
// a new chat shown in *this* view, the editor, the clipboard, the local files.
import { type ActionHandler, type ActionHandlers, sharedChatActions } from "../host/chatActions";
import { type ReviewActionName, reviewActions, reviewError } from "../host/reviewActions";
import { ActionError } from "../protocol/actionError";
import type { VscodeActionName } from "../protocol/actions";
import type { ViewContext } from "./chatRouter";
import { activeProblems, vscodeFileSearch } from "./contextCommands";
import { copyToClipboard, insertAtCursor } from "./editorActions";
import { offerExported, openInEditor } from "./sessionFileActions";
import { openProposal } from "./review/proposalEditor";
import type { VscodeReview } from "./review/registerReview";
import { workspaceEditor } from "./review/workspaceEditor";
import { openToolDiff, openToolFile } from "./toolCardCommands";
import { viewActions } from "./viewActions";

const done = {};

/** The review actions with VS Code's editor (WorkspaceEdits); each one refreshes the lenses and diff editors after. */
function vscodeReviewActions(review: VscodeReview): ActionHandlers<ReviewActionName> {
  const handlers = reviewActions(workspaceEditor);
  const refreshing = <K extends ReviewActionName>(h: ActionHandler<K>): ActionHandler<K> => async (params, ctx) => {
    try {
      return await h(params, ctx);
    } finally {
      review.refresh();
    }
  };
  return {
    ...handlers,
    keepHunk: refreshing(handlers.keepHunk),
    keepFile: refreshing(handlers.keepFile),
    keepTurn: refreshing(handlers.keepTurn),
    revertHunk: refreshing(handlers.revertHunk),
    revertFile: refreshing(handlers.revertFile),
    revertTurn: refreshing(handlers.revertTurn),
    rewind: refreshing(handlers.rewind),
    undoRewind: refreshing(handlers.undoRewind),
  };
}

export function vscodeActions(review: VscodeReview): ActionHandlers<VscodeActionName, ViewContext> {
  return {
    ...sharedChatActions(vscodeFileSearch()),
    ...vscodeReviewActions(review),
    ...viewActions(),
    exportHtml: async (_, ctx) => {
      const path = await ctx.chat().history.exportHtml();
      void offerExported(path);
      return { path };
    },
    openPiSessionFile: async (_, ctx) => {
      const file = ctx.chat().piSessionFile;
      if (!file) throw new ActionError("not_found", "This chat has no pi session file yet.");
      await openInEditor(file);
      return done;
    },
    openFile: async ({ path }, ctx) => {
      await openToolFile(ctx.chat(), path);
      return done;
    },
    openDiff: async ({ toolCallId }, ctx) => {
      await openToolDiff(ctx.chat(), toolCallId);
      return done;
    },
    openChange: async ({ turnId, path }, ctx) => {
      await review.openChange(ctx.chat(), turnId, path).catch((err: unknown) => {
        throw reviewError(err);
      });
      return done;
    },
    openProposal: async ({ dialogId }, ctx) => {
      await openProposal(ctx.chat(), dialogId);
      return done;
    },
    copyText: async ({ text }) => {
      await copyToClipboard(text);
      return done;
    },
    insertText: async ({ text }) => {
      await insertAtCursor(text);
      return done;
    },
    problems: async (_, ctx) => ({ text: await activeProblems(ctx.folder()) }),
  };
}
