// A question from pi (a pi extension's dialog, or an approval), answered in the chat. Its own
// chunk: loaded the first time a chat shows one (components/Items.tsx).
import { memo } from "../memo";
import { useState } from "preact/hooks";
import type { DialogItem } from "../../src/protocol/transcript";
import { type ChatTransport, failureOf } from "../transport";
import { Countdown } from "./Countdown";

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
