// The host's side of the guard's snapshot files (see piGuard/snapshotFormat.ts): one private
// directory per chat, read when a write/edit finishes and when VS Code opens a diff, and
// removed with the chat.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { decodeSnapshot, isSnapshotKey, MAX_SNAPSHOT_BYTES, snapshotKey, snapshotPath, type Snapshot, type SnapshotSide } from "../piGuard/snapshotFormat";

export interface SnapshotPair {
  before: Snapshot;
  after: Snapshot;
}

/** What the transcript builder needs: the pair of one tool call, if both were kept. */
export interface SnapshotReader {
  pair(toolCallId: string): SnapshotPair | undefined;
}

export class ToolSnapshots implements SnapshotReader {
  private constructor(readonly dir: string) {}

  /** A fresh directory under the system temp dir, readable by this user only (mkdtemp makes it 0700). */
  static create(parent: string = os.tmpdir()): ToolSnapshots {
    return new ToolSnapshots(fs.mkdtempSync(path.join(parent, "pi-vscode-snapshots-")));
  }

  /** The snapshot file of one side, by the key the guard named it with. */
  read(key: string, side: SnapshotSide): Snapshot | undefined {
    if (!isSnapshotKey(key)) return undefined;
    const file = snapshotPath(this.dir, key, side);
    try {
      // Only a plain file the guard wrote: not a link something else put there (pi's bash can
      // write here too), and nothing bigger than the guard ever writes.
      const stat = fs.lstatSync(file);
      if (!stat.isFile()) return undefined;
      if (stat.size > MAX_SNAPSHOT_BYTES) return { kind: "tooLarge" };
      return decodeSnapshot(fs.readFileSync(file));
    } catch {
      return undefined;
    }
  }

  pair(toolCallId: string): SnapshotPair | undefined {
    const key = snapshotKey(toolCallId);
    const before = this.read(key, "before");
    const after = before && this.read(key, "after");
    return before && after ? { before, after } : undefined;
  }

  /** Deletes the directory and everything in it (the chat is gone). */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The two images of a file a write/edit changed, for a diff editor. */
export interface ToolChange {
  /** The path argument as pi was given it. */
  path: string;
  /** Name of the snapshot files (see piGuard/snapshotFormat.ts). */
  key: string;
}
