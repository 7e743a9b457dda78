// Editor-tab chats: each tab owns its own session; closing the tab stops its pi.
import * as vscode from "vscode";
import type { ChatSession } from "../host/chatSession";
import { ChatBridge, type SessionSource } from "./chatBridge";
import type { ChatRouter } from "./chatRouter";
import { chatHtml, chatWebviewOptions } from "./webviewHtml";

export const CHAT_PANEL_TYPE = "pi.chatPanel";

export class ChatPanels {
  private readonly open = new Set<ChatBridge>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly router: ChatRouter,
    private readonly source: SessionSource,
    private readonly disposeSession: (session: ChatSession) => Promise<void>,
    private readonly idleHint: () => string,
  ) {}

  get sessions(): ChatSession[] {
    return [...this.open].flatMap((b) => (b.current ? [b.current] : []));
  }

  openNew(session: ChatSession | undefined): void {
    const panel = vscode.window.createWebviewPanel(CHAT_PANEL_TYPE, "Pi Chat", vscode.ViewColumn.Beside, {
      ...chatWebviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "media", "pi.svg");
    const participant = this.router.messenger.registerWebviewPanel(panel);
    const bridge = new ChatBridge(this.router.messenger, participant, this.source, this.idleHint);
    this.router.add(bridge);
    this.open.add(bridge);
    bridge.attach(session);
    panel.webview.html = chatHtml(panel.webview, this.extensionUri, "Pi Chat");
    panel.onDidDispose(() => {
      const current = bridge.current;
      this.router.remove(bridge);
      this.open.delete(bridge);
      bridge.dispose();
      if (current) void this.disposeSession(current);
    });
  }
}
