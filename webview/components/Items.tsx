// One component per transcript item kind. Each is memoized on the item object: the store
// replaces only the items a patch touched, so a streamed delta re-renders one message.
import { memo } from "preact/compat";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { AssistantItem, DialogItem, NoticeItem, UserItem } from "../../src/protocol/transcript";
import { renderMarkdown } from "../markdown";
import { splitMarkdownBlocks } from "../markdownBlocks";
import { type ChatTransport, failureOf } from "../transport";

export const UserMessage = memo(({ item }: { item: UserItem }) => (
  <div class="msg user" data-testid="user-message">
    <div class="who">You</div>
    <div class="text">{item.text}</div>
    {item.imageCount ? <div class="meta">{item.imageCount} image(s)</div> : null}
  </div>
));

// Each block is rendered once and kept while later blocks stream in (see markdownBlocks.ts).
const MarkdownBlock = memo(({ text }: { text: string }) => {
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
});

/** Past this size a block still streaming is shown as text: re-parsing it every frame would stall. */
const PLAIN_WHILE_STREAMING = 12_000;

function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const blocks = useMemo(() => splitMarkdownBlocks(text), [text]);
  return (
    <div class="markdown">
      {blocks.map((block, i) =>
        streaming && i === blocks.length - 1 && block.length > PLAIN_WHILE_STREAMING ? (
          <div key={i} class="md-plain">{block}</div>
        ) : (
          <MarkdownBlock key={i} text={block} />
        ),
      )}
    </div>
  );
}

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

/** "in 4 s" until `until`, then nothing: a retry's countdown, ticking once a second. */
function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (now >= until) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(1000, until - now));
    return () => clearTimeout(timer);
  }, [now, until]);
  const left = Math.ceil((until - now) / 1000);
  return left > 0 ? <span data-testid="countdown"> in {left} s</span> : <span data-testid="countdown"> now</span>;
}

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

export const DialogCard = memo(({ item, transport }: { item: DialogItem; transport: ChatTransport }) => {
  const [text, setText] = useState(item.prefill ?? "");
  const [error, setError] = useState("");
  const send = async (answer: { value?: string; confirmed?: boolean; cancelled?: true }) => {
    setError(await failureOf(transport.call("answerDialog", { id: item.id, ...answer })));
  };
  const open = item.state === "open";
  return (
    <section class={`dialog ${item.state}`} data-testid="dialog-card" aria-label={item.title}>
      <div class="dialog-title">{item.title}</div>
      {item.message ? <div class="dialog-message">{item.message}</div> : null}
      {open && item.method === "select"
        ? (item.options ?? []).map((o) => (
            <button type="button" key={o} onClick={() => void send({ value: o })}>
              {o}
            </button>
          ))
        : null}
      {open && item.method === "confirm" ? (
        <>
          <button type="button" onClick={() => void send({ confirmed: true })}>Yes</button>
          <button type="button" class="secondary" onClick={() => void send({ confirmed: false })}>No</button>
        </>
      ) : null}
      {open && item.method === "input" ? (
        // One line: Enter submits, as in any input box.
        <form onSubmit={(e) => { e.preventDefault(); void send({ value: text }); }}>
          <input type="text" aria-label={item.title} placeholder={item.placeholder} value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          <button type="submit">Submit</button>
        </form>
      ) : null}
      {open && item.method === "editor" ? (
        // Several lines: Enter adds a line, Ctrl/Cmd+Enter submits.
        <form onSubmit={(e) => { e.preventDefault(); void send({ value: text }); }}>
          <textarea
            aria-label={item.title}
            rows={6}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void send({ value: text });
              }
            }}
          />
          <button type="submit" title="Submit (Ctrl+Enter)">Submit</button>
        </form>
      ) : null}
      {open && item.until ? <div class="meta">Closes on its own <Countdown until={item.until} /></div> : null}
      {open ? (
        <button type="button" class="secondary" onClick={() => void send({ cancelled: true })}>Cancel</button>
      ) : (
        <div class="meta">{item.state === "answered" ? `Answered: ${item.answer ?? ""}` : `Cancelled${item.answer ? ` (${item.answer})` : ""}`}</div>
      )}
      {error ? <div class="error-text">{error}</div> : null}
    </section>
  );
});
