// The input. Enter sends, Shift+Enter adds a line, Escape stops, Up recalls the last message.
// `/` at the start lists pi's commands and `@` lists workspace files (Up/Down, Enter or Tab
// picks, Escape closes the list — it never stops pi while the list is open). Images can be
// pasted, dropped or attached. Focus stays here while pi works; the draft survives reloads.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { MAX_IMAGES } from "../../src/protocol/images";
import type { ChatInfo, ChatStatus } from "../../src/protocol/transcript";
import { applyPick, COMPLETION_LIST_ID, optionId } from "../completion";
import { onDraftText } from "../draftBus";
import { imageFiles, readAttachments, type Attachment } from "../composerImages";
import { lazyComponent } from "../lazy";
import { type ChatTransport, failureOf } from "../transport";
import { Attachments } from "./Attachments";
import { IconButton } from "./Icon";
import { useCompletion } from "./useCompletion";

// The list loads when it first opens.
const CompletionList = lazyComponent(() => import("./CompletionList").then((m) => m.CompletionList));

export function Composer({
  status,
  info,
  transport,
  onSent,
  echo,
}: {
  status: ChatStatus;
  info: ChatInfo | undefined;
  transport: ChatTransport;
  onSent?: () => void;
  /** Shows a message that starts a run at once in the transcript; returns how to take it back. */
  echo?: (text: string, imageCount: number) => () => void;
}) {
  const [text, setText] = useState(() => transport.loadDraft());
  const [caret, setCaret] = useState(() => text.length);
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [error, setError] = useState("");
  const lastSent = useRef("");
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // The latest draft, for handlers registered once (the host's "add to draft").
  const textRef = useRef(text);
  const working = status === "working";
  // A message typed while pi starts is sent once it is ready (the host waits), not dropped.
  const { completion, move, setActive, dismiss } = useCompletion(transport, text, caret, info?.chatId);

  useEffect(() => input.current?.focus(), []);

  const update = (value: string, caretAt = value.length) => {
    textRef.current = value;
    setText(value);
    setCaret(caretAt);
    transport.saveDraft(value);
  };

  // Where the caret goes once the text set with it is rendered. Placed in the same commit as
  // that text, not a frame later: a key typed in between would land before the caret moved
  // and the caret would then jump back over it (a pick followed at once by typing lost letters).
  const pendingCaret = useRef<{ text: string; at: number } | undefined>(undefined);
  useLayoutEffect(() => {
    const pending = pendingCaret.current;
    const el = input.current;
    if (!pending || !el) return;
    pendingCaret.current = undefined;
    // The user typed on since: their caret wins.
    if (el.value !== pending.text) return;
    el.focus();
    el.setSelectionRange(pending.at, pending.at);
  });

  /** Puts the caret at `at` once the text just set (update) is rendered. */
  const placeCaret = (at: number) => {
    pendingCaret.current = { text: textRef.current, at };
  };

  const appendToDraft = (addition: string) => {
    const current = textRef.current;
    const joined = current ? `${current}${current.endsWith("\n") ? "" : "\n"}${addition}` : addition;
    update(joined);
    placeCaret(joined.length);
  };

  useEffect(() => {
    const fromHost = transport.on("draft", ({ text: addition, replace }) => {
      if (!replace) return appendToDraft(addition);
      update(addition);
      placeCaret(addition.length);
    });
    const fromPage = onDraftText(appendToDraft);
    const focus = transport.on("focusInput", () => input.current?.focus());
    return () => {
      fromHost();
      fromPage();
      focus();
    };
  }, [transport]);

  const pick = (index: number) => {
    const option = completion?.options[index];
    if (!completion || !option) return;
    const next = applyPick(textRef.current, completion.trigger, caret, option.insertion);
    update(next.text, next.caret);
    placeCaret(next.caret);
  };

  const addFiles = async (files: File[]) => {
    const { added, errors } = await readAttachments(files, attachments.length);
    if (added.length) setAttachments((current) => [...current, ...added].slice(0, MAX_IMAGES));
    setError(errors.join(" "));
  };

  const send = async (steer = false) => {
    const message = text.trim();
    if (!message) return;
    const sending = attachments;
    const images = sending.map((a) => a.image);
    update("");
    setAttachments([]);
    lastSent.current = message;
    const params = images.length ? { text: message, images } : { text: message };
    // A message that starts a run shows at once. Not a queued one (the queue line shows it),
    // nor a `/command` or `!command` (pi shows no message of yours for those).
    const unecho = !steer && !working && !/^[/!]/.test(message) ? echo?.(message, images.length) : undefined;
    onSent?.();
    const failure = await failureOf(transport.call(steer ? "steer" : "prompt", params));
    if (failure) {
      unecho?.();
      setError(failure);
      update(message);
      setAttachments(sending);
    } else setError("");
    input.current?.focus();
  };

  const addProblems = async () => {
    try {
      const { text: problems } = await transport.call("problems", {});
      setError("");
      appendToDraft(problems);
    } catch (err) {
      setError((err as Error).message || "No problems to add.");
    }
  };

  const abort = () => void transport.call("abort", {}).catch(() => undefined);
  const clearQueue = () => void failureOf(transport.call("clearQueue", {})).then(setError);

  const onKeyDown = (e: KeyboardEvent) => {
    if (completion) {
      const hasOptions = completion.options.length > 0;
      if (e.key === "Escape") {
        // Closing the list comes first: Escape must not also stop pi.
        e.preventDefault();
        e.stopPropagation();
        dismiss();
        return;
      }
      if (hasOptions && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        e.preventDefault();
        move(e.key === "ArrowDown" ? 1 : -1);
        return;
      }
      if (hasOptions && (e.key === "Tab" || (e.key === "Enter" && !e.shiftKey && !e.isComposing))) {
        e.preventDefault();
        pick(completion.active);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send();
    } else if (e.key === "Escape" && working) {
      e.preventDefault();
      abort();
    } else if (e.key === "ArrowUp" && !text && lastSent.current) {
      e.preventDefault();
      update(lastSent.current);
    }
  };

  const trackCaret = (e: Event) => {
    const el = e.target as HTMLTextAreaElement;
    if (el.selectionStart !== caret) setCaret(el.selectionStart);
  };

  const onPaste = (e: ClipboardEvent) => {
    const files = imageFiles(e.clipboardData?.files);
    // Text wins when there is some (an office app also puts a picture of the text on the clipboard).
    if (!files.length || e.clipboardData?.types.includes("text/plain")) return;
    e.preventDefault();
    void addFiles(files);
  };

  const onDragOver = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
  };

  const onDrop = (e: DragEvent) => {
    const files = Array.from(e.dataTransfer?.files ?? []);
    if (!files.length) return;
    e.preventDefault();
    void addFiles(files);
  };

  const queue = info?.queue;
  const queued = queue ? [...queue.steering, ...queue.followUp] : [];
  const activeId = completion?.options.length ? optionId(completion.active) : undefined;
  return (
    // Images can be dropped anywhere on the composer; the file input and Paste do the same by keyboard.
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop zone, see above
    <div class="composer" onDragOver={onDragOver} onDrop={onDrop}>
      {queued.length ? (
        <section class="queue" data-testid="queue" aria-label="Queued messages">
          <span class="meta">Queued: {queued.join(" · ")}</span>
          <button
            type="button"
            class="link"
            data-testid="edit-queue"
            title="Take the queued messages back into the input to edit them"
            onClick={() => {
              clearQueue();
              update([...queued, text].filter((t) => t.trim()).join("\n\n"));
              input.current?.focus();
            }}
          >
            Edit
          </button>
          <button type="button" class="link" data-testid="clear-queue" onClick={clearQueue}>Clear</button>
        </section>
      ) : null}
      {error ? <div class="error-text" role="alert">{error}</div> : null}
      <Attachments items={attachments} onRemove={(id) => setAttachments((current) => current.filter((a) => a.id !== id))} />
      <div class="input-box">
        {completion ? <CompletionList completion={completion} onPick={pick} onHover={setActive} listId={COMPLETION_LIST_ID} optionId={optionId} /> : null}
        <textarea
          ref={input}
          data-testid="prompt-input"
          aria-label="Message pi"
          aria-autocomplete="list"
          aria-controls={completion ? COMPLETION_LIST_ID : undefined}
          aria-activedescendant={activeId}
          placeholder={working ? "pi is working — a message now is queued (Steer sends it at once)" : "Ask pi… (/ for commands, @ for files, Enter to send)"}
          rows={3}
          value={text}
          onInput={(e) => {
            const el = e.target as HTMLTextAreaElement;
            update(el.value, el.selectionStart);
          }}
          onKeyDown={onKeyDown}
          onKeyUp={trackCaret}
          onClick={trackCaret}
          onPaste={onPaste}
        />
        <div class="input-toolbar">
          <input
            ref={fileInput}
            type="file"
            class="hidden"
            accept="image/png,image/jpeg,image/gif,image/webp"
            multiple
            tabIndex={-1}
            aria-hidden="true"
            onChange={(e) => {
              const el = e.target as HTMLInputElement;
              void addFiles(Array.from(el.files ?? []));
              el.value = "";
            }}
          />
          <IconButton
            icon="attach"
            label={`Attach images (up to ${MAX_IMAGES}; or paste / drop them)`}
            testId="attach-image"
            disabled={attachments.length >= MAX_IMAGES}
            onClick={() => fileInput.current?.click()}
          />
          {transport.can("problems") ? <IconButton icon="warning" label="Add the active editor's problems to the message" testId="add-problems" onClick={() => void addProblems()} /> : null}
          <span class="spacer" />
          {working ? (
            <>
              <button type="button" class="secondary small" data-testid="steer" title="Send now, between pi's tool calls" disabled={!text.trim()} onClick={() => void send(true)}>
                Steer
              </button>
              <IconButton icon="debug-stop" label="Stop (Escape)" testId="stop" onClick={abort} />
            </>
          ) : null}
          <IconButton icon="send" label={working ? "Queue (Enter)" : "Send (Enter)"} testId="send" primary disabled={!text.trim()} onClick={() => void send()} />
        </div>
      </div>
    </div>
  );
}
