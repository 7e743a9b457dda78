// Checkpoints of a workspace folder: the one entry point the chat host uses.
//   const { store, notice } = await openCheckpointStore({ folder, storesRoot });
// storesRoot is <globalStorage>/checkpoints in VS Code, <data dir>/checkpoints for the server.
// With git on PATH the store is a shadow repository (GitCheckpointStore); without it, the
// guard's write/edit snapshots (SnapshotCheckpointStore), and `notice` says once what that
// cannot restore. See README.md in this folder for when to call what.
import * as path from "node:path";
import { probeGit } from "./git";
import { DEFAULT_MAX_FILE_BYTES, GitCheckpointStore } from "./gitStore";
import { storeDirFor } from "./shadowRepo";
import { SnapshotCheckpointStore } from "./snapshotStore";
import type { CheckpointStoreApi } from "./types";

export * from "./types";
export * from "./errors";
export { computeHunks, keepHunk, revertHunk, planFileRevert, isBinary, splitLines, type Hunk, type TextEdit, type HunkResult, type KeepResult, type FileRevert } from "./hunks";
export { summarize } from "./treeDiff";
export { GitCheckpointStore, DEFAULT_MAX_FILE_BYTES } from "./gitStore";
export { SnapshotCheckpointStore, LIMITATION as SNAPSHOT_LIMITATION } from "./snapshotStore";
export { storeDirFor } from "./shadowRepo";

export interface OpenOptions {
  folder: string;
  /** Parent of every folder's store. */
  storesRoot: string;
  /** PATH decides which git is used (and whether there is one). */
  env?: NodeJS.ProcessEnv;
  /** Setting: files larger than this are not captured (default 5 MB). */
  maxFileBytes?: number;
}

export type OpenedStore =
  | { store: GitCheckpointStore; notice: undefined }
  | { store: SnapshotCheckpointStore; /** Show once in the chat: why the fallback, and what it cannot restore. */ notice: string };

export async function openCheckpointStore(options: OpenOptions): Promise<OpenedStore & { store: CheckpointStoreApi }> {
  const env = options.env ?? process.env;
  const storeDir = storeDirFor(options.storesRoot, options.folder);
  const git = await probeGit(env);
  if ("missing" in git) {
    const store = new SnapshotCheckpointStore(options.folder, path.join(storeDir, "snapshots"), git.missing);
    return { store, notice: store.limitation };
  }
  const store = await GitCheckpointStore.open({ folder: options.folder, storeDir, git, env, maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES });
  return { store, notice: undefined };
}
