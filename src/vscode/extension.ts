// Entry point: wires the session host (no vscode inside) to VS Code's UI.
import * as vscode from "vscode";
import type { ChatSession } from "../host/chatSession";
import { defaultGuardPath, defaultPiCliPath, SessionHost, type GuardConfig } from "../host/sessionHost";
import type { SessionSource } from "./chatBridge";
import { ChatPanels } from "./chatPanels";
import { ChatRouter } from "./chatRouter";
import { CHAT_VIEW_ID, ChatViewProvider } from "./chatViewProvider";
import { DemoModel } from "./demoSession";
import { ApiKeys } from "./apiKeys";
import { createLog } from "./log";
import { createVscodeUiHandler } from "./uiRequests";
import { noFolderMessage, pickWorkspaceFolder } from "./workspaceFolders";

/** What activate() returns: used by the extension tests, and by other extensions. */
export interface PiExtensionApi {
  host: SessionHost;
  /** How long activate() took, in ms (reported by the benchmarks). */
  activationMs: number;
}

const UNTRUSTED =
  "Pi is off in this untrusted workspace: the agent runs commands and edits files. " +
  "To use it, trust the folder (Command Palette → “Workspaces: Manage Workspace Trust”).";

let host: SessionHost | undefined;
let demo: DemoModel | undefined;

function settings() {
  return vscode.workspace.getConfiguration("pi");
}

export function activate(context: vscode.ExtensionContext): PiExtensionApi {
  const started = performance.now();
  const { channel, log } = createLog();
  context.subscriptions.push(channel);
  const apiKeys = new ApiKeys(context);
  const keysLoaded = apiKeys.load().catch((err: unknown) => log("warn", `could not read stored API keys: ${String(err)}`));
  const sessionHost = new SessionHost({
    piCliPath: defaultPiCliPath(context.extensionUri.fsPath),
    configuredNodePath: () => settings().get<string>("nodePath"),
    env: () => {
      const agentDir = settings().get<string>("agentDir")?.trim();
      return { ...apiKeys.env(), ...(agentDir ? { PI_CODING_AGENT_DIR: agentDir } : {}) };
    },
    extraArgs: () => settings().get<string[]>("extraArgs") ?? [],
    maxProcesses: () => settings().get<number>("maxProcesses") ?? 8,
    idleMinutes: () => settings().get<number>("idleMinutes") ?? 30,
    guard: () => ({
      path: defaultGuardPath(context.extensionUri.fsPath),
      bashPolicy: settings().get<GuardConfig["bashPolicy"]>("bash.approval") ?? "ask",
      bashAllow: settings().get<string[]>("bash.allowList") ?? [],
      loadUserExtensions: settings().get<boolean>("loadPiExtensions") ?? false,
    }),
    log,
  });
  context.subscriptions.push({ dispose: sessionHost.startIdleTimer() });
  const extensionStatus = vscode.window.createStatusBarItem("pi.extensionStatus", vscode.StatusBarAlignment.Left);
  extensionStatus.name = "Pi extension status";
  context.subscriptions.push(extensionStatus);
  sessionHost.uiHandler = createVscodeUiHandler(extensionStatus);
  host = sessionHost;
  const demoModel = new DemoModel(context.globalStorageUri);
  demo = demoModel;

  const router = new ChatRouter(log);
  const idleHint = () =>
    !vscode.workspace.isTrusted
      ? UNTRUSTED
      : vscode.workspace.workspaceFolders?.length
      ? "Type a message to start pi in this workspace, or run “Pi: New Session”. No API key? Try “Pi: Try Demo Session”."
      : noFolderMessage();

  const createIn = async (env?: NodeJS.ProcessEnv): Promise<ChatSession> => {
    if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED);
    await keysLoaded;
    const folder = await pickWorkspaceFolder();
    if (!folder) throw new Error(noFolderMessage());
    return sessionHost.createSession({ cwd: folder.uri.fsPath, env });
  };
  const source: SessionSource = { create: () => createIn(), createNew: () => createIn() };
  const view = new ChatViewProvider(context.extensionUri, router, source, idleHint);
  const panels = new ChatPanels(context.extensionUri, router, source, (s) => sessionHost.dispose(s.id), idleHint);

  const showInSidebar = async (session: ChatSession) => {
    const previous = view.show(session);
    if (previous && !panels.sessions.includes(previous)) void sessionHost.dispose(previous.id);
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  };
  const reportError = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    log("error", message);
    void vscode.window.showErrorMessage(message, "Show Log").then((c) => c && channel.show());
  };

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view),
    vscode.commands.registerCommand("pi.newSession", () => createIn().then(showInSidebar, reportError)),
    vscode.commands.registerCommand("pi.openChatInEditor", () => createIn().then((s) => panels.openNew(s), reportError)),
    vscode.commands.registerCommand("pi.tryDemoSession", async () => {
      try {
        const session = await createIn(await demoModel.env());
        await showInSidebar(session);
        await session.start();
        await session.prompt("demo");
      } catch (err) {
        reportError(err);
      }
    }),
    vscode.commands.registerCommand("pi.stopSession", () => view.current?.stop()),
    vscode.commands.registerCommand("pi.showLog", () => channel.show()),
    vscode.commands.registerCommand("pi.setApiKey", () => apiKeys.prompt().catch(reportError)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => view.refresh()),
  );
  const activationMs = performance.now() - started;
  log("info", `Pi activated in ${activationMs.toFixed(1)} ms (extension host node ${process.versions.node})`);
  return { host: sessionHost, activationMs };
}

export async function deactivate(): Promise<void> {
  await Promise.allSettled([host?.stopAll(), demo?.dispose()]);
  host = undefined;
  demo = undefined;
}
