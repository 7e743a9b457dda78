// The chat machinery of the extension — the chat host, the router and its action handlers, the
// sidebar and editor-tab chats, the Sessions view, the model bridge — built on first use (the
// first view, command or the background warm-up). Bundled as dist/chat.js and loaded by the
// activation shell (extension.ts), so activation itself stays small and fast.
import * as path from "node:path";
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import { ChatHost, type GuardConfig, loadsExtensions } from "../host/chatHost";
import { defaultLmProviderPath } from "../host/lmBridge/providerFile";
import { compileCacheDir, compileCacheEnv, pruneCompileCaches } from "../host/piCompileCache";
import { defaultGuardPath, defaultPiCliPath } from "../host/piPaths";
import type { Logger } from "../host/piProcess";
import { errorText } from "../protocol/actionError";
import { ApiKeys } from "./apiKeys";
import type { ChatSource } from "./chatBridge";
import { ChatPanels } from "./chatPanels";
import { ChatRestore } from "./chatRestore";
import { ChatRouter } from "./chatRouter";
import { ChatViewProvider } from "./chatViewProvider";
import { CHAT_VIEW_ID, type EarlyCommand } from "./commandIds";
import { addSelectionToChat, soleFolder } from "./contextCommands";
import { DemoModel } from "./demoSession";
import { LmBridge } from "./lmBridge/lmBridge";
import { remoteCommands } from "./remoteCommands";
import { registerProposals } from "./review/proposalEditor";
import { registerReview } from "./review/registerReview";
import type { RemoteServer } from "./remoteServer";
import { registerSessions } from "./sessionsCommands";
import { registerDiffDocuments } from "./toolCardCommands";
import { createVscodeUiHandler } from "./uiRequests";
import { UsageStatus } from "./usageStatus";
import { vscodeActions } from "./vscodeActions";
import { noFolderMessage, pickWorkspaceFolder } from "./workspaceFolders";
import { watchPrewarm } from "./prewarm";

export const UNTRUSTED =
  "Pi is off in this untrusted workspace: the agent runs commands and edits files. " +
  "To use it, trust the folder (Command Palette → “Workspaces: Manage Workspace Trust”).";

export interface ChatFeature {
  host: ChatHost;
  /** The browser-facing server, loaded on first use. */
  remote(): RemoteServer;
  lmBridge: LmBridge;
  view: ChatViewProvider;
  deserializePanel(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
  commands: Record<EarlyCommand, (...args: unknown[]) => unknown>;
  dispose(): Promise<void>;
}

const settings = () => vscode.workspace.getConfiguration("pi");
/** Earlier installs' compile caches go once the window has settled, not during its start. */
const PRUNE_DELAY_MS = 60_000;

export function startChatFeature(context: vscode.ExtensionContext, log: Logger, showLog: () => void): ChatFeature {
  const apiKeys = new ApiKeys(context);
  const keysLoaded = apiKeys.load().catch((err: unknown) => log("warn", `could not read stored API keys: ${String(err)}`));
  const bridge = new LmBridge({ storageDir: context.globalStorageUri.fsPath, providerPath: defaultLmProviderPath(context.extensionUri.fsPath), log });
  const piCliPath = defaultPiCliPath(context.extensionUri.fsPath);
  // Node's compile cache for pi, kept across reboots (src/host/piCompileCache.ts).
  const cacheRoot = path.join(context.globalStorageUri.fsPath, "node-compile-cache");
  const cacheDir = compileCacheDir(cacheRoot, piCliPath);
  const pruneTimer = setTimeout(() => void pruneCompileCaches(cacheRoot, cacheDir), PRUNE_DELAY_MS);
  context.subscriptions.push({ dispose: () => clearTimeout(pruneTimer) });
  const host = new ChatHost({
    piCliPath,
    configuredNodePath: () => settings().get<string>("nodePath"),
    env: () => {
      const agentDir = settings().get<string>("agentDir")?.trim();
      return { ...compileCacheEnv(cacheDir), ...apiKeys.env(), ...(agentDir ? { PI_CODING_AGENT_DIR: agentDir } : {}), ...bridge.env() };
    },
    extraArgs: () => [...bridge.args(), ...(settings().get<string[]>("extraArgs") ?? [])],
    prepare: () => bridge.prepare(),
    maxProcesses: () => settings().get<number>("maxProcesses") ?? 8,
    idleMinutes: () => settings().get<number>("idleMinutes") ?? 30,
    prewarm: () => vscode.workspace.isTrusted && (settings().get<boolean>("prewarm") ?? true),
    guard: () => ({
      path: defaultGuardPath(context.extensionUri.fsPath),
      bashPolicy: settings().get<GuardConfig["bashPolicy"]>("bash.approval") ?? "ask",
      bashAllow: settings().get<string[]>("bash.allowList") ?? [],
      loadUserExtensions: settings().get<boolean>("loadPiExtensions") ?? false,
      editApproval: settings().get<"auto" | "ask">("edits.approval") ?? "auto",
      userExtensionArgs: loadsExtensions(settings().get<string[]>("extraArgs") ?? []),
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
  context.subscriptions.push({ dispose: host.startIdleTimer() });
  const extensionStatus = vscode.window.createStatusBarItem("pi.extensionStatus", vscode.StatusBarAlignment.Left);
  extensionStatus.name = "Pi extension status";
  context.subscriptions.push(extensionStatus);
  host.uiHandler = createVscodeUiHandler(extensionStatus);
  const demoModel = new DemoModel(context.globalStorageUri);

  const review = registerReview(context, host);
  const router = new ChatRouter({ log, handlers: vscodeActions(review), defaultFolder: soleFolder });
  registerDiffDocuments(context, host);
  const idleHint = () =>
    !vscode.workspace.isTrusted
      ? UNTRUSTED
      : vscode.workspace.workspaceFolders?.length
        ? "Type a message to start pi in this workspace, or run “Pi: New Session”. No API key? Try “Pi: Try Demo Session”."
        : noFolderMessage();

  /** The folder a new chat runs in (picked when there are several), once trust and keys allow one. */
  const folderForChat = async (): Promise<string> => {
    if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED);
    await keysLoaded;
    const folder = await pickWorkspaceFolder();
    if (!folder) throw new Error(noFolderMessage());
    return folder.uri.fsPath;
  };
  const createIn = async (env?: NodeJS.ProcessEnv): Promise<Chat> => host.createChat({ cwd: await folderForChat(), env });
  const source: ChatSource = {
    create: () => createIn(),
    // Declared below; only called later, from a view.
    release: (chat) => {
      if (view.current === chat || panels.chats.includes(chat)) return;
      log("info", `stopping the pi of replaced chat ${chat.id}`);
      void host.dispose(chat.id);
    },
  };

  // Remember what each view shows, so a window reload brings the chats back (pi --session).
  const restore = new ChatRestore(context.workspaceState);
  const demoChats = new WeakSet<Chat>();
  const openFolders = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const usage = new UsageStatus();
  context.subscriptions.push(usage);
  const rememberAs = (key: (chat: Chat) => string) => (chat: Chat) => {
    usage.follow(chat);
    const save = () => {
      const file = chat.piSessionFile;
      if (file) restore.remember(key(chat), { cwd: chat.cwd, file, demo: demoChats.has(chat) });
    };
    save();
    // Only while this view shows it: a replaced chat stopping must not rewrite the record.
    return chat.onStatus(save);
  };
  const restoreFrom = async (key: string): Promise<Chat | undefined> => {
    const record = vscode.workspace.isTrusted ? restore.get(key, openFolders()) : undefined;
    if (!record) return undefined;
    try {
      await keysLoaded;
      const env = record.demo ? await demoModel.env() : undefined;
      const chat = host.createChat({ cwd: record.cwd, sessionFile: record.file, env });
      if (record.demo) demoChats.add(chat);
      return chat;
    } catch (err) {
      log("warn", `could not restore the chat of ${record.file}: ${String(err)}`);
      return undefined;
    }
  };

  const view = new ChatViewProvider(context.extensionUri, router, source, idleHint, () => restoreFrom("sidebar"), rememberAs(() => "sidebar"));
  const panels = new ChatPanels(context.extensionUri, router, source, (chat) => host.dispose(chat.id), idleHint, rememberAs((chat) => `panel:${chat.id}`));

  const showInSidebar = async (chat: Chat) => {
    const previous = view.show(chat);
    if (previous && !panels.chats.includes(previous)) void host.dispose(previous.id);
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  };
  const reportError = (err: unknown) => {
    const message = errorText(err);
    log("error", message);
    void vscode.window.showErrorMessage(message, "Show Log").then((c) => c && showLog());
  };
  const { attention, focusChat } = registerSessions(context, { host, router, view, panels, log: (m) => log("info", m), reportError });
  registerProposals(context, host, attention);
  const remote = remoteCommands(context, {
    host,
    log,
    reportError,
    currentChat: () => panels.activeSession ?? view.current,
    newChat: async () => {
      const chat = await createIn();
      await showInSidebar(chat);
      return chat;
    },
  });
  watchPrewarm(context, host, log);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => view.refresh()));

  return {
    host,
    remote: remote.server,
    lmBridge: bridge,
    view,
    deserializePanel: async (panel, state) => {
      // The tab's webview state names the chat it showed; only a record we wrote can be restored.
      const key = typeof state === "object" && state !== null && typeof (state as { chatId?: unknown }).chatId === "string" ? (state as { chatId: string }).chatId : undefined;
      panels.adopt(panel, key ? await restoreFrom(`panel:${key}`) : undefined);
    },
    commands: {
      "pi.newSession": () => {
        // VS Code builds the view (a few hundred ms in a window that just opened) while pi starts.
        view.expectChat();
        void vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
        return createIn().then(showInSidebar, reportError);
      },
      "pi.openChatInEditor": async () => {
        try {
          const cwd = await folderForChat();
          // The tab first, pi in the next turn: a pi's spawn holds the extension host for tens of
          // ms, and the tab's creation would wait behind it (VS Code builds the tab meanwhile).
          const attach = panels.openNew(undefined);
          await new Promise((resolve) => setImmediate(resolve));
          attach(host.createChat({ cwd }));
        } catch (err) {
          reportError(err);
        }
      },
      "pi.tryDemoSession": async () => {
        try {
          const chat = await createIn(await demoModel.env());
          demoChats.add(chat);
          await showInSidebar(chat);
          await chat.start();
          await chat.prompt("demo");
        } catch (err) {
          reportError(err);
        }
      },
      "pi.stopSession": () => view.current?.stop(),
      "pi.setApiKey": () => apiKeys.prompt().catch(reportError),
      "pi.addSelection": () => addSelectionToChat(view),
      "pi.focusChat": focusChat,
      ...remote.commands,
    },
    dispose: async () => {
      await Promise.allSettled([remote.stop(), host.stopAll(), demoModel.dispose()]);
      // After the chats: their pi may still be finishing a request through the bridge.
      await bridge.dispose();
    },
  };
}

