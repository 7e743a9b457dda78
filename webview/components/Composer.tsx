// The input. Enter sends, Shift+Enter adds a line, Escape stops, Up recalls the last message.
// Focus stays here while pi works; the draft survives reloads.
import { useEffect, useRef, useState } from "preact/hooks";
import type { SessionInfo, SessionStatus } from "../../src/protocol/transcript";
import type { ChatTransport } from "../transport";

export function Composer({ status, info, transport }: { status: SessionStatus; info: SessionInfo | undefined; transport: ChatTransport }) {
  const [text, setText] = useState(() => transport.loadDraft());
  const [error, setError] = useState("");
  const lastSent = useRef("");
  const input = useRef<HTMLTextAreaElement>(null);
  const working = status === "working";
  const blocked = status === "starting";

  useEffect(() => input.current?.focus(), []);

  const update = (value: string) => {
    setText(value);
    transport.saveDraft(value);
  };

  const send = async (steer = false) => {
    const message = text.trim();
    if (!message || blocked) return;
    update("");
    lastSent.current = message;
    const result = steer ? await transport.steer(message) : await transport.prompt(message);
    if (!result.accepted) {
      setError(result.error ?? "pi did not accept the message.");
      update(message);
    } else setError("");
    input.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send();
    } else if (e.key === "Escape" && working) {
      e.preventDefault();
      transport.abort();
    } else if (e.key === "ArrowUp" && !text && lastSent.current) {
      e.preventDefault();
      update(lastSent.current);
    }
  };

  const queue = info?.queue;
  const queued = queue ? [...queue.steering, ...queue.followUp] : [];
  return (
    <div class="composer">
      {queued.length ? (
        <div class="queue" data-testid="queue" aria-label="Queued messages">
          <span class="meta">Queued: {queued.join(" · ")}</span>
          <button type="button" class="link" onClick={() => transport.clearQueue()}>Clear</button>
        </div>
      ) : null}
      {error ? <div class="error-text" role="alert">{error}</div> : null}
      <textarea
        ref={input}
        data-testid="prompt-input"
        aria-label="Message pi"
        placeholder={working ? "pi is working — a message now is queued (Steer sends it at once)" : "Ask pi… (Enter to send, Shift+Enter for a new line)"}
        rows={3}
        value={text}
        onInput={(e) => update((e.target as HTMLTextAreaElement).value)}
        onKeyDown={onKeyDown}
      />
      <div class="composer-buttons">
        {working ? (
          <>
            <button type="button" class="secondary" data-testid="steer" disabled={!text.trim()} onClick={() => void send(true)}>Steer</button>
            <button type="button" data-testid="stop" aria-label="Stop (Escape)" onClick={() => transport.abort()}>Stop</button>
          </>
        ) : null}
        <button type="button" data-testid="send" aria-label="Send (Enter)" disabled={!text.trim() || blocked} onClick={() => void send()}>
          Send
        </button>
      </div>
    </div>
  );
}
