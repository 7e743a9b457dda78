// Code blocks' Copy and Insert in VS Code: the clipboard, and the cursor(s) of the editor the
// user last worked in. Insert never steals focus from the chat and never opens a file.
import * as vscode from "vscode";
import type { EditorActions } from "./chatRouter";

export function createEditorActions(): EditorActions {
  return {
    copy: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
    async insert(text) {
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!editor) throw new Error("No editor is open: open a file, put the cursor where the code goes, then Insert.");
      const ok = await editor.edit((edit) => {
        for (const selection of editor.selections) edit.replace(selection, text);
      });
      if (!ok) throw new Error("The editor refused the insert (it may be read-only).");
    },
  };
}
