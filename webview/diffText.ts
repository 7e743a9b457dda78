// The lines of a unified diff, classified, as a write or edit card shows them. Only the diff
// view (its own chunk) uses this. No DOM here.

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
