// The conversation. Sticks to the bottom while the user is there, never yanks them down when
// they scrolled up, and renders only the newest items of very long chats (more on demand).
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ChatItem, SessionStatus } from "../../src/protocol/transcript";
import type { ChatTransport } from "../transport";
import { AssistantMessage, DialogCard, Notice, ToolCard, UserMessage } from "./Items";

const PAGE = 200;

function Item({ item, status, transport }: { item: ChatItem; status: SessionStatus; transport: ChatTransport }) {
  switch (item.kind) {
    case "user":
      return <UserMessage item={item} />;
    case "assistant":
      return <AssistantMessage item={item} />;
    case "tool":
      return <ToolCard item={item} />;
    case "dialog":
      return <DialogCard item={item} transport={transport} />;
    case "notice":
      return <Notice item={item} transport={transport} canRestart={status === "crashed" || status === "error" || status === "stopped"} />;
  }
}

export function Transcript({ items, status, transport, version }: { items: ChatItem[]; status: SessionStatus; transport: ChatTransport; version: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [shown, setShown] = useState(PAGE);
  const first = Math.max(0, items.length - shown);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = () => (atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40);
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [version]);

  return (
    <div class="transcript" ref={ref} role="log" aria-live="polite" aria-label="Conversation" data-testid="transcript">
      {first > 0 ? (
        <button type="button" class="link more" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, first)} earlier messages
        </button>
      ) : null}
      {items.slice(first).map((item) => (
        <Item key={item.id} item={item} status={status} transport={transport} />
      ))}
    </div>
  );
}
