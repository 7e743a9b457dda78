// state.json of a store: which pi session entries each checkpoint precedes, the timeline that
// tells pi's changes from the user's, and the review bases of kept hunks. Several chats (and the
// VS Code window next to the standalone server) may share a store, so every change is a
// read-modify-write under a lock directory, written to a temporary file and renamed into place:
// a reader without the lock always sees a whole file.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { TimelinePoint } from "./types";

export interface SessionRecord {
  /** When a checkpoint was last taken or bound for it (pruning keeps the most recent sessions). */
  lastUsed: number;
  /** The session it was forked from, if adoptFork said so. */
  parent?: string;
  /** pi entry id (the user message or `!command` a checkpoint precedes) → checkpoint id. */
  bindings: Record<string, string>;
}

/** A checkpoint on the timeline as stored: what `timeline()` lists, as it lists it. */
export type TimelineEntry = TimelinePoint;

export interface StoreStateData {
  version: 1;
  sessions: Record<string, SessionRecord>;
  /** Every checkpoint of the store, oldest first. */
  timeline: TimelineEntry[];
  /** checkpoint id → path → object name of the reviewed base (null: the file counts as absent). */
  reviews: Record<string, Record<string, string | null>>;
  /** When the store had to be started anew, and why: the reason a lost checkpoint is given. */
  resets: Array<{ at: number; reason: string }>;
}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

export function emptyState(): StoreStateData {
  return { version: 1, sessions: {}, timeline: [], reviews: {}, resets: [] };
}

function isStateData(value: unknown): value is StoreStateData {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.version === 1 && typeof v.sessions === "object" && Array.isArray(v.timeline) && typeof v.reviews === "object" && Array.isArray(v.resets);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Runs `work` while holding the lock directory (mkdir is atomic across processes). A holder that
 * died leaves its lock behind; nothing holds it for more than a few milliseconds, so an old one is stale.
 */
export async function withLock<T>(lockDir: string, work: () => T): Promise<T> {
  const started = Date.now();
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    try {
      if (Date.now() - fs.statSync(lockDir).mtimeMs > LOCK_STALE_MS) fs.rmSync(lockDir, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`the checkpoint store is locked (${lockDir}); another window may be stuck`);
    await sleep(5 + Math.random() * 10);
  }
  try {
    return work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

export class StoreState {
  private readonly lockDir: string;

  constructor(readonly file: string) {
    this.lockDir = path.join(path.dirname(file), "lock");
  }

  /** The current state (no lock: files are replaced whole). An unreadable file is set aside and reported. */
  read(): StoreStateData {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch {
      return emptyState();
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isStateData(parsed)) return parsed;
    } catch {
      // fall through
    }
    const state = emptyState();
    state.resets.push({ at: Date.now(), reason: "the store's list of checkpoints (state.json) was unreadable" });
    return state;
  }

  /** Applies `change` to the state under the store's lock and writes it back. */
  async update<T>(change: (state: StoreStateData) => T): Promise<T> {
    return withLock(this.lockDir, () => {
      const state = this.read();
      const result = change(state);
      this.write(state);
      return result;
    });
  }

  private write(state: StoreStateData): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, this.file);
  }

}
