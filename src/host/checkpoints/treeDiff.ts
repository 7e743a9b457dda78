// What changed between two captured trees: one `diff-tree` call gives both the status of each
// path (--raw) and its line counts (--numstat). Renames are off on purpose: a review lists the
// deleted and the added file, and reverting either is exact.
import type { Git } from "./git";
import { splitNul } from "./git";
import type { ChangeStatus, ChangeSummary, FileChange } from "./types";

const RAW = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*$/;
const NUMSTAT = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/;

export interface RawChange {
  path: string;
  status: ChangeStatus;
  oldMode: string;
  newMode: string;
  /** The object on the `from` side (all zeros when it did not exist there). */
  oldId: string;
}

function statusOf(letter: string): ChangeStatus {
  if (letter === "A") return "added";
  if (letter === "D") return "deleted";
  return "modified"; // M, T (a file became a link or back)
}

/** Parses `diff-tree -z --raw --numstat` output, whatever order git prints the two parts in. */
export function parseRawNumstat(tokens: string[]): FileChange[] {
  const raw = new Map<string, ChangeStatus>();
  const counts = new Map<string, { additions: number; deletions: number; binary: boolean }>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const r = RAW.exec(t);
    if (r && i + 1 < tokens.length) {
      raw.set(tokens[++i], statusOf(r[5]));
      continue;
    }
    const n = NUMSTAT.exec(t);
    if (n) {
      const binary = n[1] === "-";
      counts.set(n[3], { additions: binary ? 0 : Number(n[1]), deletions: binary ? 0 : Number(n[2]), binary });
    }
  }
  return [...raw.entries()]
    .map(([path, status]) => ({ path, status, ...(counts.get(path) ?? { additions: 0, deletions: 0, binary: false }) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The changes from tree-ish `from` to tree-ish `to`, optionally limited to some paths. */
export async function diffTrees(git: Git, from: string, to: string, paths?: string[]): Promise<FileChange[]> {
  const args = ["diff-tree", "-r", "-z", "--no-renames", "--no-ext-diff", "--raw", "--numstat", from, to];
  if (paths) {
    if (paths.length === 0) return [];
    args.push("--", ...paths);
  }
  const out = await git.run(args, { literalPathspecs: true });
  return parseRawNumstat(splitNul(out.stdout));
}

/** Only the status of each changed path (no line counts: cheaper, for planning a restore). */
export async function diffStatus(git: Git, from: string, to: string, paths?: string[]): Promise<RawChange[]> {
  const args = ["diff-tree", "-r", "-z", "--no-renames", "--raw", from, to];
  if (paths) {
    if (paths.length === 0) return [];
    args.push("--", ...paths);
  }
  const tokens = splitNul((await git.run(args, { literalPathspecs: true })).stdout);
  const changes: RawChange[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const r = RAW.exec(tokens[i]);
    if (r) changes.push({ path: tokens[++i], status: statusOf(r[5]), oldMode: r[1], newMode: r[2], oldId: r[3] });
  }
  return changes;
}

/** "3 files changed, +12 −4" (the minus is U+2212, as a diff stat is usually set). */
export function summarize(changes: FileChange[]): ChangeSummary {
  const additions = changes.reduce((n, c) => n + c.additions, 0);
  const deletions = changes.reduce((n, c) => n + c.deletions, 0);
  const files = changes.length;
  return { files, additions, deletions, text: `${files} ${files === 1 ? "file" : "files"} changed, +${additions} \u2212${deletions}` };
}
