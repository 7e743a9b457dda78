// Records the work tree as a git tree object, fast and without racing another chat.
//
// One pass: `ls-files -o -m -d` lists what is new, changed or gone relative to the capture index
// (a stat cache), `update-index --add --remove` records exactly those paths, `write-tree` makes
// the tree. Unchanged files are not even read, so a one-file change costs two directory walks.
//
// Concurrency: each capture works on its own hard link of the capture index. git never writes an
// index in place (it writes `<index>.lock` and renames it), so the link is a private snapshot with
// the original's timestamps (which git's racy-file check needs). The result is renamed back over
// the shared index: if two captures overlap, the last rename wins, and either index is a correct
// stat cache — the trees both captures wrote are each right for their moment.
//
// Nested repositories (a folder with its own .git) are listed by ls-files as `dir/`, a single
// entry, and `git add` would record them as gitlinks (their HEAD, not their files; an empty one
// makes `git add` fail outright). Once the index holds any file below such a folder, git treats
// it as a plain directory. So a capture "seeds" each new nested repository with one of its files
// (one the workspace's rules do not ignore) and lists again: from then on its files are captured
// under the workspace's rules like any other (plus its own .gitignore files). Its `.git` is never
// recorded: git refuses every path with a `.git` component.
import * as fs from "node:fs";
import * as path from "node:path";
import { splitNul } from "./git";
import type { ShadowRepo } from "./shadowRepo";
import type { SkippedFile } from "./types";

/** Nesting depth of repositories inside repositories that a capture follows. */
const MAX_NESTING_ROUNDS = 8;
/** Files of a new nested repository tried as its seed. */
const SEED_CANDIDATES = 64;

export interface Capture {
  tree: string;
  /** Files over the size limit (or unreadable), left out of the tree. */
  skipped: SkippedFile[];
}

export function linkOrCopy(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    fs.copyFileSync(from, to); // a file system without hard links: a copy is still a valid (if slower) stat cache
    return true;
  }
}

/** Why a listed file cannot go into the tree (undefined: it can, or it is gone, a link, a folder). */
function skipReason(folder: string, rel: string, max: number): SkippedFile | undefined {
  const full = path.join(folder, rel);
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(full, { throwIfNoEntry: false }); // no exception per deleted file: they can be thousands
  } catch {
    return undefined;
  }
  if (!st?.isFile()) return undefined;
  if (st.size > max) return { path: rel, bytes: st.size, reason: "too-large" };
  try {
    fs.accessSync(full, fs.constants.R_OK); // git would stop the whole capture at an unreadable file
  } catch {
    return { path: rel, bytes: st.size, reason: "unreadable" };
  }
  return undefined;
}

async function listCandidates(repo: ShadowRepo, index: string): Promise<string[]> {
  const out = await repo.git.run(["ls-files", "-z", "--others", "--modified", "--deleted", "--exclude-standard"], { indexFile: index });
  return [...new Set(splitNul(out.stdout))];
}

/** One file of the nested repository at `dir/` that the workspace's rules do not ignore. */
async function seedFor(repo: ShadowRepo, dir: string): Promise<string | undefined> {
  const inner = await repo.git.run(["ls-files", "-z", "--others", "--exclude-standard"], {
    workTree: path.join(repo.folder, dir),
    indexFile: repo.tempPath("seed-index"), // does not exist: an empty index
  });
  const candidates = splitNul(inner.stdout)
    .filter((p) => !p.endsWith("/"))
    .slice(0, SEED_CANDIDATES)
    .map((p) => dir + p);
  if (candidates.length === 0) return undefined;
  const ignored = await repo.git.run(["check-ignore", "-z", "--stdin", "--no-index"], { input: `${candidates.join("\0")}\0`, okCodes: [1] });
  const skip = new Set(splitNul(ignored.stdout));
  return candidates.find((c) => !skip.has(c));
}

/**
 * `core.bigFileThreshold=1` for this call only: every new blob is streamed into one pack per call
 * instead of a loose file each — on a 10,000-file first checkpoint that is one file written instead
 * of 10,000 (4–5x faster here), and the store starts compact. gc later deltifies those packs under
 * the normal threshold; diffs run with it too (above the threshold git calls every file binary).
 */
async function updateIndex(repo: ShadowRepo, index: string, flags: string[], paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  await repo.git.run(["-c", "core.bigFileThreshold=1", "update-index", ...flags, "-z", "--stdin"], { indexFile: index, input: `${paths.join("\0")}\0` });
}

/**
 * Captures the work tree. Files larger than `maxFileBytes` are left out (and out of the index,
 * so a file that grew past the limit is not recorded with stale content).
 */
export async function captureTree(repo: ShadowRepo, maxFileBytes: number): Promise<Capture> {
  fs.mkdirSync(repo.tmpDir, { recursive: true });
  const index = repo.tempPath("index");
  linkOrCopy(repo.indexFile, index);
  try {
    let candidates = await listCandidates(repo, index);
    const unseedable = new Set<string>();
    for (let round = 0; round < MAX_NESTING_ROUNDS; round++) {
      const nested = candidates.filter((p) => p.endsWith("/") && !unseedable.has(p));
      if (nested.length === 0) break;
      const seeds: string[] = [];
      for (const dir of nested) {
        const seed = await seedFor(repo, dir);
        if (seed) seeds.push(seed);
        else unseedable.add(dir); // nothing in it the workspace's rules keep: nothing to capture
      }
      if (seeds.length === 0) break;
      await updateIndex(repo, index, ["--add", "--replace"], seeds);
      candidates = await listCandidates(repo, index);
    }

    const files = candidates.filter((p) => !p.endsWith("/"));
    const skipped: SkippedFile[] = [];
    const record: string[] = [];
    for (const p of files) {
      const skip = skipReason(repo.folder, p, maxFileBytes);
      if (skip) skipped.push(skip);
      else record.push(p);
    }
    await updateIndex(repo, index, ["--add", "--remove", "--replace"], record);
    await updateIndex(repo, index, ["--force-remove"], skipped.map((s) => s.path));
    if (files.some((p) => path.posix.basename(p) === ".gitignore")) await untrackIgnored(repo, index);

    const tree = await repo.git.text(["write-tree"], { indexFile: index });
    fs.renameSync(index, repo.indexFile);
    return { tree, skipped };
  } finally {
    fs.rmSync(index, { force: true }); // still there when a step failed, or when nothing was rewritten (same inode)
  }
}

/** After a .gitignore changed: files the capture index still holds but the rules now ignore leave it. */
async function untrackIgnored(repo: ShadowRepo, index: string): Promise<void> {
  const out = await repo.git.run(["ls-files", "-z", "--cached", "--ignored", "--exclude-standard"], { indexFile: index });
  await updateIndex(repo, index, ["--force-remove"], splitNul(out.stdout));
}
