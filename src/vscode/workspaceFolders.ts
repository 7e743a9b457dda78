// Which workspace folder a new chat runs in (multi-root: ask).
import * as vscode from "vscode";

export async function pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file");
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: "Which folder should pi work in?" });
}

export function noFolderMessage(): string {
  return "Open a folder first: pi runs in a workspace folder and is confined to it.";
}
