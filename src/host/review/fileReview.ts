// Keep / Revert of a hunk, a file or a whole turn, and the diff a view shows: the same plans on
// both faces, applied through the face's FileEditor. A turn is named by the checkpoint taken
// before it; a file's hunks are against its review base (that checkpoint's content, moved
// forward by every Keep) and the file as the user sees it now. A hunk whose lines changed since
// no longer exists, so Revert and Keep refuse instead of guessing.
import * as path from "node:path";
import type { DiffHunk, FileDiff, ReviewOutcome } from "../../protocol/types";
import { BadRequestError, type Checkpoint, type CheckpointStoreApi, computeHunks, isBinary, keepHunk, planFileRevert, revertHunk, splitLines } from "../checkpoints";
import { toRepoPath } from "../checkpoints/requestPaths";
import { type FileEditor, ReviewConflict } from "./fileEditor";

export interface ReviewTarget {
  store: CheckpointStoreApi;
  /** The workspace folder's real path (what the store's paths are relative to). */
  folder: string;
  editor: FileEditor;
}

/** Unchanged lines shown around a hunk. */
const CONTEXT_LINES = 3;
/** Larger files are not diffed in a chat (the diff editor still shows them). */
const MAX_DIFF_BYTES = 2 * 1024 * 1024;
const MAX_HUNKS = 400;

type Side = { state: "text"; text: string } | { state: "absent" | "binary" | "tooLarge" | "unavailable" };

function sideOf(bytes: Buffer | undefined): Side {
  if (bytes === undefined) return { state: "absent" };
  if (bytes.length > MAX_DIFF_BYTES) return { state: "tooLarge" };
  if (isBinary(bytes)) return { state: "binary" };
  return { state: "text", text: bytes.toString("utf8") };
}

const textOf = (side: Side): string | undefined => (side.state === "text" ? side.text : side.state === "absent" ? "" : undefined);
const noEol = (line: string) => line.replace(/\r?\n$/, "");

/** The hunks from `base` to `current`, with context, as a view shows them. */
export function diffHunks(base: string, current: string): DiffHunk[] {
  const lines = splitLines(current);
  return computeHunks(base, current)
    .slice(0, MAX_HUNKS)
    .map((h) => ({
      id: h.id,
      baseLine: h.baseStart + 1,
      currentLine: h.currentStart + 1,
      removed: h.baseLines.map(noEol),
      added: h.currentLines.map(noEol),
      before: lines.slice(Math.max(0, h.currentStart - CONTEXT_LINES), h.currentStart).map(noEol),
      after: lines.slice(h.currentStart + h.currentLines.length, h.currentStart + h.currentLines.length + CONTEXT_LINES).map(noEol),
    }));
}

/** The checkpoint a turn started at; anything else (another kind, an unknown id) is refused. */
export async function requireTurn(store: CheckpointStoreApi, turnId: string): Promise<Checkpoint> {
  const cp = await store.get(turnId);
  if (cp.kind !== "turn-start") throw new BadRequestError("That checkpoint does not start a turn.");
  return cp;
}

/** The checkpoint that closed the turn (the same chat's next turn-end), or the work tree while it is open. */
export function turnEnd(store: CheckpointStoreApi, turnId: string): string | "worktree" {
  const timeline = [...store.timeline()].sort((a, b) => a.at - b.at);
  const at = timeline.findIndex((t) => t.id === turnId);
  if (at < 0) return "worktree";
  const who = (t: (typeof timeline)[number]) => t.chatId ?? t.sessionId;
  const end = timeline.slice(at + 1).find((t) => t.kind === "turn-end" && who(t) === who(timeline[at]));
  return end?.id ?? "worktree";
}

function locate(t: ReviewTarget, file: string): { rel: string; absolute: string } {
  const rel = toRepoPath(t.folder, file);
  return { rel, absolute: path.join(t.folder, ...rel.split("/")) };
}

async function current(t: ReviewTarget, absolute: string): Promise<Side> {
  try {
    return sideOf(await t.editor.read(absolute));
  } catch (err) {
    if (err instanceof ReviewConflict) return { state: "unavailable" };
    throw err;
  }
}

export async function fileDiff(t: ReviewTarget, turnId: string, file: string): Promise<FileDiff> {
  const { rel, absolute } = locate(t, file);
  await requireTurn(t.store, turnId);
  const base = sideOf(await t.store.reviewBase(turnId, rel));
  const now = await current(t, absolute);
  const [a, b] = [textOf(base), textOf(now)];
  return { path: rel, base: base.state, current: now.state, hunks: a !== undefined && b !== undefined ? diffHunks(a, b) : [] };
}

/** The base and current text of a file whose hunks are about to be kept or reverted. */
async function hunkTexts(t: ReviewTarget, turnId: string, file: string) {
  const { rel, absolute } = locate(t, file);
  await requireTurn(t.store, turnId);
  const baseBytes = await t.store.reviewBase(turnId, rel);
  const base = sideOf(baseBytes);
  const now = sideOf(await t.editor.read(absolute));
  if (now.state === "absent") throw new ReviewConflict("The file no longer exists: Revert file brings it back.");
  const [a, b] = [textOf(base), textOf(now)];
  if (a === undefined || b === undefined) throw new ReviewConflict("This file is binary or too large for hunks: use Revert file or Keep file.");
  return { rel, absolute, base: a, current: b, created: baseBytes === undefined };
}

export async function revertOneHunk(t: ReviewTarget, turnId: string, file: string, hunkId: string): Promise<ReviewOutcome> {
  const f = await hunkTexts(t, turnId, file);
  const hunks = computeHunks(f.base, f.current);
  if (f.created && hunks.length === 1 && hunks[0].id === hunkId) {
    // All of a file pi created: reverting it is deleting it.
    if (t.editor.unsaved(f.absolute)) throw new ReviewConflict("The file has unsaved changes in the editor; save or discard them first.");
    await t.editor.delete(f.absolute);
    return { files: [f.rel], skipped: [] };
  }
  const result = revertHunk(f.base, f.current, hunkId);
  if ("conflict" in result) throw new ReviewConflict(result.conflict);
  await t.editor.replace(f.absolute, f.current, result.edit);
  return { files: [f.rel], skipped: [] };
}

export async function keepOneHunk(t: ReviewTarget, turnId: string, file: string, hunkId: string): Promise<ReviewOutcome> {
  const f = await hunkTexts(t, turnId, file);
  const result = keepHunk(f.base, f.current, hunkId);
  if ("conflict" in result) throw new ReviewConflict(result.conflict);
  await t.store.setReviewBase(turnId, f.rel, Buffer.from(result.base, "utf8"));
  return { files: [f.rel], skipped: [] };
}

type Skip = ReviewOutcome["skipped"][number];

/** Files changed outside pi since the checkpoint: on the server a revert would overwrite them for good. */
async function editedOutsidePi(t: ReviewTarget, turnId: string, undoable: boolean): Promise<Set<string>> {
  if (undoable) return new Set();
  return new Set((await t.store.userEdits(turnId)).map((c) => c.path));
}

async function revertPath(t: ReviewTarget, turnId: string, file: string, edited: Set<string>): Promise<{ done?: string; skip?: Skip }> {
  const { rel, absolute } = locate(t, file);
  let now: Buffer | undefined;
  try {
    now = await t.editor.read(absolute);
  } catch (err) {
    if (err instanceof ReviewConflict) return { skip: { path: rel, reason: err.message } };
    throw err;
  }
  const plan = planFileRevert(await t.store.reviewBase(turnId, rel), now);
  if (plan.kind === "none") return { skip: { path: rel, reason: "It is as it was at the checkpoint already." } };
  if (t.editor.unsaved(absolute)) return { skip: { path: rel, reason: "It has unsaved changes in the editor; save or discard them first." } };
  if (edited.has(rel)) return { skip: { path: rel, reason: "It changed outside pi since the checkpoint (your edits, or a hunk reverted); reverting overwrites that.", userEdit: true } };
  try {
    if (plan.kind === "delete") await t.editor.delete(absolute);
    else await t.editor.write(absolute, plan.content);
  } catch (err) {
    if (err instanceof ReviewConflict) return { skip: { path: rel, reason: err.message } };
    throw err;
  }
  return { done: rel };
}

/** `undoable`: the face's edits can be undone (VS Code), so the user's own changes need no question. */
export async function revertFiles(t: ReviewTarget, turnId: string, files: string[], options: { overwrite?: boolean; undoable: boolean }): Promise<ReviewOutcome> {
  for (const file of files) locate(t, file); // every path is checked before anything else is looked at
  await requireTurn(t.store, turnId);
  const edited = options.overwrite ? new Set<string>() : await editedOutsidePi(t, turnId, options.undoable);
  const outcome: ReviewOutcome = { files: [], skipped: [] };
  for (const file of files) {
    const r = await revertPath(t, turnId, file, edited);
    if (r.done) outcome.files.push(r.done);
    if (r.skip) outcome.skipped.push(r.skip);
  }
  return outcome;
}

export async function keepFiles(t: ReviewTarget, turnId: string, files: string[]): Promise<ReviewOutcome> {
  for (const file of files) locate(t, file);
  await requireTurn(t.store, turnId);
  const outcome: ReviewOutcome = { files: [], skipped: [] };
  for (const file of files) {
    const { rel, absolute } = locate(t, file);
    try {
      await t.store.setReviewBase(turnId, rel, await t.editor.read(absolute));
      outcome.files.push(rel);
    } catch (err) {
      if (!(err instanceof ReviewConflict)) throw err;
      outcome.skipped.push({ path: rel, reason: err.message });
    }
  }
  return outcome;
}

/** The files a turn changed (its card's list). */
export async function turnFiles(store: CheckpointStoreApi, turnId: string): Promise<string[]> {
  await requireTurn(store, turnId);
  return (await store.changes(turnId, turnEnd(store, turnId))).map((c) => c.path);
}
