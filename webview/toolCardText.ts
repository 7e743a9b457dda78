// Pure text helpers of the tool cards: a read's line range and a command's duration, as the
// card shows them (a diff's lines are in diffText.ts, with the lazily loaded diff view). No DOM here.

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
