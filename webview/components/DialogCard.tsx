// A question from pi (a pi extension's dialog, a bash or edit approval), answered in place: in
// the chat, and on the browser's sessions page for any chat. Styled like VS Code's chat
// confirmations: the first choice is the primary button, the others secondary.
import { memo } from "../memo";
import { useState } from "preact/hooks";
import type { DialogItem } from "../../src/protocol/transcript";
import type { DialogAnswer } from "../../src/protocol/types";
import { failureOf } from "../transport";
import { Icon } from "./Icon";
import { Countdown } from "./Countdown";

/** Sends the answer (answerDialog on the card's chat); rejects with the host's reason. */
export type AnswerDialog = (answer: DialogAnswer) => Promise<unknown>;

export const DialogCard = memo(({ item, answer }: { item: DialogItem; answer: AnswerDialog }) => {
  const [text, setText] = useState(item.prefill ?? "");
  const [error, setError] = useState("");
  const send = async (reply: { value?: string; confirmed?: boolean; cancelled?: true }) => {
    setError(await failureOf(answer({ id: item.id, ...reply })));
  };
  const open = item.state === "open";
  return (
    <section class={`dialog ${item.state}`} data-testid="dialog-card" aria-label={item.title}>
      <div class="dialog-title">
        <Icon name={open ? "question" : item.state === "answered" ? "check" : "circle-slash"} />
        <span>{item.title}</span>
      </div>
      {item.message ? <div class="dialog-message">{item.message}</div> : null}
      {open && item.method === "select" ? (
        <div class="dialog-buttons">
          {(item.options ?? []).map((o, i) => (
            <button type="button" key={o} class={i === 0 ? undefined : "secondary"} onClick={() => void send({ value: o })}>
              {o}
            </button>
          ))}
        </div>
      ) : null}
      {open && item.method === "confirm" ? (
        <div class="dialog-buttons">
          <button type="button" onClick={() => void send({ confirmed: true })}>Yes</button>
          <button type="button" class="secondary" onClick={() => void send({ confirmed: false })}>No</button>
        </div>
      ) : null}
      {open && item.method === "input" ? (
        // One line: Enter submits, as in any input box.
        <form class="dialog-form" onSubmit={(e) => { e.preventDefault(); void send({ value: text }); }}>
          <input type="text" aria-label={item.title} placeholder={item.placeholder} value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          <button type="submit">Submit</button>
        </form>
      ) : null}
      {open && item.method === "editor" ? (
        // Several lines: Enter adds a line, Ctrl/Cmd+Enter submits.
        <form class="dialog-form editor" onSubmit={(e) => { e.preventDefault(); void send({ value: text }); }}>
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
        <button type="button" class="link dialog-cancel" onClick={() => void send({ cancelled: true })}>Cancel</button>
      ) : (
        <div class="meta">{item.state === "answered" ? `Answered: ${item.answer ?? ""}` : `Cancelled${item.answer ? ` (${item.answer})` : ""}`}</div>
      )}
      {error ? <div class="error-text" role="alert">{error}</div> : null}
    </section>
  );
});
