// The fallback when git is not on PATH: checkpoints built from the guard's before/after copies
// of the files pi's write and edit tools change. A checkpoint is a position in that record; the
// way back to it is, per file pi touched after it, the copy from just before pi's first change.
// What it cannot do is said once in the chat (LIMITATION): changes by shell commands, files over
// the guard's 2 MB limit, and anything a tool did not touch are not recorded.
import * as fs from "node:fs";
import * as path from "node:path";
import { diffLines } from "diff";
import { expandLikePi } from "../../piGuard/paths";
import { BadRequestError, CheckpointGoneError, PathRejectedError } from "./errors";
import { isBinary } from "./hunks";
import { toRepoPath, toRepoPaths } from "./requestPaths";
import { applyPrune, planPrune, session } from "./sessions";
import { sameImage, SnapshotLog, type Image, type LoggedChange } from "./snapshotLog";
import { SessionBoundStore } from "./sessionBoundStore";
import { StoreState } from "./storeState";
import type { Checkpoint, CheckpointRequest, CheckpointStoreApi, FileChange, KeptFile, PruneResult, RestorePlan, RestoreResult, TimelinePoint } from "./types";

export const LIMITATION =
  "checkpoints cover only the files pi changes with its write and edit tools (up to 2 MB each). " +
  "Changes made by shell commands (pi's bash and your !commands, including files they delete) and your own edits to other files are not recorded and cannot be restored. Install git 2.32 or newer to get full checkpoints.";

export class SnapshotCheckpointStore extends SessionBoundStore implements CheckpointStoreApi {
  readonly kind = "snapshots" as const;
  /** One sentence for the chat: why this store, and what it cannot restore. */
  readonly limitation: string;
  readonly folder: string;
  private readonly log: SnapshotLog;
  protected readonly state: StoreState;

  /** `why`: the reason git is not used (probeGit's answer). */
  constructor(folder: string, storeDir: string, why = "git was not found on PATH") {
    super();
    const reason = why.charAt(0).toUpperCase() + why.slice(1);
    this.limitation = `${reason}, so ${LIMITATION}`;
    this.folder = fs.realpathSync(folder);
    this.log = new SnapshotLog(storeDir);
    this.state = new StoreState(path.join(storeDir, "state.json"));
  }

  /** Nothing to ready: a checkpoint here reads no files. */
  async warm(): Promise<void> {}

  /**
   * Records one finished write/edit (call it on tool_execution_end): copies the guard's snapshot
   * files of that tool call. `toolPath` is the path argument as pi got it.
   */
  async recordToolChange(snapshotDir: string, toolCallId: string, toolPath: string): Promise<boolean> {
    let rel: string;
    try {
      rel = toRepoPath(this.folder, expandLikePi(toolPath, this.folder));
    } catch (err) {
      if (err instanceof PathRejectedError) return false; // the guard refused it: nothing changed there
      throw err;
    }
    const before = this.log.readGuardSnapshot(snapshotDir, toolCallId, "before");
    const after = this.log.readGuardSnapshot(snapshotDir, toolCallId, "after");
    if (!before || !after) return false;
    await this.log.update((l) => {
      l.changes.push({ seq: l.nextSeq++, path: rel, before, after });
    });
    return true;
  }

  async checkpoint(request: CheckpointRequest): Promise<Checkpoint> {
    if (!request.sessionId) throw new BadRequestError("A checkpoint needs pi's session id.");
    const createdAt = request.at ?? Date.now();
    const id = await this.log.update((l) => {
      const cpId = `fs-${l.nextSeq}-${createdAt.toString(36)}`;
      l.checkpoints[cpId] = l.nextSeq++;
      return cpId;
    });
    await this.state.update((s) => {
      s.timeline.push({ id, at: createdAt, kind: request.kind, sessionId: request.sessionId, chatId: request.chatId, label: request.label });
      session(s, request.sessionId, createdAt);
    });
    return { id, createdAt, kind: request.kind, label: request.label ?? request.kind, sessionId: request.sessionId, chatId: request.chatId, skipped: [] };
  }

  async get(id: string): Promise<Checkpoint> {
    const t = this.state.read().timeline.find((e) => e.id === id);
    if (!t || this.log.read().checkpoints[id] === undefined) throw new CheckpointGoneError(String(id), "it is not in this folder's checkpoint record (pruned, or the record was deleted)");
    return { id, createdAt: t.at, kind: t.kind, label: t.label ?? t.kind, sessionId: t.sessionId, chatId: t.chatId, skipped: [] };
  }

  /** Per path: the image before pi's first change after `from`, and the last change up to `to`. */
  private span(from: string, to: string | "worktree", paths?: string[]): Map<string, { first: LoggedChange; last: LoggedChange }> {
    const l = this.log.read();
    const lo = l.checkpoints[from];
    const hi = to === "worktree" ? Number.POSITIVE_INFINITY : l.checkpoints[to];
    if (lo === undefined) throw new CheckpointGoneError(from, "it is not in this folder's checkpoint record");
    if (hi === undefined) throw new CheckpointGoneError(to, "it is not in this folder's checkpoint record");
    const only = paths ? new Set(paths) : undefined;
    const out = new Map<string, { first: LoggedChange; last: LoggedChange }>();
    for (const c of l.changes) {
      if (c.seq <= lo || c.seq >= hi || (only && !only.has(c.path))) continue;
      const seen = out.get(c.path);
      out.set(c.path, { first: seen?.first ?? c, last: c });
    }
    return out;
  }

  async changes(from: string, to: string | "worktree", paths?: string[]): Promise<FileChange[]> {
    const result: FileChange[] = [];
    for (const [p, { first, last }] of this.span(from, to, toRepoPaths(this.folder, paths))) {
      const end: Image = to === "worktree" ? this.log.imageOfFile(path.join(this.folder, p)) : last.after;
      if (sameImage(first.before, end)) continue;
      result.push(this.describe(p, first.before, end));
    }
    return result.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  private describe(p: string, before: Image, after: Image): FileChange {
    const status = before.kind === "absent" ? "added" : after.kind === "absent" ? "deleted" : "modified";
    const a = this.safeBytes(before);
    const b = this.safeBytes(after);
    if (a === null || b === null || (a && isBinary(a)) || (b && isBinary(b))) return { path: p, status, additions: 0, deletions: 0, binary: true };
    let additions = 0;
    let deletions = 0;
    for (const c of diffLines(a?.toString("utf8") ?? "", b?.toString("utf8") ?? "", { timeout: 1000 }) ?? []) {
      if (c.added) additions += c.count ?? 0;
      else if (c.removed) deletions += c.count ?? 0;
    }
    return { path: p, status, additions, deletions, binary: false };
  }

  /** Bytes, undefined (absent) or null (not kept: too large, lost). */
  private safeBytes(image: Image): Buffer | undefined | null {
    try {
      return this.log.bytes(image);
    } catch {
      return null;
    }
  }

  async fileAt(checkpointId: string, file: string): Promise<Buffer | undefined> {
    const rel = toRepoPath(this.folder, file);
    const hit = this.span(checkpointId, "worktree", [rel]).get(rel);
    if (!hit) return fs.existsSync(path.join(this.folder, rel)) ? fs.readFileSync(path.join(this.folder, rel)) : undefined; // pi's tools did not touch it since
    try {
      return this.log.bytes(hit.first.before);
    } catch (err) {
      throw new CheckpointGoneError(checkpointId, `${rel}: ${(err as Error).message}`);
    }
  }

  async previewRestore(checkpointId: string, paths?: string[]): Promise<RestorePlan> {
    await this.get(checkpointId);
    const plan: RestorePlan = { write: [], delete: [], keep: [], userEdits: [] };
    for (const [p, { first, last }] of this.span(checkpointId, "worktree", toRepoPaths(this.folder, paths))) {
      const now = this.log.imageOfFile(path.join(this.folder, p));
      if (sameImage(first.before, now)) continue;
      if (this.safeBytes(first.before) === null) plan.keep.push({ path: p, reason: "no copy of it from before pi changed it was kept (over 2 MB)" });
      else if (first.before.kind === "absent") plan.delete.push(p);
      else plan.write.push(p);
      if (!sameImage(last.after, now)) plan.userEdits.push(this.describe(p, last.after, now));
    }
    return plan;
  }

  async restore(checkpointId: string, options: { paths?: string[]; sessionId: string; chatId?: string }): Promise<RestoreResult> {
    const target = await this.get(checkpointId);
    const plan = await this.previewRestore(checkpointId, options.paths);
    const who = { sessionId: options.sessionId, chatId: options.chatId };
    const undo = await this.checkpoint({ ...who, kind: "rewind", label: `Before restoring: ${target.label}` });
    const kept: KeptFile[] = [...plan.keep];
    const restored: string[] = [];
    const deleted: string[] = [];
    const span = this.span(checkpointId, undo.id);
    const records: Array<Omit<LoggedChange, "seq">> = [];
    for (const p of [...plan.write, ...plan.delete]) {
      try {
        toRepoPath(this.folder, p); // a folder on the way may have become a link out of the workspace since
      } catch (err) {
        kept.push({ path: p, reason: (err as Error).message });
        continue;
      }
      const absolute = path.join(this.folder, p);
      const now = this.log.imageOfFile(absolute, true); // kept: "Undo rewind" puts it back
      const then = span.get(p)?.first.before;
      if (!then) continue;
      const bytes = this.log.bytes(then);
      if (bytes === undefined) {
        fs.rmSync(absolute, { force: true });
        deleted.push(p);
      } else {
        fs.mkdirSync(path.dirname(absolute), { recursive: true });
        fs.writeFileSync(absolute, bytes);
        restored.push(p);
      }
      records.push({ path: p, before: now, after: then });
    }
    // The restore's own changes, after the undo checkpoint: restoring that checkpoint undoes them.
    await this.log.update((l) => {
      for (const r of records) l.changes.push({ seq: l.nextSeq++, ...r });
    });
    await this.checkpoint({ ...who, kind: "restored", label: `Restored: ${target.label}` });
    return { restored, deleted, kept, undo };
  }

  /** Files pi changed since the checkpoint that are no longer as pi left them (someone else edited them). */
  async userEdits(sinceCheckpointId: string): Promise<FileChange[]> {
    return (await this.previewRestore(sinceCheckpointId)).userEdits;
  }

  timeline(sessionId?: string): TimelinePoint[] {
    const all = this.state.read().timeline;
    return sessionId === undefined ? all : all.filter((t) => t.sessionId === sessionId);
  }

  async bind(sessionId: string, entryId: string, checkpointId: string): Promise<void> {
    await this.state.update((s) => {
      session(s, sessionId).bindings[entryId] = checkpointId;
    });
  }

  async reviewBase(checkpointId: string, file: string): Promise<Buffer | undefined> {
    const rel = toRepoPath(this.folder, file);
    const kept = this.state.read().reviews[checkpointId]?.[rel];
    if (kept === null) return undefined;
    if (kept) return this.log.bytes({ kind: "blob", sha: kept });
    return this.fileAt(checkpointId, rel);
  }

  async setReviewBase(checkpointId: string, file: string, content: Buffer | undefined): Promise<void> {
    const rel = toRepoPath(this.folder, file);
    await this.get(checkpointId);
    const image = content === undefined ? undefined : this.log.putBlob(content);
    await this.state.update((s) => {
      const reviews = s.reviews[checkpointId] ?? {};
      s.reviews[checkpointId] = reviews;
      reviews[rel] = image?.kind === "blob" ? image.sha : null;
    });
  }

  async forgetSession(sessionId: string): Promise<void> {
    await this.pruneWith(Number.POSITIVE_INFINITY, [sessionId]);
  }

  prune(keepSessions: number): Promise<PruneResult> {
    return this.pruneWith(keepSessions, []);
  }

  private async pruneWith(keep: number, forget: string[]): Promise<PruneResult> {
    const { plan, reviews } = await this.state.update((s) => {
      const p = planPrune(s, keep, forget);
      applyPrune(s, p);
      return { plan: p, reviews: Object.values(s.reviews).flatMap((r) => Object.values(r)) };
    });
    const blobs = new Set(reviews.filter((b): b is string => typeof b === "string"));
    await this.log.update((l) => {
      for (const id of plan.removedCheckpoints) delete l.checkpoints[id];
      // Changes older than every remaining checkpoint can never be restored to: drop them.
      const oldest = Math.min(...Object.values(l.checkpoints));
      l.changes = l.changes.filter((c) => c.seq > oldest);
      for (const c of l.changes) for (const i of [c.before, c.after]) if (i.kind === "blob") blobs.add(i.sha);
    });
    this.log.collectBlobs(blobs);
    return { removedSessions: plan.removedSessions, removedCheckpoints: plan.removedCheckpoints.size };
  }
}
