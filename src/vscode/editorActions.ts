// Code blocks' Copy and Insert in VS Code: the clipboard, and the cursor(s) of the editor the
// user last worked in. Insert never steals focus from the chat and never opens a file.
import * as vscode from "vscode";
import { ActionError } from "../protocol/actionError";

export async function copyToClipboard(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
}

export async function insertAtCursor(text: string): Promise<void> {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (!editor) throw new ActionError("refused", "No editor is open: open a file, put the cursor where the code goes, then Insert.");
  const ok = await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, text);
  });
  if (!ok) throw new ActionError("refused", "The editor refused the insert (it may be read-only).");
}
