// The checkpoint store of one workspace folder, on a shadow git repository (see shadowRepo.ts
// for the layout, capture.ts for how the folder is recorded, restore.ts for the way back).
// A damaged or deleted store never stops the chat: the next checkpoint starts a new one and
// says so (Checkpoint.notice); asking for a checkpoint that was lost is refused with the reason.
import * as fs from "node:fs";
import * as path from "node:path";
import { captureTree } from "./capture";
import { CHECKPOINT_REF_PREFIX, hasRef, isObjectId, readCheckpointCommit, REVIEW_REF_PREFIX, writeCheckpointCommit, writeLooseRef } from "./commits";
import { BadRequestError, CheckpointError, CheckpointGoneError, RestoreIncompleteError, StoreDamagedError } from "./errors";
import { GitError, type GitProbe } from "./git";
import { toRepoPath, toRepoPaths } from "./requestPaths";
import { applyRestore, planRestore } from "./restore";
import { applyPrune, planPrune, session } from "./sessions";
import { SessionBoundStore } from "./sessionBoundStore";
import { ShadowRepo } from "./shadowRepo";
import { StoreState } from "./storeState";
import { diffTrees } from "./treeDiff";
import { userEditGaps } from "./userEdits";
import type { Checkpoint, CheckpointRequest, CheckpointStoreApi, FileChange, PruneResult, RestorePlan, RestoreResult, TimelinePoint } from "./types";

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Unreachable objects younger than this survive gc: a concurrent checkpoint may not have its ref yet. */
const PRUNE_GRACE = "1.hour.ago";
/** Loose objects, or packs (each capture with new content writes one), above which prune() also packs the store. */
const LOOSE_OBJECTS_BEFORE_GC = 1000;
const PACKS_BEFORE_GC = 50;
const TMP_MAX_AGE_MS = 60 * 60 * 1000;

export interface GitStoreOptions {
  folder: string;
  /** This folder's store directory (see storeDirFor). */
  storeDir: string;
  git: GitProbe;
  /** Environment git runs in (PATH, HOME); GIT_* variables are dropped. */
  env?: NodeJS.ProcessEnv;
  /** Files larger than this are not captured (the `skipped` list names them). */
  maxFileBytes?: number;
}

export class GitCheckpointStore extends SessionBoundStore implements CheckpointStoreApi {
  readonly kind = "git" as const;
  readonly limitation = undefined;
  protected readonly state: StoreState;
  /** Damage a read ran into: checked (git fsck) before the next checkpoint relies on the store. */
  private suspect: string | undefined;
  /** This process has taken checkpoints here: a missing store was deleted, not new. */
  private tookAny = false;

  private constructor(
    private readonly repo: ShadowRepo,
    private readonly maxFileBytes: number,
  ) {
    super();
    this.state = new StoreState(repo.stateFile);
  }

  static async open(options: GitStoreOptions): Promise<GitCheckpointStore> {
    const repo = await ShadowRepo.open({ storeDir: options.storeDir, folder: options.folder, gitBinary: options.git.binary, env: options.env ?? process.env });
    return new GitCheckpointStore(repo, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  }

  /** The folder's real path; every path this store returns is relative to it. */
  get folder(): string {
    return this.repo.folder;
  }

  async checkpoint(request: CheckpointRequest): Promise<Checkpoint> {
    if (typeof request.sessionId !== "string" || request.sessionId.length === 0) throw new BadRequestError("A checkpoint needs pi's session id.");
    const createdAt = request.at ?? Date.now();
    let notice = await this.prepare();
    const take = async () => {
      const { tree, skipped } = await captureTree(this.repo, this.maxFileBytes);
      const meta = { kind: request.kind, sessionId: request.sessionId, chatId: request.chatId, createdAt, skipped };
      return { id: await writeCheckpointCommit(this.repo.git, tree, meta, request.label ?? request.kind), skipped };
    };
    let taken: { id: string; skipped: Checkpoint["skipped"] };
    try {
      taken = await take();
    } catch (err) {
      if (!isDamage(err)) throw err;
      this.repo.dropIndex(); // the capture index may name objects that are gone: re-read every file
      try {
        taken = await take();
      } catch (again) {
        if (!isDamage(again)) throw again;
        notice = await this.reset(`damaged (${firstLine(again)})`);
        taken = await take();
      }
    }
    await this.state.update((s) => {
      s.timeline.push({ id: taken.id, at: createdAt, kind: request.kind, sessionId: request.sessionId, chatId: request.chatId, label: request.label });
      session(s, request.sessionId, createdAt);
    });
    this.tookAny = true;
    return { id: taken.id, createdAt, kind: request.kind, label: request.label ?? request.kind, sessionId: request.sessionId, chatId: request.chatId, skipped: taken.skipped, notice };
  }

  /**
   * Creates the repository on first use and fills the capture index (git's stat cache), so the
   * checkpoint before the first message only reads what changed since, as every later one does.
   * A store that needs repair is left alone: the next checkpoint repairs it and says so.
   */
  async warm(): Promise<void> {
    if (this.suspect) return;
    if (!this.repo.exists()) {
      if (this.tookAny || this.state.read().timeline.length > 0) return;
      await this.repo.ensure();
    }
    await this.captureNow();
  }

  async get(id: string): Promise<Checkpoint> {
    if (!isObjectId(id)) throw new CheckpointGoneError(String(id), "it is not a checkpoint id");
    if (!this.repo.exists()) throw new CheckpointGoneError(id, `this folder's checkpoint store is gone (${this.repo.gitDir} was deleted)${this.resetNote()}`);
    if (!hasRef(this.repo.gitDir, CHECKPOINT_REF_PREFIX + id)) {
      throw new CheckpointGoneError(id, `it is no longer in this folder's checkpoint store (pruned with its session, or the store was reset)${this.resetNote()}`);
    }
    try {
      return await readCheckpointCommit(this.repo.git, id);
    } catch (err) {
      if (err instanceof StoreDamagedError) this.suspect = err.detail;
      if (err instanceof CheckpointGoneError && err.reason.startsWith("it is no longer")) throw new CheckpointGoneError(id, err.reason + this.resetNote());
      throw err;
    }
  }

  async changes(from: string, to: string | "worktree", paths?: string[]): Promise<FileChange[]> {
    const a = await this.get(from);
    const b = to === "worktree" ? await this.captureNow() : (await this.get(to)).id;
    return this.reading(() => diffTrees(this.repo.git, a.id, b, toRepoPaths(this.folder, paths)));
  }

  async fileAt(checkpointId: string, file: string): Promise<Buffer | undefined> {
    const rel = toRepoPath(this.folder, file);
    const cp = await this.get(checkpointId);
    return this.reading(async () => {
      const entry = (await this.repo.git.run(["ls-tree", "-z", "--full-tree", cp.id, "--", rel], { literalPathspecs: true })).stdout.toString("utf8");
      const m = /^(\d{6}) (\w+) ([0-9a-f]+)\t/.exec(entry);
      if (m?.[2] !== "blob") return undefined;
      return (await this.repo.git.run(["cat-file", "blob", m[3]])).stdout;
    });
  }

  async previewRestore(checkpointId: string, paths?: string[]): Promise<RestorePlan> {
    const target = await this.get(checkpointId);
    const rel = toRepoPaths(this.folder, paths);
    const current = await this.captureNow();
    const plan = await this.reading(() => planRestore(this.repo, target, current, rel));
    const touched = new Set([...plan.write, ...plan.delete]);
    const userEdits = (await this.editsSince(checkpointId, current)).filter((c) => touched.has(c.path));
    return { ...plan, userEdits };
  }

  async restore(checkpointId: string, options: { paths?: string[]; sessionId: string; chatId?: string }): Promise<RestoreResult> {
    if (!options.sessionId) throw new BadRequestError("A restore needs pi's session id.");
    const target = await this.get(checkpointId);
    const rel = toRepoPaths(this.folder, options.paths);
    const who = { sessionId: options.sessionId, chatId: options.chatId };
    const undo = await this.checkpoint({ ...who, kind: "rewind", label: `Before restoring: ${target.label}` });
    if (undo.notice) throw new CheckpointGoneError(checkpointId, "the store was damaged and has been started anew");
    let applied: Awaited<ReturnType<typeof applyRestore>>;
    try {
      const plan = await this.reading(() => planRestore(this.repo, target, undo.id, rel));
      applied = await this.reading(() => applyRestore(this.repo, target, plan));
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new RestoreIncompleteError((err as Error).message, undo.id); // e.g. a file it may not write
    } finally {
      // Closes the restore on the timeline (its changes are not the user's), unless the store is damaged (the next checkpoint says so).
      if (!this.suspect) await this.checkpoint({ ...who, kind: "restored", label: `Restored: ${target.label}` });
    }
    return { ...applied, undo };
  }

  userEdits(sinceCheckpointId: string): Promise<FileChange[]> {
    return this.editsSince(sinceCheckpointId, undefined);
  }

  /** userEdits, with the work tree's capture when the caller already has one. */
  private async editsSince(sinceCheckpointId: string, worktreeTree: string | undefined): Promise<FileChange[]> {
    await this.get(sinceCheckpointId);
    const timeline = this.state.read().timeline;
    // Not on the timeline (a store that lost it): every change since may be the user's.
    const gaps = timeline.some((t) => t.id === sinceCheckpointId) ? userEditGaps(timeline, sinceCheckpointId) : [{ from: sinceCheckpointId, to: "worktree" }];
    const merged = new Map<string, FileChange>();
    let worktree = worktreeTree;
    for (const gap of gaps) {
      if (gap.to === "worktree" && !worktree) worktree = await this.captureNow();
      const to = gap.to === "worktree" ? (worktree as string) : gap.to;
      for (const c of await this.reading(() => diffTrees(this.repo.git, gap.from, to))) merged.set(c.path, c);
    }
    return [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  timeline(sessionId?: string): TimelinePoint[] {
    const all = this.state.read().timeline;
    return sessionId === undefined ? all : all.filter((t) => t.sessionId === sessionId);
  }

  async bind(sessionId: string, entryId: string, checkpointId: string): Promise<void> {
    if (!isObjectId(checkpointId) || !entryId) throw new BadRequestError("bind needs an entry id and a checkpoint id.");
    await this.state.update((s) => {
      session(s, sessionId).bindings[entryId] = checkpointId;
    });
  }

  /** The content a file's hunks are shown against: the checkpoint's, or what Keep moved it to. */
  async reviewBase(checkpointId: string, file: string): Promise<Buffer | undefined> {
    const rel = toRepoPath(this.folder, file);
    const kept = this.state.read().reviews[checkpointId]?.[rel];
    if (kept === null) return undefined;
    if (kept) return this.reading(async () => (await this.repo.git.run(["cat-file", "blob", kept])).stdout);
    return this.fileAt(checkpointId, rel);
  }

  async setReviewBase(checkpointId: string, file: string, content: Buffer | undefined): Promise<void> {
    const rel = toRepoPath(this.folder, file);
    await this.get(checkpointId);
    let blob: string | null = null;
    if (content !== undefined) {
      blob = await this.reading(() => this.repo.git.text(["hash-object", "-w", "--stdin"], { input: content }));
      writeLooseRef(this.repo.gitDir, REVIEW_REF_PREFIX + blob, blob); // keeps it through gc
    }
    await this.state.update((s) => {
      const reviews = s.reviews[checkpointId] ?? {};
      s.reviews[checkpointId] = reviews;
      reviews[rel] = blob;
    });
  }

  async forgetSession(sessionId: string): Promise<void> {
    await this.pruneWith(Number.POSITIVE_INFINITY, [sessionId]);
  }

  /** Keeps the checkpoints of the `keepSessions` most recently used pi sessions; packs the store. */
  prune(keepSessions: number): Promise<PruneResult> {
    return this.pruneWith(keepSessions, []);
  }

  private async pruneWith(keep: number, forget: string[]): Promise<PruneResult> {
    const done = await this.state.update((s) => {
      const plan = planPrune(s, keep, forget);
      const reviewBlobs = new Set<string>();
      for (const cp of plan.removedCheckpoints) for (const b of Object.values(s.reviews[cp] ?? {})) if (b) reviewBlobs.add(b);
      applyPrune(s, plan);
      for (const r of Object.values(s.reviews)) for (const b of Object.values(r)) if (b) reviewBlobs.delete(b);
      return { plan, reviewBlobs };
    });
    this.cleanTmp();
    if (!this.repo.exists()) return { removedSessions: done.plan.removedSessions, removedCheckpoints: done.plan.removedCheckpoints.size };
    // Only refs the plan removed: a ref without a timeline entry may belong to a checkpoint being taken right now.
    const refs = [...[...done.plan.removedCheckpoints].map((id) => CHECKPOINT_REF_PREFIX + id), ...[...done.reviewBlobs].map((b) => REVIEW_REF_PREFIX + b)];
    if (refs.length > 0) await this.repo.git.run(["update-ref", "--stdin"], { input: refs.map((r) => `delete ${r}\n`).join("") });
    const counts = await this.repo.git.text(["count-objects", "-v"]);
    const count = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, "m").exec(counts)?.[1] ?? 0);
    if (refs.length > 0 || count("count") > LOOSE_OBJECTS_BEFORE_GC || count("packs") > PACKS_BEFORE_GC) await this.compact();
    return { removedSessions: done.plan.removedSessions, removedCheckpoints: done.plan.removedCheckpoints.size };
  }

  /** Packs the store (deltas across checkpoints) and drops unreachable objects older than the grace period. */
  async compact(): Promise<void> {
    if (!this.repo.exists()) return;
    await this.repo.git.run(["gc", "--quiet", `--prune=${PRUNE_GRACE}`]).catch((err: unknown) => {
      if (!(err instanceof GitError && /already running/.test(err.stderr))) throw err; // another window is packing it
    });
  }

  /** Creates the store if needed; starts it anew if it was deleted under us or a read found it damaged. Returns a notice then. */
  private async prepare(): Promise<string | undefined> {
    if (!this.repo.exists()) {
      const hadCheckpoints = this.tookAny || this.state.read().timeline.length > 0;
      if (hadCheckpoints) return this.reset("missing (deleted, or its HEAD, objects or refs are gone)");
      await this.repo.ensure();
      return undefined;
    }
    if (this.suspect) {
      const check = await this.repo.git.run(["fsck", "--no-progress", "--no-dangling"], { okCodes: [1, 2, 3, 4, 5, 6, 7, 8] }).catch((e: Error) => ({ code: 99, stderr: e.message }));
      const detail = this.suspect;
      this.suspect = undefined;
      if (check.code !== 0) return this.reset(`damaged (${detail})`);
    }
    await this.repo.ensure();
    return undefined;
  }

  private async reset(why: string): Promise<string> {
    await this.repo.recreate();
    await this.state.update((s) => {
      s.timeline = [];
      s.reviews = {};
      s.resets.push({ at: Date.now(), reason: `the store was ${why}` });
    });
    return `The checkpoint store of this folder was ${why}; a new one was started with this checkpoint. Earlier checkpoints cannot be restored.`;
  }

  private resetNote(): string {
    const last = this.lastReset();
    return last ? `; ${last.reason} on ${new Date(last.at).toISOString()}` : "";
  }

  /** A capture of the folder as it is now (a tree, no checkpoint), for diffs against the work tree. */
  private async captureNow(): Promise<string> {
    if (!this.repo.exists()) throw new StoreDamagedError("its repository is missing");
    return this.reading(async () => (await captureTree(this.repo, this.maxFileBytes)).tree);
  }

  /** Runs a read; git's damage messages become StoreDamagedError (and a check before the next checkpoint). */
  private async reading<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (isDamage(err)) {
        this.suspect = firstLine(err);
        throw new StoreDamagedError(this.suspect);
      }
      throw err;
    }
  }

  private cleanTmp(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.repo.tmpDir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const n of names) {
      const p = path.join(this.repo.tmpDir, n);
      try {
        if (now - fs.lstatSync(p).mtimeMs > TMP_MAX_AGE_MS) fs.rmSync(p, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
    }
  }
}

function isDamage(err: unknown): err is GitError {
  return err instanceof GitError && err.looksLikeDamage;
}

function firstLine(err: GitError): string {
  return err.stderr.trim().split("\n")[0] ?? err.message;
}
