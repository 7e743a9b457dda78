// What the buttons of tool cards do in VS Code: "Open diff" shows a write/edit's change in a
// diff editor (focus stays in the chat), a path opens the file if it is inside the chat's
// workspace folder. Wired into the router, which has already validated the request and
// found the session of the view that sent it.
import * as path from "node:path";
import * as vscode from "vscode";
import type { ChatHost } from "../host/chatHost";
import { resolveWorkspaceFile } from "../host/workspaceFile";
import type { ChatRouter } from "./chatRouter";
import { DIFF_SCHEME, DiffDocuments, diffUri } from "./diffDocuments";

export function registerToolCardCommands(context: vscode.ExtensionContext, router: ChatRouter, host: ChatHost): void {
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, new DiffDocuments(host)));
  router.toolCardActions = {
    async openFile(session, requested) {
      const file = await resolveWorkspaceFile(session.cwd, requested);
      await vscode.commands.executeCommand("vscode.open", vscode.Uri.file(file), { preview: true });
    },
    async openDiff(session, toolCallId) {
      const change = session.toolChange(toolCallId);
      if (!change) throw new Error("This change cannot be shown: its before and after were not kept.");
      const name = path.basename(change.path) || "file";
      // Resolves once the editor shows; closing the tab later concerns nobody.
      await vscode.commands.executeCommand(
        "vscode.diff",
        diffUri(session.id, change.key, "before", name),
        diffUri(session.id, change.key, "after", name),
        `${name} (pi's change)`,
        { preview: true, preserveFocus: true },
      );
    },
  };
}
