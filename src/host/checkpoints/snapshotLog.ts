// The fallback store's record (no git): every write/edit pi made, in order, with the file's
// content before and after it, copied out of the guard's snapshot files (piGuard/snapshots.ts)
// into content-addressed blobs, so the record outlives the chat's snapshot directory.
// Layout under the store directory: snapshots.json (this log), blobs/<sha256>, state.json.
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ABSENT_MARKER, MAX_SNAPSHOT_BYTES, TOO_LARGE_MARKER, snapshotKey, snapshotPath } from "../../piGuard/snapshotFormat";
import { withLock } from "./storeState";

/** A file's content at one moment: absent, too large to have been kept, or a blob. */
export type Image = { kind: "absent" } | { kind: "tooLarge" } | { kind: "blob"; sha: string };

export interface LoggedChange {
  seq: number;
  path: string;
  before: Image;
  after: Image;
}

export interface SnapshotLogData {
  version: 1;
  nextSeq: number;
  /** checkpoint id → the sequence number it was taken at (changes after it have a larger one). */
  checkpoints: Record<string, number>;
  changes: LoggedChange[];
}

function isLogData(v: unknown): v is SnapshotLogData {
  if (typeof v !== "object" || v === null) return false;
  const d = v as Record<string, unknown>;
  return d.version === 1 && typeof d.nextSeq === "number" && typeof d.checkpoints === "object" && Array.isArray(d.changes);
}

export class SnapshotLog {
  readonly file: string;
  readonly blobDir: string;
  private readonly lockDir: string;

  constructor(readonly storeDir: string) {
    this.file = path.join(storeDir, "snapshots.json");
    this.blobDir = path.join(storeDir, "blobs");
    this.lockDir = path.join(storeDir, "lock");
  }

  read(): SnapshotLogData {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, "utf8"));
      if (isLogData(parsed)) return parsed;
    } catch {
      // missing or unreadable: an empty log (the store's checkpoints are then gone, and said so)
    }
    return { version: 1, nextSeq: 1, checkpoints: {}, changes: [] };
  }

  update<T>(change: (log: SnapshotLogData) => T): Promise<T> {
    return withLock(this.lockDir, () => {
      const log = this.read();
      const result = change(log);
      fs.mkdirSync(this.storeDir, { recursive: true });
      const tmp = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(log));
      fs.renameSync(tmp, this.file);
      return result;
    });
  }

  /** Stores bytes as a blob (content-addressed: storing the same content twice costs nothing). */
  putBlob(content: Buffer): Image {
    const sha = createHash("sha256").update(content).digest("hex");
    const file = path.join(this.blobDir, sha);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(this.blobDir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
      fs.writeFileSync(tmp, content, { mode: 0o600 });
      fs.renameSync(tmp, file);
    }
    return { kind: "blob", sha };
  }

  /** The bytes of an image; undefined for "absent"; throws for "tooLarge" or a lost blob. */
  bytes(image: Image): Buffer | undefined {
    if (image.kind === "absent") return undefined;
    if (image.kind === "tooLarge") throw new Error(`it was over ${MAX_SNAPSHOT_BYTES / 1024 / 1024} MB when pi changed it, so no copy was kept`);
    try {
      return fs.readFileSync(path.join(this.blobDir, image.sha));
    } catch {
      throw new Error("its saved copy is missing from the checkpoint store");
    }
  }

  /** The image of a file on disk now; `keep` stores its bytes (for an undo), else only its hash is taken. */
  imageOfFile(absolute: string, keep = false): Image {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(absolute);
    } catch {
      return { kind: "absent" };
    }
    if (!st.isFile()) return { kind: "absent" };
    if (st.size > MAX_SNAPSHOT_BYTES) return { kind: "tooLarge" };
    const bytes = fs.readFileSync(absolute);
    return keep ? this.putBlob(bytes) : { kind: "blob", sha: createHash("sha256").update(bytes).digest("hex") };
  }

  /** One side of a tool call's snapshot as the guard left it; undefined when the guard kept none. */
  readGuardSnapshot(snapshotDir: string, toolCallId: string, side: "before" | "after"): Image | undefined {
    const file = snapshotPath(snapshotDir, snapshotKey(toolCallId), side);
    let bytes: Buffer;
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile() || st.size > MAX_SNAPSHOT_BYTES) return st.isFile() ? { kind: "tooLarge" } : undefined;
      bytes = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    if (bytes.length < 64) {
      const small = bytes.toString("latin1");
      if (small === ABSENT_MARKER) return { kind: "absent" };
      if (small === TOO_LARGE_MARKER) return { kind: "tooLarge" };
    }
    return this.putBlob(bytes);
  }

  /** Deletes blobs no change record or review base names any more (a young one may belong to a change being recorded). */
  collectBlobs(keep: Set<string>, minAgeMs = 60 * 60 * 1000): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.blobDir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const n of names) {
      if (keep.has(n) || n.endsWith(".tmp")) continue;
      const file = path.join(this.blobDir, n);
      try {
        if (now - fs.statSync(file).mtimeMs >= minAgeMs) fs.rmSync(file, { force: true });
      } catch {
        // gone meanwhile
      }
    }
  }
}

export function sameImage(a: Image, b: Image): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== "blob" || (b.kind === "blob" && a.sha === b.sha);
}
