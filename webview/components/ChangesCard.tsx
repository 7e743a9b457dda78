// What pi changed in one run: "N files changed, +a −d", each file with its counts. In VS Code a
// file opens the diff editor (checkpoint ↔ the real file, Keep / Revert in the editor); every
// view can also show it here, fetched on demand, with Keep / Revert per hunk and per file, and
// Keep all / Revert all for the turn. Below, everything the pi session changed so far.
import { memo } from "../memo";
import { useEffect, useState } from "preact/hooks";
import type { ChangesItem } from "../../src/protocol/transcript";
import type { DiffHunk, FileDiff, ReviewOutcome } from "../../src/protocol/types";
import { type ChatTransport, failureOf } from "../transport";
import { DiffHunks } from "./DiffHunks";

type FileRow = ChangesItem["files"][number];

const STATUS = { added: "A", modified: "M", deleted: "D" } as const;

function outcomeText(o: ReviewOutcome, verb: string): string {
  const done = o.files.length ? `${verb} ${o.files.length === 1 ? o.files[0] : `${o.files.length} files`}.` : "";
  const skipped = o.skipped.map((s) => `${s.path}: ${s.reason}`).join(" ");
  return [done, skipped].filter(Boolean).join(" ");
}

function Counts({ file }: { file: Pick<FileRow, "additions" | "deletions" | "binary"> }) {
  if (file.binary) return <span class="meta">binary</span>;
  return (
    <span class="review-counts">
      <span class="diff-count added">+{file.additions}</span> <span class="diff-count removed">−{file.deletions}</span>
    </span>
  );
}

function FileDetails({ turnId, file, transport, onOutcome }: { turnId: string; file: FileRow; transport: ChatTransport; onOutcome(text: string, retry?: () => void): void }) {
  const [diff, setDiff] = useState<FileDiff | undefined>();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  // Fetched when shown, and again after every action on the file (bumping `version`).
  const [version, setVersion] = useState(0);
  useEffect(() => {
    void transport.call("fileDiff", { turnId, path: file.path }).then(
      (d) => {
        setDiff(d);
        setError("");
      },
      (err: Error) => setError(err.message),
    );
  }, [transport, turnId, file.path, version]);
  const act = async (run: () => Promise<ReviewOutcome | undefined>, verb: string) => {
    setBusy(true);
    const failure = await failureOf(
      run().then((o) => {
        if (o) onOutcome(outcomeText(o, verb), o.skipped.some((s) => s.userEdit) ? () => void act(() => transport.call("revertFile", { turnId, path: file.path, overwrite: true }), "Reverted") : undefined);
      }),
    );
    if (failure) onOutcome(failure);
    setVersion((v) => v + 1);
    setBusy(false);
  };
  const hunk = (name: "keepHunk" | "revertHunk", verb: string) => (h: DiffHunk) => void act(() => transport.call(name, { turnId, path: file.path, hunkId: h.id }), verb);
  return (
    <div class="review-file-details" data-testid="review-file-details">
      <div class="review-file-actions">
        <button type="button" class="secondary small" data-testid="revert-file" disabled={busy} onClick={() => void act(() => transport.call("revertFile", { turnId, path: file.path }), "Reverted")}>
          Revert file
        </button>
        <button type="button" class="secondary small" data-testid="keep-file" disabled={busy} onClick={() => void act(() => transport.call("keepFile", { turnId, path: file.path }), "Kept")}>
          Keep file
        </button>
      </div>
      {error ? <div class="error-text">{error}</div> : null}
      {diff && diff.hunks.length === 0 ? (
        <div class="meta" data-testid="review-no-hunks">
          {diff.base === "binary" || diff.current === "binary" ? "Binary file: use Revert file or Keep file." : "Nothing left to review in this file."}
        </div>
      ) : null}
      {diff?.hunks.length ? <DiffHunks hunks={diff.hunks} actions={{ busy, keep: hunk("keepHunk", "Kept a change in"), revert: hunk("revertHunk", "Reverted a change in") }} /> : null}
    </div>
  );
}

function FileList({ turnId, files, transport, onOutcome }: { turnId: string; files: FileRow[]; transport: ChatTransport; onOutcome(text: string, retry?: () => void): void }) {
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const editor = transport.can("openChange");
  const toggle = (p: string) => setOpen({ ...open, [p]: !open[p] });
  return (
    <ul class="review-files">
      {files.map((f) => (
        <li key={f.path} class="review-file" data-testid="review-file" data-path={f.path}>
          <div class="review-file-row">
            <span class={`review-status ${f.status}`} title={f.status}>
              {STATUS[f.status]}
            </span>
            <button
              type="button"
              class="link review-path"
              data-testid="review-path"
              title={editor ? `Open ${f.path} in the diff editor (Keep / Revert in the file)` : `Show the changes of ${f.path}`}
              onClick={() => (editor ? void failureOf(transport.call("openChange", { turnId, path: f.path })).then((e) => e && onOutcome(e)) : toggle(f.path))}
            >
              {f.path}
            </button>
            <Counts file={f} />
            {editor ? (
              <button type="button" class="link small" data-testid="review-toggle" aria-expanded={!!open[f.path]} onClick={() => toggle(f.path)}>
                {open[f.path] ? "Hide" : "Diff"}
              </button>
            ) : null}
          </div>
          {open[f.path] ? <FileDetails turnId={turnId} file={f} transport={transport} onOutcome={onOutcome} /> : null}
        </li>
      ))}
    </ul>
  );
}

function SessionChanges({ transport }: { transport: ChatTransport }) {
  const [list, setList] = useState<{ turnId?: string; files: FileRow[]; summary: string } | undefined>();
  const [error, setError] = useState("");
  const [note, setNote] = useState("");
  if (!list) {
    return (
      <button
        type="button"
        class="link small"
        data-testid="session-changes"
        onClick={() => void transport.call("sessionChanges", {}).then((r) => setList({ turnId: r.turnId, files: r.files, summary: r.summary.text }), (e: Error) => setError(e.message))}
      >
        {error || "Everything changed in this session…"}
      </button>
    );
  }
  return (
    <div class="review-session" data-testid="session-changes-list">
      <div class="meta">Since the session began (your own edits included): {list.summary}</div>
      {list.turnId ? <FileList turnId={list.turnId} files={list.files} transport={transport} onOutcome={setNote} /> : null}
      {note ? <div class="meta">{note}</div> : null}
    </div>
  );
}

export const ChangesCard = memo(({ item, transport }: { item: ChangesItem; transport: ChatTransport }) => {
  const [note, setNote] = useState<{ text: string; retry?: () => void } | undefined>();
  const [busy, setBusy] = useState(false);
  const turn = async (name: "keepTurn" | "revertTurn", verb: string, overwrite?: boolean) => {
    setBusy(true);
    const failure = await failureOf(
      (name === "keepTurn" ? transport.call("keepTurn", { turnId: item.turnId }) : transport.call("revertTurn", { turnId: item.turnId, overwrite })).then((o) =>
        setNote({ text: outcomeText(o, verb), retry: name === "revertTurn" && o.skipped.some((s) => s.userEdit) ? () => void turn("revertTurn", verb, true) : undefined }),
      ),
    );
    if (failure) setNote({ text: failure });
    setBusy(false);
  };
  return (
    <section class="review-card" data-testid="changes-card" aria-label={`pi's changes: ${item.summary}`}>
      <div class="review-head">
        <span class="review-summary" data-testid="changes-summary">
          {item.summary}
        </span>
        <span class="review-turn-actions">
          <button type="button" class="secondary small" data-testid="keep-turn" disabled={busy} onClick={() => void turn("keepTurn", "Kept")}>
            Keep all
          </button>
          <button type="button" class="secondary small" data-testid="revert-turn" disabled={busy} onClick={() => void turn("revertTurn", "Reverted")}>
            Revert all
          </button>
        </span>
      </div>
      <FileList turnId={item.turnId} files={item.files} transport={transport} onOutcome={(text, retry) => setNote({ text, retry })} />
      {note?.text ? (
        <div class="meta review-note" data-testid="review-note" role="status">
          {note.text}
          {note.retry ? (
            <button type="button" class="link small" data-testid="revert-anyway" onClick={note.retry}>
              Revert anyway
            </button>
          ) : null}
        </div>
      ) : null}
      <SessionChanges transport={transport} />
    </section>
  );
});
