// Review hunks: the places where a file differs from its review base (the checkpoint's content,
// moved forward by every hunk the user kept). Pure: text in, text out; the VS Code layer turns a
// result into a WorkspaceEdit on the open document, so Ctrl+Z undoes it and unsaved edits
// elsewhere in the document stay.
//
// A hunk's id comes from its content and the base lines around it, not from line numbers: it
// stays the same when the file changes elsewhere, and it no longer exists when the user edited
// those lines (or the ones next to them) — then Keep/Revert refuse instead of guessing.
import { createHash } from "node:crypto";
import { diffArrays } from "diff";

/** Myers' diff is O(N·D); past this a rewritten file is one hunk instead of a stalled host. */
const DIFF_TIMEOUT_MS = 1000;

export interface Hunk {
  id: string;
  /** 0-based first line in the base, and the base's lines there (each with its line ending). */
  baseStart: number;
  baseLines: string[];
  /** 0-based first line in the current text, and its lines there. An empty list: a deletion before that line. */
  currentStart: number;
  currentLines: string[];
}

/** A replacement in the current text, in UTF-16 offsets (what TextDocument.positionAt takes). */
export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

export type HunkResult = { text: string; edit: TextEdit } | { conflict: string };
export type KeepResult = { base: string } | { conflict: string };

const NO_LONGER_MATCHES = "This change no longer matches the file: its lines were edited after pi changed them. Nothing was changed.";

/** Lines with their endings kept ("\n" or "\r\n"); the last may have none. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function hunkId(base: string[], start: number, removed: string[], added: string[]): string {
  const before = base[start - 1] ?? "\u0000start";
  const after = base[start + removed.length] ?? "\u0000end";
  return createHash("sha1").update(JSON.stringify([before, removed, added, after])).digest("hex").slice(0, 16);
}

/** The hunks that turn `base` into `current`, top to bottom. */
export function computeHunks(base: string, current: string): Hunk[] {
  const a = splitLines(base);
  const b = splitLines(current);
  if (base === current) return [];
  const changes = diffArrays(a, b, { timeout: DIFF_TIMEOUT_MS });
  const hunks: Hunk[] = [];
  const seen = new Map<string, number>();
  const push = (baseStart: number, removed: string[], currentStart: number, added: string[]) => {
    let id = hunkId(a, baseStart, removed, added);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if (n > 0) id = `${id}-${n}`; // identical change with identical surroundings: told apart by order
    hunks.push({ id, baseStart, baseLines: removed, currentStart, currentLines: added });
  };
  if (!changes) {
    push(0, a, 0, b);
    return hunks;
  }
  let ai = 0;
  let bi = 0;
  let pending: { baseStart: number; currentStart: number; removed: string[]; added: string[] } | undefined;
  const flush = () => {
    if (pending) push(pending.baseStart, pending.removed, pending.currentStart, pending.added);
    pending = undefined;
  };
  for (const c of changes) {
    const lines = c.value;
    if (!c.added && !c.removed) {
      flush();
      ai += lines.length;
      bi += lines.length;
      continue;
    }
    pending ??= { baseStart: ai, currentStart: bi, removed: [], added: [] };
    if (c.removed) {
      pending.removed.push(...lines);
      ai += lines.length;
    } else {
      pending.added.push(...lines);
      bi += lines.length;
    }
  }
  flush();
  return hunks;
}

function find(base: string, current: string, id: string): Hunk | undefined {
  return computeHunks(base, current).find((h) => h.id === id);
}

function offsetOfLine(lines: string[], line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i].length;
  return offset;
}

/** Undoes one hunk in the current text: its lines go back to the base's. */
export function revertHunk(base: string, current: string, hunk: string | Hunk): HunkResult {
  const h = find(base, current, typeof hunk === "string" ? hunk : hunk.id);
  if (!h) return { conflict: NO_LONGER_MATCHES };
  const lines = splitLines(current);
  const offset = offsetOfLine(lines, h.currentStart);
  const length = h.currentLines.reduce((n, l) => n + l.length, 0);
  const text = h.baseLines.join("");
  return { text: current.slice(0, offset) + text + current.slice(offset + length), edit: { offset, length, text } };
}

/** Accepts one hunk: the review base takes the current lines there, so the hunk is no longer shown. */
export function keepHunk(base: string, current: string, hunk: string | Hunk): KeepResult {
  const h = find(base, current, typeof hunk === "string" ? hunk : hunk.id);
  if (!h) return { conflict: NO_LONGER_MATCHES };
  const lines = splitLines(base);
  return { base: [...lines.slice(0, h.baseStart), ...h.currentLines, ...lines.slice(h.baseStart + h.baseLines.length)].join("") };
}

/** Git's own test for "binary": a NUL byte in the first 8000 bytes. */
export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

export type FileRevert = { kind: "none" } | { kind: "delete" } | { kind: "create"; content: Buffer } | { kind: "write"; content: Buffer };

/**
 * Reverting a whole file: one pi created is deleted, one pi deleted comes back, a changed one
 * gets the base's content. `base` undefined: the file did not exist at the checkpoint.
 */
export function planFileRevert(base: Buffer | undefined, current: Buffer | undefined): FileRevert {
  if (base === undefined) return current === undefined ? { kind: "none" } : { kind: "delete" };
  if (current === undefined) return { kind: "create", content: base };
  return base.equals(current) ? { kind: "none" } : { kind: "write", content: base };
}
