// The sidebar chat (webview view `pi.chat`). It shows one session at a time; New Session
// replaces it. retainContextWhenHidden stays off on purpose: a hidden view costs no memory,
// and on show the page reconnects and gets a snapshot (the draft lives in webview state).
import type * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import { ChatBridge, type ChatSource } from "./chatBridge";
import type { ChatRouter } from "./chatRouter";
import { chatHtml, chatWebviewOptions } from "./webviewHtml";


export class ChatViewProvider implements vscode.WebviewViewProvider {
  private bridge: ChatBridge | undefined;
  /** The session the sidebar shows, kept across view disposal (e.g. moving the view). */
  private session: Chat | undefined;
  /** Draft text added before the view was ever resolved (the sidebar was closed). */
  private pendingDraft: string[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly router: ChatRouter,
    private readonly source: ChatSource,
    private readonly idleHint: () => string,
    /** The session to show when the view opens with none (the one from before a reload). */
    private restore?: () => Promise<Chat | undefined>,
    private readonly shown?: (session: Chat) => (() => void) | undefined,
  ) {}

  get current(): Chat | undefined {
    return this.session;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = chatWebviewOptions(this.extensionUri);
    const participant = this.router.messenger.registerWebviewView(view);
    const source: ChatSource = {
      create: async () => this.track(await this.source.create()),
      release: (session) => this.source.release?.(session),
    };
    const bridge = new ChatBridge(this.router.messenger, participant, source, this.idleHint, this.shown);
    bridge.place = "sidebar";
    bridge.visible = view.visible;
    bridge.reveal = async () => {
      view.show(false);
    };
    this.router.add(bridge);
    this.bridge = bridge;
    bridge.attach(this.session);
    this.pendingDraft.forEach((text) => bridge.appendToDraft(text));
    this.pendingDraft = [];
    // Hidden without retained context, the page unloads; it connects again when shown.
    view.onDidChangeVisibility(() => {
      bridge.visible = view.visible;
      if (!view.visible) bridge.disconnected();
    });
    if (!this.session && this.restore) {
      const restoring = this.restore();
      this.restore = undefined;
      void restoring.then((session) => {
        if (session && !this.session) this.show(session);
        // Another chat took the sidebar meanwhile: the restored one is shown nowhere, so it stops.
        else if (session && session !== this.session) this.source.release?.(session);
      });
    }
    view.webview.html = chatHtml(view.webview, this.extensionUri, "Pi Chat");
    view.onDidDispose(() => {
      this.router.remove(bridge);
      bridge.dispose();
      if (this.bridge === bridge) this.bridge = undefined;
    });
  }

  /**
   * A new chat is on its way to the sidebar (New Session): the view may open before it exists,
   * and must not restore the chat from before a reload only to have it replaced.
   */
  expectChat(): void {
    this.restore = undefined;
  }

  /** Shows `session` in the sidebar (the previous sidebar session is returned for disposal). */
  show(session: Chat | undefined): Chat | undefined {
    const previous = this.session;
    this.session = session;
    this.bridge?.attach(session);
    return previous === session ? undefined : previous;
  }

  /** Appends text to the sidebar composer's draft (delivered once the page is live). */
  appendToDraft(text: string): void {
    if (this.bridge) this.bridge.appendToDraft(text);
    else this.pendingDraft.push(text);
  }

  /** Re-sends the snapshot (e.g. the idle hint changed after the workspace became trusted). */
  refresh(): void {
    this.bridge?.attach(this.session);
  }

  private track(session: Chat): Chat {
    this.session = session;
    return session;
  }
}
