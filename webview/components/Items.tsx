// One component per transcript item kind. Each is memoized on the item object: the store
// replaces only the items a patch touched, so a streamed delta re-renders one message.
import type { AssistantItem, NoticeItem, UserItem } from "../../src/protocol/transcript";
import type { IconName } from "../iconNames";
import { lazyComponent } from "../lazy";
import { memo } from "../memo";
import type { ChatTransport } from "../transport";
import { Countdown } from "./Countdown";
import { Icon } from "./Icon";
import { Markdown } from "./Markdown";

// As in VS Code's chat: your message in a bubble on the right, pi's answer as plain text below.
// `pending`: the view's echo of a message just sent, until pi's copy of it arrives. Hidden from
// screen readers: the log announces pi's copy, and the message once is enough.
export const UserMessage = memo(({ item, pending }: { item: UserItem; pending?: boolean }) => (
  <div class={pending ? "msg user pending" : "msg user"} data-testid={pending ? "pending-message" : "user-message"} aria-hidden={pending ? "true" : undefined}>
    <div class="who sr-only">You</div>
    <div class="bubble">
      <div class="text">{item.text}</div>
      {item.imageCount ? (
        <div class="meta">
          <Icon name="attach" /> {item.imageCount} image{item.imageCount === 1 ? "" : "s"}
        </div>
      ) : null}
    </div>
  </div>
));

export const AssistantMessage = memo(({ item }: { item: AssistantItem }) => (
  <div class={`msg assistant${item.streaming ? " streaming" : ""}`} data-testid="assistant-message" aria-busy={item.streaming}>
    <div class="who">
      <span class="avatar" aria-hidden="true">π</span>pi
    </div>
    {item.blocks.map((block, i) =>
      block.type === "thinking" ? (
        <details class="thinking" key={i}>
          <summary>
            <Icon name="chevron-right" />
            Thinking
          </summary>
          <div class="thinking-text">{block.text}</div>
        </details>
      ) : block.type === "text" ? (
        <Markdown key={i} text={block.text} streaming={item.streaming} />
      ) : null,
    )}
    {item.errorMessage ? (
      <div class="error-text">
        <Icon name="error" /> {item.errorMessage}
      </div>
    ) : null}
  </div>
));

// Tool calls have their own file: each known tool has its own card body.
export { ToolCard } from "./ToolCard";

const NOTICE_ICON: Record<NoticeItem["level"], IconName> = { info: "comment-discussion", warning: "warning", error: "error" };

export const Notice = memo(({ item, canRestart, transport }: { item: NoticeItem; canRestart: boolean; transport: ChatTransport }) => (
  <div class={`notice ${item.level}`} data-testid="notice" role={item.level === "error" ? "alert" : undefined}>
    <div class="notice-text">
      <Icon name={NOTICE_ICON[item.level]} />
      {item.text}
      {item.until ? <Countdown until={item.until} /> : null}
    </div>
    {item.detail ? <pre class="notice-detail">{item.detail}</pre> : null}
    {item.level === "error" && canRestart ? (
      <button type="button" class="small" data-testid="restart" onClick={() => void transport.call("restart", {}).catch(() => undefined)}>
        Restart
      </button>
    ) : null}
  </div>
));

// Dialog cards load on demand: most chats never show one.
export const DialogCard = lazyComponent(() => import("./DialogCard").then((m) => m.DialogCard));
