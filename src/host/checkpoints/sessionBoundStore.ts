// What both checkpoint stores (shadow git, per-file snapshots) do alike: the bindings of pi's
// session entries to checkpoints, kept in the store's state file, and its reset history.
import { adopt, bindPending, lookup } from "./sessions";
import type { StoreState } from "./storeState";
import type { Checkpoint, SessionEntryLike } from "./types";

export abstract class SessionBoundStore {
  protected abstract readonly state: StoreState;
  abstract get(id: string): Promise<Checkpoint>;

  bindEntries(sessionId: string, entries: SessionEntryLike[]): Promise<Array<{ entryId: string; checkpointId: string }>> {
    return this.state.update((s) => bindPending(s, sessionId, entries));
  }

  /** The checkpoint before that entry; undefined if none was ever bound, CheckpointGoneError if it was lost. */
  async checkpointFor(sessionId: string, entryId: string): Promise<Checkpoint | undefined> {
    const id = lookup(this.state.read(), sessionId, entryId);
    return id ? this.get(id) : undefined;
  }

  bindingOf(sessionId: string, entryId: string): string | undefined {
    return lookup(this.state.read(), sessionId, entryId);
  }

  async adoptFork(childSessionId: string, parentSessionId: string, entryIds: string[]): Promise<void> {
    await this.state.update((s) => adopt(s, childSessionId, parentSessionId, entryIds));
  }

  /** When the store was last started anew, and why: the reason its lost checkpoints are given. */
  lastReset(): { at: number; reason: string } | undefined {
    return this.state.read().resets.at(-1);
  }
}
