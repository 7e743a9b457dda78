// Bringing the folder back to a checkpoint, touching only what the restore can undo: the store
// first captures the folder (the "rewind" checkpoint), and a file may be overwritten or deleted
// only if that capture holds it. So nothing the capture could not take — files over the size
// limit, ignored files, a folder of such files in the way — is ever destroyed; they are kept and
// reported. Files the checkpoint skipped (too large then) or its rules ignored are never deleted.
//
// Order matters: deletions first (a created file may stand where the checkpoint had a folder),
// then the writes with `checkout-index -f` from a private index of the checkpoint's tree.
import * as fs from "node:fs";
import * as path from "node:path";
import { isWithin, physicalPath } from "../../piGuard/paths";
import { linkOrCopy } from "./capture";
import { GitError, splitNul } from "./git";
import type { ShadowRepo } from "./shadowRepo";
import { diffStatus } from "./treeDiff";
import type { Checkpoint, KeptFile } from "./types";

export interface PlannedRestore {
  write: string[];
  delete: string[];
  keep: KeptFile[];
  /** The checkpoint's objects for the files to write: read in full before anything is touched. */
  objects: Map<string, string>;
}

const REASONS = {
  uncaptured: "it changed after the checkpoint and is too large or ignored, so overwriting it could not be undone",
  skippedThen: "it was over the size limit at the checkpoint, so its content then is unknown",
  ignoredThen: "the checkpoint's ignore rules exclude it, so the checkpoint does not know whether it existed",
  blocked: "a file or folder the restore keeps is in the way",
  folderInWay: "a folder with files the checkpoint does not cover is in its place",
} as const;

/** lstat without an exception for a missing path (a full restore asks about 10,000 missing ones). */
function lstat(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR and the like: not there either
  }
}

/** Paths (of `candidates`) the checkpoint's own .gitignore files would ignore. */
async function ignoredByCheckpointRules(repo: ShadowRepo, target: string, candidates: string[]): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const listing = splitNul((await repo.git.run(["ls-tree", "-r", "-z", "--name-only", "--full-tree", target])).stdout);
  const ignoreFiles = listing.filter((p) => path.posix.basename(p) === ".gitignore");
  const scratch = repo.tempPath("rules");
  const index = repo.tempPath("rules-index");
  try {
    fs.mkdirSync(scratch, { recursive: true });
    if (ignoreFiles.length > 0) {
      await repo.git.run(["read-tree", target], { indexFile: index });
      await repo.git.run(["checkout-index", "-z", "--stdin", `--prefix=${scratch}/`], { indexFile: index, input: `${ignoreFiles.join("\0")}\0` });
    }
    const out = await repo.git.run(["check-ignore", "-z", "--stdin", "--no-index"], { workTree: scratch, input: `${candidates.join("\0")}\0`, okCodes: [1] });
    return new Set(splitNul(out.stdout));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(index, { force: true });
  }
}

/**
 * What restoring `target` over the folder (captured as `current`, a tree-ish) would do.
 * `paths` limits it to those repository paths.
 */
export async function planRestore(repo: ShadowRepo, target: Checkpoint, current: string, paths?: string[]): Promise<PlannedRestore> {
  const changes = await diffStatus(repo.git, target.id, current, paths);
  const plan: PlannedRestore = { write: [], delete: [], keep: [], objects: new Map() };
  const skippedThen = new Set(target.skipped.map((s) => s.path));
  const deletions: string[] = [];
  for (const c of changes) {
    if (c.status === "added") {
      if (skippedThen.has(c.path)) plan.keep.push({ path: c.path, reason: REASONS.skippedThen });
      else deletions.push(c.path);
    } else if (c.status === "deleted" && lstat(path.join(repo.folder, c.path))) {
      plan.keep.push({ path: c.path, reason: REASONS.uncaptured }); // on disk but not in the capture
    } else {
      plan.write.push(c.path);
      plan.objects.set(c.path, c.oldId);
    }
  }
  // Rules that differ between then and now: a file tracked now may have been ignored (and present) then.
  const rulesChanged = changes.some((c) => path.posix.basename(c.path) === ".gitignore");
  const ignoredThen = rulesChanged ? await ignoredByCheckpointRules(repo, target.id, deletions) : new Set<string>();
  for (const p of deletions) {
    if (ignoredThen.has(p)) plan.keep.push({ path: p, reason: REASONS.ignoredThen });
    else plan.delete.push(p);
  }
  // A write may not go through something the restore keeps (a kept file where a folder must be).
  const deleted = new Set(plan.delete);
  const blocking = new Map<string, boolean>(); // per folder on the way: asked once, not once per file
  const blocks = (ancestor: string) => {
    let b = blocking.get(ancestor);
    if (b === undefined) {
      const st = lstat(path.join(repo.folder, ancestor));
      b = !!st && !st.isDirectory() && !deleted.has(ancestor);
      blocking.set(ancestor, b);
    }
    return b;
  };
  plan.write = plan.write.filter((p) => {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) {
      if (blocks(parts.slice(0, i).join("/"))) {
        plan.keep.push({ path: p, reason: REASONS.blocked });
        return false;
      }
    }
    return true;
  });
  plan.keep.sort((a, b) => (a.path < b.path ? -1 : 1));
  return plan;
}

/** Deletes a file or link by its real parent folder (never following a link, never outside the folder). */
function removeInside(folder: string, rel: string): boolean {
  const absolute = path.join(folder, rel);
  let parent: string;
  try {
    parent = physicalPath(path.dirname(absolute));
  } catch {
    return false;
  }
  if (!isWithin(folder, parent)) return false;
  const target = path.join(parent, path.basename(absolute));
  const st = lstat(target);
  if (!st || st.isDirectory()) return false;
  fs.unlinkSync(target);
  return true;
}

/** Removes folders left empty by deletions, up to (not including) the workspace folder. */
function pruneEmptyDirs(folder: string, rels: string[]): void {
  const dirs = new Set<string>();
  for (const rel of rels) for (let d = path.posix.dirname(rel); d !== "." && d !== ""; d = path.posix.dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(path.join(folder, d)); // only succeeds when empty
    } catch {
      // not empty (or gone): leave it
    }
  }
}

export interface AppliedRestore {
  restored: string[];
  deleted: string[];
  kept: KeptFile[];
}

/**
 * Reads every object the restore will write, whole: a damaged store fails here (as a GitError
 * git's damage messages mark) before a single file was deleted or overwritten.
 */
async function verifyObjects(repo: ShadowRepo, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const out = (await repo.git.run(["cat-file", "--batch"], { input: `${ids.join("\n")}\n` })).stdout;
  // Each answer is "<id> <type> <size>\n<content>\n", or "<id> missing\n" (exit 0) for an object that is not there.
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    const header = out.toString("latin1", at, eol < 0 ? out.length : eol).split(" ");
    if (header[1] === "missing" || eol < 0) throw new GitError(["cat-file", "--batch"], 128, `fatal: missing blob ${header[0]} (unable to read)`);
    at = eol + 1 + Number(header[2]) + 1;
  }
}

export async function applyRestore(repo: ShadowRepo, target: Checkpoint, plan: PlannedRestore): Promise<AppliedRestore> {
  await verifyObjects(repo, [...new Set(plan.write.map((p) => plan.objects.get(p) ?? "").filter((id) => id))]);
  const deleted = plan.delete.filter((p) => removeInside(repo.folder, p));
  pruneEmptyDirs(repo.folder, deleted);
  const kept = [...plan.keep];
  const write: string[] = [];
  for (const p of plan.write) {
    const st = lstat(path.join(repo.folder, p));
    if (st?.isDirectory()) {
      try {
        fs.rmdirSync(path.join(repo.folder, p)); // an empty folder may give way; checkout-index would delete a full one
      } catch {
        kept.push({ path: p, reason: REASONS.folderInWay });
        continue;
      }
    }
    write.push(p);
  }
  if (write.length > 0) {
    // From the capture index (just refreshed by the rewind checkpoint), `read-tree -m` keeps the
    // stat data of every entry whose content is the checkpoint's; `checkout-index -u` records it for
    // the files it writes. Installed as the capture index, the next checkpoint then re-reads nothing.
    const index = repo.tempPath("restore-index");
    try {
      linkOrCopy(repo.indexFile, index);
      await repo.git.run(["read-tree", "-m", target.id], { indexFile: index });
      await repo.git.run(["checkout-index", "-f", "-u", "-z", "--stdin"], { indexFile: index, input: `${write.join("\0")}\0` });
      fs.renameSync(index, repo.indexFile);
    } finally {
      fs.rmSync(index, { force: true });
    }
  }
  return { restored: write, deleted, kept };
}
