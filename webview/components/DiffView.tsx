// A write or edit card's change as a unified diff, lines classified (added, removed, context).
// Its own chunk: loaded the first time a card shows a diff (components/ToolCard.tsx).
import { useMemo, useState } from "preact/hooks";
import { diffLines, diffStats } from "../diffText";

/** Diff lines rendered before "Show all": a big rewrite should not stall the chat. */
const LONG_DIFF_LINES = 300;

export function DiffView({ diff, truncated }: { diff: string; truncated?: boolean }) {
  const lines = useMemo(() => diffLines(diff), [diff]);
  const stats = useMemo(() => diffStats(lines), [lines]);
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? lines : lines.slice(0, LONG_DIFF_LINES);
  return (
    <div class="diff-block">
      <div class="meta diff-stats">
        <span class="diff-count added">+{stats.added}</span> <span class="diff-count removed">−{stats.removed}</span>
        {truncated ? " (diff cut short)" : ""}
      </div>
      <pre class="diff" data-testid="diff">
        {shown.map((l, i) => (
          <div key={i} class={`diff-line ${l.kind}`}>
            {l.text}
          </div>
        ))}
      </pre>
      {lines.length > LONG_DIFF_LINES ? (
        <button type="button" class="link" onClick={() => setExpanded(!expanded)}>
          {expanded ? "Show less" : `Show all ${lines.length} lines`}
        </button>
      ) : null}
    </div>
  );
}
