// "Rewind to here" under a user message: files only (the folder back to the checkpoint before
// the message), conversation only (pi's session forked at it; the message returns to the
// composer) or both. The host's preview comes first: the user's own edits that would be
// overwritten are listed and asked about, and while pi works the choice is "Stop and rewind".
// After a rewind, its notice offers "Undo rewind" (RewindNotice).
import { memo } from "../memo";
import { useState } from "preact/hooks";
import type { ChatStatus, NoticeItem, UserItem } from "../../src/protocol/transcript";
import type { RewindMode, RewindPreview } from "../../src/protocol/types";
import { addToDraft } from "../draftBus";
import { type ChatTransport, failureOf } from "../transport";
import { Notice, UserMessage } from "./Items";

const MODES: Array<{ mode: RewindMode; label: string; hint: string }> = [
  { mode: "both", label: "Files and conversation", hint: "Restore the files and continue the conversation from before this message" },
  { mode: "files", label: "Files only", hint: "Restore the folder to how it was before this message; the conversation stays" },
  { mode: "conversation", label: "Conversation only", hint: "Continue the conversation from before this message; the files stay as they are" },
];

type Step =
  | { kind: "closed" }
  | { kind: "menu" }
  | { kind: "confirm"; mode: RewindMode; preview: RewindPreview; overwrite: string[]; stop: boolean }
  | { kind: "running" };

function RewindControl({ entryId, working, transport }: { entryId: string; working: boolean; transport: ChatTransport }) {
  const [step, setStep] = useState<Step>({ kind: "closed" });
  const [error, setError] = useState("");
  const run = async (mode: RewindMode, overwrite: boolean, stop: boolean) => {
    setStep({ kind: "running" });
    const failure = await failureOf(
      transport.call("rewind", { entryId, mode, ...(overwrite ? { overwrite } : {}), ...(stop ? { stop } : {}) }).then((r) => {
        // The message comes back to the composer, ready to edit and send again.
        if (r.text) addToDraft(r.text);
      }),
    );
    setError(failure);
    setStep({ kind: "closed" });
  };
  const choose = async (mode: RewindMode) => {
    setError("");
    let preview: RewindPreview;
    try {
      preview = await transport.call("rewindPreview", { entryId });
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    if (mode !== "conversation" && !preview.files.available) {
      setError(`The files cannot be rewound: ${preview.files.reason}`);
      setStep({ kind: "menu" });
      return;
    }
    const overwrite = mode !== "conversation" && preview.files.available ? preview.files.userEdits : [];
    if (overwrite.length || preview.working) setStep({ kind: "confirm", mode, preview, overwrite, stop: preview.working });
    else await run(mode, false, false);
  };
  if (step.kind === "closed") {
    return (
      <div class="rewind">
        <button type="button" class="link small" data-testid="rewind" title="Go back to before this message" onClick={() => setStep({ kind: "menu" })}>
          Rewind to here…
        </button>
        {error ? <div class="error-text" role="alert">{error}</div> : null}
      </div>
    );
  }
  if (step.kind === "running") return <div class="rewind meta">Rewinding…</div>;
  if (step.kind === "confirm") {
    return (
      <fieldset class="rewind rewind-panel" data-testid="rewind-confirm" aria-label="Confirm the rewind">
        {step.stop ? <div>pi is working. The run stops first.</div> : null}
        {step.overwrite.length ? (
          <>
            <div>These files changed outside pi since this message; rewinding overwrites them (Undo rewind brings them back):</div>
            <ul class="rewind-edits" data-testid="rewind-user-edits">
              {step.overwrite.map((p) => (
                <li key={p}>
                  <code>{p}</code>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <button type="button" data-testid="rewind-confirm-go" onClick={() => void run(step.mode, step.overwrite.length > 0, step.stop)}>
          {step.stop ? "Stop and rewind" : "Overwrite and rewind"}
        </button>
        <button type="button" class="secondary" onClick={() => setStep({ kind: "closed" })}>
          Cancel
        </button>
      </fieldset>
    );
  }
  return (
    <fieldset class="rewind rewind-panel" data-testid="rewind-menu" aria-label="Rewind to before this message">
      {working ? <div class="meta">pi is working: a rewind stops the run first.</div> : null}
      {MODES.map((m) => (
        <button type="button" key={m.mode} class="secondary" data-testid={`rewind-${m.mode}`} title={m.hint} onClick={() => void choose(m.mode)}>
          {working ? `Stop and rewind: ${m.label.toLowerCase()}` : m.label}
        </button>
      ))}
      <button type="button" class="link" onClick={() => setStep({ kind: "closed" })}>
        Cancel
      </button>
      {error ? <div class="error-text" role="alert">{error}</div> : null}
    </fieldset>
  );
}

/** A user message, and under it the way back to before it (once pi's entry for it is known). */
export const UserTurn = memo(({ item, status, transport }: { item: UserItem; status: ChatStatus; transport: ChatTransport }) => (
  <>
    <UserMessage item={item} />
    {item.entryId && transport.can("rewind") ? <RewindControl entryId={item.entryId} working={status === "working"} transport={transport} /> : null}
  </>
));

/** A rewind's notice with "Undo rewind"; edits made since are listed and asked about first. */
export const RewindNotice = memo(({ item, transport }: { item: NoticeItem; transport: ChatTransport }) => {
  const [state, setState] = useState<{ kind: "idle" } | { kind: "done"; text: string } | { kind: "ask"; text: string } | { kind: "failed"; text: string }>({ kind: "idle" });
  const undo = async (overwrite: boolean) => {
    try {
      const r = await transport.call("undoRewind", { undoId: item.undoRewind ?? "", ...(overwrite ? { overwrite } : {}) });
      setState({ kind: "done", text: `Undone: ${r.restored.length} restored, ${r.deleted.length} deleted.` });
    } catch (err) {
      const text = (err as Error).message;
      setState(/changed outside pi/.test(text) ? { kind: "ask", text } : { kind: "failed", text });
    }
  };
  return (
    <div class="rewind-notice" data-testid="rewind-notice">
      <Notice item={item} transport={transport} canRestart={false} />
      {state.kind === "idle" ? (
        <button type="button" class="secondary small" data-testid="undo-rewind" onClick={() => void undo(false)}>
          Undo rewind
        </button>
      ) : state.kind === "ask" ? (
        <div class="rewind-panel">
          <div>{state.text}</div>
          <button type="button" data-testid="undo-rewind-anyway" onClick={() => void undo(true)}>
            Undo anyway
          </button>
        </div>
      ) : (
        <div class={state.kind === "failed" ? "error-text" : "meta"} data-testid="undo-rewind-result">
          {state.text}
        </div>
      )}
    </div>
  );
});
