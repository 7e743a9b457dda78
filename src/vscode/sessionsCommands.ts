// Wires the chat list of this window: the Sessions view and its commands, the badge, editor
// tab titles, notifications, and Pi: Focus Chat.
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import type { ChatHost } from "../host/chatHost";
import { ChatAttention } from "./chatAttention";
import type { ChatPanels } from "./chatPanels";
import type { ChatRouter } from "./chatRouter";
import { CHAT_VIEW_ID } from "./commandIds";
import type { ChatViewProvider } from "./chatViewProvider";
import { TabMarks } from "./tabMarks";
import { Notifier, type NotifyLevel } from "./notifications";
import { offerExported } from "./sessionFileActions";
import { SESSIONS_VIEW_ID, SessionsTree, waitingBadge } from "./sessionsView";

export interface SessionsDeps {
  host: ChatHost;
  router: ChatRouter;
  view: ChatViewProvider;
  panels: ChatPanels;
  log: (message: string) => void;
  reportError: (err: unknown) => void;
}

/** The Sessions view and its commands; returns the attention tracker and Pi: Focus Chat. */
export function registerSessions(context: vscode.ExtensionContext, deps: SessionsDeps): { attention: ChatAttention; focusChat: () => Promise<void> } {
  const { host, router, panels } = deps;
  const viewsOf = (chat: Chat) => router.views().filter((b) => b.current === chat);
  const looking = (chat: Chat) => vscode.window.state.focused && viewsOf(chat).some((b) => b.visible);
  const attention = new ChatAttention(host, looking);
  const tree = new SessionsTree(host, attention, (chat) => viewsOf(chat)[0]?.place);
  const treeView = vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });

  /** Brings the chat to the front: its tab or the sidebar; a chat no view shows gets a new tab. */
  const show = async (chat: Chat) => {
    const shownIn = viewsOf(chat)[0];
    if (shownIn) await shownIn.reveal();
    else panels.openNew(chat);
    attention.seen(chat);
  };
  const chatById = (id: unknown): Chat => {
    const chat = typeof id === "string" ? host.get(id) : undefined;
    if (!chat) throw new Error("That chat is no longer open.");
    return chat;
  };
  const run = (action: (chat: Chat) => Promise<unknown>) => (id: unknown) => Promise.resolve().then(() => action(chatById(id))).catch(deps.reportError);

  // The badge is sent to the workbench only when its count changes: updates come with every
  // status change, one at each Enter.
  let badgeCount = 0;
  const update = () => {
    tree.refresh();
    const waiting = attention.waitingCount();
    if (waiting !== badgeCount) {
      badgeCount = waiting;
      treeView.badge = waitingBadge(waiting);
    }
    panels.retitle((chat) => marks.mark(chat));
  };
  const marks = new TabMarks(attention, update);
  const notifier = new Notifier({
    attention,
    level: () => vscode.workspace.getConfiguration("pi").get<NotifyLevel>("notifications") ?? "all",
    looking,
    show,
    log: deps.log,
  });
  // Looking at a chat (a view shown, the window focused) makes its finished run old news.
  const markSeen = () => {
    for (const bridge of router.views()) if (bridge.visible && bridge.current && vscode.window.state.focused) attention.seen(bridge.current);
  };

  context.subscriptions.push(
    tree,
    treeView,
    notifier,
    marks,
    { dispose: () => attention.dispose() },
    { dispose: attention.onDidChange(update) },
    {
      dispose: router.onDidChangeViews(() => {
        markSeen();
        update();
      }),
    },
    vscode.window.onDidChangeWindowState(markSeen),
    vscode.commands.registerCommand("pi.sessions.show", run(show)),
    vscode.commands.registerCommand("pi.sessions.stop", run((chat) => chat.stop())),
    vscode.commands.registerCommand(
      "pi.sessions.close",
      run(async (chat) => {
        if (panels.close(chat)) return;
        if (deps.view.current === chat) deps.view.show(undefined);
        await host.dispose(chat.id);
      }),
    ),
    vscode.commands.registerCommand(
      "pi.sessions.rename",
      run(async (chat) => {
        const name = await vscode.window.showInputBox({ title: "Rename Chat", value: chat.info.title, validateInput: (v) => (v.trim() ? undefined : "The name is empty.") });
        if (name) await chat.settings.rename(name);
      }),
    ),
    vscode.commands.registerCommand("pi.sessions.export", run(async (chat) => void offerExported(await chat.history.exportHtml()))),
  );
  update();
  const focusChat = async () => {
    const target = panels.activeBridge ?? router.views().find((b) => b.place === "sidebar");
    if (target?.place === "editor") await target.reveal();
    else await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    (target ?? router.views().find((b) => b.place === "sidebar"))?.focusInput();
  };
  return { attention, focusChat };
}
