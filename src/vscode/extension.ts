// Entry point: wires the session host (no vscode inside) to VS Code's UI.
import * as path from "node:path";
import { errorText } from "../protocol/actionError";
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import { ChatHost, type GuardConfig } from "../host/chatHost";
import { defaultGuardPath, defaultPiCliPath } from "../host/piPaths";
import type { ChatSource } from "./chatBridge";
import { CHAT_PANEL_TYPE, ChatPanels } from "./chatPanels";
import { ChatRestore } from "./chatRestore";
import { ChatRouter } from "./chatRouter";
import { CHAT_VIEW_ID, ChatViewProvider } from "./chatViewProvider";
import { DemoModel } from "./demoSession";
import { ApiKeys } from "./apiKeys";
import { createLog } from "./log";
import { createVscodeUiHandler } from "./uiRequests";
import { RemoteServer } from "./remoteServer";
import { registerProposals } from "./review/proposalEditor";
import { registerReview } from "./review/registerReview";
import { registerDiffDocuments } from "./toolCardCommands";
import { registerContextCommands, soleFolder } from "./contextCommands";
import { vscodeActions } from "./vscodeActions";
import { registerSessions } from "./sessionsCommands";
import { UsageStatus } from "./usageStatus";
import { noFolderMessage, pickWorkspaceFolder } from "./workspaceFolders";

/** What activate() returns: used by the extension tests, and by other extensions. */
export interface PiExtensionApi {
  host: ChatHost;
  /** The browser-facing server ("Pi: Start Remote Server"), shared with the tests. */
  remote: RemoteServer;
  /** How long activate() took, in ms (reported by the benchmarks). */
  activationMs: number;
}

const UNTRUSTED =
  "Pi is off in this untrusted workspace: the agent runs commands and edits files. " +
  "To use it, trust the folder (Command Palette → “Workspaces: Manage Workspace Trust”).";

let host: ChatHost | undefined;
let demo: DemoModel | undefined;
let remote: RemoteServer | undefined;

function settings() {
  return vscode.workspace.getConfiguration("pi");
}

export function activate(context: vscode.ExtensionContext): PiExtensionApi {
  const started = performance.now();
  const { channel, log } = createLog();
  context.subscriptions.push(channel);
  const apiKeys = new ApiKeys(context);
  const keysLoaded = apiKeys.load().catch((err: unknown) => log("warn", `could not read stored API keys: ${String(err)}`));
  const sessionHost = new ChatHost({
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
      editApproval: settings().get<"auto" | "ask">("edits.approval") ?? "auto",
      // The extension's own stores (demo agent dir, checkpoints): never pi's to read or write.
      protectedPaths: [context.globalStorageUri.fsPath],
    }),
    // A checkpoint of the folder before every message, in the extension's global storage.
    checkpoints: {
      storesRoot: path.join(context.globalStorageUri.fsPath, "checkpoints"),
      maxFileBytes: () => Math.max(0, settings().get<number>("checkpoints.maxFileSizeMB") ?? 5) * 1024 * 1024,
      keepSessions: () => settings().get<number>("checkpoints.keepSessions") ?? 20,
    },
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

  const review = registerReview(context, sessionHost);
  const router = new ChatRouter({ log, handlers: vscodeActions(review), defaultFolder: soleFolder });
  registerDiffDocuments(context, sessionHost);
  const idleHint = () =>
    !vscode.workspace.isTrusted
      ? UNTRUSTED
      : vscode.workspace.workspaceFolders?.length
      ? "Type a message to start pi in this workspace, or run “Pi: New Session”. No API key? Try “Pi: Try Demo Session”."
      : noFolderMessage();

  const createIn = async (env?: NodeJS.ProcessEnv): Promise<Chat> => {
    if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED);
    await keysLoaded;
    const folder = await pickWorkspaceFolder();
    if (!folder) throw new Error(noFolderMessage());
    return sessionHost.createChat({ cwd: folder.uri.fsPath, env });
  };
  const source: ChatSource = {
    create: () => createIn(),
    // Declared below; only called later, from a view.
    release: (session) => {
      if (view.current === session || panels.chats.includes(session)) return;
      log("info", `stopping the pi of replaced chat ${session.id}`);
      void sessionHost.dispose(session.id);
    },
  };

  // Remember what each view shows, so a window reload brings the chats back (pi --session).
  const restore = new ChatRestore(context.workspaceState);
  const demoSessions = new WeakSet<Chat>();
  const openFolders = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const usage = new UsageStatus();
  context.subscriptions.push(usage);
  const rememberAs = (key: (s: Chat) => string) => (session: Chat) => {
    usage.follow(session);
    const save = () => {
      const file = session.piSessionFile;
      if (file) restore.remember(key(session), { cwd: session.cwd, file, demo: demoSessions.has(session) });
    };
    save();
    // Only while this view shows it: a replaced session stopping must not rewrite the record.
    return session.onStatus(save);
  };
  const restoreFrom = async (key: string): Promise<Chat | undefined> => {
    const record = vscode.workspace.isTrusted ? restore.get(key, openFolders()) : undefined;
    if (!record) return undefined;
    try {
      await keysLoaded;
      const env = record.demo ? await demoModel.env() : undefined;
      const session = sessionHost.createChat({ cwd: record.cwd, sessionFile: record.file, env });
      if (record.demo) demoSessions.add(session);
      return session;
    } catch (err) {
      log("warn", `could not restore the chat of ${record.file}: ${String(err)}`);
      return undefined;
    }
  };

  const view = new ChatViewProvider(context.extensionUri, router, source, idleHint, () => restoreFrom("sidebar"), rememberAs(() => "sidebar"));
  registerContextCommands(context, view);
  const panels = new ChatPanels(context.extensionUri, router, source, (s) => sessionHost.dispose(s.id), idleHint, rememberAs((s) => `panel:${s.id}`));

  const showInSidebar = async (session: Chat) => {
    const previous = view.show(session);
    if (previous && !panels.chats.includes(previous)) void sessionHost.dispose(previous.id);
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  };
  const reportError = (err: unknown) => {
    const message = errorText(err);
    log("error", message);
    void vscode.window.showErrorMessage(message, "Show Log").then((c) => c && channel.show());
  };
  const attention = registerSessions(context, { host: sessionHost, router, view, panels, log: (m) => log("info", m), reportError });
  registerProposals(context, sessionHost, attention);

  const remoteServer = new RemoteServer({
    context,
    host: sessionHost,
    log,
    currentSession: () => panels.activeSession ?? view.current,
    newSession: async () => {
      const session = await createIn();
      await showInSidebar(session);
      return session;
    },
  });
  remote = remoteServer;

  context.subscriptions.push(
    remoteServer,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view),
    vscode.window.registerWebviewPanelSerializer(CHAT_PANEL_TYPE, {
      // The tab's webview state names the chat it showed; only a record we wrote can be restored.
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const key = typeof state === "object" && state !== null && typeof (state as { chatId?: unknown }).chatId === "string" ? (state as { chatId: string }).chatId : undefined;
        panels.adopt(panel, key ? await restoreFrom(`panel:${key}`) : undefined);
      },
    }),
    vscode.commands.registerCommand("pi.newSession", () => createIn().then(showInSidebar, reportError)),
    vscode.commands.registerCommand("pi.openChatInEditor", () => createIn().then((s) => panels.openNew(s), reportError)),
    vscode.commands.registerCommand("pi.tryDemoSession", async () => {
      try {
        const session = await createIn(await demoModel.env());
        demoSessions.add(session);
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
    vscode.commands.registerCommand("pi.startRemoteServer", async () => {
      if (!vscode.workspace.isTrusted) return reportError(new Error(UNTRUSTED));
      try {
        const server = await remoteServer.start();
        const external = await vscode.env.asExternalUri(vscode.Uri.parse(server.url));
        const choice = await vscode.window.showInformationMessage(`Pi remote server is listening on ${external.toString(true)}`, "Open Session in Browser", "Copy Link");
        if (choice === "Open Session in Browser") await remoteServer.openInBrowser();
        else if (choice === "Copy Link") {
          const session = panels.activeSession ?? view.current;
          await vscode.env.clipboard.writeText(session ? (await remoteServer.linkTo(session)).toString(true) : external.toString(true));
        }
      } catch (err) {
        reportError(err);
      }
    }),
    vscode.commands.registerCommand("pi.stopRemoteServer", async () => {
      const stopped = await remoteServer.stop();
      void vscode.window.showInformationMessage(stopped ? "Pi remote server stopped. The chats keep running in VS Code." : "The Pi remote server is not running.");
    }),
    vscode.commands.registerCommand("pi.openSessionInBrowser", () => {
      if (!vscode.workspace.isTrusted) return reportError(new Error(UNTRUSTED));
      return remoteServer.openInBrowser().catch(reportError);
    }),
    vscode.commands.registerCommand("pi.setServerPassword", () => remoteServer.setPassword().catch(reportError)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => view.refresh()),
  );
  const activationMs = performance.now() - started;
  log("info", `Pi activated in ${activationMs.toFixed(1)} ms (extension host node ${process.versions.node})`);
  return { host: sessionHost, remote: remoteServer, activationMs };
}

export async function deactivate(): Promise<void> {
  await Promise.allSettled([remote?.stop(), host?.stopAll(), demo?.dispose()]);
  remote = undefined;
  host = undefined;
  demo = undefined;
}
