// Connects one chat webview (the sidebar view or an editor tab) to the session it shows:
// a snapshot on (re)connect, then only patch batches.
import type { WebviewIdMessageParticipant } from "vscode-messenger-common";
import type { Messenger } from "vscode-messenger";
import type { Chat } from "../host/chat";
import { AppendToDraftNotification, PatchesNotification, SnapshotNotification } from "../protocol/messages";
import type { ChatSnapshot } from "../protocol/transcript";

export interface ChatSource {
  /** Creates a session for this view when the user types before one exists. */
  create(): Promise<Chat>;
  /** Called when the user asks for a fresh session in this view. */
  createNew(): Promise<Chat>;
  /** This view stopped showing `session` (replaced by a new one). */
  release?(session: Chat): void;
}

export function idleSnapshot(hint: string): ChatSnapshot {
  return {
    info: { chatId: "", cwd: "", title: "Pi" },
    status: "stopped",
    items: [{ kind: "notice", id: "idle-hint", level: "info", text: hint }],
    seq: 0,
  };
}

export class ChatBridge {
  private session: Chat | undefined;
  private unsubscribe: Array<() => void> = [];
  /** True between the page's connect and its unloading: only then does a notification arrive. */
  private live = false;
  /** Draft text waiting for the page to (re)load. */
  private pendingDraft: string[] = [];

  constructor(
    private readonly messenger: Messenger,
    readonly participant: WebviewIdMessageParticipant,
    readonly source: ChatSource,
    private readonly idleHint: () => string,
    /**
     * Told whenever this view starts showing another session (to remember it for a reload);
     * what it returns is undone when the view shows another one or closes.
     */
    private readonly shown?: (session: Chat) => (() => void) | void,
  ) {}

  get current(): Chat | undefined {
    return this.session;
  }

  /** Shows another session in this view (or none). */
  attach(session: Chat | undefined): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.session = session;
    if (session) {
      const undo = this.shown?.(session);
      if (undo) this.unsubscribe.push(undo);
      this.unsubscribe.push(
        session.onBatch((batch) => this.messenger.sendNotification(PatchesNotification, this.participant, batch)),
        session.onSnapshot((snapshot) => this.messenger.sendNotification(SnapshotNotification, this.participant, snapshot)),
      );
    }
    this.messenger.sendNotification(SnapshotNotification, this.participant, this.snapshot());
  }

  snapshot(): ChatSnapshot {
    return this.session ? this.session.snapshot() : idleSnapshot(this.idleHint());
  }

  /** Adds text to the page's draft; kept until the page is live when it is still loading. */
  appendToDraft(text: string): void {
    if (this.live) this.messenger.sendNotification(AppendToDraftNotification, this.participant, { text });
    else this.pendingDraft.push(text);
  }

  /** The page connected (loaded or reloaded): deliver what waited, after the connect answer. */
  connected(): void {
    this.live = true;
    const pending = this.pendingDraft;
    this.pendingDraft = [];
    if (pending.length) setTimeout(() => pending.forEach((text) => this.appendToDraft(text)), 0);
  }

  /** The page is being unloaded (a hidden view without retained context): hold draft text until it connects again. */
  disconnected(): void {
    this.live = false;
  }

  async ensureSession(): Promise<Chat> {
    if (!this.session) this.attach(await this.source.create());
    return this.session as Chat;
  }

  dispose(): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.session = undefined;
  }
}
