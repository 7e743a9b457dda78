// How a review action changes a file, per face. VS Code applies WorkspaceEdits to the open
// document (so Ctrl+Z undoes them and unsaved edits elsewhere in it stay); the server writes
// the file on disk. Both read the file as the user sees it: VS Code an open editor's text
// (unsaved edits included), the server the disk. Paths are absolute, already checked to be in
// the workspace folder (requestPaths.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import type { TextEdit } from "../checkpoints";

export interface FileEditor {
  /** Its changes can be undone (VS Code's Ctrl+Z): then a revert over the user's own edits needs no question. */
  readonly undoable: boolean;
  /** The file as the user sees it; undefined when it does not exist. Throws for what is no regular file. */
  read(absolute: string): Promise<Buffer | undefined>;
  /** Whether an editor holds unsaved changes of the file (a whole-file revert must not replace them). */
  unsaved(absolute: string): boolean;
  /** Replaces one range of `expected` (the text `read` gave, UTF-16 offsets); refuses if the file is no longer `expected`. */
  replace(absolute: string, expected: string, edit: TextEdit): Promise<void>;
  /** Gives the file this content (creating it, and its folders, when missing). */
  write(absolute: string, content: Buffer): Promise<void>;
  delete(absolute: string): Promise<void>;
}

/** Why a review action did nothing: shown as it is (the action is refused with it). */
export class ReviewConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReviewConflict";
  }
}

export const CHANGED_MEANWHILE = "The file changed while the change was being applied; nothing was changed. Look at it again.";

/** Reads a regular file without following a link in its last component; undefined when absent. */
export async function readRegularFile(absolute: string): Promise<Buffer | undefined> {
  let handle: fs.promises.FileHandle;
  try {
    // O_NONBLOCK: a FIFO put in its place must not hang the host.
    handle = await fs.promises.open(absolute, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new ReviewConflict("It is a symbolic link: review it with Rewind, which restores links as links.");
    throw err;
  }
  try {
    if (!(await handle.stat()).isFile()) throw new ReviewConflict("It is not a regular file.");
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The server's face: the file on disk, written in place (its inode, mode and hard links stay). */
export const diskEditor: FileEditor = {
  undoable: false,
  read: readRegularFile,
  unsaved: () => false,
  async replace(absolute, expected, edit) {
    const now = await readRegularFile(absolute);
    if (now === undefined || now.toString("utf8") !== expected) throw new ReviewConflict(CHANGED_MEANWHILE);
    await writeInPlace(absolute, Buffer.from(expected.slice(0, edit.offset) + edit.text + expected.slice(edit.offset + edit.length), "utf8"));
  },
  write: writeInPlace,
  async delete(absolute) {
    const st = await fs.promises.lstat(absolute).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory()) throw new ReviewConflict("A folder stands where the file was; it is left alone.");
    await fs.promises.unlink(absolute);
  },
};

async function writeInPlace(absolute: string, content: Buffer): Promise<void> {
  await fs.promises.mkdir(path.dirname(absolute), { recursive: true });
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(absolute, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") throw new ReviewConflict("It is a symbolic link now; nothing was written.");
    throw err;
  }
  try {
    if (!(await handle.stat()).isFile()) throw new ReviewConflict("It is not a regular file; nothing was written.");
    await handle.truncate(0);
    await handle.write(content, 0, content.length, 0);
  } finally {
    await handle.close();
  }
}
