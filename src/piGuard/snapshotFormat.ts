// The files the guard leaves for the host about a write/edit: the target's content just before
// the tool ran (`.before`) and just after (`.after`), in PI_VSCODE_SNAPSHOT_DIR. Shared by the
// writer (snapshots.ts, inside pi) and the reader (host/toolSnapshots.ts); no pi, no vscode.
//
// A snapshot file holds the target's raw bytes, or one of two markers when there are none to
// keep. Markers start with a NUL byte, which no text file has, so they cannot be mistaken for
// content worth diffing (a binary file that happens to equal one is shown as "binary" anyway).
import { createHash } from "node:crypto";
import * as path from "node:path";

/** Largest file kept whole; bigger ones get the TOO_LARGE marker (a diff of them is not useful in a chat). */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024;

export const ABSENT_MARKER = "\0pi-vscode:absent\0";
export const TOO_LARGE_MARKER = "\0pi-vscode:too-large\0";

export type SnapshotSide = "before" | "after";

/** The file name stem of a tool call's snapshots: sha1 of its id (pi's ids may hold any character). */
export function snapshotKey(toolCallId: string): string {
  return createHash("sha1").update(toolCallId).digest("hex");
}

export function isSnapshotKey(value: string): boolean {
  return /^[0-9a-f]{40}$/.test(value);
}

export function snapshotPath(dir: string, key: string, side: SnapshotSide): string {
  return path.join(dir, `${key}.${side}`);
}

/** What a snapshot file says about the target file. */
export type Snapshot =
  | { kind: "text"; text: string }
  | { kind: "absent" }
  | { kind: "tooLarge" }
  | { kind: "binary" };

export function decodeSnapshot(bytes: Buffer): Snapshot {
  if (bytes.length < 64) {
    const small = bytes.toString("latin1");
    if (small === ABSENT_MARKER) return { kind: "absent" };
    if (small === TOO_LARGE_MARKER) return { kind: "tooLarge" };
  }
  if (bytes.length > MAX_SNAPSHOT_BYTES) return { kind: "tooLarge" };
  if (bytes.includes(0)) return { kind: "binary" };
  return { kind: "text", text: bytes.toString("utf8") };
}
