// The VS Code face of the action table: the shared chat actions plus what only VS Code does —
// a new chat shown in *this* view, the editor, the clipboard, the local files.
import { type ActionHandlers, sharedChatActions } from "../host/chatActions";
import { ActionError } from "../protocol/actionError";
import type { VscodeActionName } from "../protocol/actions";
import type { ViewContext } from "./chatRouter";
import { activeProblems, vscodeFileSearch } from "./contextCommands";
import { copyToClipboard, insertAtCursor } from "./editorActions";
import { offerExported, openInEditor } from "./sessionFileActions";
import { openToolDiff, openToolFile } from "./toolCardCommands";
import { viewActions } from "./viewActions";

const done = {};

export function vscodeActions(): ActionHandlers<VscodeActionName, ViewContext> {
  return {
    ...sharedChatActions(vscodeFileSearch()),
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
