// The Sessions view: every chat of this window, grouped by workspace folder, with its state
// (working, waiting for you, done since you last looked, error, stopped), title, model and
// cost. Click shows the chat; Stop and Close inline; Rename and Export in the context menu.
// The Pi container's badge counts the chats waiting for you.
import * as path from "node:path";
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import type { ChatHost } from "../host/chatHost";
import type { ChatAttention, ChatState } from "./chatAttention";

export const SESSIONS_VIEW_ID = "pi.sessions";

type Node = { kind: "folder"; cwd: string } | { kind: "chat"; chat: Chat };

const STATE: Record<ChatState, { label: string; icon: string; color?: string }> = {
  starting: { label: "starting", icon: "loading~spin" },
  working: { label: "working", icon: "loading~spin" },
  waiting: { label: "waiting for you", icon: "bell-dot", color: "notificationsWarningIcon.foreground" },
  done: { label: "done", icon: "pass-filled", color: "testing.iconPassed" },
  ready: { label: "idle", icon: "comment-discussion" },
  stopped: { label: "stopped", icon: "debug-stop" },
  crashed: { label: "crashed", icon: "warning", color: "problemsWarningIcon.foreground" },
  error: { label: "error", icon: "error", color: "problemsErrorIcon.foreground" },
};

export function costText(cost: number | undefined): string | undefined {
  if (!cost) return undefined;
  return cost < 0.01 ? "<$0.01" : `$${cost.toFixed(2)}`;
}

export class SessionsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: ChatHost,
    private readonly attention: ChatAttention,
    /** Where a chat is shown ("sidebar" / "editor"), if anywhere. */
    private readonly placeOf: (chat: Chat) => string | undefined,
  ) {}

  /** Redraws at most every 100 ms: usage and status arrive in bursts. */
  refresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire(undefined);
    }, 100);
  }

  getChildren(node?: Node): Node[] {
    const chats = this.host.chats();
    if (!node) {
      const folders = [...new Set(chats.map((c) => c.cwd))].sort();
      // One folder: the chats directly, without a level that says nothing.
      return folders.length === 1 ? chats.map((chat) => ({ kind: "chat", chat })) : folders.map((cwd) => ({ kind: "folder", cwd }));
    }
    return node.kind === "folder" ? chats.filter((c) => c.cwd === node.cwd).map((chat) => ({ kind: "chat", chat })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === "folder") {
      const item = new vscode.TreeItem(path.basename(node.cwd) || node.cwd, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.tooltip = node.cwd;
      return item;
    }
    const { chat } = node;
    const state = this.attention.state(chat);
    const look = STATE[state];
    const info = chat.info;
    const item = new vscode.TreeItem(info.title, vscode.TreeItemCollapsibleState.None);
    item.id = chat.id;
    item.description = [look.label, info.model?.split("/").pop(), costText(info.usage?.cost)].filter(Boolean).join(" · ");
    item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
    const place = this.placeOf(chat);
    item.tooltip = new vscode.MarkdownString(
      [`**${info.title}**`, `${look.label}${place ? ` — in the ${place === "sidebar" ? "sidebar" : "editor"}` : ""}`, info.model, info.cwd].filter(Boolean).join("  \n"),
    );
    item.contextValue = chat.isRunning ? "piChat.running" : "piChat.stopped";
    item.command = { command: "pi.sessions.show", title: "Show Chat", arguments: [chat.id] };
    item.accessibilityInformation = { label: `${info.title}, ${look.label}` };
    return item;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.changed.dispose();
  }
}

/** The badge on the Pi container: chats waiting for you. */
export function waitingBadge(count: number): vscode.ViewBadge | undefined {
  return count ? { value: count, tooltip: `${count} Pi chat${count === 1 ? " is" : "s are"} waiting for you` } : undefined;
}
