// A write/edit pi waits to make (pi.edits.approval: ask): the change as a diff, and the guard's
// answers (Accept, Accept all edits in this session, Reject, Reject with reason…) as buttons —
// the options of the question itself, so the card cannot offer what the guard does not. "Reject
// with reason…" is followed by the guard's question for the reason, a card of its own. In VS
// Code the proposal also opens in the diff editor.
import { memo } from "../memo";
import { useEffect, useState } from "preact/hooks";
import type { DialogItem } from "../../src/protocol/transcript";
import type { EditProposalView } from "../../src/protocol/types";
import { type ChatTransport, failureOf } from "../transport";
import { DiffHunks } from "./DiffHunks";

const SIDE_TEXT: Record<string, string> = {
  binary: "binary",
  tooLarge: "larger than 2 MB",
  unavailable: "not available (it did not match what pi sent, or was not kept)",
};

function sideNote(view: EditProposalView): string {
  const missing = (["before", "after"] as const).filter((s) => view[s].state !== "text" && view[s].state !== "absent");
  return missing.map((s) => `The ${s === "before" ? "current file" : "proposed content"} is ${SIDE_TEXT[view[s].state] ?? view[s].state}.`).join(" ");
}

export const EditProposalCard = memo(({ item, transport }: { item: DialogItem; transport: ChatTransport }) => {
  const [view, setView] = useState<EditProposalView | undefined>();
  const [error, setError] = useState("");
  const open = item.state === "open";
  useEffect(() => {
    void transport.call("editProposal", { dialogId: item.id }).then(setView, (e: Error) => setError(e.message));
  }, [transport, item.id]);
  const answer = async (value: string) => setError(await failureOf(transport.call("answerDialog", { id: item.id, value })));
  const { proposal } = item;
  if (!proposal) return null;
  const verb = proposal.verb === "create" ? "create" : proposal.verb === "write" ? "overwrite" : "edit";
  return (
    <section class={`dialog proposal ${item.state}`} data-testid="edit-proposal" aria-label={`pi wants to ${verb} ${proposal.display}`}>
      <div class="dialog-title">
        pi wants to {verb} <code>{proposal.display}</code>
      </div>
      {proposal.sensitive ? <div class="warning-text">{proposal.sensitive}</div> : null}
      {view ? (
        <>
          {sideNote(view) ? <div class="meta">{sideNote(view)}</div> : null}
          {view.hunks.length ? <DiffHunks hunks={view.hunks} /> : view.before.state === "text" || view.before.state === "absent" ? <div class="meta">No change in content.</div> : null}
        </>
      ) : null}
      {open ? (
        <div class="proposal-actions">
          {(item.options ?? []).map((o, i) => (
            <button type="button" key={o} class={i === 0 ? "" : "secondary"} data-testid="proposal-answer" data-answer={o} onClick={() => void answer(o)}>
              {o}
            </button>
          ))}
          {transport.can("openProposal") ? (
            <button type="button" class="link" data-testid="open-proposal" onClick={() => void failureOf(transport.call("openProposal", { dialogId: item.id })).then(setError)}>
              Open in diff editor
            </button>
          ) : null}
        </div>
      ) : (
        <div class="meta">{item.state === "answered" ? `Answered: ${item.answer ?? ""}` : `Not answered${item.answer ? ` (${item.answer})` : ""}: nothing was written.`}</div>
      )}
      {error ? <div class="error-text">{error}</div> : null}
    </section>
  );
});
