// The shapes every checkpoint store (git shadow repository, or the file-snapshot fallback) shares.
// Paths are workspace-relative with `/` separators, as git names them.

/**
 * Why a checkpoint was taken. The timeline of these tells pi's changes from the user's:
 * between a `turn-end` and the next `turn-start` no pi was working, so every change there is
 * the user's own (see userEdits.ts).
 */
export type CheckpointKind = "turn-start" | "turn-end" | "rewind" | "restored";

export interface SkippedFile {
  path: string;
  bytes: number;
  /** Over the size limit, or not readable by this process (e.g. another user's file). */
  reason: "too-large" | "unreadable";
}

export interface Checkpoint {
  /** The commit's object name (git), or `fs-…` (file-snapshot fallback). */
  id: string;
  /** Milliseconds since the epoch, taken when the checkpoint started. */
  createdAt: number;
  kind: CheckpointKind;
  label: string;
  /** pi's session id (from get_state) the checkpoint belongs to. */
  sessionId: string;
  chatId?: string;
  /** Files left out because they are larger than the size limit. */
  skipped: SkippedFile[];
  /** Set when the store was missing or damaged and a new one was started for this checkpoint. */
  notice?: string;
}

export interface CheckpointRequest {
  kind: CheckpointKind;
  sessionId: string;
  chatId?: string;
  /** A short human text (e.g. the first words of the user message). */
  label?: string;
  /**
   * When the state it records was asked for (default: now). A message goes to pi while its
   * checkpoint is taken (pi's tools wait for it), so pi's entry for it may be older than the
   * checkpoint's start; it must not be older than this.
   */
  at?: number;
}

export type ChangeStatus = "added" | "modified" | "deleted";

export interface FileChange {
  path: string;
  status: ChangeStatus;
  additions: number;
  deletions: number;
  binary: boolean;
}

export interface ChangeSummary {
  files: number;
  additions: number;
  deletions: number;
  /** "3 files changed, +12 −4" */
  text: string;
}

export interface RestoreOptions {
  /** Only these paths (workspace-relative or absolute inside the folder); default: everything. */
  paths?: string[];
  sessionId: string;
  chatId?: string;
}

export interface KeptFile {
  path: string;
  /** Why the restore left it as it is (the user is told). */
  reason: string;
}

export interface RestorePlan {
  /** Files the restore writes (created or overwritten). */
  write: string[];
  /** Files the restore deletes (created after the checkpoint). */
  delete: string[];
  /** Files it would have to touch but leaves alone, with the reason. */
  keep: KeptFile[];
  /** Of the files it touches, those changed outside pi since the checkpoint (ask before overwriting). */
  userEdits: FileChange[];
}

export interface RestoreResult {
  restored: string[];
  deleted: string[];
  kept: KeptFile[];
  /** The checkpoint taken just before restoring: restoring it is "Undo rewind". */
  undo: Checkpoint;
}

/** What pi's get_entries returns, as far as binding checkpoints needs it. */
export interface SessionEntryLike {
  id: string;
  type: string;
  timestamp?: string;
  message?: { role?: string };
}

/** One checkpoint on the folder's timeline (what `timeline()` lists). */
export interface TimelinePoint {
  id: string;
  at: number;
  kind: CheckpointKind;
  sessionId: string;
  chatId?: string;
  label?: string;
}

export interface PruneResult {
  removedSessions: string[];
  removedCheckpoints: number;
}

/** Both stores offer this; the lead's chat code depends on it only. */
export interface CheckpointStoreApi {
  readonly kind: "git" | "snapshots";
  /** What this store cannot restore, for one notice in the chat (undefined: it restores everything). */
  readonly limitation: string | undefined;
  checkpoint(request: CheckpointRequest): Promise<Checkpoint>;
  /** Readies the next checkpoint while nothing waits on it (a chat opened, no message yet): takes none. */
  warm(): Promise<void>;
  get(id: string): Promise<Checkpoint>;
  changes(from: string, to: string | "worktree", paths?: string[]): Promise<FileChange[]>;
  fileAt(checkpointId: string, path: string): Promise<Buffer | undefined>;
  previewRestore(checkpointId: string, paths?: string[]): Promise<RestorePlan>;
  restore(checkpointId: string, options: RestoreOptions): Promise<RestoreResult>;
  userEdits(sinceCheckpointId: string): Promise<FileChange[]>;
  /** The folder's checkpoints, oldest first (only those of one pi session if given): turns are turn-start → turn-end pairs. */
  timeline(sessionId?: string): TimelinePoint[];
  bind(sessionId: string, entryId: string, checkpointId: string): Promise<void>;
  bindEntries(sessionId: string, entries: SessionEntryLike[]): Promise<Array<{ entryId: string; checkpointId: string }>>;
  checkpointFor(sessionId: string, entryId: string): Promise<Checkpoint | undefined>;
  /** The checkpoint id bound to that entry (along the sessions it was forked from), unchecked: no git process per lookup. */
  bindingOf(sessionId: string, entryId: string): string | undefined;
  /** When the store was last started anew (deleted or damaged), and why. */
  lastReset(): { at: number; reason: string } | undefined;
  adoptFork(childSessionId: string, parentSessionId: string, entryIds: string[]): Promise<void>;
  reviewBase(checkpointId: string, path: string): Promise<Buffer | undefined>;
  setReviewBase(checkpointId: string, path: string, content: Buffer | undefined): Promise<void>;
  forgetSession(sessionId: string): Promise<void>;
  prune(keepSessions: number): Promise<PruneResult>;
}
