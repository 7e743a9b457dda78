// One component per transcript item kind. Each is memoized on the item object: the store
// replaces only the items a patch touched, so a streamed delta re-renders one message.
import { memo } from "../memo";
import type { AssistantItem, NoticeItem, UserItem } from "../../src/protocol/transcript";
import { lazyComponent } from "../lazy";
import type { ChatTransport } from "../transport";
import { Countdown } from "./Countdown";
import { Markdown } from "./Markdown";

export const UserMessage = memo(({ item }: { item: UserItem }) => (
  <div class="msg user" data-testid="user-message">
    <div class="who">You</div>
    <div class="text">{item.text}</div>
    {item.imageCount ? <div class="meta">{item.imageCount} image(s)</div> : null}
  </div>
));

export const AssistantMessage = memo(({ item }: { item: AssistantItem }) => (
  <div class={`msg assistant${item.streaming ? " streaming" : ""}`} data-testid="assistant-message" aria-busy={item.streaming}>
    <div class="who">pi</div>
    {item.blocks.map((block, i) =>
      block.type === "thinking" ? (
        <details class="thinking" key={i}>
          <summary>Thinking</summary>
          <div class="thinking-text">{block.text}</div>
        </details>
      ) : block.type === "text" ? (
        <Markdown key={i} text={block.text} streaming={item.streaming} />
      ) : null,
    )}
    {item.errorMessage ? <div class="error-text">{item.errorMessage}</div> : null}
  </div>
));

// Tool calls have their own file: each known tool has its own card body.
export { ToolCard } from "./ToolCard";

export const Notice = memo(({ item, canRestart, transport }: { item: NoticeItem; canRestart: boolean; transport: ChatTransport }) => (
  <div class={`notice ${item.level}`} data-testid="notice" role={item.level === "error" ? "alert" : undefined}>
    <div>
      {item.text}
      {item.until ? <Countdown until={item.until} /> : null}
    </div>
    {item.detail ? <pre class="notice-detail">{item.detail}</pre> : null}
    {item.level === "error" && canRestart ? (
      <button type="button" data-testid="restart" onClick={() => void transport.call("restart", {}).catch(() => undefined)}>
        Restart
      </button>
    ) : null}
  </div>
));

// Dialog cards load on demand: most chats never show one.
export const DialogCard = lazyComponent(() => import("./DialogCard").then((m) => m.DialogCard));
