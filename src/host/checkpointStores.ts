// One checkpoint store per workspace folder, shared by every chat on that folder and opened
// lazily (the first message of the first chat there). Opening also prunes the store to the
// sessions the settings keep. Whether git is used depends on the PATH the chat runs with, as
// pi's own bash would find it; without git the store is the guard's snapshot fallback.
import { openCheckpointStore, type CheckpointStoreApi } from "./checkpoints";
import type { Logger } from "./piProcess";

export interface CheckpointOptions {
  /** Parent of every folder's store: <globalStorage>/checkpoints (VS Code), <data dir>/checkpoints (server). */
  storesRoot: string;
  /** Files larger than this are not captured (setting; default 5 MB). Read when a store is opened. */
  maxFileBytes?: () => number;
  /** How many pi sessions keep their checkpoints (setting; default 20). */
  keepSessions?: () => number;
}

export interface OpenedCheckpoints {
  store: CheckpointStoreApi;
  /** Set only for the no-git fallback: what it cannot restore (shown once per chat). */
  notice: string | undefined;
}

export const DEFAULT_KEEP_SESSIONS = 20;

export class CheckpointStores {
  private readonly opened = new Map<string, Promise<OpenedCheckpoints>>();

  constructor(
    readonly options: CheckpointOptions,
    private readonly log: Logger,
  ) {}

  /** The folder's store; a failure to open is not remembered (the next message tries again). */
  forFolder(folder: string, env: NodeJS.ProcessEnv): Promise<OpenedCheckpoints> {
    const maxFileBytes = this.options.maxFileBytes?.();
    // A changed size limit or a PATH with(out) git is another store object on the same files.
    const key = JSON.stringify([folder, maxFileBytes ?? null, env.PATH ?? ""]);
    let pending = this.opened.get(key);
    if (!pending) {
      pending = this.open(folder, env, maxFileBytes);
      this.opened.set(key, pending);
      pending.catch(() => this.opened.delete(key));
    }
    return pending;
  }

  private async open(folder: string, env: NodeJS.ProcessEnv, maxFileBytes: number | undefined): Promise<OpenedCheckpoints> {
    const { store, notice } = await openCheckpointStore({ folder, storesRoot: this.options.storesRoot, env, maxFileBytes });
    const keep = this.options.keepSessions?.() ?? DEFAULT_KEEP_SESSIONS;
    // Packing and pruning may take a while on a big store: never in the way of the first message.
    setTimeout(() => {
      store.prune(Math.max(1, keep)).then(
        (r) => r.removedCheckpoints && this.log("info", `checkpoints of ${folder}: pruned ${r.removedCheckpoints} of ${r.removedSessions.length} old pi sessions`),
        (err: unknown) => this.log("warn", `could not prune the checkpoints of ${folder}: ${String(err)}`),
      );
    }, 2_000).unref();
    return { store, notice };
  }
}
