// What the buttons of tool cards do in VS Code: "Open diff" shows a write/edit's change in a
// diff editor (focus stays in the chat), a path opens the file if it is inside the chat's
// workspace folder. The router has already validated the request and found the chat of the
// view that sent it.
import * as path from "node:path";
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import type { ChatHost } from "../host/chatHost";
import { resolveWorkspaceFile } from "../host/workspaceFile";
import { ActionError } from "../protocol/actionError";
import { DIFF_SCHEME, DiffDocuments, diffUri } from "./diffDocuments";

export function registerDiffDocuments(context: vscode.ExtensionContext, host: ChatHost): void {
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, new DiffDocuments(host)));
}

export async function openToolFile(chat: Chat, requested: string): Promise<void> {
  const file = await resolveWorkspaceFile(chat.cwd, requested);
  await vscode.commands.executeCommand("vscode.open", vscode.Uri.file(file), { preview: true });
}

export async function openToolDiff(chat: Chat, toolCallId: string): Promise<void> {
  const change = chat.toolChange(toolCallId);
  if (!change) throw new ActionError("not_found", "This change cannot be shown: its before and after were not kept.");
  const name = path.basename(change.path) || "file";
  // Resolves once the editor shows; closing the tab later concerns nobody.
  await vscode.commands.executeCommand(
    "vscode.diff",
    diffUri(chat.id, change.key, "before", name),
    diffUri(chat.id, change.key, "after", name),
    `${name} (pi's change)`,
    { preview: true, preserveFocus: true },
  );
}
