// Unified diffs for tool cards, computed with jsdiff (`diff`): the library pi itself uses for
// the edit tool's `details.patch`, so our write diffs look exactly like pi's edit diffs. It is
// already installed as pi's dependency; bundled (tree-shaken) it adds about 6 KB to extension.js.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/** Longest diff sent to views: a diff is part of the transcript every view keeps. */
export const MAX_DIFF_CHARS = 100_000;
/** Lines of context around a change, as pi's own edit patches have. */
const CONTEXT_LINES = 4;
/** Myers' diff is O(N·D): a give-up time keeps a rewritten 2 MB file from stalling the host. */
const DIFF_TIMEOUT_MS = 500;

export interface DiffText {
  diff: string;
  truncated: boolean;
}

/** Cuts a diff at a line boundary so no view renders half a line. */
export function capDiff(diff: string, max = MAX_DIFF_CHARS): DiffText {
  if (diff.length <= max) return { diff, truncated: false };
  const cut = diff.lastIndexOf("\n", max);
  return { diff: diff.slice(0, cut > 0 ? cut + 1 : max), truncated: true };
}

/** The unified diff of a file's two versions; undefined if computing it took too long. */
export function unifiedDiff(file: string, before: string, after: string): DiffText | undefined {
  const patch = createTwoFilesPatch(file, file, before, after, undefined, undefined, {
    context: CONTEXT_LINES,
    headerOptions: FILE_HEADERS_ONLY,
    timeout: DIFF_TIMEOUT_MS,
  });
  return patch === undefined ? undefined : capDiff(patch);
}
