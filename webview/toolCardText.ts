// Pure text helpers of the tool cards: the lines of a unified diff, a read's line range and a
// command's duration, as the card shows them. No DOM here.

export type DiffLineKind = "added" | "removed" | "context" | "hunk" | "meta";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** A unified diff's lines, classified; the `---`/`+++` file header is left out (the card names the file). */
export function diffLines(diff: string): DiffLine[] {
  const lines = diff.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const out: DiffLine[] = [];
  let inHunk = false;
  for (const text of lines) {
    if (text.startsWith("@@")) {
      inHunk = true;
      out.push({ kind: "hunk", text });
    } else if (!inHunk) {
    } else if (text.startsWith("+")) out.push({ kind: "added", text });
    else if (text.startsWith("-")) out.push({ kind: "removed", text });
    else if (text.startsWith("\\")) out.push({ kind: "meta", text }); // "\ No newline at end of file"
    else out.push({ kind: "context", text });
  }
  return out;
}

export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === "added") added++;
    else if (l.kind === "removed") removed++;
  }
  return { added, removed };
}

/** "lines 10–29", "from line 10", "lines 1–20"; empty for the whole file. */
export function lineRangeText(offset: number | undefined, limit: number | undefined): string {
  const first = offset !== undefined && offset > 1 ? Math.floor(offset) : 1;
  if (limit !== undefined && limit > 0) return `lines ${first}–${first + Math.floor(limit) - 1}`;
  return first > 1 ? `from line ${first}` : "";
}

/** "340 ms", "1.2 s", "2 min 5 s". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
