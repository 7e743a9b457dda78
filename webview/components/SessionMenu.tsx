// The chat's menu, shown with the pi-session list: rename, fork from an earlier message (its
// text comes back to the input), export as HTML, open the raw file. Each button exists only
// when the transport offers the action. Its own chunk, loaded when the menu first opens; the
// header hands it what it needs of the page (running an action, the draft).
import { useState } from "preact/hooks";
import type { ForkPoint } from "../../src/protocol/types";
import type { ChatTransport } from "../transport";

interface Props {
  transport: ChatTransport;
  title: string;
  /** Runs an action and reports its outcome (the header shows a failure, closes on success). */
  run(action: Promise<unknown>): void;
  /** Puts text into the composer's draft. */
  toDraft(text: string): void;
}

export function SessionMenu({ transport, title, run, toDraft }: Props) {
  const [renaming, setRenaming] = useState<string | undefined>();
  const [points, setPoints] = useState<ForkPoint[] | undefined>();
  const fork = (entryId: string) =>
    run(
      transport.call("fork", { entryId }).then(({ text }) => {
        setPoints(undefined);
        // The forked message comes back to the input, ready to edit and send again.
        if (text) toDraft(text);
      }),
    );

  return (
    <div class="session-menu" data-testid="session-menu">
      <div class="session-actions">
        {transport.can("rename") ? <button type="button" class="link" data-testid="rename" onClick={() => setRenaming(title)}>Rename</button> : null}
        {transport.can("fork") ? (
          <button type="button" class="link" data-testid="fork" onClick={() => void transport.call("forkPoints", {}).then((r) => setPoints(r.points), () => setPoints([]))}>Fork…</button>
        ) : null}
        {transport.can("exportHtml") ? <button type="button" class="link" data-testid="export-html" onClick={() => run(transport.call("exportHtml", {}))}>Export HTML</button> : null}
        {transport.can("openPiSessionFile") ? (
          <button type="button" class="link" data-testid="open-session-file" onClick={() => run(transport.call("openPiSessionFile", {}))}>Open session file</button>
        ) : null}
      </div>
      {renaming !== undefined ? (
        <form
          class="rename-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(transport.call("rename", { name: renaming }).finally(() => setRenaming(undefined)));
          }}
        >
          <input aria-label="Chat name" data-testid="rename-input" value={renaming} maxLength={200} onInput={(e) => setRenaming((e.target as HTMLInputElement).value)} />
          <button type="submit" disabled={!renaming.trim()}>Save</button>
          <button type="button" class="secondary" onClick={() => setRenaming(undefined)}>Cancel</button>
        </form>
      ) : null}
      {points ? (
        <ul class="fork-points" aria-label="Fork from an earlier message" data-testid="fork-points">
          {points.length === 0 ? <li class="meta">No earlier messages to fork from.</li> : null}
          {points.map((p) => (
            <li key={p.entryId}>
              <button type="button" class="link" onClick={() => fork(p.entryId)}>
                {p.text.length > 120 ? `${p.text.slice(0, 120)}…` : p.text}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
