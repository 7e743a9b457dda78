// The current session's actions, shown with the past-sessions list: rename, fork from an
// earlier message (its text comes back to the input), export as HTML, open the raw file.
// Each button exists only when the transport can do it (VS Code can; the browser cannot yet).
import { useState } from "preact/hooks";
import type { ActionResult } from "../../src/protocol/messages";
import type { ChatTransport } from "../transport";

export function SessionMenu({ transport, title, onDone }: { transport: ChatTransport; title: string; onDone(result: ActionResult): void }) {
  const [renaming, setRenaming] = useState<string | undefined>();
  const [points, setPoints] = useState<Array<{ entryId: string; text: string }> | undefined>();
  const { rename, forkPoints, fork, exportHtml, openSessionFile } = transport;

  return (
    <div class="session-menu" data-testid="session-menu">
      <div class="session-actions">
        {rename ? <button type="button" class="link" data-testid="rename" onClick={() => setRenaming(title)}>Rename</button> : null}
        {forkPoints && fork ? (
          <button type="button" class="link" data-testid="fork" onClick={() => void forkPoints().then(setPoints, () => setPoints([]))}>Fork…</button>
        ) : null}
        {exportHtml ? <button type="button" class="link" data-testid="export-html" onClick={() => void exportHtml().then(onDone)}>Export HTML</button> : null}
        {openSessionFile ? <button type="button" class="link" data-testid="open-session-file" onClick={() => void openSessionFile().then(onDone)}>Open session file</button> : null}
      </div>
      {renaming !== undefined && rename ? (
        <form
          class="rename-form"
          onSubmit={(e) => {
            e.preventDefault();
            void rename(renaming).then((r) => {
              setRenaming(undefined);
              onDone(r);
            });
          }}
        >
          <input aria-label="Session name" data-testid="rename-input" value={renaming} maxLength={200} onInput={(e) => setRenaming((e.target as HTMLInputElement).value)} />
          <button type="submit" disabled={!renaming.trim()}>Save</button>
          <button type="button" class="secondary" onClick={() => setRenaming(undefined)}>Cancel</button>
        </form>
      ) : null}
      {points && fork ? (
        <ul class="fork-points" aria-label="Fork from an earlier message" data-testid="fork-points">
          {points.length === 0 ? <li class="meta">No earlier messages to fork from.</li> : null}
          {points.map((p) => (
            <li key={p.entryId}>
              <button type="button" class="link" onClick={() => void fork(p.entryId).then((r) => { setPoints(undefined); onDone(r); })}>
                {p.text.length > 120 ? `${p.text.slice(0, 120)}…` : p.text}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
