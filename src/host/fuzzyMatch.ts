// A small fuzzy matcher for the composer's `@` file picker. The query's characters must occur
// in order in the path, ignoring case; a match scores higher when its characters are adjacent,
// start words, or fall in the file name, and shorter paths win ties. Good enough for picking a
// file out of a few thousand without pulling in a library.

const WORD_BREAK = new Set(["/", "\\", "-", "_", ".", " "]);

function isWordStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const prev = text[i - 1];
  if (WORD_BREAK.has(prev)) return true;
  // camelCase: a capital after a lower-case letter.
  const c = text[i];
  return c !== c.toLowerCase() && prev === prev.toLowerCase() && prev !== prev.toUpperCase();
}

/** Greedy in-order match of `query` (lower case) in `text` from `from`; the score, or undefined when it does not match. */
function matchScore(query: string, text: string, from: number): number | undefined {
  const lower = text.toLowerCase();
  let score = 0;
  let at = from;
  let previous = -2;
  for (const ch of query) {
    const i = lower.indexOf(ch, at);
    if (i < 0) return undefined;
    score += 1;
    if (i === previous + 1) score += 5;
    if (isWordStart(text, i)) score += 8;
    previous = i;
    at = i + 1;
  }
  return score;
}

/** How well `candidate` (a relative path) matches `query`; undefined when it does not. */
export function fuzzyScore(query: string, candidate: string): number | undefined {
  const q = query.toLowerCase();
  if (!q) return 0;
  const nameStart = candidate.lastIndexOf("/") + 1;
  const name = candidate.slice(nameStart).toLowerCase();
  // A query with a slash is about the path; otherwise the file name matters most.
  const inName = q.includes("/") ? undefined : matchScore(q, candidate, nameStart);
  const score = inName !== undefined ? inName + 10 : matchScore(q, candidate, 0);
  if (score === undefined) return undefined;
  let bonus = 0;
  if (name.startsWith(q)) bonus += 20;
  else if (name.includes(q)) bonus += 12;
  else if (candidate.toLowerCase().includes(q)) bonus += 6;
  return score + bonus - candidate.length / 100;
}

/** The best `limit` matches, best first; an empty query lists the shallowest paths first. */
export function fuzzyFilter(query: string, candidates: readonly string[], limit = 50): string[] {
  const scored: Array<{ path: string; score: number }> = [];
  const q = query.trim();
  for (const path of candidates) {
    const score = q ? fuzzyScore(q, path) : -path.split("/").length;
    if (score !== undefined) scored.push({ path, score });
  }
  scored.sort((a, b) => b.score - a.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return scored.slice(0, Math.max(0, limit)).map((s) => s.path);
}
