// The mark before a chat tab's title: "⟳ " while pi works, "? " while it waits for you. The
// working mark comes WORKING_MARK_DELAY_MS after the run starts, not with it: renaming a tab
// makes the workbench lay out its tab bar and the webview over it just while the answer's first
// words are on their way to that webview (bench:delta, 8 tab chats a side: the first delta took
// 73 ms with the mark at once and 59 ms with it 300 ms later; the second message 47 and 35 ms).
// You have just pressed Enter there; the mark is for when you look away. The other marks, and
// taking a mark away, are at once.
import type { Chat } from "../host/chat/chat";
import type { ChatAttention } from "./chatAttention";

export const WORKING_MARK_DELAY_MS = 300;

export class TabMarks {
  private readonly workingSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly attention: Pick<ChatAttention, "state">,
    /** Renames the tabs again (when a working mark is due). */
    private readonly refresh: () => void,
    private readonly delayMs = WORKING_MARK_DELAY_MS,
  ) {}

  mark(chat: Chat): string {
    const state = this.attention.state(chat);
    if (state !== "working") {
      this.workingSince.delete(chat.id);
      return state === "waiting" ? "? " : "";
    }
    const since = this.workingSince.get(chat.id) ?? Date.now();
    this.workingSince.set(chat.id, since);
    const left = since + this.delayMs - Date.now();
    if (left <= 0) return "⟳ ";
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, left);
    return "";
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
