// Editor-tab chats: each tab owns its own session; closing the tab stops its pi.
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import { ChatBridge, type ChatSource } from "./chatBridge";
import type { ChatRouter } from "./chatRouter";
import { chatHtml, chatWebviewOptions } from "./webviewHtml";

import { CHAT_PANEL_TYPE } from "./commandIds";

export class ChatPanels {
  private readonly open = new Map<ChatBridge, vscode.WebviewPanel>();
  /** The tab the user last focused (for "Open Session in Browser"). */
  private active: ChatBridge | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly router: ChatRouter,
    private readonly source: ChatSource,
    private readonly disposeSession: (session: Chat) => Promise<void>,
    private readonly idleHint: () => string,
    private readonly shown?: (session: Chat) => (() => void) | undefined,
  ) {}

  get chats(): Chat[] {
    return [...this.open.keys()].flatMap((b) => (b.current ? [b.current] : []));
  }

  /** The focused chat tab, if a chat tab has focus. */
  get activeBridge(): ChatBridge | undefined {
    return this.active;
  }

  /** The session of the focused chat tab, if a chat tab has focus. */
  get activeSession(): Chat | undefined {
    return this.active?.current;
  }

  /** Closes the tab showing `chat` (its pi stops with it); false when no tab shows it. */
  close(chat: Chat): boolean {
    const entry = [...this.open].find(([b]) => b.current === chat);
    entry?.[1].dispose();
    return !!entry;
  }

  /** Each tab's title is its chat's, with a mark while pi works or waits for an answer. */
  retitle(mark: (chat: Chat) => string): void {
    for (const [bridge, panel] of this.open) {
      const chat = bridge.current;
      const title = chat?.info.title ? `${mark(chat)}${chat.info.title}` : "Pi Chat";
      if (panel.title !== title) panel.title = title;
    }
  }

  /**
   * Opens a new tab showing `session`, or, when it comes later, what the returned function is
   * given (a tab closed meanwhile stops that chat).
   */
  openNew(session: Chat | undefined): (later: Chat) => void {
    // Beside the file you are editing. From a chat tab, another tab in that chat's group: Beside
    // from there would split the editor area again for every chat (and a split costs VS Code a
    // few hundred ms more than a tab).
    const fromChat = [...this.open.values()].some((p) => p.active);
    const panel = vscode.window.createWebviewPanel(CHAT_PANEL_TYPE, "Pi Chat", fromChat ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside, {
      ...chatWebviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    const bridge = this.adopt(panel, session);
    return (later) => {
      if (this.open.has(bridge)) bridge.attach(later);
      else void this.disposeSession(later);
    };
  }

  /** Wires a tab (new, or restored by VS Code after a reload) to `session`. */
  adopt(panel: vscode.WebviewPanel, session: Chat | undefined): ChatBridge {
    panel.webview.options = chatWebviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "media", "pi.svg");
    const participant = this.router.messenger.registerWebviewPanel(panel);
    const bridge = new ChatBridge(this.router.messenger, participant, this.source, this.idleHint, this.shown);
    bridge.visible = panel.visible;
    bridge.reveal = async () => panel.reveal();
    this.router.add(bridge);
    this.open.set(bridge, panel);
    bridge.attach(session);
    panel.webview.html = chatHtml(panel.webview, this.extensionUri, "Pi Chat");
    this.active = bridge;
    panel.onDidChangeViewState(({ webviewPanel }) => {
      bridge.visible = webviewPanel.visible;
      if (webviewPanel.active) this.active = bridge;
      else if (this.active === bridge) this.active = undefined;
    });
    panel.onDidDispose(() => {
      const current = bridge.current;
      if (this.active === bridge) this.active = undefined;
      // Out of the list first: removing the view tells listeners, who must not touch a disposed panel.
      this.open.delete(bridge);
      this.router.remove(bridge);
      bridge.dispose();
      if (current) void this.disposeSession(current);
    });
    return bridge;
  }
}
