// The files of a workspace folder for the composer's `@` picker, without VS Code: a
// breadth-first walk (shallow files first when the cap cuts it short) that skips dependency
// and version-control folders and does not follow symbolic links out of the folder. Listings
// are cached briefly: the picker searches on every keystroke.
import * as fs from "node:fs";
import * as path from "node:path";
import { fuzzyFilter } from "./fuzzyMatch";

/** Folders never listed (VS Code's files.exclude defaults, plus node_modules). */
export const IGNORED_DIRS: ReadonlySet<string> = new Set(["node_modules", ".git", ".hg", ".svn", "CVS"]);

export interface ListLimits {
  /** Stop after this many files. */
  maxFiles: number;
  /** Folder levels below the root to enter (0 = the root's own files only). */
  maxDepth: number;
}

export const DEFAULT_LIST_LIMITS: ListLimits = { maxFiles: 20_000, maxDepth: 20 };

/** Files under `root` as relative paths with `/` separators. Unreadable folders are skipped. */
export async function listWorkspaceFiles(root: string, limits: ListLimits = DEFAULT_LIST_LIMITS): Promise<string[]> {
  const files: string[] = [];
  let level: string[] = [""];
  for (let depth = 0; level.length && depth <= limits.maxDepth; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(path.join(root, rel), { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        // Dirent types come from lstat: a symbolic link is neither, so it is never followed.
        if (entry.isDirectory()) {
          if (!IGNORED_DIRS.has(entry.name)) next.push(child);
        } else if (entry.isFile()) {
          files.push(child);
          if (files.length >= limits.maxFiles) return files;
        }
      }
    }
    level = next;
  }
  return files;
}

/** Lists a folder's files (relative, `/`-separated). */
export type FileLister = (cwd: string) => Promise<string[]>;

/** Fuzzy search over cached listings, one per folder. */
export class FileSearch {
  private readonly cache = new Map<string, { at: number; files: Promise<string[]> }>();

  constructor(
    private readonly list: FileLister = (cwd) => listWorkspaceFiles(cwd),
    /** How long a listing is reused: long enough for a burst of typing, short enough to see new files. */
    private readonly ttlMs = 10_000,
  ) {}

  async search(cwd: string, query: string, limit = 50): Promise<string[]> {
    return fuzzyFilter(query, await this.files(cwd), limit);
  }

  private files(cwd: string): Promise<string[]> {
    const now = Date.now();
    for (const [key, entry] of this.cache) if (now - entry.at > this.ttlMs) this.cache.delete(key);
    let entry = this.cache.get(cwd);
    if (!entry) {
      entry = { at: now, files: this.list(cwd) };
      this.cache.set(cwd, entry);
      // A failed listing is not kept: the next keystroke tries again.
      entry.files.catch(() => this.cache.delete(cwd));
    }
    return entry.files;
  }
}
