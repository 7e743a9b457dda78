// When to keep a spare pi (`pi.prewarm`): one per trusted workspace folder, replaced when a
// setting that changes pi's arguments changes, gone with its folder.
// The extension also activates when a window has finished starting (onStartupFinished): in a
// workspace where Pi has been used, the spare starts as soon as the chat machinery is up, so
// the first chat is as quick as any other — a chat the window restores takes the spare too (pi
// switches to its session), so that start is the window's only one. Where Pi has not run, no pi
// starts until one is wanted.
import * as vscode from "vscode";
import type { ChatHost } from "../host/chatHost";
import type { Logger } from "../host/piProcess";

/** workspaceState: a chat has run in this workspace (so a window opening it warms a spare at once). */
const USED_HERE = "pi.usedHere";

/** Settings whose change means a spare was started with the wrong arguments or environment. */
const PI_SETTINGS = ["pi.nodePath", "pi.agentDir", "pi.extraArgs", "pi.bash", "pi.edits", "pi.loadPiExtensions", "pi.vscodeModels", "pi.prewarm"];


export function watchPrewarm(context: vscode.ExtensionContext, host: ChatHost, log: Logger): void {
  const folders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
  const wanted = () => context.workspaceState.get<boolean>(USED_HERE) === true || host.chats().length > 0;
  const warmAll = () => {
    if (!vscode.workspace.isTrusted || !wanted()) return;
    for (const folder of folders()) host.prewarm(folder);
  };
  // After this turn: a view restored with the machinery asks for its chat first, and takes the spare.
  const timer = setTimeout(warmAll, 0);
  const offChange = host.onDidChange(() => {
    if (host.chats().length && !context.workspaceState.get<boolean>(USED_HERE)) void context.workspaceState.update(USED_HERE, true);
  });
  context.subscriptions.push(
    { dispose: () => clearTimeout(timer) },
    { dispose: offChange },
    vscode.workspace.onDidGrantWorkspaceTrust(warmAll),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const removed of e.removed) void host.dropSpare(removed.uri.fsPath);
      warmAll();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!PI_SETTINGS.some((s) => e.affectsConfiguration(s))) return;
      log("info", "pi's settings changed: replacing the spare pi");
      void host.refreshSpares().then(warmAll);
    }),
  );
}
