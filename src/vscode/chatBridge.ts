// Connects one chat webview (the sidebar view or an editor tab) to the session it shows:
// a snapshot on (re)connect, then only patch batches.
import type { WebviewIdMessageParticipant } from "vscode-messenger-common";
import type { Messenger } from "vscode-messenger";
import type { ChatSession } from "../host/chatSession";
import { PatchesNotification, SnapshotNotification } from "../protocol/messages";
import type { ChatSnapshot } from "../protocol/transcript";

export interface SessionSource {
  /** Creates a session for this view when the user types before one exists. */
  create(): Promise<ChatSession>;
  /** Called when the user asks for a fresh session in this view. */
  createNew(): Promise<ChatSession>;
}

export function idleSnapshot(hint: string): ChatSnapshot {
  return {
    info: { sessionId: "", cwd: "", title: "Pi" },
    status: "stopped",
    items: [{ kind: "notice", id: "idle-hint", level: "info", text: hint }],
    seq: 0,
  };
}

export class ChatBridge {
  private session: ChatSession | undefined;
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly messenger: Messenger,
    readonly participant: WebviewIdMessageParticipant,
    readonly source: SessionSource,
    private readonly idleHint: () => string,
    /** Told whenever this view starts showing another session (to remember it for a reload). */
    private readonly shown?: (session: ChatSession) => void,
  ) {}

  get current(): ChatSession | undefined {
    return this.session;
  }

  /** Shows another session in this view (or none). */
  attach(session: ChatSession | undefined): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.session = session;
    if (session) {
      this.shown?.(session);
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

  async ensureSession(): Promise<ChatSession> {
    if (!this.session) this.attach(await this.source.create());
    return this.session as ChatSession;
  }

  dispose(): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.session = undefined;
  }
}
