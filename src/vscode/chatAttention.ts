// What each chat of this window needs from the user, for the Sessions view, the badge and the
// notifications: a question waiting, or a run that finished while nobody was looking. It also
// tells its listeners when that happens (a new question, a finished run), once each.
import type { Chat } from "../host/chat/chat";
import type { ChatHost } from "../host/chatHost";
import type { DialogItem } from "../protocol/transcript";

export type ChatState = "starting" | "working" | "waiting" | "done" | "ready" | "stopped" | "crashed" | "error";

export interface AttentionEvents {
  /** pi asked something (a dialog, a bash or edit approval). */
  asked(chat: Chat, question: DialogItem): void;
  /** A run ended (pi is ready again, or failed). `unseen`: nobody was looking. */
  finished(chat: Chat, unseen: boolean): void;
}

export class ChatAttention {
  private readonly unseen = new Set<string>();
  private readonly lastStatus = new Map<string, Chat["status"]>();
  private readonly askedAbout = new Map<string, Set<string>>();
  private readonly unsubscribe = new Map<string, () => void>();
  private readonly listeners = new Set<() => void>();
  private readonly events = new Set<Partial<AttentionEvents>>();
  private readonly stopHost: () => void;

  constructor(
    private readonly host: ChatHost,
    /** Whether the user can see this chat now (a visible view shows it, in a focused window). */
    private readonly looking: (chat: Chat) => boolean,
  ) {
    this.stopHost = host.onDidChange(() => this.sync());
    this.sync();
  }

  state(chat: Chat): ChatState {
    if (chat.waiting.length) return "waiting";
    const status = chat.status;
    if (status === "ready" && this.unseen.has(chat.id)) return "done";
    return status;
  }

  /** Chats with a question waiting. */
  waitingCount(): number {
    return this.host.chats().filter((c) => c.waiting.length > 0).length;
  }

  /** The user looked at the chat: a finished run is no longer news. */
  seen(chat: Chat): void {
    if (this.unseen.delete(chat.id)) this.changed();
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  on(events: Partial<AttentionEvents>): () => void {
    this.events.add(events);
    return () => this.events.delete(events);
  }

  dispose(): void {
    this.stopHost();
    this.unsubscribe.forEach((u) => u());
    this.unsubscribe.clear();
  }

  private sync(): void {
    const live = new Set<string>(this.host.chats().map((c) => c.id));
    for (const [id, undo] of this.unsubscribe) {
      if (live.has(id)) continue;
      undo();
      this.unsubscribe.delete(id);
      this.unseen.delete(id);
      this.lastStatus.delete(id);
      this.askedAbout.delete(id);
    }
    for (const chat of this.host.chats()) {
      if (this.unsubscribe.has(chat.id)) continue;
      this.lastStatus.set(chat.id, chat.status);
      this.unsubscribe.set(chat.id, chat.onActivity(() => this.update(chat)));
    }
    this.changed();
  }

  private update(chat: Chat): void {
    const before = this.lastStatus.get(chat.id);
    const now = chat.status;
    this.lastStatus.set(chat.id, now);
    if (before === "working" && now !== "working") {
      const unseen = !this.looking(chat);
      if (unseen) this.unseen.add(chat.id);
      this.events.forEach((e) => e.finished?.(chat, unseen));
    }
    if (now === "working") this.unseen.delete(chat.id);
    const asked = this.askedAbout.get(chat.id) ?? new Set<string>();
    this.askedAbout.set(chat.id, asked);
    for (const question of chat.waiting) {
      if (asked.has(question.id)) continue;
      asked.add(question.id);
      this.events.forEach((e) => e.asked?.(chat, question));
    }
    this.changed();
  }

  private changed(): void {
    this.listeners.forEach((l) => l());
  }
}
