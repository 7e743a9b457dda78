// The VS Code face of a review change: a WorkspaceEdit on the document, so Ctrl+Z undoes it
// and what the user has not saved elsewhere in it stays. A document that was saved before the
// edit is saved after it (pi and the disk see the revert); one with unsaved changes is left
// unsaved — those changes are the user's to save. Creating and deleting go through the edit's
// file operations, which VS Code can undo too.
import * as vscode from "vscode";
import type { TextEdit } from "../../host/checkpoints";
import { CHANGED_MEANWHILE, type FileEditor, readRegularFile, ReviewConflict } from "../../host/review/fileEditor";

function openDocument(absolute: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === "file" && d.uri.fsPath === absolute);
}

async function apply(edit: vscode.WorkspaceEdit): Promise<void> {
  if (!(await vscode.workspace.applyEdit(edit))) throw new ReviewConflict("VS Code did not apply the change (the file may be read-only or open elsewhere).");
}

function isText(content: Buffer): boolean {
  return !content.subarray(0, 8000).includes(0);
}

export const workspaceEditor: FileEditor = {
  undoable: true,

  async read(absolute) {
    const doc = openDocument(absolute);
    // An open editor's text is what the user sees, unsaved changes included.
    if (doc && !doc.isClosed) return Buffer.from(doc.getText(), "utf8");
    return readRegularFile(absolute);
  },

  unsaved(absolute) {
    return openDocument(absolute)?.isDirty ?? false;
  },

  async replace(absolute, expected, edit: TextEdit) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(absolute));
    if (doc.getText() !== expected) throw new ReviewConflict(CHANGED_MEANWHILE);
    const wasDirty = doc.isDirty;
    const change = new vscode.WorkspaceEdit();
    change.replace(doc.uri, new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.length)), edit.text);
    await apply(change);
    if (!wasDirty) await doc.save();
  },

  async write(absolute, content) {
    const uri = vscode.Uri.file(absolute);
    const exists = await readRegularFile(absolute).then(
      (b) => b !== undefined,
      () => true,
    );
    const change = new vscode.WorkspaceEdit();
    if (!exists) {
      change.createFile(uri, { contents: content, ignoreIfExists: false });
      await apply(change);
      return;
    }
    if (!isText(content)) {
      await vscode.workspace.fs.writeFile(uri, content); // a binary file has no document to edit
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const wasDirty = doc.isDirty;
    change.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), content.toString("utf8"));
    await apply(change);
    if (!wasDirty) await doc.save();
  },

  async delete(absolute) {
    const change = new vscode.WorkspaceEdit();
    change.deleteFile(vscode.Uri.file(absolute), { ignoreIfNotExists: true });
    await apply(change);
  },
};
