// A file's hunks as the host computed them (review/fileReview.ts): removed and added lines with
// a little context, each hunk with its own Keep / Revert when the view offers them. Everything
// is text nodes; a big rewrite shows the first hunks and a "Show all".
import { useState } from "preact/hooks";
import type { DiffHunk } from "../../src/protocol/types";

const FIRST_HUNKS = 20;

export interface HunkActions {
  keep?(hunk: DiffHunk): void;
  revert?(hunk: DiffHunk): void;
  /** Set while an action on the hunks is running: the buttons wait. */
  busy?: boolean;
}

function Lines({ lines, kind, sign }: { lines: string[]; kind: string; sign: string }) {
  return (
    <>
      {lines.map((l, i) => (
        <div key={i} class={`diff-line ${kind}`}>
          {sign}
          {l}
        </div>
      ))}
    </>
  );
}

export function DiffHunks({ hunks, actions }: { hunks: DiffHunk[]; actions?: HunkActions }) {
  const [all, setAll] = useState(false);
  const shown = all ? hunks : hunks.slice(0, FIRST_HUNKS);
  return (
    <div class="review-hunks" data-testid="review-hunks">
      {shown.map((h) => (
        <div class="review-hunk" key={h.id} data-testid="review-hunk" data-hunk={h.id}>
          <div class="review-hunk-head">
            <span class="meta">
              line {h.currentLine} (was {h.baseLine})
            </span>
            {actions?.keep || actions?.revert ? (
              <span class="review-hunk-actions">
                {actions.keep ? (
                  <button type="button" class="secondary small" data-testid="keep-hunk" disabled={actions.busy} onClick={() => actions.keep?.(h)}>
                    Keep
                  </button>
                ) : null}
                {actions.revert ? (
                  <button type="button" class="secondary small" data-testid="revert-hunk" disabled={actions.busy} onClick={() => actions.revert?.(h)}>
                    Revert
                  </button>
                ) : null}
              </span>
            ) : null}
          </div>
          <pre class="diff">
            <Lines lines={h.before} kind="context" sign="  " />
            <Lines lines={h.removed} kind="removed" sign="- " />
            <Lines lines={h.added} kind="added" sign="+ " />
            <Lines lines={h.after} kind="context" sign="  " />
          </pre>
        </div>
      ))}
      {hunks.length > FIRST_HUNKS ? (
        <button type="button" class="link" onClick={() => setAll(!all)}>
          {all ? "Show fewer" : `Show all ${hunks.length} changes`}
        </button>
      ) : null}
    </div>
  );
}
