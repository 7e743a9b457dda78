// Connects one chat webview (the sidebar view or an editor tab) to the chat it shows:
// a snapshot on (re)connect, then only patch batches.
import type { WebviewIdMessageParticipant } from "vscode-messenger-common";
import type { Messenger } from "vscode-messenger";
import type { Chat } from "../host/chat/chat";
import type { NotificationType } from "vscode-messenger-common";
import { eventMethod, type ViewEventData, type ViewEventName } from "../protocol/viewEvents";
import type { ChatSnapshot } from "../protocol/transcript";

export interface ChatSource {
  /** Creates a chat for this view (the user typed before one existed, or asked for a new one). */
  create(): Promise<Chat>;
  /** This view stopped showing `chat` (replaced by a new one). */
  release?(chat: Chat): void;
}

/** The vscode-messenger notification of a view event (see protocol/viewEvents.ts). */
function notification<E extends ViewEventName>(name: E): NotificationType<ViewEventData<E>> {
  return { method: eventMethod(name) };
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
  private chat: Chat | undefined;
  private unsubscribe: Array<() => void> = [];
  /** True between the page's connect and its unloading: only then does a notification arrive. */
  private live = false;
  /** Draft text waiting for the page to (re)load. */
  private pendingDraft: string[] = [];
  /** Whether the user can see this view now (set by its owner: the sidebar or a tab). */
  private shownNow = false;
  /** Focus Chat asked before the page was live: focus once it connects. */
  private focusPending = false;
  /** Told when the view is shown or hidden, or shows another chat. */
  private readonly changeListeners = new Set<() => void>();
  /** Brings this view to the front (set by its owner). */
  reveal: () => Promise<void> = async () => undefined;
  /** Where the view is, for lists and tooltips. */
  place: "sidebar" | "editor" = "editor";

  constructor(
    private readonly messenger: Messenger,
    readonly participant: WebviewIdMessageParticipant,
    readonly source: ChatSource,
    private readonly idleHint: () => string,
    /**
     * Told whenever this view starts showing another chat (to remember it for a reload);
     * what it returns is undone when the view shows another one or closes.
     */
    private readonly shown?: (chat: Chat) => (() => void) | undefined,
  ) {}

  get current(): Chat | undefined {
    return this.chat;
  }

  /** Shows another chat in this view (or none). */
  attach(chat: Chat | undefined): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.chat = chat;
    if (chat) {
      const undo = this.shown?.(chat);
      if (undo) this.unsubscribe.push(undo);
      this.unsubscribe.push(chat.settings.attachViewer("vscode"));
      this.unsubscribe.push(
        chat.onBatch((batch) => this.messenger.sendNotification(notification("patches"), this.participant, batch)),
        chat.onSnapshot((snapshot) => this.messenger.sendNotification(notification("snapshot"), this.participant, snapshot)),
        chat.onComposerText((text) => this.messenger.sendNotification(notification("draft"), this.participant, { text, replace: true })),
      );
    }
    this.messenger.sendNotification(notification("snapshot"), this.participant, this.snapshot());
    this.changeListeners.forEach((l) => l());
  }

  snapshot(): ChatSnapshot {
    return this.chat ? this.chat.snapshot() : idleSnapshot(this.idleHint());
  }

  /** Adds text to the page's draft; kept until the page is live when it is still loading. */
  appendToDraft(text: string): void {
    if (this.live) this.messenger.sendNotification(notification("draft"), this.participant, { text });
    else this.pendingDraft.push(text);
  }

  get visible(): boolean {
    return this.shownNow;
  }

  set visible(value: boolean) {
    if (this.shownNow === value) return;
    this.shownNow = value;
    this.changeListeners.forEach((l) => l());
  }

  /** The view was shown or hidden, or shows another chat. */
  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Puts the cursor in the composer (the page focuses its input when it gets this). */
  focusInput(): void {
    if (this.live) this.messenger.sendNotification(notification("focusInput"), this.participant, {});
    else this.focusPending = true;
  }

  /** The page connected (loaded or reloaded): deliver what waited, after the connect answer. */
  connected(): void {
    this.live = true;
    const pending = this.pendingDraft;
    this.pendingDraft = [];
    const focus = this.focusPending;
    this.focusPending = false;
    if (pending.length || focus) {
      setTimeout(() => {
        pending.forEach((text) => this.appendToDraft(text));
        if (focus) this.focusInput();
      }, 0);
    }
  }

  /** The page is being unloaded (a hidden view without retained context): hold draft text until it connects again. */
  disconnected(): void {
    this.live = false;
  }

  /** Shows a new chat here; the replaced one is released (its pi stops unless another view shows it). */
  async replaceWithNew(): Promise<Chat> {
    const previous = this.chat;
    const next = await this.source.create();
    this.attach(next);
    if (previous && previous !== next) this.source.release?.(previous);
    return next;
  }

  async ensureChat(): Promise<Chat> {
    if (!this.chat) this.attach(await this.source.create());
    return this.chat as Chat;
  }

  dispose(): void {
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe = [];
    this.chat = undefined;
  }
}
